"""The site's clock.

A real deployment runs on the real clock. The demo sets SITE_DATE so that the site shows
the Deventer netwerkdag as just past and Dordrecht as coming up; the time of day stays real.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone

# The programme's clock times are wall-clock times in the Netherlands, whatever the server's zone.
TIME_ZONE = "Europe/Amsterdam"
TZ = zoneinfo.ZoneInfo(TIME_ZONE)


def now() -> datetime.datetime:
    current = timezone.now()
    if settings.SITE_DATE is None:
        return current
    local = timezone.localtime(current)
    return local.replace(
        year=settings.SITE_DATE.year, month=settings.SITE_DATE.month, day=settings.SITE_DATE.day
    )


def today() -> datetime.date:
    return timezone.localdate(now())


def local_datetime(date: datetime.date, time: datetime.time) -> datetime.datetime:
    """A date and clock time of the programme as a moment in Europe/Amsterdam."""
    return datetime.datetime.combine(date, time, tzinfo=TZ)
