"""Which language of a bilingual field a page or the API shows.

One rule for every bilingual field: the Chinese text is in `<field>_zh` when the
model has one (Theme.name_zh, Organization.name_zh), else in `<field>` itself
(Dataset.title, Resource.name, Organization.description); the English text is
in `<field>_en`. English is optional, and an empty English text is not set. The
text shown is the one in the requested language (the active one by default),
else the other one, so a field is never blank when either text exists; the
result says which language it is in, so pages and the API can say so.
"""
import re
from typing import NamedTuple

from django.utils.translation import get_language

CHINESE = "zh-hans"
ENGLISH = "en"


class LocalizedText(NamedTuple):
    text: object  # a str, or a list for keywords
    language: str  # CHINESE or ENGLISH: the language `text` is in
    fallback: bool  # True when `text` is not in the language asked for


def requested_language(language=None):
    """CHINESE or ENGLISH: the language asked for, the active one by default."""
    return ENGLISH if (language or get_language() or "").lower().startswith("en") else CHINESE


def chinese_field(obj, field):
    """The attribute holding the Chinese text of `field` on obj."""
    return f"{field}_zh" if hasattr(obj, f"{field}_zh") else field


def localized_text(obj, field, language=None):
    """`field` of obj in the requested language, else in the other one."""
    return chosen_text(getattr(obj, chinese_field(obj, field)), getattr(obj, f"{field}_en", ""), language)


def chosen_text(chinese, english, language=None):
    """The text of the two to show (localized_text, once the texts are read)."""
    return text_chooser(language)(chinese, english)


def text_chooser(language=None):
    """chosen_text with the language resolved once: a function of (chinese, english), for an answer
    that writes many texts in one language (the catalog list)."""
    wanted = requested_language(language)
    other = CHINESE if wanted == ENGLISH else ENGLISH
    in_chinese = wanted == CHINESE

    def choose(chinese, english):
        wanted_text, other_text = (chinese, english) if in_chinese else (english, chinese)
        if wanted_text or not other_text:
            return LocalizedText(wanted_text, wanted, False)
        return LocalizedText(other_text, other, True)
    return choose


# Han ideographs (with extension A and the compatibility block).
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def label_language(label):
    """The HTML `lang` of a label that has no language of its own (a facet value, a keyword, a
    query typed in): on a page in English, one written in Han characters is Chinese; else None,
    the page's language."""
    if requested_language() == ENGLISH and HAN.search(str(label)):
        return "zh-Hans"
    return None


def localized(obj, field):
    """The text of `field` the active language shows (localized_text without the language)."""
    return localized_text(obj, field).text


# The API's names of the two languages: the values of `?lang=` and of each answer's `language` object.
API_LANGUAGES = {"zh": CHINESE, "en": ENGLISH}
API_LANGUAGE_NAMES = {language: name for name, language in API_LANGUAGES.items()}


def api_languages(obj, fields, language=None):
    """{field: "zh" or "en"}: the language each localized field of obj is shown in."""
    return {field: API_LANGUAGE_NAMES[localized_text(obj, field, language).language] for field in fields}
