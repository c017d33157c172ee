"""The results of an evaluation as a CSV file that opens in Excel."""

import csv

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from registrations.exports import csv_safe
from surveys.models import RATINGS


def decimal_comma(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def results_csv(results) -> HttpResponse:
    """One row per rated thing (a question of the day, a session, a pillar) with the number of
    answers, the average and the count of each rating 1–5; then one row per open answer. Only what
    the results page shows: nothing ties the rows of one person together."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = slugify(f"evaluatie {results.survey.event.title}")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")  # the byte order mark that makes Excel read UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Onderdeel"),
            _("Vraag"),
            _("Sessie of pijler"),
            _("Antwoorden"),
            _("Gemiddelde"),
            *RATINGS,
            _("Antwoord"),
        ]
    )

    def rated_row(part, question, subject, distribution):
        counts = [distribution.counts[rating] for rating in RATINGS]
        average = decimal_comma(distribution.average)
        return [part, csv_safe(question), csv_safe(subject), distribution.total, average, *counts, ""]

    for rated in results.day:
        writer.writerow(rated_row(_("Dag"), rated.title, "", rated.distribution))
    for group in results.per_session:
        for rated in group.sessions:
            writer.writerow(rated_row(_("Sessie"), group.question.text, rated.title, rated.distribution))
        for rated in group.pillars:
            writer.writerow(rated_row(_("Pijler"), group.question.text, rated.title, rated.distribution))
    for question, texts in results.open_answers:
        for text in texts:
            writer.writerow(
                [_("Open vraag"), csv_safe(question.text), "", "", "", "", "", "", "", "", csv_safe(text)]
            )
    return response
