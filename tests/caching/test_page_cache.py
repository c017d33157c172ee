"""The public page cache: what it keeps, for whom, and when a page goes stale.

Transactional: a save invalidates the cache when its transaction commits, so these tests let
their saves commit for real.
"""

import datetime
import time

import pytest
import time_machine
from django.db import transaction
from django.utils.http import parse_http_date

from g40events import clock
from g40events.models import Event, Recap, Status
from pagecache import content, versions
from sessions.models import Material, SessionSpeaker
from tests.exports.helpers import add_sessions, make_deventer
from tests.factories import (
    make_material,
    make_pillar,
    make_recap,
    make_session,
    make_speaker,
    make_theme_group,
)

pytestmark = pytest.mark.django_db(transaction=True)


def schedule(client, event):
    return client.get(f"/netwerkdagen/{event.slug}/programma.json")


def talk_titles(response):
    rooms = response.json()["schedule"]["conference"]["days"][0]["rooms"]
    return sorted(talk["title"] for talks in rooms.values() for talk in talks)


def test_cache_serves_a_repeat_visit_without_queries(client, django_assert_num_queries):
    event = make_deventer()
    add_sessions(event, 3)
    first = schedule(client, event)

    with django_assert_num_queries(0):
        second = schedule(client, event)

    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert second.content == first.content
    assert second["Content-Type"] == "application/json"
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == "no-cache"


def test_cache_shows_a_saved_title_on_the_next_visit(client):
    event = make_deventer()
    [session, _] = add_sessions(event, 2)
    assert talk_titles(schedule(client, event)) == ["Sessie 0", "Sessie 1"]

    session.title = "Bestaanszekerheid"
    session.save()

    response = schedule(client, event)
    assert response["X-Cache"] == "MISS"
    assert talk_titles(response) == ["Bestaanszekerheid", "Sessie 1"]


def test_cache_shows_a_saved_netwerkdag_on_its_page(client):
    event = make_deventer()
    assert "Ambtelijke netwerkdag Deventer 2024" in client.get(event.get_absolute_url()).content.decode()
    assert client.get(event.get_absolute_url())["X-Cache"] == "HIT"

    event.title = "Netwerkdag in Deventer"
    event.save()

    page = client.get(event.get_absolute_url()).content.decode()
    assert "Netwerkdag in Deventer" in page
    assert "Ambtelijke netwerkdag Deventer 2024" not in page


def test_cache_forgets_a_netwerkdag_that_goes_back_to_draft(client):
    event = make_deventer()
    assert client.get(f"/netwerkdagen/{event.slug}/agenda.ics").status_code == 200

    event.status = Status.DRAFT
    event.save()

    assert client.get(f"/netwerkdagen/{event.slug}/agenda.ics").status_code == 404


def _rename(obj, field="name"):
    setattr(obj, field, f"{getattr(obj, field)} (nieuw)")
    obj.save()


