"""The site's URLs with uploads served by Django, as under SERVE_MEDIA=on (the demo).

Also under /uploads/: pytest-django's live server answers /media/ itself, bypassing the app, so a
browser test fetches the same files through the app from there.
"""

from django.conf import settings
from django.urls import re_path

from g40events import security
from g40events.urls import urlpatterns as site_patterns


def serve_upload(request, path):
    # The MEDIA_ROOT of the moment: tests point it at a temporary folder.
    return security.serve_upload(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    *site_patterns,
    re_path(r"^media/(?P<path>.*)$", serve_upload),
    re_path(r"^uploads/(?P<path>.*)$", serve_upload),
]
