"""Registrants' data under the AVG (GDPR): export and erase one person's data, and anonymise
registrations some time after their netwerkdag while keeping the counts per organisation and session.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from g40events import clock
from registrations.models import EmailLog, Registration, normalise_email
from registrations.services import delete_registration


def erase_person(*, email: str) -> int:
    """Erase everything stored about one e-mail address (AVG), freeing their places for the waiting lists.

    Returns the number of registrations erased. Side effects: promotion e-mails to others.
    """
    count = 0
    for registration in Registration.objects.for_email(email).exclude(email_normalised=""):
        delete_registration(registration=registration)
        count += 1
    return count


def export_person(*, email: str) -> dict:
    """Everything stored about one e-mail address, for a request under the AVG."""
    registrations = (
        Registration.objects.for_email(email)
        .exclude(email_normalised="")
        .select_related("event", "organisation")
        .prefetch_related("places__session", "requested_sessions", "emails")
        .order_by("created_at")
    )

    def when(value):
        return value.isoformat() if value else None

    return {
        "email": normalise_email(email),
        "registrations": [
            {
                "netwerkdag": r.event.title,
                "datum": r.event.date.isoformat(),
                "status": r.get_status_display(),
                "naam": r.name,
                "e-mailadres": r.email,
                "organisatie": r.organisation_display,
                "functie": r.job_title,
                "dieetwensen": r.dietary_needs,
                "toegankelijkheidswensen": r.accessibility_needs,
                "akkoord_privacyverklaring": when(r.consented_at),
                "aangemeld_op": when(r.created_at),
                "afgemeld_op": when(r.cancelled_at),
                "sessies": [
                    {"sessie": p.session.title, "status": p.get_status_display()} for p in r.places.all()
                ]
                + [
                    {"sessie": s.title, "status": _("gekozen, nog zonder plaats")}
                    for s in r.requested_sessions.all()
                ],
                "e-mails": [
                    {
                        "soort": e.get_kind_display(),
                        "status": e.get_status_display(),
                        "op": when(e.created_at),
                    }
                    for e in r.emails.all()
                ],
            }
            for r in registrations
        ],
    }


def anonymise_registrations(*, after_days: int | None = None) -> int:
    """Anonymise the registrations of netwerkdagen that ended `after_days` days ago or longer.

    Names, addresses, job titles and needs are removed; the organisation, the status and the places
    stay, so the counts per organisation and per session remain. Old manage links stop working.
    Returns the number of registrations anonymised.
    """
    if after_days is None:
        after_days = settings.REGISTRATION_ANONYMISE_AFTER_DAYS
    cutoff = clock.today() - datetime.timedelta(days=after_days)
    with transaction.atomic():
        registrations = Registration.objects.filter(event__date__lte=cutoff, anonymised_at__isnull=True)
        ids = list(registrations.values_list("pk", flat=True))
        EmailLog.objects.filter(registration__in=ids).update(recipient="", error="")
        return Registration.objects.filter(pk__in=ids).update(
            name="",
            email="",
            email_normalised="",
            job_title="",
            dietary_needs="",
            accessibility_needs="",
            submission_key="",
            manage_key=Concat(Value("anonymised-"), Cast("pk", output_field=CharField())),
            anonymised_at=clock.now(),
        )


def delete_lapsed_signups() -> int:
    """Delete the sign-ups whose address was never confirmed in time (REGISTRATION_CONFIRM_HOURS).

    They hold no place, so nothing frees up; their data (perhaps typed in by a stranger) goes with
    their e-mail log. Returns the number deleted.
    """
    lapsed = Registration.objects.lapsed()
    count = lapsed.count()
    lapsed.delete()
    return count
