"""Licences as catalogs state them -> our licence codes; one we cannot match is kept as the source's text.

Matched by URL (scheme, "www.", a trailing slash, "legalcode" or "deed.xx" ignored) and by name, versions
included: "CC BY 3.0", "cc-by-4.0", "https://creativecommons.org/licenses/by/4.0/", "Creative Commons
Attribution 4.0 International", CC0 and public domain marks, Open Data Commons, the UK's OGL and Taiwan's
open government data licence. A free-text statement (often HTML) is matched when the licence URLs it links
to name exactly one of our licences; otherwise it is kept as text and reported so.
"""
import re

from datasets.vocabularies import LICENCES

from . import cleaning
from .records import KEPT_AS_TEXT, MAPPED

TEXT_LIMIT = 300
# Only codes the portal seeds (datasets.vocabularies, by data migration) can be mapped onto.
KNOWN = {code for code, *_ in LICENCES}

URLS = {
    "creativecommons.org/publicdomain/zero/1.0": "cc0-1.0",
    "opendefinition.org/licenses/cc-zero": "cc0-1.0",
    "opendatacommons.org/licenses/odbl": "odc-odbl-1.0",
    "opendatacommons.org/licenses/odbl/1.0": "odc-odbl-1.0",
    "opendatacommons.org/licenses/odbl/1-0": "odc-odbl-1.0",
    "opendatacommons.org/licenses/by": "odc-by-1.0",
    "opendatacommons.org/licenses/by/1.0": "odc-by-1.0",
    "opendatacommons.org/licenses/by/1-0": "odc-by-1.0",
    "opendatacommons.org/licenses/pddl": "public-domain",
    "opendatacommons.org/licenses/pddl/1-0": "public-domain",
    "creativecommons.org/publicdomain/mark/1.0": "public-domain",
    "creativecommons.org/publicdomain/mark/1.0/other-pd": "public-domain",
    "usa.gov/publicdomain/label/1.0": "public-domain",
    "usa.gov/government-works": "public-domain",
    "nationalarchives.gov.uk/doc/open-government-licence/version/3": "ogl-uk-3.0",
    "data.gov.tw/license": "gov-open-data",
}
CC_URL = re.compile(r"^creativecommons\.org/licenses/(by(?:-nc)?(?:-sa|-nd)?)/(\d)\.(\d)(?:/[a-z]{2})?$")
URL_IN_TEXT = re.compile(r"""(?:https?://|www\.)[^\s"'<>]+""", re.IGNORECASE)

# Names, once spelled as tokens joined by "-" (see _name_key), -> our codes.
NAMES = {
    "cc0": "cc0-1.0", "cc0-1.0": "cc0-1.0", "cc-zero": "cc0-1.0", "cc-cc0-1.0": "cc0-1.0",
    "public-domain": "public-domain", "pddl": "public-domain", "odc-pddl": "public-domain",
    "odbl": "odc-odbl-1.0", "odbl-1.0": "odc-odbl-1.0", "odc-odbl": "odc-odbl-1.0", "odc-odbl-1.0": "odc-odbl-1.0",
    "open-database": "odc-odbl-1.0", "open-data-commons-open-database": "odc-odbl-1.0",
    "odc-by": "odc-by-1.0", "odc-by-1.0": "odc-by-1.0", "open-data-commons-by": "odc-by-1.0",
    "ogl": "ogl-uk-3.0", "ogl-uk": "ogl-uk-3.0", "ogl-uk-3.0": "ogl-uk-3.0", "ogl-3.0": "ogl-uk-3.0",
    "open-government-3.0": "ogl-uk-3.0", "uk-open-government-3.0": "ogl-uk-3.0",
}
CC_NAME = re.compile(r"^cc-(by(?:-nc)?(?:-sa|-nd)?)-(\d)(?:\.(\d))?$")
# Taiwan's licence is named, with its version, in Chinese ("政府資料開放授權條款-第1版").
NAME_FRAGMENTS = {"政府資料開放授權條款": "gov-open-data", "政府资料开放授权条款": "gov-open-data"}
WORDS = [
    (r"creative\s*commons", " cc "), (r"attribution", " by "), (r"non[\s-]*commercial", " nc "),
    (r"share[\s-]*alike", " sa "), (r"no[\s-]*deriv\w*", " nd "), (r"\bv(?=\d)", " "),
    (r"\([^)]*\)", " "), (r"\b(?:international|unported|generic|universal|licen[cs]e|version|dedication|mark)\b", " "),
]
EMPTY = {"", "none", "null", "n/a", "not specified"}


def _url_key(text):
    key = re.sub(r"^https?://(www\.)?", "", text.strip().lower()).split("#")[0].rstrip("/")
    return re.sub(r"/(legalcode(\.[a-z]{2})?|deed\.[a-z-]+)$", "", key)


def _by_url(text):
    key = _url_key(text)
    match = CC_URL.match(key)
    return f"cc-{match.group(1)}-{match.group(2)}.{match.group(3)}" if match else URLS.get(key)


def _name_key(text):
    text = text.lower()
    for pattern, replacement in WORDS:
        text = re.sub(pattern, replacement, text)
    return "-".join(re.findall(r"[a-z0-9]+(?:\.\d+)?", text))


def _by_name(text):
    key = _name_key(text)
    match = CC_NAME.match(key)
    if match:
        return f"cc-{match.group(1)}-{match.group(2)}.{match.group(3) or 0}"
    return NAMES.get(key) or next((code for fragment, code in NAME_FRAGMENTS.items() if fragment in text), None)


def code_for(value):
    """Our licence code for what a catalog says its licence is, or None."""
    text = str(value or "").strip()
    if not text:
        return None
    code = _by_url(text) if URL_IN_TEXT.fullmatch(text) else _by_name(text)
    if code is None and len(text) > 40:
        linked = {_by_url(url.rstrip(".,;)")) for url in URL_IN_TEXT.findall(text)} - {None}
        code = linked.pop() if len(linked) == 1 else None
    return code if code in KNOWN else None


def map_licence(record, value):
    """(our code or None, the source's text to keep) for Record.data; the outcome is noted on the record."""
    if str(value or "").strip().lower() in EMPTY:
        return None, ""
    code = code_for(value)
    if code:
        record.field_outcomes["licence"] = MAPPED
        return code, ""
    text, _ = cleaning.truncate(cleaning.plain_text(value)[0], TEXT_LIMIT)
    record.notes.append("licence not recognized (kept as text)")
    record.field_outcomes["licence"] = KEPT_AS_TEXT
    return None, text