CHANGES = {
    "organisation": lambda s: _rename(s.speaker_roles.first().speaker.organisation),
    "pillar": lambda s: _rename(s.pillars.get()),
    "theme group": lambda s: _rename(s.theme_groups.get()),
    "event": lambda s: _rename(s.event, "title"),
    "recap": lambda s: make_recap(event=s.event),
    "recap deleted": lambda s: make_recap(event=s.event).delete(),
    "speaker": lambda s: _rename(s.speaker_roles.first().speaker),
    "session": lambda s: _rename(s, "title"),
    "session deleted": lambda s: s.delete(),
    "session speaker added": lambda s: SessionSpeaker.objects.create(
        session=s, speaker=make_speaker(), position=9
    ),
    "session speaker removed": lambda s: s.speaker_roles.first().delete(),
    "material": lambda s: make_material(session=s),
    "material deleted": lambda s: Material.objects.filter(session=s).delete(),
    "pillar added": lambda s: s.pillars.add(make_pillar()),
    "pillar removed": lambda s: s.pillars.clear(),
    "theme group removed": lambda s: s.theme_groups.remove(s.theme_groups.get()),
    "theme group added from its side": lambda s: make_theme_group().sessions.add(s),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_cache_is_emptied_by_every_change_of_content(client, change):
    event = make_deventer()
    [session] = add_sessions(event, 1)
    make_material(session=session)
    assert schedule(client, event)["X-Cache"] == "MISS"
    assert schedule(client, event)["X-Cache"] == "HIT"

    change(session)

    assert schedule(client, event)["X-Cache"] == "MISS"


def test_cache_is_made_stale_once_per_transaction_after_commit(client, django_capture_on_commit_callbacks):
    event = make_deventer()
    sessions = add_sessions(event, 3)
    assert schedule(client, event)["X-Cache"] == "MISS"
    before = versions.current()

    with transaction.atomic():
        with django_capture_on_commit_callbacks() as callbacks:
            for session in sessions:
                _rename(session, "title")
            _rename(event, "title")
        # Not before the commit: a page rendered now, from the data as it was, is filed under
        # the version that the commit then makes stale.
        assert versions.current() == before
        assert schedule(client, event)["X-Cache"] == "HIT"

    assert len(callbacks) == 1
    assert versions.current() > before
    assert talk_titles(schedule(client, event)) == [
        "Sessie 0 (nieuw)",
        "Sessie 1 (nieuw)",
        "Sessie 2 (nieuw)",
    ]


def test_cache_is_not_made_stale_by_a_rolled_back_save(client):
    event = make_deventer()
    [session] = add_sessions(event, 1)
    schedule(client, event)
    before = versions.current()

    with pytest.raises(RuntimeError), transaction.atomic():
        _rename(session, "title")
        raise RuntimeError("afgebroken")

    assert versions.current() == before
    assert schedule(client, event)["X-Cache"] == "HIT"
    # The next transaction invalidates again (the discarded one left nothing pending).
    session.refresh_from_db()
    _rename(session, "title")
    assert talk_titles(schedule(client, event)) == ["Sessie 0 (nieuw)"]


def test_cache_starts_a_lost_version_from_the_clock_not_from_one():
    versions.version_file().unlink(missing_ok=True)

    assert versions.current() > time.time_ns() - 60 * 10**9


def test_cache_answers_if_none_match_with_304(client):
    event = make_deventer()
    first = schedule(client, event)

    not_modified = client.get(f"/netwerkdagen/{event.slug}/programma.json", HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(
        f"/netwerkdagen/{event.slug}/programma.json", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    other = client.get(f"/netwerkdagen/{event.slug}/programma.json", HTTP_IF_NONE_MATCH='"iets-anders"')

    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == first["ETag"]
    assert by_date.status_code == 304
    assert other.status_code == 200


def test_cache_answers_a_stale_etag_with_the_new_page(client):
    event = make_deventer()
    [session] = add_sessions(event, 1)
    etag = schedule(client, event)["ETag"]
    _rename(session, "title")

    response = client.get(f"/netwerkdagen/{event.slug}/programma.json", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert talk_titles(response) == ["Sessie 0 (nieuw)"]


def test_cache_answers_a_first_visit_with_a_valid_etag_as_304_too(client):
    """A page rendered again (cache emptied) with unchanged content has the same ETag."""
    event = make_deventer()
    etag = schedule(client, event)["ETag"]
    versions.invalidate()

    response = client.get(f"/netwerkdagen/{event.slug}/programma.json", HTTP_IF_NONE_MATCH=etag)

    assert (response.status_code, response["X-Cache"]) == (304, "MISS")


def test_cache_serves_head_requests(client):
    event = make_deventer()
    schedule(client, event)

    response = client.head(f"/netwerkdagen/{event.slug}/programma.json")

    assert (response.status_code, response["X-Cache"], response.content) == (200, "HIT", b"")


def test_cache_is_bypassed_for_logged_in_organisers(client, django_user_model):
    event = make_deventer()
    schedule(client, event)
    client.force_login(django_user_model.objects.create_user("organisator", is_staff=True))

    response = schedule(client, event)

    assert response.status_code == 200
    assert "X-Cache" not in response
    assert "ETag" not in response


def test_cache_is_not_used_by_the_admin_or_the_health_check(client, django_user_model):
    assert "X-Cache" not in client.get("/beheer/login/")
    assert "X-Cache" not in client.get("/health/")


def test_cache_does_not_keep_not_found_pages(client):
    response = client.get("/netwerkdagen/dordrecht-2024/agenda.ics")
    assert response.status_code == 404
    assert "X-Cache" not in response

    make_deventer(slug="dordrecht-2024")

    assert client.get("/netwerkdagen/dordrecht-2024/agenda.ics").status_code == 200


@pytest.mark.urls("tests.caching.urls")
@pytest.mark.parametrize("path", ["/formulier/", "/koekje/", "/bericht/", "/sessie/"])
def test_cache_never_keeps_forms_cookies_messages_or_sessions(client, path):
    first = client.get(path)
    second = client.get(path)

    assert first.status_code == second.status_code == 200
    assert "X-Cache" not in first and "X-Cache" not in second


@pytest.mark.urls("tests.caching.urls")
def test_cache_is_bypassed_while_a_message_waits(client):
    client.get("/vandaag/")
    client.cookies["messages"] = "een-bericht"

    assert "X-Cache" not in client.get("/vandaag/")


@pytest.mark.urls("tests.caching.urls")
def test_cache_keeps_one_page_per_language_and_query(client, settings):
    dutch = client.get("/vandaag/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/vandaag/")
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    filtered = client.get("/vandaag/?q=sociaal")

    assert [dutch["X-Cache"], english["X-Cache"], filtered["X-Cache"]] == ["MISS", "MISS", "MISS"]
    assert dutch.content.decode().split()[1:] == ["nl"]
    assert english.content.decode().split()[1:] == ["en"]
    assert filtered.content.decode().split()[1:] == ["nl", "sociaal"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/vandaag/").content == english.content


@pytest.mark.urls("tests.caching.urls")
def test_cache_follows_the_site_date(client, settings):
    settings.SITE_DATE = datetime.date(2024, 5, 1)
    assert client.get("/vandaag/").content.startswith(b"2024-05-01")

    settings.SITE_DATE = datetime.date(2024, 5, 2)

    assert client.get("/vandaag/").content.startswith(b"2024-05-02")


@pytest.mark.urls("tests.caching.urls")
def test_cache_shows_registration_opening_at_its_moment(client):
    opens_at = clock.now() + datetime.timedelta(minutes=5)
    make_deventer(date=clock.today() + datetime.timedelta(days=30), registration_opens_at=opens_at)
    assert client.get("/aanmelding/deventer-2024/").content == b"not_yet_open"
    assert client.get("/aanmelding/deventer-2024/")["X-Cache"] == "HIT"

    with time_machine.travel(opens_at + datetime.timedelta(seconds=1)):
        assert client.get("/aanmelding/deventer-2024/").content == b"open"


@pytest.mark.urls("tests.caching.urls")
def test_cache_shows_registration_opening_at_a_moment_changed_after_the_page_was_cached(client):
    """The time window is remembered per content version: a save that brings the opening forward
    ends it there, in this process as in any other."""
    opens_at = clock.now() + datetime.timedelta(minutes=30)
    event = make_deventer(date=clock.today() + datetime.timedelta(days=30), registration_opens_at=opens_at)
    assert client.get("/aanmelding/deventer-2024/").content == b"not_yet_open"
    assert client.get("/aanmelding/deventer-2024/")["X-Cache"] == "HIT"

    event.registration_opens_at = clock.now() + datetime.timedelta(minutes=5)
    event.save()
    assert client.get("/aanmelding/deventer-2024/").content == b"not_yet_open"

    with time_machine.travel(event.registration_opens_at + datetime.timedelta(seconds=1)):
        assert client.get("/aanmelding/deventer-2024/").content == b"open"


@pytest.mark.urls("tests.caching.urls")
def test_cache_shows_the_registration_state_of_a_clock_set_back(client):
    """The demo's clock goes back a day at midnight (SITE_DATE stays): a window that starts later
    than now is not the current one."""
    now = clock.now()
    make_deventer(
        date=clock.today() + datetime.timedelta(days=30),
        registration_opens_at=now - datetime.timedelta(minutes=30),
    )
    assert client.get("/aanmelding/deventer-2024/").content == b"open"
    assert client.get("/aanmelding/deventer-2024/")["X-Cache"] == "HIT"

    with time_machine.travel(now - datetime.timedelta(hours=1)):
        assert client.get("/aanmelding/deventer-2024/").content == b"not_yet_open"


@pytest.mark.urls("tests.caching.urls")
def test_cache_off_works_out_the_time_window_once_per_content_version(
    client, settings, tmp_path, django_assert_num_queries
):
    """With the page cache off (`dummycache://`) every page renders, but the page cache's time
    window (two queries) is worked out again only when content or the clock moves past it."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.PAGE_CACHE_VERSION_FILE = str(tmp_path / "versie" / "pagecache.version")
    opens_at = clock.now() + datetime.timedelta(minutes=5)
    event = make_deventer(date=clock.today() + datetime.timedelta(days=30), registration_opens_at=opens_at)
    page = "/aanmelding/deventer-2024/"
    with django_assert_num_queries(1 + 2):  # the netwerkdag; the window
        assert client.get(page).content == b"not_yet_open"

    with django_assert_num_queries(1):
        assert client.get(page).content == b"not_yet_open"
    assert "X-Cache" in client.get(page)  # rendered through the page cache, stored nowhere

    event.venue_name = "Burgerzaal"
    event.save()  # commits: a new content version
    with django_assert_num_queries(1 + 2):
        client.get(page)
    with django_assert_num_queries(1):
        client.get(page)

    with time_machine.travel(opens_at + datetime.timedelta(seconds=1)):  # past the window's end
        with django_assert_num_queries(1 + 2):
            assert client.get(page).content == b"open"
        with django_assert_num_queries(1):
            assert client.get(page).content == b"open"

    # Back before the window that started at the opening.
    with django_assert_num_queries(1 + 2):
        assert client.get(page).content == b"not_yet_open"


def test_event_next_change_is_the_first_opening_or_closing_of_sign_up():
    now = clock.now()
    today = clock.today()
    opens = now + datetime.timedelta(days=2)
    event = make_deventer(date=today + datetime.timedelta(days=10), registration_opens_at=opens)
    make_deventer(
        slug="concept", status=Status.DRAFT, registration_opens_at=now + datetime.timedelta(hours=1)
    )
    assert Event.objects.next_change(now) == opens

    # Open now, closing at the start of the day when no closing time is set.
    event.registration_opens_at = now - datetime.timedelta(days=1)
    event.save()
    assert Event.objects.next_change(now) == event.starts_at
    event.registration_closes_at = now + datetime.timedelta(days=3)
    event.save()
    assert Event.objects.next_change(now) == event.registration_closes_at
    assert Event.objects.next_change(event.registration_closes_at) is None


def test_recap_next_change_is_when_a_scheduled_recap_appears():
    now = clock.now()
    event = make_deventer()
    make_recap(event=event, published_at=now - datetime.timedelta(days=1))
    assert Recap.objects.next_change(now) is None

    make_recap(event=event, published_at=now + datetime.timedelta(days=2))
    make_recap(event=event, published_at=now + datetime.timedelta(days=1))

    assert Recap.objects.next_change(now) == now + datetime.timedelta(days=1)


def test_page_cache_time_window_ends_at_the_first_change_of_any_content_model():
    now = clock.now()
    make_deventer(
        date=clock.today() + datetime.timedelta(days=10),
        registration_opens_at=now + datetime.timedelta(days=2),
    )
    recap_at = now + datetime.timedelta(days=1)
    make_recap(event=make_deventer(slug="ander"), published_at=recap_at)

    assert content.next_change(now) == recap_at


def test_cache_last_modified_is_when_the_page_was_rendered(client):
    event = make_deventer()
    before = int(time.time())

    response = schedule(client, event)

    assert before <= parse_http_date(response["Last-Modified"]) <= time.time()


def test_cache_ignores_saves_of_other_models(django_user_model):
    before = versions.current()

    django_user_model.objects.create_user("iemand")

    assert versions.current() == before


@pytest.mark.parametrize("size", [2, 30])
def test_cache_hit_makes_no_queries_whatever_the_programme(client, django_assert_num_queries, size):
    event = make_deventer()
    add_sessions(event, size)
    make_session(event=event, title="Lunch", slug="lunch")
    client.get(event.get_absolute_url())

    with django_assert_num_queries(0):
        response = client.get(event.get_absolute_url())
    assert response["X-Cache"] == "HIT"
