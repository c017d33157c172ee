import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from g40events.permissions import ORGANISERS_GROUP
from sessions.models import RecapMaterial
from tests.admin_forms import form_data
from tests.factories import make_event, make_material, make_recap, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def organiser_client(client):
    user = User.objects.create_user("organisator", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(user)
    return client


@pytest.fixture
def event():
    return make_event(title="Netwerkdag Deventer", slug="netwerkdag-deventer")


def test_uploaded_materials_are_filed_under_their_netwerkdag(event):
    material = make_material(
        session=make_session(event=event), url="", file=SimpleUploadedFile("dia.pdf", b"%PDF-1.4")
    )
    assert material.file.name == "materials/netwerkdag-deventer/dia.pdf"


def test_recap_chooses_materials_of_its_netwerkdag_from_a_list(organiser_client, client, event):
    session = make_session(event=event, title="Wonen in de wijk")
    slides = make_material(
        session=session, title="Presentatie Femke", url="", file=SimpleUploadedFile("femke.pdf", b"%PDF-1.4")
    )
    make_material(session=session, title="Video", url="https://video.example/wonen")
    make_material(session=make_session(title="Elders"), title="Van een andere dag")
    recap = make_recap(event=event, title="Zo was Deventer")
    url = reverse("admin:g40events_recap_change", args=[recap.pk])

    html = organiser_client.get(url).content.decode()
    options = re.findall(
        r"<option value=\"\d+\">([^<]+)</option>",
        html.split("recap_materials-0-material", 1)[1].split("</select>", 1)[0],
    )
    assert options == ["Presentatie Femke (PDF) — Wonen in de wijk", "Video (link) — Wonen in de wijk"]

    response = organiser_client.post(
        url, form_data(html, "recap_form", **{"recap_materials-0-material": str(slides.pk)})
    )

    assert response.status_code == 302
    assert [link.material for link in RecapMaterial.objects.filter(recap=recap)] == [slides]
    page = client.get(recap.get_absolute_url()).content.decode()
    section = page.split('id="presentaties"', 1)[1].split("</section>", 1)[0]
    assert 'href="/media/materials/netwerkdag-deventer/femke.pdf"' in section
    assert " ".join(re.sub(r"<[^>]+>", " ", section).split()) == ">Presentaties Presentatie Femke (PDF)"


def test_recap_cannot_link_another_netwerkdags_material(organiser_client, event):
    other = make_material(session=make_session(title="Elders"), title="Van een andere dag")
    recap = make_recap(event=event)
    url = reverse("admin:g40events_recap_change", args=[recap.pk])
    html = organiser_client.get(url).content.decode()

    response = organiser_client.post(
        url, form_data(html, "recap_form", **{"recap_materials-0-material": str(other.pk)})
    )

    assert response.status_code == 200
    [formset] = [
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "recap_materials"
    ]
    assert formset.errors[0]["material"][0].startswith("Selecteer een geldige keuze.")
    assert not RecapMaterial.objects.exists()
