"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, check digit."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17):
    total = sum(ALPHABET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value):
    """Return the normalized code, or raise a ValidationError on field `credit_code`."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError({"credit_code": _("统一社会信用代码应为 18 位。")})
    if any(ch not in ALPHABET for ch in code):
        raise ValidationError({"credit_code": _("统一社会信用代码含有无效字符（不使用 I、O、S、V、Z）。")})
    if not code[2:8].isdigit():
        raise ValidationError({"credit_code": _("统一社会信用代码第 3 至 8 位应为行政区划代码。")})
    if check_character(code[:17]) != code[17]:
        raise ValidationError({"credit_code": _("统一社会信用代码校验位不正确。")})
    return code
