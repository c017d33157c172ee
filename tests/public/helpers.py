"""What a reader sees of a page, and how many queries it took."""

import html
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils.html import strip_tags

# Tags where text runs apart on the page; inline tags (a, time, span, strong) join their text.
_BLOCK_BOUNDARY = re.compile(
    r"</?(?:br|p|div|li|dt|dd|h[1-6]|ul|ol|dl|section|article|header|footer|nav|main|aside|"
    r"form|fieldset|legend|label|option|select|button|td|th|tr)\b[^>]*>"
)


def page_text(response) -> str:
    """The visible text of an HTML response, with whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<head\b.*?</head>", " ", body, flags=re.S)
    body = re.sub(_BLOCK_BOUNDARY, " ", body)
    return " ".join(html.unescape(strip_tags(body)).split())


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def url_or_none(name, **kwargs):
    """The URL of a route another part of the site may not have yet."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def make_organiser(*permissions: str, is_staff: bool = True):
    """A staff user with the given permissions, as "app_label.codename"."""
    user = get_user_model().objects.create_user(username="organisator", password="x", is_staff=is_staff)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user
