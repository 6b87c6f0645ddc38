"""Field mappings shared by the catalog parsers; each notes on the record what it repaired."""
import re

from . import cleaning, formats
from .records import MAPPED, Record

TITLE_LIMIT = 300
DESCRIPTION_LIMIT = 50000
REGION_LIMIT = 200
NAME_LIMIT = 300
FORMAT_LIMIT = 30
URL_LIMIT = 2000
MAX_KEYWORDS = 50
KEYWORD_LIMIT = 100
HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)

def open_record(entry, id_key, title_key):
    """The opening every parser shares: (the entry, surrogates repaired; its Record; the entry's own id).

    The record's `skip` is set when the entry is not an object or has no id.
    """
    if not isinstance(entry, dict):
        return entry, Record(source_id=str(entry)[:80], skip="entry is not a JSON object"), ""
    entry, repaired = cleaning.repair_tree(entry)
    raw_id = str(entry.get(id_key) or "").strip()
    record = Record(source_id=raw_id or str(entry.get(title_key) or "")[:80])
    if repaired:
        record.notes.append("lone UTF-16 surrogates repaired")
    if not raw_id:
        record.skip, record.error_field = "missing identifier", "identifier"
    return entry, record, raw_id


def title(record, value):
    """The title within TITLE_LIMIT; the record is skipped without one."""
    value = text(record, value, TITLE_LIMIT, "title")
    if not value:
        record.skip, record.error_field = "missing title", "title"
    return value


def text(record, value, limit, label):
    """Plain text of a free-text value: HTML removed and length capped, both noted."""
    value, had_html = cleaning.plain_text(value)
    if had_html:
        record.notes.append(f"HTML removed from {label}")
    value, cut = cleaning.truncate(value, limit)
    if cut:
        record.notes.append(f"{label} truncated to {limit} characters")
    return value


def keywords(record, values):
    """Distinct non-empty keywords within our limits; a string is split on commas."""
    if isinstance(values, str):
        values = re.split(r"[,，;；]", values)
    result = []
    for value in values or []:
        value = cleaning.plain_text(value)[0] if isinstance(value, str) else str(value)
        if len(value) > KEYWORD_LIMIT:
            record.notes.append(f"keyword longer than {KEYWORD_LIMIT} characters dropped")
            continue
        if value and value not in result:
            result.append(value)
    if len(result) > MAX_KEYWORDS:
        record.notes.append(f"keywords beyond the first {MAX_KEYWORDS} dropped")
    return result[:MAX_KEYWORDS]


def contact(record, name, email=""):
    """The contact point's fields for Record.data ("mailto:" dropped); a name or an address is "mapped"."""
    values = {"contact_name": text(record, name, 200, "contact name"),
              "contact_email": re.sub(r"^mailto:", "", str(email or "").strip(), flags=re.IGNORECASE)}
    if values["contact_name"] or values["contact_email"]:
        record.field_outcomes["contact"] = MAPPED
    return values


def link(value):
    """A URL from a value that may be an HTML link instead of a bare URL."""
    value = str(value or "").strip()
    match = HREF.search(value) if "<" in value else None
    return match.group(1) if match else value


def resource(record, *, name, url, fmt, description=""):
    """Append a url resource unless its URL is missing or too long (noted); whether it was appended.

    The URL itself is validated by the loader, through the resource service.
    """
    url = link(url)
    if not url or len(url) > URL_LIMIT:
        record.notes.append("distribution without a usable URL dropped")
        return False
    if any(existing["url"] == url for existing in record.resources):
        return False
    fmt = str(fmt or "").strip().upper().lstrip(".")
    if len(fmt) > FORMAT_LIMIT:
        record.notes.append("over-long distribution format dropped")
        fmt = ""
    record.resources.append({
        "name": text(record, name, NAME_LIMIT, "resource name") or url[:NAME_LIMIT],
        "description": text(record, description, DESCRIPTION_LIMIT, "resource description"),
        "url": url,
        "format": fmt,
    })
    return True


# Han, kana, hangul and full-width forms: text holding none of them is not Chinese.
CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def distributions(record, items):
    """Add a record's distributions as url resources, each {name, url, label, media_type, description}:
    its format from formats.format_for, and the record's one "formats" outcome from theirs."""
    outcomes = []
    for item in items:
        url = link(item.get("url"))
        fmt, outcome = formats.format_for(item.get("label"), item.get("media_type"), url)
        if resource(record, name=item.get("name") or item.get("label") or fmt, url=url, fmt=fmt,
                    description=item.get("description") or ""):
            outcomes.append(outcome)
    formats.note_outcomes(record, outcomes)


def is_english(declared, *texts):
    """Whether an entry is in English: by its declared language (DCAT `language`, e.g. ["en-US"], or the
    reversed "us-EN" some catalogs write) when it has one, else when its texts hold no CJK character."""
    codes = declared if isinstance(declared, list) else [declared]
    codes = [str(code).strip().lower() for code in codes if code and str(code).strip()]
    if codes:
        return any("en" in code.replace("_", "-").split("-") for code in codes)
    return not any(CJK.search(text or "") for text in texts)


def fill_english(record, declared=None):
    """Copy an English entry's texts into the English fields of the dataset and its resources.

    The Chinese title is required and an English catalog has no Chinese text, so the Chinese fields
    keep the source's English text as they always did (Chinese pages show it as the catalog gave it);
    `title_en`, `description_en`, `keywords_en` and each resource's `name_en` and `description_en`
    hold the same text, so English pages and the API say it is English, not a fallback.
    """
    data = record.data
    if record.skip or not is_english(declared, data.get("title"), data.get("description")):
        return
    data.update(title_en=data["title"], description_en=data.get("description", ""),
                keywords_en=list(data.get("keywords") or []))
    for resource in record.resources:
        resource.update(name_en=resource["name"], description_en=resource["description"])
