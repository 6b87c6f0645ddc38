"""What a catalog parser hands the loader, and the report of a run."""
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from datasets.models import UpdateFrequency

from . import cleaning

EXAMPLES_PER_REASON = 3

# What became of a field the source gave: ours now, kept as the source's own words, or lost (noted why).
MAPPED, KEPT_AS_TEXT, DROPPED = "mapped", "kept_as_text", "dropped"
FIELD_OUTCOMES = (MAPPED, KEPT_AS_TEXT, DROPPED)
# The mapping report's field for a dataset field the services refused (and the loader emptied).
REPORTED_FIELDS = {
    "licence": "licence", "licence_text": "licence", "issued": "issued", "source_modified": "modified",
    "contact_name": "contact", "contact_email": "contact",
}

# Nominal period of each of our frequencies, in days, to map catalog periods onto.
FREQUENCY_DAYS = [
    (UpdateFrequency.DAILY, 1), (UpdateFrequency.WEEKLY, 7), (UpdateFrequency.MONTHLY, 30),
    (UpdateFrequency.QUARTERLY, 91), (UpdateFrequency.SEMIANNUAL, 182), (UpdateFrequency.ANNUAL, 365),
]


def frequency_for_days(days):
    """The closest of our update frequencies to a period of `days` (under a day: realtime)."""
    if days < 1:
        return UpdateFrequency.REALTIME
    return min(FREQUENCY_DAYS, key=lambda pair: max(days, pair[1]) / min(days, pair[1]))[0]


@dataclass
class Record:
    """One catalog entry mapped to service input.

    `data` is what lifecycle.create_dataset/update_dataset take; `resources` are
    url resources ({name, description, url, format}); `notes` name the repairs
    made on the way; `skip` is why the entry cannot be imported at all and `error_field` the field it
    names ("" if none). `source_id` is the remote id, `original_url` the record's page at the source.
    `field_outcomes` says, per reported field (licence, issued, modified, formats, contact), what
    became of what the source gave; a field the source left empty has no outcome.
    """

    source_id: str
    identifier: str = ""
    organization_name: str = ""
    data: dict = field(default_factory=dict)
    resources: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    skip: str = ""
    error_field: str = ""
    original_url: str = ""
    field_outcomes: dict = field(default_factory=dict)
    # Set by the loader for a record read as Unparsed: the hash of its entry as the source wrote it.
    content_hash: str = ""

    def drop(self, data_field):
        """A dataset field the services refused was emptied: noted, and its reported field dropped."""
        self.notes.append(f"invalid {data_field} dropped")
        if data_field in REPORTED_FIELDS:
            self.field_outcomes[REPORTED_FIELDS[data_field]] = DROPPED


@dataclass
class Unparsed:
    """A remote entry not parsed yet (sources that stream JSON objects): its remote id and `fingerprint`
    (its canonical JSON) are cheap, and `parse()` (-> Record) is only called when the entry changed."""

    source_id: str
    fingerprint: str
    parse: Callable


def unparsed(entry, id_key, parse):
    """An Unparsed of a JSON object with its id at `id_key`; anything else parsed at once (to fail alone)."""
    raw_id = entry.get(id_key) if isinstance(entry, dict) else None
    if raw_id in (None, "") or isinstance(raw_id, dict | list):
        return parse(entry)
    fingerprint = json.dumps(entry, sort_keys=True, separators=(",", ":"), default=str)
    # Looked up as the parsed record's id is (control characters removed: PostgreSQL takes no NUL).
    source_id = cleaning.strip_controls(str(raw_id).strip())[0]
    return Unparsed(source_id=source_id, fingerprint=fingerprint, parse=lambda: parse(entry))


class Report:
    """Counts of a run plus, per skip reason and per repair, the first few examples."""

    OUTCOMES = ("created", "updated", "unchanged")

    def __init__(self, path="", catalog_format=""):
        self.path, self.format = str(path), catalog_format
        self.read = 0
        self.outcomes = Counter()
        self.skipped, self.notes = Counter(), Counter()
        self.skip_examples, self.note_examples = {}, {}
        self.fields = {}
        self.seconds = 0.0

    @staticmethod
    def _add(counter, examples, reason, example):
        counter[reason] += 1
        bucket = examples.setdefault(reason, [])
        if len(bucket) < EXAMPLES_PER_REASON:
            bucket.append(example)

    def skip(self, reason, example):
        self._add(self.skipped, self.skip_examples, reason, example)

    def note(self, reason, example):
        self._add(self.notes, self.note_examples, reason, example)

    def count(self, outcome):
        self.outcomes[outcome] += 1

    def count_fields(self, record):
        """Add a loaded record's field outcomes to the mapping counts."""
        for name, outcome in record.field_outcomes.items():
            self.fields.setdefault(name, Counter())[outcome] += 1

    @property
    def skipped_total(self):
        return sum(self.skipped.values())

    def summary(self):
        return "created {created}, updated {updated}, unchanged {unchanged}, skipped {skipped}".format(
            skipped=self.skipped_total, **{name: self.outcomes[name] for name in self.OUTCOMES}
        )

    def as_dict(self):
        def detailed(counter, examples):
            return {reason: {"count": count, "examples": examples[reason]} for reason, count in counter.most_common()}
        return {
            "file": self.path, "format": self.format, "read": self.read,
            **{name: self.outcomes[name] for name in self.OUTCOMES},
            "skipped": self.skipped_total, "seconds": round(self.seconds, 1),
            "skip_reasons": detailed(self.skipped, self.skip_examples),
            "repairs": detailed(self.notes, self.note_examples),
            "fields": {name: {outcome: counts[outcome] for outcome in FIELD_OUTCOMES}
                       for name, counts in sorted(self.fields.items())},
        }

    def as_json(self):
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)

    def as_table(self):
        lines = [f"{self.path} ({self.format}): {self.read} records read in {self.seconds:.1f} s"]
        for name in self.OUTCOMES:
            lines.append(f"  {name:<10} {self.outcomes[name]:>8}")
        lines.append(f"  {'skipped':<10} {self.skipped_total:>8}")
        for title, counter, examples in (
            ("Skipped, by reason", self.skipped, self.skip_examples),
            ("Repaired on the way (imported anyway)", self.notes, self.note_examples),
        ):
            if counter:
                lines.append("")
                lines.append(f"{title}:")
                lines.append(f"  {'count':>7}  reason  [first examples]")
                for reason, count in counter.most_common():
                    shown = ", ".join(str(example)[:80] for example in examples[reason])
                    lines.append(f"  {count:>7}  {reason}  [{shown}]")
        if self.fields:
            lines += ["", "What the source said, by field:",
                      f"  {'field':<10} {'mapped':>8} {'kept as text':>13} {'dropped':>8}"]
            for name, counts in sorted(self.fields.items()):
                lines.append(f"  {name:<10} {counts[MAPPED]:>8} {counts[KEPT_AS_TEXT]:>13} {counts[DROPPED]:>8}")
        return "\n".join(lines)
