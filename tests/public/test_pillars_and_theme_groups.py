import datetime

import pytest
from django.utils import timezone

from g40events.models import Status
from tests.factories import make_event, make_pillar, make_recap, make_session, make_speaker, make_theme_group
from tests.public.helpers import page_text, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_date(settings):
    settings.SITE_DATE = datetime.date(2024, 5, 1)


def make_editions():
    return (
        make_event(title="Netwerkdag Deventer", date=datetime.date(2024, 4, 24)),
        make_event(title="Netwerkdag Dordrecht", date=datetime.date(2024, 11, 21)),
    )


def test_pillar_page_shows_its_theme_groups_sessions_over_editions_and_recaps(client):
    deventer, dordrecht = make_editions()
    social = make_pillar(
        name="Sociale pijler", slug="sociale-pijler", description="Bestaanszekerheid en **kansen**."
    )
    poverty = make_theme_group(name="Armoede en schulden", pillar=social)
    make_theme_group(name="Sterke keten", pillar=social, is_active=False)
    make_session(event=deventer, title="Waarde van het sociaal domein", pillars=[social])
    make_session(event=dordrecht, title="Schuldhulp in de wijk", theme_groups=[poverty])
    make_session(event=deventer, title="Woningmarkt", pillars=[make_pillar(name="Fysieke pijler")])
    make_session(event=make_event(status=Status.DRAFT), title="Concept", pillars=[social])
    make_recap(
        event=deventer,
        pillar=social,
        title="Twee snelheden",
        published_at=timezone.make_aware(datetime.datetime(2024, 4, 30)),
    )

    text = page_text(client.get("/pijlers/sociale-pijler/"))

    assert "Pijler Sociale pijler Bestaanszekerheid en kansen." in text
    assert "Themagroepen Armoede en schulden Sterke keten niet meer actief" in text
    assert "Terugblik Twee snelheden" in text
    assert text.index("Netwerkdag Dordrecht 21 november 2024 Schuldhulp in de wijk") < text.index(
        "Netwerkdag Deventer 24 april 2024 Waarde van het sociaal domein"
    )
    assert "Woningmarkt" not in text
    assert "Concept" not in text


def test_pillar_page_is_404_for_an_unknown_pillar(client):
    assert client.get("/pijlers/bestaat-niet/").status_code == 404


def test_theme_group_list_groups_by_pillar_with_session_counts(client):
    social = make_pillar(name="Sociale pijler", position=1)
    economy = make_pillar(name="Pijler economie en werk", position=3)
    poverty = make_theme_group(name="Armoede en schulden", pillar=social, coordinator="Gemeente Zwolle")
    make_theme_group(name="MKB", pillar=economy)
    finance = make_theme_group(name="Financiën", pillar=None)
    make_session(theme_groups=[poverty, finance])
    make_session(theme_groups=[poverty])
    make_session(event=make_event(status=Status.DRAFT), theme_groups=[poverty])

    text = page_text(client.get("/themagroepen/"))

    assert (
        "Sociale pijler Armoede en schulden 2 sessies Coördinator: Gemeente Zwolle "
        "Pijler economie en werk MKB 0 sessies "
        "Zelfstandige themagroepen Financiën 1 sessie"
    ) in text


def test_theme_group_page_shows_all_its_sessions_grouped_by_netwerkdag(client):
    deventer, dordrecht = make_editions()
    social = make_pillar(name="Sociale pijler")
    poverty = make_theme_group(
        name="Armoede en schulden",
        slug="armoede-en-schulden",
        pillar=social,
        description="Aanpak van *armoede*.",
        coordinator="Gemeente Zwolle",
    )
    make_session(
        event=deventer,
        title="De basis op orde",
        theme_groups=[poverty],
        speakers=[make_speaker(name="Bert Roes")],
    )
    make_session(event=dordrecht, title="Themagroep Armoede en schulden", theme_groups=[poverty])
    make_session(event=make_event(status=Status.DRAFT), title="Concept", theme_groups=[poverty])

    text = page_text(client.get("/themagroepen/armoede-en-schulden/"))

    assert "Themagroep Armoede en schulden Aanpak van armoede." in text
    assert "Pijler Sociale pijler Coördinator Gemeente Zwolle" in text
    assert (
        "Sessies door de jaren heen Netwerkdag Dordrecht 21 november 2024 Themagroep Armoede en schulden"
        in text
    )
    assert "Netwerkdag Deventer 24 april 2024 De basis op orde Parallelsessie · 11:00–12:00 Bert Roes" in text
    assert "Concept" not in text


def test_joint_session_appears_under_each_of_its_theme_groups(client):
    poverty = make_theme_group(name="Armoede en schulden", slug="armoede")
    chain = make_theme_group(name="Sterke keten", slug="keten")
    make_session(title="Bestaanszekerheid: de basis op orde", theme_groups=[poverty, chain])

    poverty_text = page_text(client.get("/themagroepen/armoede/"))
    chain_text = page_text(client.get("/themagroepen/keten/"))

    assert "Bestaanszekerheid: de basis op orde" in poverty_text
    assert "Gezamenlijke sessie met Sterke keten" in poverty_text
    assert "Bestaanszekerheid: de basis op orde" in chain_text
    assert "Gezamenlijke sessie met Armoede en schulden" in chain_text


def _fill(pillar, group, editions):
    for _ in range(editions):
        event = make_event()
        make_session(
            event=event,
            pillars=[pillar],
            theme_groups=[group, make_theme_group(pillar=pillar)],
            speakers=[make_speaker()],
        )
        make_recap(
            event=event, pillar=pillar, published_at=timezone.make_aware(datetime.datetime(2024, 4, 1))
        )


def test_pillar_and_theme_group_pages_queries_do_not_grow_with_the_data(client):
    pillar = make_pillar(slug="p")
    group = make_theme_group(pillar=pillar, slug="g")
    _fill(pillar, group, 1)
    small = [queries_for(client, url) for url in ("/pijlers/p/", "/themagroepen/", "/themagroepen/g/")]
    _fill(pillar, group, 10)
    large = [queries_for(client, url) for url in ("/pijlers/p/", "/themagroepen/", "/themagroepen/g/")]

    assert small == large
    assert large[0] <= 6 and large[1] <= 2 and large[2] <= 4
