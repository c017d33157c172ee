"""Headers that keep browsers from doing what the site never means them to do.

Pages, the admin's included, get a strict Content-Security-Policy (django-csp,
settings.CONTENT_SECURITY_POLICY) and a Permissions-Policy (django-permissions-policy,
settings.PERMISSIONS_POLICY). A view that needs more says so with the libraries' decorators, e.g. a
staff page that uses the camera:

    @method_decorator(permissions_policy_override({**settings.PERMISSIONS_POLICY, "camera": ["self"]}),
                      name="dispatch")

Uploaded files are served with headers that keep a browser from running them (`upload_headers`):
by Django when SERVE_MEDIA is on (`serve_upload`), by the web server in production (README).

The admin login is throttled by django-axes (settings AXES_*); `admin_login_locked_out` is the page
of an account locked at an address.
"""

import datetime
import functools
import math
import mimetypes
from pathlib import PurePosixPath

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib import admin
from django.core.signals import setting_changed
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

# Uploads a browser may show in its own window: PDF and the photo formats organisers can upload.
# Anything else is a download.
INLINE_UPLOAD_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}


# What django-csp's decorators leave on the response of a view with a policy of its own.
_OWN_POLICY_MARKS = tuple(
    f"_csp_{kind}{report_only}"
    for kind in ("exempt", "config", "update", "replace")
    for report_only in ("", "_ro")
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the standing policy built once.

    A response without a policy of its own (no decorator, no nonce) gets the site's policy as the
    settings give it, built once per process: django-csp builds the policy again for every
    response, which took a third of the whole middleware stack's time on /health/.
    """

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, mark) for mark in _OWN_POLICY_MARKS)
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        for header, policy, excluded_prefixes in _standing_policies():
            if header not in response and not request.path_info.startswith(excluded_prefixes):
                response[header] = policy
        # As django-csp: a nonce asked for after the header went out is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@functools.lru_cache(maxsize=1)
def _standing_policies() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The policy headers of a response without a policy of its own, as django-csp builds them:
    (header, policy, the URL prefixes it leaves out)."""
    headers = []
    for header, setting, policy in (
        (HEADER, "CONTENT_SECURITY_POLICY", build_policy()),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", build_policy(report_only=True)),
    ):
        if policy:
            excluded = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            headers.append((header, policy, tuple(excluded)))
    return tuple(headers)


def _forget(*, setting, **kwargs):
    if "CONTENT_SECURITY_POLICY" in setting:
        _standing_policies.cache_clear()


setting_changed.connect(_forget)


def upload_headers(name: str) -> dict[str, str]:
    """The headers of an uploaded file: never sniffed, never run, downloaded unless PDF or image."""
    content_type, _encoding = mimetypes.guess_type(name)
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
    }
    if content_type not in INLINE_UPLOAD_TYPES:
        headers["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return headers


def serve_upload(request, path, document_root=None):
    """django.views.static.serve, with `upload_headers` (the demo: SERVE_MEDIA=on)."""
    response = serve(request, path, document_root=document_root)
    for header, value in upload_headers(PurePosixPath(path).name).items():
        response[header] = value
    return response


def admin_login_locked_out(request, original_response=None, credentials=None):
    """The admin login of an account locked at this address (django-axes): when to try again."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = math.ceil(cool_off.total_seconds() / 60)
    again = timezone.localtime(timezone.now() + cool_off + datetime.timedelta(seconds=59))
    # Made in AxesMiddleware, after the view: rendered here, not by the handler.
    response = render(
        request,
        "admin/locked_out.html",
        {
            **admin.site.each_context(request),
            "title": _("Te veel mislukte pogingen"),
            "username": (credentials or {}).get("username") or request.POST.get("username", ""),
            "again": again.replace(second=0, microsecond=0),
            "minutes": minutes,
        },
        status=429,
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
