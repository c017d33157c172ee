from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from g40events import exports, security, views
from g40events.feeds import RecapFeed
from g40events.sitemaps import (
    EventSitemap,
    PillarSitemap,
    RecapSitemap,
    StaticPagesSitemap,
    ThemeGroupSitemap,
)
from pagecache.views import query_params
from sessions.sitemaps import SessionSitemap
from sessions.urls import upload_patterns
from speakers.sitemaps import SpeakerSitemap

SITEMAPS = {
    "pages": StaticPagesSitemap,
    "netwerkdagen": EventSitemap,
    "sessies": SessionSitemap,
    "sprekers": SpeakerSitemap,
    "pijlers": PillarSitemap,
    "themagroepen": ThemeGroupSitemap,
    "terugblik": RecapSitemap,
}

# The public pages of the event domain (home, netwerkdagen, pillars, theme groups, recaps).
event_patterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("netwerkdagen/", views.ArchiveView.as_view(), name="archive"),
    path("netwerkdagen/<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("netwerkdagen/<slug:slug>/agenda.ics", exports.event_ics, name="ics"),
    path("netwerkdagen/<slug:slug>/programma.json", exports.schedule_json, name="schedule"),
    path("pijlers/<slug:slug>/", views.PillarDetailView.as_view(), name="pillar"),
    path("themagroepen/", views.ThemeGroupListView.as_view(), name="theme_groups"),
    path("themagroepen/<slug:slug>/", views.ThemeGroupDetailView.as_view(), name="theme_group"),
    path("terugblik/", views.RecapListView.as_view(), name="recaps"),
    path("terugblik/feed/", RecapFeed(), name="recap_feed"),
    # Fixed paths under terugblik/ (the feed) must come before this one, which takes any slug.
    path("terugblik/<slug:slug>/", views.RecapDetailView.as_view(), name="recap"),
    path("agenda.ics", exports.events_calendar, name="calendar"),
    path("sitemap.xml", query_params("p")(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
    path("toegankelijkheid/", views.AccessibilityView.as_view(), name="accessibility"),
    path("health/", exports.health, name="health"),
]

urlpatterns = [
    path("", include((event_patterns, "events"))),
    path("netwerkdagen/<slug:event_slug>/sessies/", include("sessions.urls")),
    path("", include((upload_patterns, "uploads"))),
    path("sprekers/", include("speakers.urls")),
    path("", include("registrations.urls")),
    path("", include("checkin.urls")),
    path("", include("surveys.urls")),
    path("beheer/", admin.site.urls),
    # The language switch sits on every public page. Without a CSRF token those pages can be
    # cached and shared between visitors; forging it could only switch someone's language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", security.serve_upload, {"document_root": settings.MEDIA_ROOT})
    ]
