"""When a source runs next: fixed intervals for the simple schedules, Celery's crontab for a cron expression.

Intervals count from the last run, so sources saved at different times do not all start at once;
a cron expression is read in the portal's time zone (TIME_ZONE).
"""
from datetime import timedelta

from celery.schedules import crontab
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Schedule

INTERVALS = {Schedule.HOURLY: timedelta(hours=1), Schedule.DAILY: timedelta(days=1),
             Schedule.WEEKLY: timedelta(weeks=1)}


def parse_cron(expression):
    """A five-field cron expression (minute hour day-of-month month day-of-week) as a crontab;
    ValidationError naming `cron` otherwise."""
    fields = (expression or "").split()
    if len(fields) != 5:
        raise ValidationError({"cron": _("Cron 表达式应有 5 个字段：分 时 日 月 周。")})
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    try:
        return crontab(minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month_of_year,
                       day_of_week=day_of_week)
    except (ValueError, IndexError) as error:
        raise ValidationError({"cron": _("Cron 表达式无效：%(error)s") % {"error": error}}) from None


def next_run_after(source, moment):
    """The first time after `moment` the source is due, or None when it runs only by hand."""
    if source.schedule in INTERVALS:
        return moment + INTERVALS[source.schedule]
    if source.schedule == Schedule.CRON:
        start, delta, _now = parse_cron(source.cron).remaining_delta(moment, tz=settings.TIME_ZONE)
        return start + delta
    return None

