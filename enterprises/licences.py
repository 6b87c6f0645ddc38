"""The business licence scan: a PDF or an image, judged by its bytes, within a size limit."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.exceptions import PayloadTooLarge
from core.uploads import SNIFF_BYTES, detect_format, safe_filename

LICENCE_FORMATS = {"PDF", "PNG", "JPEG"}
FIELD = "business_licence"


def check_business_licence(uploaded):
    """Refuse anything but a PDF/PNG/JPEG within ENTERPRISE_LICENCE_MAX_BYTES; errors name `business_licence`."""
    limit = settings.ENTERPRISE_LICENCE_MAX_BYTES
    if uploaded.size > limit:
        raise PayloadTooLarge(_("营业执照文件超过大小上限（%(limit)s 字节）。") % {"limit": limit}, field=FIELD)
    try:
        name = safe_filename(getattr(uploaded, "name", "") or "")
        uploaded.seek(0)
        head = uploaded.read(SNIFF_BYTES)
        uploaded.seek(0)
        detected, _media_type = detect_format(head, name)
    except ValidationError as error:
        raise ValidationError({FIELD: [m for messages in error.message_dict.values() for m in messages]}) from None
    if detected not in LICENCE_FORMATS:
        raise ValidationError({FIELD: _("营业执照只能是 PDF、PNG 或 JPEG 文件（上传的是 %(format)s）。")
                                      % {"format": detected}})
    return name
