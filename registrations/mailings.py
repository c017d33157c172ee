"""Messages from the organisers to a group of one netwerkdag's registrants.

A mailing is one Mailing row and one EmailLog row per recipient, written in one transaction; the
existing outbox (registrations.emails) sends them in batches by background tasks once it commits.
The body is Markdown, stored as sanitised HTML beside it; `{naam}` and `{link}` in it become the
recipient's name and personal link when each message is rendered.
"""

from django.db import models, transaction
from django.db.models import Q
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from g40events import clock
from g40events.text import plain_text
from registrations.emails import SWEEP_GRACE, send_on_commit
from registrations.models import EmailLog, Mailing, Place, Registration
from sessions.models import Session

NAME_PLACEHOLDER = "{naam}"
LINK_PLACEHOLDER = "{link}"


class Group(models.TextChoices):
    ALL = "all", _("Alle aangemelden van de netwerkdag")
    SESSIONS = "sessions", _("Deelnemers van de gekozen sessies")
    WAITING = "waiting", _("Wachtlijst van de gekozen sessies")
    ORGANISATION = "organisation", _("Aangemelden van één organisatie")
    PILLAR = "pillar", _("Deelnemers van de sessies van een pijler")
    THEME_GROUP = "theme_group", _("Deelnemers van de sessies van een themagroep")
    CAME = "came", _("Wie er was (binnengemeld bij de balie)")
    ABSENT = "absent", _("Wie niet kwam (niet binnengemeld bij de balie)")


def recipients(*, event, group, sessions=(), organisation=None, pillar=None, theme_group=None):
    """The registrations a group names: active, with an address, each once, ordered by name.

    Cancelled, unconfirmed and anonymised registrations never receive a mailing; a person on the
    waiting list has an active registration, so the waiting-list group reaches them. The participants
    (or waiting list) of a cancelled session are those who had a place in it (or waited) when it was
    cancelled.
    """
    base = (
        Registration.objects.active()
        .filter(event=event, anonymised_at__isnull=True)
        .exclude(email="")
        .order_by("name", "id")
    )
    places = Place.objects.filter(session__event=event)
    if group == Group.ALL:
        return base
    if group in (Group.SESSIONS, Group.WAITING):
        # A cancelled session has no places left: its people are those who had a place (or waited)
        # when it was cancelled, as the mails that told them record.
        confirmed = group == Group.SESSIONS
        chosen = (places.confirmed() if confirmed else places.waiting()).filter(session__in=sessions)
        told = EmailLog.objects.lost_to_cancellation().filter(
            session__in=sessions,
            kind=EmailLog.Kind.SESSION_CANCELLED if confirmed else EmailLog.Kind.SESSION_CANCELLED_WAITING,
        )
        return base.filter(
            Q(pk__in=chosen.values("registration_id")) | Q(pk__in=told.values("registration_id"))
        )
    elif group == Group.PILLAR:
        chosen = places.confirmed().filter(session__in=Session.objects.filter(event=event).for_pillar(pillar))
    elif group == Group.THEME_GROUP:
        chosen = places.confirmed().filter(session__theme_groups=theme_group)
    elif group == Group.ORGANISATION:
        return base.filter(organisation=organisation)
    elif group == Group.CAME:
        return base.filter(check_in__isnull=False)
    elif group == Group.ABSENT:
        return base.filter(check_in__isnull=True)
    else:
        raise ValueError(f"Unknown group {group!r}")
    return base.filter(pk__in=chosen.values("registration_id"))


def send_mailing(
    *, event, group_label: str, subject: str, body: str, registrations, created_by=None
) -> Mailing:
    """Record a mailing and one message per registration, in one transaction.

    Side effects: a Mailing row and an EmailLog row per recipient; tasks that send them are
    enqueued when the transaction commits (registrations.emails.send_on_commit).
    """
    with transaction.atomic():
        mailing = Mailing(event=event, group=group_label, subject=subject, body=body, created_by=created_by)
        mailing.save()
        now = clock.now()
        logs = EmailLog.objects.bulk_create(
            EmailLog(
                registration_id=registration_id,
                mailing=mailing,
                kind=EmailLog.Kind.MAILING,
                recipient=email,
                next_attempt_at=now + SWEEP_GRACE,
            )
            for registration_id, email in registrations.values_list("pk", "email")
        )
        mailing.recipient_count = len(logs)
        Mailing.objects.filter(pk=mailing.pk).update(recipient_count=mailing.recipient_count)
        send_on_commit([log.pk for log in logs])
    return mailing


def personal_text(body_html: str, registration) -> str:
    """The plain-text body for one recipient: the personal HTML as readable text (no Markdown marks;
    a link as "text (address)"), so that the text part says what the HTML part shows."""
    return plain_text(personal_html(body_html, registration))


def personal_html(body_html: str, registration) -> str:
    """The sanitised HTML body for one recipient: a link target `{link}` and a bare `{link}` become the
    personal link, `{naam}` the (escaped) name."""
    url = escape(registration.manage_url)
    html = str(body_html)
    for quoted in ('href="{link}"', 'href="%7Blink%7D"'):
        html = html.replace(quoted, f'href="{url}"')
    html = html.replace(LINK_PLACEHOLDER, f'<a href="{url}">{url}</a>')
    return html.replace(NAME_PLACEHOLDER, escape(registration.name))
