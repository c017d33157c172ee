"""The organisers' "Bericht aan deelnemers": compose, preview with the exact count, send, progress."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from checkin import services as checkin_services
from checkin.models import CheckIn
from registrations import services
from registrations.models import EmailLog, Mailing, Registration
from tests.factories import make_organisation, make_pillar, make_theme_group
from tests.registrations.helpers import open_event, sign_up, signup_session
from tests.registrations.test_admin import organiser
from tests.security.test_headers import directives

pytestmark = pytest.mark.django_db

ADD = "admin:registrations_mailing_add"
BODY = "Hallo {naam},\n\nNeem je **laptop** mee. Je aanmelding: {link}\n\n[Bekijk je aanmelding]({link})"


def netwerkdag():
    """A day with two sessions: Wonen (2 places, so a waiting list) and Werk."""
    event = open_event(title="Netwerkdag Dordrecht")
    pillar = make_pillar(name="Economie")
    theme = make_theme_group(name="Arbeidsmarkt", pillar=pillar)
    housing = signup_session(event, title="Wonen", capacity=2)
    work = signup_session(event, title="Werk", start_time=datetime.time(14, 0), end_time=datetime.time(15, 0))
    work.theme_groups.add(theme)
    city = make_organisation(name="Gemeente Dordrecht")
    anna = sign_up(event, [housing, work], name="Anna de Vries", organisation_name="", organisation=city)
    bram = sign_up(event, [housing], name="Bram Bakker")
    carla = sign_up(event, [housing], name="Carla Smit")  # waiting list of Wonen
    dirk = sign_up(event, [work], name="Dirk Jansen")
    gone = sign_up(event, [work], name="Eva Afgemeld")
    services.cancel(registration=gone)
    erased = sign_up(event, [work], name="Frank Gewist")
    Registration.objects.filter(pk=erased.pk).update(anonymised_at=timezone.now())
    return {
        "event": event,
        "housing": housing,
        "work": work,
        "pillar": pillar,
        "theme": theme,
        "city": city,
        "people": {"anna": anna, "bram": bram, "carla": carla, "dirk": dirk},
    }


def compose(client, event, **fields):
    data = {
        "netwerkdag": event.pk,
        "subject": "Praktische informatie",
        "body": BODY,
        "group": "all",
        **fields,
    }
    return client.post(reverse(ADD), data)


def recipient_count(response) -> str:
    return re.search(r'<p id="recipient-count"><strong>([^<]*)</strong>', response.content.decode()).group(1)


@pytest.mark.parametrize(
    ("group", "extra", "expected"),
    [
        ("all", {}, "Dit bericht gaat naar 4 ontvangers."),
        ("sessions", {"sessions": ["housing"]}, "Dit bericht gaat naar 2 ontvangers."),
        ("sessions", {"sessions": ["housing", "work"]}, "Dit bericht gaat naar 3 ontvangers."),
        ("waiting", {"sessions": ["housing"]}, "Dit bericht gaat naar 1 ontvanger."),
        ("organisation", {"organisation": "city"}, "Dit bericht gaat naar 1 ontvanger."),
        ("pillar", {"pillar": "pillar"}, "Dit bericht gaat naar 2 ontvangers."),
        ("theme_group", {"theme_group": "theme"}, "Dit bericht gaat naar 2 ontvangers."),
    ],
)
def test_preview_counts_each_person_of_the_group_once(client, group, extra, expected):
    day = netwerkdag()
    organiser(client)
    values = {
        key: [day[v].pk for v in value] if isinstance(value, list) else day[value].pk
        for key, value in extra.items()
    }

    response = compose(client, day["event"], group=group, preview="1", **values)

    assert response.status_code == 200
    assert recipient_count(response) == expected
    assert EmailLog.objects.filter(kind=EmailLog.Kind.MAILING).count() == 0


def test_preview_shows_the_message_as_the_first_recipient_sees_it(client):
    day = netwerkdag()
    organiser(client)
    anna = day["people"]["anna"]

    response = compose(client, day["event"], preview="1")

    preview = response.context["preview"]
    assert preview["recipient"] == anna
    assert preview["subject"] == "Praktische informatie"
    assert preview["text"].startswith(
        f"Beste Anna de Vries,\n\nHallo Anna de Vries,\n\nNeem je laptop mee. Je aanmelding: {anna.manage_url}\n\n"
        f"Bekijk je aanmelding ({anna.manage_url})\n"
    )
    assert "<strong>laptop</strong>" in preview["html"]
    assert (
        f'<a href="{anna.manage_url}" rel="noopener noreferrer">Bekijk je aanmelding</a>' in preview["html"]
    )
    assert "Zo ziet Anna de Vries het:" in response.content.decode()


def test_only_the_page_with_a_preview_allows_the_e_mails_inline_styles(client):
    # The e-mail is shown in a sandboxed frame that shares the page's Content-Security-Policy; its
    # inline styles are allowed on that page, and nowhere else in the admin.
    day = netwerkdag()
    organiser(client)

    with_preview = compose(client, day["event"], preview="1")
    without = client.get(reverse(ADD), {"netwerkdag": day["event"].pk})

    assert 'style="' in with_preview.context["preview"]["html"]
    assert directives(with_preview["Content-Security-Policy"])["style-src"] == "'self' 'unsafe-inline'"
    assert directives(without["Content-Security-Policy"])["style-src"] == "'self'"
    assert without.context["preview"] is None


def test_send_records_one_message_per_recipient_and_the_worker_sends_them(
    client, django_capture_on_commit_callbacks
):
    day = netwerkdag()
    organiser(client)
    preview = compose(client, day["event"], group="sessions", sessions=[day["housing"].pk], preview="1")
    fingerprint = preview.context["preview"]["fingerprint"]

    with django_capture_on_commit_callbacks(execute=True):
        response = compose(
            client,
            day["event"],
            group="sessions",
            sessions=[day["housing"].pk],
            previewed=fingerprint,
            send="1",
        )

    mailing = Mailing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:registrations_mailing_change", args=[mailing.pk])
    assert mailing.recipient_count == 2
    assert mailing.group == "Deelnemers van de gekozen sessies: Wonen"
    assert sorted(mailing.emails.values_list("recipient", "status")) == sorted(
        [(day["people"]["anna"].email, "sent"), (day["people"]["bram"].email, "sent")]
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [day["people"]["anna"].email, day["people"]["bram"].email]
    )
    bram_mail = next(m for m in mail.outbox if m.to == [day["people"]["bram"].email])
    assert bram_mail.subject == "Praktische informatie"
    assert "Hallo Bram Bakker," in bram_mail.body
    assert day["people"]["bram"].manage_url in bram_mail.body
    assert "<strong>laptop</strong>" in bram_mail.alternatives[0][0]

    page = client.get(response["Location"]).content.decode()
    assert "2 verzonden, 0 nog te verzenden, 0 mislukt (wordt opnieuw geprobeerd), 0 opgegeven, van 2" in page


def test_progress_in_the_list_counts_messages_per_status(client):
    day = netwerkdag()
    organiser(client)
    preview = compose(client, day["event"], preview="1")

    compose(
        client, day["event"], previewed=preview.context["preview"]["fingerprint"], send="1"
    )  # not committed: pending

    mailing = Mailing.objects.get()
    first = mailing.emails.order_by("id").first()
    EmailLog.objects.filter(pk=first.pk).update(status=EmailLog.Status.SENT)
    changelist = client.get(reverse("admin:registrations_mailing_changelist"))
    row = changelist.context["cl"].result_list[0]
    assert (row.recipient_count, row.sent_count, row.pending_count, row.failed_count, row.given_up_count) == (
        4,
        1,
        3,
        0,
        0,
    )


def test_changed_message_after_preview_is_not_sent(client):
    day = netwerkdag()
    organiser(client)
    preview = compose(client, day["event"], preview="1")

    response = compose(
        client,
        day["event"],
        body="Iets anders",
        previewed=preview.context["preview"]["fingerprint"],
        send="1",
    )

    assert response.status_code == 200
    assert "Het bericht of de groep is gewijzigd sinds het voorbeeld" in response.content.decode()
    assert Mailing.objects.count() == 0
    assert EmailLog.objects.filter(kind=EmailLog.Kind.MAILING).count() == 0


def test_empty_body_is_refused_in_dutch(client):
    day = netwerkdag()
    organiser(client)

    response = compose(client, day["event"], body="   \n ", send="1")

    assert response.status_code == 200
    assert response.context["form"].errors["body"] == ["Dit veld is verplicht."]
    assert Mailing.objects.count() == 0
    assert EmailLog.objects.filter(kind=EmailLog.Kind.MAILING).count() == 0


def test_group_without_recipients_is_refused_in_dutch(client):
    day = netwerkdag()
    organiser(client)

    response = compose(client, day["event"], group="waiting", sessions=[day["work"].pk], send="1")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Deze groep heeft geen ontvangers: er is niets verstuurd."
    ]
    assert "Deze groep heeft geen ontvangers: er is niets verstuurd." in response.content.decode()
    assert Mailing.objects.count() == 0


def test_group_needs_its_sessions(client):
    day = netwerkdag()
    organiser(client)

    response = compose(client, day["event"], group="sessions", preview="1")

    assert response.context["form"].errors["sessions"] == ["Kies voor deze groep ook wie erbij hoort."]


def test_came_and_absent_follow_the_check_in(client, django_capture_on_commit_callbacks):
    day = netwerkdag()
    organiser(client)
    people = day["people"]
    checkin_services.check_in(event=day["event"], registration=people["dirk"])
    # Checked in, then anonymised: no address left, so no message either way.
    erased = Registration.objects.get(name="Frank Gewist")
    CheckIn.objects.create(registration=erased)

    came = compose(client, day["event"], group="came", preview="1")
    absent = compose(client, day["event"], group="absent", preview="1")

    assert recipient_count(came) == "Dit bericht gaat naar 1 ontvanger."
    assert came.context["preview"]["recipient"] == people["dirk"]
    # Those registered who did not check in: also Carla, who only waited for a session; not Eva,
    # who cancelled, nor Frank.
    assert recipient_count(absent) == "Dit bericht gaat naar 3 ontvangers."
    assert absent.context["preview"]["recipient"] == people["anna"]
    for group, expected in [("came", ["dirk"]), ("absent", ["anna", "bram", "carla"])]:
        mail.outbox.clear()
        preview = compose(client, day["event"], group=group, preview="1")
        with django_capture_on_commit_callbacks(execute=True):
            sent = compose(
                client,
                day["event"],
                group=group,
                previewed=preview.context["preview"]["fingerprint"],
                send="1",
            )
        assert sent.status_code == 302
        assert sorted(m.to[0] for m in mail.outbox) == sorted(people[name].email for name in expected)
    assert list(Mailing.objects.order_by("pk").values_list("group", "recipient_count")) == [
        ("Wie er was (binnengemeld bij de balie)", 1),
        ("Wie niet kwam (niet binnengemeld bij de balie)", 3),
    ]


@pytest.mark.parametrize("group", ["came", "absent"])
def test_came_and_absent_are_refused_when_the_desk_checked_in_nobody(client, group):
    day = netwerkdag()
    organiser(client)

    response = compose(client, day["event"], group=group, preview="1")

    # Not "everyone did not come": nobody was checked in, so nobody knows.
    assert response.status_code == 200
    assert response.context["form"].errors["group"] == [
        "Bij deze netwerkdag is nog niemand binnengemeld bij de balie: wie er was of niet kwam is niet bekend."
    ]
    assert Mailing.objects.count() == 0
    assert EmailLog.objects.filter(kind=EmailLog.Kind.MAILING).count() == 0


def test_choosing_the_netwerkdag_first(client):
    day = netwerkdag()
    organiser(client)

    response = client.get(reverse(ADD))
    compose_page = client.get(reverse(ADD), {"netwerkdag": day["event"].pk})

    assert f'<option value="{day["event"].pk}">' in response.content.decode()
    assert compose_page.context["title"] == "Bericht aan deelnemers: Netwerkdag Dordrecht"


def test_the_text_part_is_plain_text_without_markdown_marks(client, django_capture_on_commit_callbacks):
    day = netwerkdag()
    organiser(client)
    dirk = day["people"]["dirk"]
    body = (
        "# Nieuws over {naam}\n\n"
        "De **plenaire opening** begint *later*.\n\n"
        "## Meenemen\n\n"
        "- je laptop\n- een [routebeschrijving](https://g40.example/route?dag=1&taal=nl)\n\n"
        "1. eerst koffie\n2. dan de zaal\n\n"
        "Zie [je aanmelding]({link})."
    )
    fields = {"group": "sessions", "sessions": [day["work"].pk], "body": body}
    preview = compose(client, day["event"], preview="1", **fields)

    with django_capture_on_commit_callbacks(execute=True):
        compose(client, day["event"], previewed=preview.context["preview"]["fingerprint"], send="1", **fields)

    message = next(m for m in mail.outbox if m.to == [dirk.email])
    assert message.body == (
        "Beste Dirk Jansen,\n\n"
        "Nieuws over Dirk Jansen\n\n"
        "De plenaire opening begint later.\n\n"
        "Meenemen\n\n"
        "- je laptop\n"
        "- een routebeschrijving (https://g40.example/route?dag=1&taal=nl)\n\n"
        "1. eerst koffie\n"
        "2. dan de zaal\n\n"
        f"Zie je aanmelding ({dirk.manage_url}).\n\n"
        "Je aanmelding bekijken, je sessies wijzigen of je afmelden:\n"
        f"{dirk.manage_url}\n"
        "Deze link is persoonlijk: stuur hem niet door.\n\n"
        "Met vriendelijke groet,\n"
        "De organisatie van de G40 netwerkdagen\n"
        f"http://127.0.0.1:8000{day['event'].get_absolute_url()}\n\n"
    )
    html = message.alternatives[0][0]
    assert "<h2>Nieuws over Dirk Jansen</h2>" in html
    assert "<strong>plenaire opening</strong>" in html
    assert f'<a href="{dirk.manage_url}" rel="noopener noreferrer">je aanmelding</a>' in html


HOSTILE = (
    "Hallo {naam},\n\n"
    '<script>alert("weg")</script>\n\n'
    '<img src="https://g40.example/logo.png" alt="logo" onerror="alert(1)">\n\n'
    "[klik hier](javascript:alert(2)) of "
    '<a href="javascript:alert(3)" onclick="alert(4)">hier</a>\n\n'
    '<iframe src="https://kwaad.example/"></iframe>\n\n'
    "**Dit blijft vet.** Zie [je aanmelding]({link})."
)


def test_hostile_markdown_is_sanitised_in_the_preview_and_in_the_sent_html(
    client, django_capture_on_commit_callbacks
):
    day = netwerkdag()
    organiser(client)
    dirk = day["people"]["dirk"]
    fields = {"group": "sessions", "sessions": [day["work"].pk], "body": HOSTILE}

    preview = compose(client, day["event"], preview="1", **fields)
    with django_capture_on_commit_callbacks(execute=True):
        compose(client, day["event"], previewed=preview.context["preview"]["fingerprint"], send="1", **fields)

    page = preview.content.decode()
    shown = html.unescape(re.search(r'<iframe [^>]*sandbox srcdoc="([^"]*)"', page).group(1))
    message = next(m for m in mail.outbox if m.to == [dirk.email])
    sent = message.alternatives[0][0]

    # The preview (a sandboxed frame) shows the first recipient, Anna; the message went to Dirk too.
    assert shown == preview.context["preview"]["html"]
    for document, person in [(shown, day["people"]["anna"]), (sent, dirk)]:
        body = document.split(f"<p>Beste {person.name},</p>", 1)[1].split(
            f'<p><a href="{person.manage_url}" style='
        )[0]
        assert " ".join(body.split()) == (
            f"<p>Hallo {person.name},</p> <p></p> "
            '<p><a rel="noopener noreferrer">klik hier</a> of <a rel="noopener noreferrer">hier</a></p> '
            f'<p><strong>Dit blijft vet.</strong> Zie <a href="{person.manage_url}" rel="noopener noreferrer">'
            "je aanmelding</a>.</p>"
        )
        found = [bad for bad in ["<script", "alert(", "onerror", "onclick", "javascript:", "<img", "<iframe",
                                 "kwaad.example"] if bad in document]  # fmt: skip
        assert found == []
    assert '<script>alert("weg")</script>' not in page
    assert 'onerror="alert(1)"' not in page
    assert "Hallo Dirk Jansen,\n\nklik hier of hier\n\nDit blijft vet. Zie je aanmelding (" in message.body
    assert "javascript" not in message.body and "alert" not in message.body
