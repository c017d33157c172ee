"""Signing a browser in without the login form: the form itself is driven in the tests of the
people who use it (a coordinator in the admin, desk staff at the door); elsewhere a test starts
signed in, as a browser with a session would."""

from django.conf import settings
from django.test import Client


def sign_in(page, live_server, user):
    """Gives the page's browser context a session of `user` on the live server."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
