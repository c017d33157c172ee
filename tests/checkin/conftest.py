import pytest


@pytest.fixture(autouse=True)
def _send_mail_inline(settings):
    """Send registration e-mails inside the commit, so that a test sees them in mail.outbox at once
    (test_emails.py covers the background sender on its own)."""
    settings.REGISTRATION_EMAIL_IN_BACKGROUND = False
