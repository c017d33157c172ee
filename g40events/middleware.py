from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import NoReverseMatch, reverse
from django.utils import translation


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the visitor chose another language with the language switch.

    Django's LocaleMiddleware also follows the browser's Accept-Language; a Dutch public-sector
    site shows Dutch to everyone first, and English to whoever asks for it. The admin is Dutch
    only (its models, help texts and the scripts' catalogue), whatever the public pages were
    switched to: an organiser who read the English site should not get "Choose all pijlers".
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        if _admin_prefix() and request.path_info.startswith(_admin_prefix()):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _admin_prefix() -> str:
    """The admin's path (/beheer/), or "" under a URLconf without the admin."""
    try:
        return reverse("admin:index")
    except NoReverseMatch:
        return ""
