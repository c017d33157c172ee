import csv
import datetime
import io
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.staticfiles import finders
from django.core import mail
from django.urls import reverse

from g40events.permissions import ORGANISERS_GROUP
from registrations import services
from registrations.models import EmailLog, Registration
from tests.factories import make_organisation
from tests.registrations.helpers import open_event, sign_up, signup_session, statuses

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:registrations_registration_changelist"


def organiser(client):
    """Log in as a member of the organisers' group (not a superuser): tests the group's permissions too."""
    user = User.objects.create_user("organisator", "o@example.org", "wachtwoord-123", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(user)
    return user


def form_data_from(response) -> dict:
    """The POST data of an admin change form as it was rendered, inlines included."""
    data = {}

    def add(form):
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            key = bound.html_name
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif isinstance(value, datetime.time):
                data[key] = value.strftime("%H:%M")
            elif value is not None:
                data[key] = str(value.pk if hasattr(value, "pk") else value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.initial_forms))  # no blank extra forms
        for form in formset.initial_forms:
            add(form)
    return data


def test_registration_list_filters_by_status_organisation_and_session_and_searches(client):
    event = open_event()
    city = make_organisation(name="Gemeente Zwolle")
    session = signup_session(event, title="Woningmarkt")
    sign_up(event, [session], name="Anna", organisation=city, organisation_name="")
    cancelled = sign_up(event, name="Bram")
    services.cancel(registration=cancelled)
    sign_up(event, name="Cem", job_title="Wethouder")
    organiser(client)
    url = reverse(CHANGELIST)

    def names(query):
        response = client.get(url + query)
        return sorted(r.name for r in response.context["cl"].result_list)

    assert names("") == ["Anna", "Bram", "Cem"]
    assert names("?status__exact=cancelled") == ["Bram"]
    assert names(f"?organisation__id__exact={city.pk}") == ["Anna"]
    assert names(f"?sessie={session.pk}") == ["Anna"]
    assert names("?q=wethouder") == ["Cem"]


def test_registration_list_query_count_stays_flat(client, django_assert_max_num_queries):
    event = open_event()
    session = signup_session(event)
    organiser(client)
    for _ in range(2):
        sign_up(event, [session])
    with django_assert_max_num_queries(20):
        client.get(reverse(CHANGELIST))
    for _ in range(30):
        sign_up(event, [session])
    with django_assert_max_num_queries(20):
        client.get(reverse(CHANGELIST))


def test_csv_export_opens_in_excel_with_bom_semicolons_and_no_formulas(client):
    event = open_event(title="Netwerkdag Dordrecht")
    full = signup_session(event, title="Sociale pijler", capacity=1)
    sign_up(event, [full], name="Anna Ö'Brien", email="anna@example.org", organisation_name="Gemeente Ede")
    sign_up(
        event,
        [full],
        name='=cmd|" /C calc"!A0',
        email="b@example.org",
        dietary_needs="Vegan; geen noten",
    )
    organiser(client)

    response = client.post(
        reverse(CHANGELIST),
        {"action": "export_csv", "_selected_action": list(Registration.objects.values_list("pk", flat=True))},
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="aanmeldingen-')
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Netwerkdag", "Naam", "E-mailadres", "Organisatie", "Functie", "Status", "Aangemeld op", "Sessies", "Wachtlijst",
        "Dieetwensen", "Toegankelijkheid",
    ]  # fmt: skip
    assert rows[1][:6] == [
        "Netwerkdag Dordrecht",
        "Anna Ö'Brien",
        "anna@example.org",
        "Gemeente Ede",
        "",
        "Aangemeld",
    ]
    assert rows[1][7:9] == ["Sociale pijler", ""]
    assert rows[2][1] == '\'=cmd|" /C calc"!A0'
    assert rows[2][7:10] == ["", "Sociale pijler", "Vegan; geen noten"]


