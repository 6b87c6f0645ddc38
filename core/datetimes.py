"""What a date or datetime parameter may be: only what the database can store.

PostgreSQL takes UTC offsets up to ±15:59 and, in the portal's columns and in
Python, years 1-9999 once converted to UTC; a value outside that passes ISO
parsing but fails in the database. Every date and datetime query parameter is
read through the fields below (django-filter filters, forms, request bodies)
or, for the search query's days, check_storable_date: the rule lives here only.
"""
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

MAX_UTC_OFFSET = datetime.timedelta(hours=15, minutes=59)


def check_storable_datetime(value):
    """Raise ValidationError unless the aware or naive datetime `value` fits the database."""
    if timezone.is_naive(value):
        try:
            value = timezone.make_aware(value)
        except (OverflowError, ValueError):
            raise ValidationError(_("日期时间超出可存储的范围（公元 1 年至 9999 年）。"), code="out_of_range") from None
    offset = value.utcoffset()
    if abs(offset) > MAX_UTC_OFFSET:
        raise ValidationError(_("时区偏移应在 ±15:59 之内。"), code="invalid_offset")
    try:
        value.astimezone(datetime.timezone.utc)
    except OverflowError:
        raise ValidationError(_("日期时间超出可存储的范围（公元 1 年至 9999 年）。"), code="out_of_range") from None
    return value


def as_day(value):
    """A date from a date, a datetime or ISO text (None for None or ""); ValueError for anything else."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


def local_day_start(day):
    """The aware datetime at which `day` starts in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def check_storable_date(value):
    """A day is used as the span from its start to the next day's start in the portal's time zone."""
    try:
        next_day = value + datetime.timedelta(days=1)
    except OverflowError:
        raise ValidationError(_("日期超出可存储的范围（公元 1 年至 9999 年）。"), code="out_of_range") from None
    for day in (value, next_day):
        try:
            check_storable_datetime(local_day_start(day))
        except (OverflowError, ValueError, ValidationError):
            raise ValidationError(_("日期超出可存储的范围（公元 1 年至 9999 年）。"), code="out_of_range") from None
    return value


class StorableDateTimeField(forms.DateTimeField):
    """An ISO date or datetime the database can store."""

    def to_python(self, value):
        try:
            value = super().to_python(value)
        except OverflowError:
            raise ValidationError(_("日期时间超出可存储的范围（公元 1 年至 9999 年）。"), code="out_of_range") from None
        return None if value is None else check_storable_datetime(value)


class StorableDateField(forms.DateField):
    """A date whose day the database can store."""

    def to_python(self, value):
        value = super().to_python(value)
        return None if value is None else check_storable_date(value)


class StorableDateTimeSerializerField(serializers.DateTimeField):
    """The same rule for a datetime in a request body."""

    def enforce_timezone(self, value):
        # Checked as sent, before DRF moves it into the portal's time zone.
        try:
            check_storable_datetime(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return super().enforce_timezone(value)
