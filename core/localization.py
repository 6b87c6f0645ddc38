"""Which language of a bilingual field a page shows."""
from django.utils.translation import get_language


def localized(obj, field):
    """The English name when the UI speaks English and one is set, else the Chinese one."""
    if (get_language() or "").startswith("en"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, f"{field}_zh")
