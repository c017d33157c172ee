"""The page cache is a help, never a condition, and a visitor cannot fill it with made-up URLs."""

import pytest

from pagecache import versions
from tests.exports.helpers import add_sessions, make_deventer

pytestmark = pytest.mark.django_db


def programme(client, event, query=""):
    return client.get(f"/netwerkdagen/{event.slug}/programma.json{query}")


def talk_titles(response):
    rooms = response.json()["schedule"]["conference"]["days"][0]["rooms"]
    return sorted(talk["title"] for talks in rooms.values() for talk in talks)


@pytest.mark.parametrize(
    "backend",
    [
        # Django's Redis backend, with nothing listening on port 1: every call is refused at once.
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
        {"BACKEND": "tests.caching.backends.UnreachableCache"},
        {"BACKEND": "tests.caching.backends.FullCache"},
    ],
    ids=["redis refusing connections", "raising on every call", "full: refusing writes"],
)
def test_cache_that_fails_answers_the_page_uncached(client, settings, caplog, backend):
    event = make_deventer()
    add_sessions(event, 2)
    settings.CACHES = {"default": backend}

    first = programme(client, event)
    second = programme(client, event)

    assert (first.status_code, second.status_code) == (200, 200)
    assert "X-Cache" not in first and "X-Cache" not in second
    assert talk_titles(second) == ["Sessie 0", "Sessie 1"]
    assert "Page cache unavailable" in caplog.text


def test_save_while_the_cache_is_away_stands(client, settings, caplog):
    event = make_deventer()
    settings.CACHES = {"default": {"BACKEND": "tests.caching.backends.UnreachableCache"}}
    settings.PAGE_CACHE_VERSION_FILE = ""

    event.title = "Netwerkdag in Deventer"
    event.save()
    versions._bump_after_commit()  # what the commit runs (this test's transaction never commits)

    event.refresh_from_db()
    assert event.title == "Netwerkdag in Deventer"
    assert "cached pages were not made stale after a save" in caplog.text


def test_version_file_in_a_folder_others_can_write_is_not_trusted(client, settings, tmp_path, caplog):
    """Whoever could replace the file could keep stale pages in place: the pages go out uncached."""
    folder = tmp_path / "gedeeld"
    folder.mkdir()
    folder.chmod(0o777)
    settings.PAGE_CACHE_VERSION_FILE = str(folder / "versie")
    event = make_deventer()

    first, second = programme(client, event), programme(client, event)

    assert (first.status_code, second.status_code) == (200, 200)
    assert "X-Cache" not in first and "X-Cache" not in second
    assert "is not the app user's own folder" in caplog.text


def test_version_file_folder_is_made_for_the_app_user_alone(client, settings, tmp_path):
    settings.PAGE_CACHE_VERSION_FILE = str(tmp_path / "g40events" / "versie")
    event = make_deventer()

    assert [programme(client, event)["X-Cache"] for _ in range(2)] == ["MISS", "HIT"]
    assert (tmp_path / "g40events").stat().st_mode & 0o777 == 0o700
    assert int((tmp_path / "g40events" / "versie").read_text()) > 0


def cached_files(directory) -> int:
    return len(list(directory.glob("*.djcache")))


def test_query_parameters_a_page_does_not_read_make_no_new_entries(client, settings, tmp_path):
    # Django's file cache: each entry is a file, so the entries can be counted from outside.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    event = make_deventer()
    add_sessions(event, 2)
    page = event.get_absolute_url()
    first = client.get(page)
    entries = cached_files(tmp_path)  # the content version, the time window and the page

    others = [
        client.get(f"{page}{query}")
        for query in ["?junk=1", "?utm_source=nieuwsbrief&utm_medium=email", "?junk=2&utm_campaign="]
    ]

    assert (entries, cached_files(tmp_path)) == (3, 3)
    assert [response["X-Cache"] for response in [first, *others]] == ["MISS", "HIT", "HIT", "HIT"]
    assert {response.content for response in others} == {first.content}


def test_query_parameters_a_page_reads_keep_a_page_each_but_not_made_up_values(client, settings, tmp_path):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    event = make_deventer()
    [session, _] = add_sessions(event, 2)
    pillar = session.pillars.get()
    page = event.get_absolute_url()
    client.get(page)

    filtered = client.get(f"{page}?pijler={pillar.slug}&utm_source=x")
    again = client.get(f"{page}?utm_source=y&pijler={pillar.slug}")
    made_up = [client.get(f"{page}?pijler=bestaat-niet-{n}") for n in range(3)]

    assert (filtered["X-Cache"], again["X-Cache"]) == ("MISS", "HIT")
    assert [response.status_code for response in made_up] == [200, 200, 200]
    assert "De gekozen pijler staat niet op het programma van deze netwerkdag." in made_up[0].content.decode()
    assert ["X-Cache" in response for response in made_up] == [False, False, False]
    assert cached_files(tmp_path) == 4


def test_view_does_not_see_query_parameters_it_did_not_name(client):
    """Whether the page comes from the cache or not, the view gets the same request."""
    from django.test import override_settings

    with override_settings(ROOT_URLCONF="tests.caching.urls"):
        response = client.get("/vandaag/?q=sociaal&junk=1")
        assert response.content.decode().split()[1:] == ["nl", "sociaal"]
