"""Registrants' data under the AVG (GDPR): export and erase one person's data, and anonymise
registrations some time after their netwerkdag while keeping the counts per organisation and session.
"""

import dataclasses
import datetime
import re

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from g40events import clock
from registrations.models import EmailLog, Registration, normalise_email
from registrations.services import delete_registration


def erase_person(*, email: str) -> int:
    """Erase everything stored about one e-mail address (AVG), freeing their places for the waiting lists.

    Returns the number of registrations erased. Side effects: promotion e-mails to others.
    """
    registrations = list(Registration.objects.for_email(email).exclude(email_normalised=""))
    traces = _Traces.of(registrations)
    for registration in registrations:
        delete_registration(registration=registration)
    traces.scrub_admin_history()
    return len(registrations)


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
        registrations = list(Registration.objects.filter(event__date__lte=cutoff, anonymised_at__isnull=True))
        ids = [registration.pk for registration in registrations]
        traces = _Traces.of(registrations)
        EmailLog.objects.filter(registration__in=ids).update(recipient="", error="")
        count = Registration.objects.filter(pk__in=ids).update(
            name="",
            email="",
            email_normalised="",
            organisation_name="",
            job_title="",
            dietary_needs="",
            accessibility_needs="",
            submission_key="",
            manage_key=Concat(Value("anonymised-"), Cast("pk", output_field=CharField())),
            anonymised_at=clock.now(),
        )
        traces.scrub_admin_history()
        _scrub_history_of_deleted_registrations()
        return count


def personal_models() -> tuple[type, ...]:
    """The models whose admin history (django_admin_log: object names, change messages) may name a
    registrant: registrations and every model that points at one (places, e-mails, and those of
    the apps above, such as check-ins and attendance at sessions), found through the reverse
    relations so that this module imports none of those apps."""
    return (Registration, *(relation.related_model for relation in Registration._meta.related_objects))


@dataclasses.dataclass
class _Traces:
    """What of some registrations the admin's history may hold: the entries about them and their
    e-mails and places, and their people's names, addresses and free-text organisations."""

    objects: dict[type, set[str]]
    texts: set[str]

    @classmethod
    def of(cls, registrations) -> "_Traces":
        ids = [registration.pk for registration in registrations]
        objects = {Registration: {str(pk) for pk in ids}}
        for relation in Registration._meta.related_objects:
            rows = relation.related_model._default_manager.filter(**{f"{relation.field.name}__in": ids})
            objects[relation.related_model] = {str(pk) for pk in rows.values_list("pk", flat=True)}
        texts = set()
        for registration in registrations:
            for text in (
                registration.name,
                registration.email,
                registration.email_normalised,
                registration.organisation_name,
                registration.job_title,
            ):
                # Texts too short to be told from ordinary words are left to the entries' ids.
                if len(text.strip()) >= MIN_TRACE_LENGTH:
                    texts.add(text.strip().lower())
        return cls(objects=objects, texts=texts)

    def scrub_admin_history(self) -> None:
        """Rewrite the admin history's entries about these registrations, and any other entry whose
        name or message holds one of their texts, so that none of it names the person."""
        condition = Q(pk__in=[])
        for model, ids in self.objects.items():
            if ids:
                content_type = ContentType.objects.get_for_model(model)
                condition |= Q(content_type=content_type, object_id__in=ids)
        if self.texts:
            pattern = re.compile("|".join(re.escape(text) for text in sorted(self.texts)))
            naming = [
                entry.pk
                for entry in LogEntry.objects.only("pk", "object_repr", "change_message").iterator()
                if pattern.search(entry.object_repr.lower()) or pattern.search(entry.change_message.lower())
            ]
            condition |= Q(pk__in=naming)
        _scrub(LogEntry.objects.filter(condition))


MIN_TRACE_LENGTH = 4


def _scrub(entries) -> None:
    """Entries name their object as it is now (anonymised) or, if it is gone, by kind and number;
    their change messages, which may quote what was typed, go."""
    for entry in entries.select_related("content_type"):
        model = entry.content_type.model_class()
        obj = model._default_manager.filter(pk=entry.object_id).first() if model else None
        if obj is not None and not (isinstance(obj, Registration) and not obj.anonymised_at):
            repr_now = str(obj)
        else:
            repr_now = f"{model._meta.verbose_name if model else entry.content_type.model} {entry.object_id}"
        LogEntry.objects.filter(pk=entry.pk).update(object_repr=repr_now[:200], change_message="")


def _scrub_history_of_deleted_registrations() -> None:
    """Entries about registrations, e-mails and places that were deleted since (an organiser's delete
    in the admin, an erasure): their names were the last of those people here."""
    for model in personal_models():
        content_type = ContentType.objects.get_for_model(model)
        existing = {str(pk) for pk in model._default_manager.values_list("pk", flat=True)}
        gone = [
            entry.pk
            for entry in LogEntry.objects.filter(content_type=content_type).only("pk", "object_id")
            if entry.object_id not in existing
        ]
        _scrub(
            LogEntry.objects.filter(pk__in=gone).exclude(
                change_message="", object_repr__startswith=str(model._meta.verbose_name)
            )
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
