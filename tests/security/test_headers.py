"""The headers of pages and uploads: Content-Security-Policy, Permissions-Policy, and uploads that a
browser cannot run. (The browser's side of it: tests/browser/test_security_browser.py.)"""

import pytest
from csp.decorators import csp_update
from django.conf import settings
from django.http import HttpResponse
from django.urls import path
from django_permissions_policy.decorators import permissions_policy_override

from tests.factories import make_event
from tests.security.urls import urlpatterns as site_with_uploads

pytestmark = pytest.mark.django_db

PUBLIC_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
PERMISSIONS = (
    "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), "
    "encrypted-media=(), geolocation=(), gyroscope=(), hid=(), idle-detection=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), "
    "usb=(), xr-spatial-tracking=()"
)


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";"))


def test_public_page_sends_the_strict_policy_and_no_browser_features(client):
    make_event(title="Netwerkdag Dordrecht")

    response = client.get("/")

    assert directives(response["Content-Security-Policy"]) == directives(PUBLIC_POLICY)
    assert response["Permissions-Policy"] == PERMISSIONS
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_page_from_the_page_cache_still_carries_the_headers(client):
    make_event()
    client.get("/")

    cached = client.get("/")

    assert cached["X-Cache"] == "HIT"
    assert directives(cached["Content-Security-Policy"]) == directives(PUBLIC_POLICY)
    assert cached["Permissions-Policy"] == PERMISSIONS


def test_admin_pages_have_the_same_strict_policy_no_inline_styles(client):
    response = client.get("/beheer/login/")

    admin = directives(response["Content-Security-Policy"])
    assert admin == directives(PUBLIC_POLICY)
    assert admin["style-src"] == "'self'"
    assert response["Permissions-Policy"] == PERMISSIONS


@permissions_policy_override({**settings.PERMISSIONS_POLICY, "camera": ["self"]})
@csp_update({"img-src": ["blob:"]})
def scan_badges(request):
    return HttpResponse("scanner")


urlpatterns = [*site_with_uploads, path("scan/", scan_badges)]


def test_a_view_can_switch_on_the_camera_for_itself(client, settings):
    """A later staff page scans badges: it takes the camera, and nothing else changes."""
    settings.ROOT_URLCONF = __name__

    response = client.get("/scan/")

    assert response["Permissions-Policy"] == PERMISSIONS.replace("camera=()", "camera=(self)")
    assert directives(response["Content-Security-Policy"])["img-src"] == "'self' blob:"
    assert client.get("/")["Permissions-Policy"] == PERMISSIONS


@pytest.fixture
def uploads(settings, tmp_path):
    settings.ROOT_URLCONF = "tests.security.urls"
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "materials").mkdir()
    files = {
        "materials/slides.pdf": b"%PDF-1.4\n%%EOF\n",
        "materials/deck.pptx": b"PK\x03\x04",
        "materials/notes.docx": b"PK\x03\x04",
        "materials/page.html": b"<script>alert(document.cookie)</script>",
        "materials/drawing.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "photo.png": b"\x89PNG\r\n\x1a\n",
        "photo.webp": b"RIFF\x00\x00\x00\x00WEBP",
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    return files


@pytest.mark.parametrize(
    ("name", "content_type", "disposition"),
    [
        ("materials/slides.pdf", "application/pdf", 'inline; filename="slides.pdf"'),
        ("photo.png", "image/png", 'inline; filename="photo.png"'),
        ("photo.webp", "image/webp", 'inline; filename="photo.webp"'),
        (
            "materials/deck.pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            'attachment; filename="deck.pptx"',
        ),
        (
            "materials/notes.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            'attachment; filename="notes.docx"',
        ),
        ("materials/page.html", "text/html", 'attachment; filename="page.html"'),
        ("materials/drawing.svg", "image/svg+xml", 'attachment; filename="drawing.svg"'),
    ],
)
def test_uploads_are_served_so_that_no_browser_runs_them(client, uploads, name, content_type, disposition):
    response = client.get(f"/media/{name}")

    assert response.status_code == 200
    # Read to the end, which finishes the request (as a browser would) and proves the file is served.
    assert b"".join(response.streaming_content) == uploads[name]
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Content-Disposition"] == disposition


def test_policies_follow_the_settings(client, settings):
    """The policies are built once per process, from the settings as they stand."""
    make_event()
    assert "Content-Security-Policy-Report-Only" not in client.get("/")

    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"], "img-src": ["'self'"]}}
    response = client.get("/")

    assert response["Content-Security-Policy-Report-Only"] == "default-src 'self'"
    assert directives(response["Content-Security-Policy"]) == {"default-src": "'none'", "img-src": "'self'"}
