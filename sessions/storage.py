"""Where speakers' uploads wait for approval: outside MEDIA_ROOT, so the web server never serves them."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateUploadStorage(FileSystemStorage):
    """Files in PRIVATE_MEDIA_ROOT, read only through the admin (which checks the organiser's rights)."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private uploads have no public address.")


def private_storage() -> PrivateUploadStorage:
    return PrivateUploadStorage()
