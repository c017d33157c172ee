"""Small views in the cached `events` namespace that show what a cache key must account for."""

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import include, path
from django.utils.translation import get_language

from g40events import clock
from g40events.models import Event
from pagecache.views import query_params


@query_params("q")
def today(request):
    return HttpResponse(f"{clock.today().isoformat()} {get_language()} {request.GET.get('q', '')}")


def registration(request, slug):
    return HttpResponse(Event.objects.get(slug=slug).registration_state())


def form(request):
    return HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>")


def with_cookie(request):
    response = HttpResponse("koekje")
    response.set_cookie("gezien", "1")
    return response


def with_message(request):
    messages.success(request, "Bedankt")
    return HttpResponse("bericht")


def with_session(request):
    request.session["gezien"] = True
    return HttpResponse("sessie")


patterns = [
    path("vandaag/", today, name="today"),
    path("aanmelding/<slug:slug>/", registration, name="registration"),
    path("formulier/", form, name="form"),
    path("koekje/", with_cookie, name="cookie"),
    path("bericht/", with_message, name="message"),
    path("sessie/", with_session, name="session"),
]

urlpatterns = [path("", include((patterns, "events")))]
