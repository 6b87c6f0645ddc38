"""Months as the evaluation counts them: "YYYY-MM", from the first day to the last, in the portal's time zone.

A month is kept as the date of its first day (EvaluationSnapshot.month); its
flows (calls, applications, searches) are counted from its first local midnight
to the next month's, or to now while it is still running.
"""
import re
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse(text):
    """The month "YYYY-MM" names, as its first day; ValueError (its message for people) otherwise."""
    match = MONTH.fullmatch(str(text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise ValueError(_("月份应为 YYYY-MM 格式，例如 2026-05。"))
    return date(int(match.group(1)), int(match.group(2)), 1)


def label(month):
    return f"{month:%Y-%m}"


def current(today=None):
    today = today or timezone.localdate()
    return today.replace(day=1)


def following(month):
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def preceding(month):
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def bounds(month):
    """(start, end) of the month as aware datetimes: its first local midnight and the next month's."""
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(month, time.min), zone),
            timezone.make_aware(datetime.combine(following(month), time.min), zone))
