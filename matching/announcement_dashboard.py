"""The announcements a person got lately, at the top of their dashboard (a
``dashboard_extra`` block, imported by ``MatchingConfig.ready``): what the message log
sent them, so the page shows exactly what reached them."""

from datetime import timedelta

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from mm_program.models import Message

from .dashboard import dashboard_extra
from .models import Announcement
from .services.announcements import KIND

RECENT_DAYS = 60
SHOWN = 3


# After the blocks that ask the person to do something (a survey waiting, their cohort).
# After the blocks that ask the person to do something (a survey waiting, their cohort).
@dashboard_extra(place="top", template="matching/_announcements.html", position=10)
def recent_announcements(user) -> dict | None:
    """The newest announcements whose message the log holds for `user`: one query (the
    log names what a message is about as "matching.announcement:<pk>")."""
    sent_to_them = Message.objects.filter(
        user=user, kind=KIND, created_at__gte=timezone.now() - timedelta(days=RECENT_DAYS)
    ).values("about")
    shown = list(
        Announcement.objects.filter(sent_at__isnull=False)
        .annotate(log_key=Concat(Value(f"{Announcement._meta.label_lower}:"),
                                 Cast("pk", CharField())))
        .filter(log_key__in=sent_to_them)
        .select_related("program").order_by("-sent_at", "-pk")[:SHOWN])
    return {"announcements": shown} if shown else None
