"""Anonymous search statistics: what people look for and what finds nothing.

Only the normalized query text and per-day counters are stored -- never a user,
a session, an IP address or a time finer than the day -- so the table holds no
personal data about who searched.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_QUERY_LENGTH = 200


class QueryStat(models.Model):
    """How often one normalized query was searched on one day, and how often it found nothing."""

    day = models.DateField(_("日期"), db_index=True)
    text = models.CharField(_("搜索词"), max_length=MAX_QUERY_LENGTH)
    count = models.PositiveIntegerField(_("搜索次数"), default=0)
    zero_result_count = models.PositiveIntegerField(_("无结果次数"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "text"], name="unique_query_stat_day_text")]
        indexes = [models.Index(fields=["-count"], name="query_stat_count")]
        verbose_name = _("搜索词统计")
        verbose_name_plural = _("搜索词统计")

    def __str__(self):
        return f"{self.day} {self.text}"

    @property
    def found_nothing(self):
        return self.zero_result_count > 0
