"""The list of registrations as a CSV file that opens in Excel (an admin action)."""

import csv

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _


def csv_safe(value) -> str:
    """Keep a spreadsheet from reading a value as a formula (=, +, -, @ at the start)."""
    text = str(value or "")
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def registrations_csv(registrations) -> HttpResponse:
    """The registrations (with their places prefetched) as a semicolon-separated UTF-8 file."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="aanmeldingen-{stamp}.csv"'
    response.write("\ufeff")  # the byte order mark that makes Excel read UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Netwerkdag"),
            _("Naam"),
            _("E-mailadres"),
            _("Organisatie"),
            _("Functie"),
            _("Status"),
            _("Aangemeld op"),
            _("Sessies"),
            _("Wachtlijst"),
            _("Dieetwensen"),
            _("Toegankelijkheid"),
        ]
    )
    for registration in registrations.order_by("event__date", "created_at", "id"):
        places = list(registration.places.all())
        writer.writerow(
            [
                csv_safe(value)
                for value in [
                    registration.event.title,
                    registration.name,
                    registration.email,
                    registration.organisation_display,
                    registration.job_title,
                    registration.get_status_display(),
                    timezone.localtime(registration.created_at).strftime("%d-%m-%Y %H:%M"),
                    ", ".join(p.session.title for p in places if p.is_confirmed),
                    ", ".join(p.session.title for p in places if not p.is_confirmed),
                    registration.dietary_needs,
                    registration.accessibility_needs,
                ]
            ]
        )
    return response


def participation_csv(report) -> HttpResponse:
    """The participation report (registrations/participation.py) as one row per organisation and
    netwerkdag: every G40 city on every netwerkdag (also with nobody there), other organisations
    where they took part. Who came and who did not, and the attendance at sessions, read "niet
    geregistreerd" for a netwerkdag where the desk (or the sessions' doors) recorded nothing."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="deelname-per-organisatie.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Organisatie"),
            _("Soort"),
            _("Netwerkdag"),
            _("Datum"),
            _("Aangemeld"),
            _("Afgemeld"),
            _("Aanwezig (ingecheckt)"),
            _("Niet gekomen"),
            *[_("Plaatsen %(pillar)s") % {"pillar": pillar.name} for pillar in report.pillars],
            *[_("Aanwezig in sessies %(pillar)s") % {"pillar": pillar.name} for pillar in report.pillars],
        ]
    )
    unknown = _("niet geregistreerd")

    def known(value):
        return unknown if value is None else value

    for row in report.rows:
        for event in report.events:
            counts = row.counts(event.pk)
            if not row.is_g40 and not counts.signed_up:
                continue
            recorded = event.pk in report.attendance_events
            writer.writerow(
                [
                    csv_safe(row.name),
                    row.kind,
                    csv_safe(event.title),
                    event.date.isoformat(),
                    counts.registered,
                    counts.cancelled,
                    known(counts.attended),
                    known(counts.no_show),
                    *[row.places.get((event.pk, pillar.pk), 0) for pillar in report.pillars],
                    *[
                        known(row.present_at(event.pk, pillar.pk, recorded=recorded))
                        for pillar in report.pillars
                    ],
                ]
            )
    return response
