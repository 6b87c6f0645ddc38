"""What the database search backend stores, and updates waiting for Elasticsearch.

`SearchEntry` is a denormalized copy of one dataset's search document: filter
and sort columns plus pre-tokenized text (see search.query.tokenize) that
PostgreSQL indexes as a tsvector and SQLite as an FTS5 table (both created in
migration 0001). `SearchTerm` holds the multi-valued facets (themes, keywords,
formats) one row per value, so counts are plain GROUP BYs on any database.
`SynonymGroup` and `SynonymListVersion` are the staff-edited synonym list and its history
(written only by search.synonyms).
"""
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    dataset = models.OneToOneField(
        "datasets.Dataset", on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    identifier = models.CharField(max_length=200)
    organization_id = models.BigIntegerField(db_index=True)
    organization_slug = models.CharField(max_length=100, db_index=True)
    state = models.CharField(max_length=20, db_index=True)
    open_grade = models.CharField(max_length=20, db_index=True)
    licence = models.CharField(max_length=80, blank=True, db_index=True)
    update_frequency = models.CharField(max_length=20, blank=True, db_index=True)
    region = models.CharField(max_length=200, blank=True, db_index=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    modified = models.DateTimeField(db_index=True)
    published_at = models.DateTimeField(null=True, db_index=True)
    temporal_start = models.DateField(null=True)
    temporal_end = models.DateField(null=True)
    bbox_west = models.FloatField(null=True)
    bbox_south = models.FloatField(null=True)
    bbox_east = models.FloatField(null=True)
    bbox_north = models.FloatField(null=True)
    download_count = models.PositiveBigIntegerField(default=0)
    # Dataset.metadata_score, for the quality facet and sort (nullable: SQLite adds it in place, see summary).
    metadata_score = models.PositiveSmallIntegerField(null=True, db_index=True)
    # Space-separated tokens, weighted title > keywords > the rest.
    title_tokens = models.TextField(blank=True)
    # The title's tokens with English words stemmed (search.stemming), the second exact-title key.
    title_stems = models.TextField(null=True)
    keyword_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)
    # PostgreSQL only (GIN-indexed in the migration); stays NULL on SQLite, which uses FTS5.
    search_vector = SearchVectorField(null=True)
    # What a result shows (search.summaries); stored, never searched. NULL in entries written before
    # it existed (nullable so SQLite adds the column in place, keeping the FTS triggers on this table).
    summary = models.JSONField(null=True)

    class Meta:
        indexes = [models.Index(fields=["title"], name="search_entry_title")]

    def __str__(self):
        return self.identifier


class SearchTerm(models.Model):
    """One value of a multi-valued facet of an entry."""

    class Facet(models.TextChoices):
        THEME = "theme"
        KEYWORD = "keyword"
        FORMAT = "format"

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="terms")
    facet = models.CharField(max_length=20, choices=Facet.choices)
    value = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "facet", "value"], name="unique_search_term")]
        indexes = [models.Index(fields=["facet", "value"], name="search_term_facet_value")]

    def __str__(self):
        return f"{self.facet}={self.value}"


class PendingIndexUpdate(models.Model):
    """A dataset whose Elasticsearch copy is stale because Elasticsearch was unreachable.

    Replayed by the `replay_pending_updates` task and `reconcile_search_index`.
    """

    dataset_id = models.BigIntegerField(unique=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return str(self.dataset_id)


class WithdrawnDataset(models.Model):
    """A dataset the index may still show more widely than the catalog now allows (re-graded,
    unpublished, deleted or moved to another organization) until a re-index confirms it.

    Every search answer leaves these out (search.withdrawals); the row's id orders it against
    the re-index that confirms it, so no clocks are compared.
    """

    dataset_id = models.BigIntegerField(unique=True)

    def __str__(self):
        return str(self.dataset_id)


class SearchWord(models.Model):
    """A word (letters only, normalized) that some indexed text holds, with its English stem.

    Written with every database index write (search.lexicon) and emptied by a full rebuild, so it
    may still hold words of datasets gone since: it only widens queries (stems, typo corrections),
    and every answer is still filtered for the viewer. `in_titles`: the word occurs in a title or a
    keyword, the vocabulary typo corrections and "did you mean" draw on.
    """

    word = models.CharField(max_length=100, primary_key=True)
    stem = models.CharField(max_length=100, db_index=True)
    in_titles = models.BooleanField(default=False)

    def __str__(self):
        return self.word


class SynonymGroup(models.Model):
    """Words and phrases a query treats as equivalent (公交 = 公共交通 = bus), on every backend."""

    terms = models.TextField(_("同义词"), help_text=_("两个或更多意思相同的词，用逗号、顿号或换行分隔，例如：公交, 公共交通, bus"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    active = models.BooleanField(_("已启用"), default=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    modified = models.DateTimeField(_("修改时间"), auto_now=True)
    modified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("修改人"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("同义词组")
        verbose_name_plural = _("同义词组")

    def __str__(self):
        return self.terms


class SynonymListVersion(models.Model):
    """The synonym list after one change: who, when, what, and every active group's normalized terms."""

    class Action(models.TextChoices):
        CREATED = "created", _("新增")
        CHANGED = "changed", _("修改")
        ACTIVATED = "activated", _("设为启用")
        DEACTIVATED = "deactivated", _("设为停用")
        DELETED = "deleted", _("已删除")

    number = models.PositiveIntegerField(_("版本号"), unique=True)
    created = models.DateTimeField(_("时间"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("操作人"))
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    # "#<group id> <its terms>": which group, in the words of the list itself (no language of its own).
    change = models.CharField(_("变更"), max_length=200)
    groups = models.JSONField(_("同义词表"), default=list)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("同义词表版本")
        verbose_name_plural = _("同义词表版本")

    def __str__(self):
        return f"v{self.number}"


class IndexedAnalysis(models.Model):
    """Which version of the text analysis (search.documents.ANALYSIS_VERSION) a backend's index was
    built with, so a rebuild knows when entries kept current by reconciling must be rebuilt instead."""

    backend = models.CharField(max_length=40, primary_key=True)
    version = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.backend}: {self.version}"
