from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

# The public pages of the event domain (home, netwerkdagen, pillars, theme groups, recaps).
event_patterns = []

urlpatterns = [
    path("", include((event_patterns, "events"))),
    path("netwerkdagen/<slug:event_slug>/sessies/", include("sessions.urls")),
    path("sprekers/", include("speakers.urls")),
    path("", include("registrations.urls")),
    path("beheer/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]
