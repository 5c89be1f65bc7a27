"""Each person's private calendar feed: an iCalendar (RFC 5545) file at a secret address
their calendar app subscribes to, with their agreed meetings and their deadlines.

The address carries a signed token, not a stored secret: nobody (organizers included) can
read it from the database, and resetting it makes every earlier address fail at once
(``calendar_reset`` counts ``User.calendar_epoch`` up; the token names the epoch).

What goes in comes from the apps, as reminder rules and personal links do: each registers
a source, a function of the person that yields ``CalendarEvent``s::

    @calendar_source
    def _mentorship_events(user):
        for mentorship in Mentorship.objects.of_person(user).running():
            yield CalendarEvent(uid=f"mentorship-{mentorship.pk}-calls", ...)

The file is built by the ``icalendar`` library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import F
from icalendar import Calendar, Event, vRecur

User = get_user_model()

SALT = "mm_program.calendar"


@dataclass(frozen=True)
class CalendarEvent:
    """One entry of a person's calendar: a whole day (or days), once or repeating every
    ``every_weeks`` weeks until ``until``. ``uid`` must stay the same for the same thing
    from one download to the next, so calendar apps update an entry instead of adding
    another."""

    uid: str
    summary: str
    start: date
    stamp: datetime
    days: int = 1
    every_weeks: int | None = None
    until: date | None = None
    description: str = ""
    url: str = ""


SOURCES: list[Callable[[object], Iterable[CalendarEvent]]] = []


def calendar_source(fn: Callable[[object], Iterable[CalendarEvent]]):
    """Register a source of calendar entries (a function of the person)."""
    if fn not in SOURCES:
        SOURCES.append(fn)
    return fn


def calendar_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.calendar_epoch}, salt=SALT)


def calendar_user(token: str):
    """The active person whose current feed address this is, else None (a forged or
    altered token, an address since reset, an erased person)."""
    try:
        data = signing.loads(token, salt=SALT)
        return User.objects.get(pk=data["u"], calendar_epoch=data["e"], is_active=True)
    except (signing.BadSignature, KeyError, TypeError, User.DoesNotExist):
        return None


def calendar_reset(*, user) -> None:
    """Give the person a new feed address; the old one stops working."""
    User.objects.filter(pk=user.pk).update(calendar_epoch=F("calendar_epoch") + 1)
    user.refresh_from_db(fields=["calendar_epoch"])


def calendar_events(user) -> list[CalendarEvent]:
    return [event for source in SOURCES for event in source(user)]


def calendar_feed(user) -> bytes:
    """The person's calendar as an iCalendar file."""
    cal = Calendar()
    cal.add("prodid", f"-//{settings.SITE_NAME}//Mentorship calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", settings.SITE_NAME)
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    for item in calendar_events(user):
        event = Event()
        event.add("uid", f"{item.uid}@{domain}")
        event.add("dtstamp", item.stamp)
        event.add("summary", item.summary)
        event.add("dtstart", item.start)
        event.add("dtend", item.start + timedelta(days=item.days))
        # A whole-day reminder, not a meeting at a set hour: it doesn't block the day.
        event.add("transp", "TRANSPARENT")
        if item.every_weeks:
            rule = {"freq": "weekly", "interval": item.every_weeks}
            if item.until:
                rule["until"] = item.until
            event.add("rrule", vRecur(rule))
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        cal.add_component(event)
    return cal.to_ical()
