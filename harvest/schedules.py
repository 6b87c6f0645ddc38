"""When a source runs next: fixed intervals for the simple schedules, Celery's crontab for a cron expression.

Intervals count from the last run, so sources saved at different times do not all start at once;
a cron expression is read in the portal's time zone (TIME_ZONE).
"""
from datetime import timedelta

from celery.schedules import crontab
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict

from .models import HarvestSource, Schedule
from .services import jobs

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


def start_due_runs(now=None):
    """Queue a job for each active source whose next run has come, and move its next run on; returns how many.

    A source still busy with a job is moved on all the same (its turn is skipped, not stacked up).
    """
    now = now or timezone.now()
    started = 0
    due = HarvestSource.objects.filter(active=True, next_run_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            # Two beats at once: the second skips the source the first holds.
            source = HarvestSource.objects.select_for_update(skip_locked=True).filter(
                pk=pk, active=True, next_run_at__lte=now).first()
            if source is None:
                continue
            try:
                with transaction.atomic():
                    jobs.request_run(user=None, source=source)
                started += 1
            except Conflict:
                pass
            source.next_run_at = next_run_after(source, now)
            source.save(update_fields=["next_run_at"])
    return started