def test_participants_list_is_printable_with_the_waiting_list_in_order(client):
    event = open_event()
    session = signup_session(event, title="Lunchwandeling", capacity=2, kind="tour")
    for name in ["Bram", "Anna", "Cem", "Dirk"]:
        sign_up(event, [session], name=name, organisation_name=f"Gemeente {name}")
    organiser(client)

    response = client.get(reverse("admin:registrations_session_participants", args=[session.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    # Printed, the list is the page without the admin around it (its own stylesheet's print rules).
    assert re.search(
        r'<link rel="stylesheet" href="/static/css/admin-participants(\.[0-9a-f]+)?\.css">', page
    )
    print_rules = Path(finders.find("css/admin-participants.css")).read_text().split("@media print", 1)[1]
    assert "#header, .breadcrumbs, #nav-sidebar" in print_rules and "display: none !important" in print_rules
    confirmed_table, waiting_table = page.split("<h2")[1:3]
    assert confirmed_table.index("Anna") < confirmed_table.index("Bram")  # alphabetical for the door
    assert "Cem" not in confirmed_table
    assert waiting_table.index("Cem") < waiting_table.index("Dirk")  # arrival order
    assert "bezet: 2 · wachtlijst: 2" in page


def test_session_admin_shows_places_taken_and_waiting(client):
    event = open_event()
    session = signup_session(event, title="Woningmarkt", capacity=1)
    signup_session(event, title="Plenair", takes_registrations=False)
    for _ in range(3):
        sign_up(event, [session])
    organiser(client)

    response = client.get(reverse("admin:programme_session_changelist") + f"?event__id__exact={event.pk}")

    page = response.content.decode()
    assert cells(page, "Woningmarkt", ["places", "taken", "waiting"]) == ["1", "1", "2"]
    assert cells(page, "Plenair", ["places", "taken", "waiting"]) == ["–", "–", "–"]
    assert '<th scope="col" class="sortable column-waiting">' in page


def cells(page: str, title: str, columns: list[str]) -> list[str]:
    """The text of the given columns in the changelist row of the session with this title."""
    row = next(row for row in page.split("<tr")[1:] if f">{title}</a>" in row)
    return [
        re.search(rf'<td class="field-{column}[^"]*">(.*?)</td>', row, re.S).group(1).strip()
        for column in columns
    ]


def test_netwerkdag_programme_screen_shows_places_taken_and_waiting(client):
    event = open_event()
    session = signup_session(event, title="Woningmarkt", capacity=1)
    for _ in range(3):
        sign_up(event, [session])
    organiser(client)

    page = client.get(reverse("admin:programme_session_programme", args=[event.pk])).content.decode()

    programme = page[page.index('id="programma"') : page.index("</table>")]
    assert re.search(r'<th scope="col" class="number">Bezet</th>', programme)
    row = programme[programme.index(f'id="sessie-{session.pk}"') :]
    assert re.search(
        r'<td class="number">1</td>\s*<td class="number">1</td>\s*<td class="number">2</td>', row
    )
    assert reverse("admin:registrations_session_participants", args=[session.pk]) in row


def test_raising_a_capacity_in_the_session_admin_promotes_exactly_that_many(
    client, django_capture_on_commit_callbacks
):
    event = open_event()
    session = signup_session(event, capacity=1)
    for name in ["Anna", "Bram", "Cem", "Dirk"]:
        sign_up(event, [session], name=name, email=f"{name.lower()}@example.org")
    organiser(client)
    url = reverse("admin:programme_session_change", args=[session.pk])
    data = form_data_from(client.get(url))
    data["capacity"] = "3"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert statuses(session) == {"confirmed": ["Anna", "Bram", "Cem"], "waiting": ["Dirk"]}
    assert sorted(m.to[0] for m in mail.outbox) == ["bram@example.org", "cem@example.org"]


def test_raising_a_capacity_on_the_programme_screen_promotes_exactly_that_many(
    client, django_capture_on_commit_callbacks
):
    event = open_event()
    session = signup_session(event, capacity=0)
    for name in ["Anna", "Bram", "Cem"]:
        sign_up(event, [session], name=name)
    organiser(client)
    url = reverse("admin:programme_session_programme", args=[event.pk]) + f"?sessie={session.pk}"
    data = {
        "start_time": session.start_time.strftime("%H:%M"),
        "end_time": session.end_time.strftime("%H:%M"),
        "title": session.title,
        "kind": session.kind,
        "takes_registrations": "on",
        "capacity": "2",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302
    assert statuses(session) == {"confirmed": ["Anna", "Bram"], "waiting": ["Cem"]}


def test_email_log_lists_failures_for_organisers(client):
    event = open_event()
    registration = sign_up(event, name="Anna")
    EmailLog.objects.filter(registration=registration).update(
        status="failed", error="ConnectionRefusedError: [Errno 111]"
    )
    organiser(client)

    response = client.get(reverse("admin:registrations_emaillog_changelist") + "?status__exact=failed")

    page = response.content.decode()
    assert [log.registration for log in response.context["cl"].result_list] == [registration]
    assert "ConnectionRefusedError: [Errno 111]" in page
    assert "Opnieuw verzenden" in page


def test_avg_export_of_one_person_gives_json_with_everything(client):
    event = open_event(title="Netwerkdag Dordrecht")
    registration = sign_up(event, name="Anna", email="anna@example.org")
    sign_up(open_event(title="Netwerkdag Ede"), name="Anna", email="ANNA@example.org")
    organiser(client)

    response = client.post(
        reverse(CHANGELIST), {"action": "export_person_data", "_selected_action": [registration.pk]}
    )

    data = json.loads(response.content)
    assert data["email"] == "anna@example.org"
    assert sorted(r["netwerkdag"] for r in data["registrations"]) == [
        "Netwerkdag Dordrecht",
        "Netwerkdag Ede",
    ]


def test_avg_erase_asks_first_then_erases_every_registration_of_the_person(client):
    event = open_event()
    session = signup_session(event, capacity=1)
    anna = sign_up(event, [session], name="Anna", email="anna@example.org")
    sign_up(open_event(), name="Anna", email="anna@example.org")
    sign_up(event, [session], name="Bram")
    organiser(client)
    data = {"action": "erase_person_data", "_selected_action": [anna.pk]}

    confirm = client.post(reverse(CHANGELIST), data)
    assert "Ja, wis alles over deze persoon" in confirm.content.decode()
    assert Registration.objects.count() == 3

    done = client.post(reverse(CHANGELIST), {**data, "apply": "yes"}, follow=True)

    assert "2 aanmeldingen gewist, met de e-mails erbij." in done.content.decode()
    assert list(Registration.objects.values_list("name", flat=True)) == ["Bram"]
    assert statuses(session) == {"confirmed": ["Bram"], "waiting": []}


def test_avg_actions_need_exactly_one_person(client):
    event = open_event()
    a, b = sign_up(event), sign_up(event)
    organiser(client)

    response = client.post(
        reverse(CHANGELIST), {"action": "erase_person_data", "_selected_action": [a.pk, b.pk]}, follow=True
    )

    assert "Kies de aanmelding(en) van precies één persoon (één e-mailadres)." in response.content.decode()
    assert Registration.objects.count() == 2


def test_organiser_who_is_not_superuser_handles_registrations_but_not_accounts(client):
    event = open_event(title="Netwerkdag Dordrecht")
    session = signup_session(event, title="Woningmarkt", capacity=1)
    anna = sign_up(event, [session], name="Anna")
    sign_up(event, [session], name="Bram")
    organiser(client)

    registrations = client.get(reverse(CHANGELIST)).content.decode()
    email_log = client.get(reverse("admin:registrations_emaillog_changelist")).content.decode()
    participants = client.get(reverse("admin:registrations_session_participants", args=[session.pk]))
    cancelled = client.post(
        reverse(CHANGELIST), {"action": "cancel_registrations", "_selected_action": [anna.pk]}
    )

    assert "Anna" in registrations and "Bram" in registrations
    assert "Bevestiging van aanmelding" in email_log
    assert participants.status_code == 200 and "Bram" in participants.content.decode()
    assert cancelled.status_code == 302
    assert statuses(session) == {"confirmed": ["Bram"], "waiting": []}
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
