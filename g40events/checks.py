"""System checks of the deployment (`manage.py check --deploy`)."""

import os

from django.conf import settings
from django.core.checks import Tags, Warning, register

from g40events.proxies import parse_networks


@register(Tags.security, deploy=True)
def check_trusted_proxies(app_configs, **kwargs):
    """A site behind a proxy that trusts none counts every visitor as the proxy; one that trusts
    every address lets any visitor pick the address it is counted by."""
    networks = parse_networks(settings.TRUSTED_PROXIES)
    if not networks and settings.SECURE_PROXY_SSL_HEADER:
        return [
            Warning(
                "TRUSTED_PROXIES is empty, but the settings expect a TLS proxy in front of the app "
                "(SECURE_PROXY_SSL_HEADER): every request then comes from the proxy's address, and the "
                "sign-up rate limit and the admin login throttle count all visitors as one client.",
                hint="Set TRUSTED_PROXIES to the address of the proxy in front of the app, "
                "e.g. TRUSTED_PROXIES=127.0.0.0/8,::1 for a web server on the same machine.",
                id="g40events.W001",
            )
        ]
    if any(network.prefixlen == 0 for network in networks):
        return [
            Warning(
                "TRUSTED_PROXIES trusts every address: any visitor can choose the address it is counted "
                "by with an X-Forwarded-For header, and escape the sign-up rate limit and the admin "
                "login throttle.",
                hint="List only the proxies in front of the app.",
                id="g40events.W002",
            )
        ]
    return []


@register(Tags.compatibility)
def check_replaced_settings(app_configs, **kwargs):
    if "REGISTRATION_CLIENT_ADDRESS_HEADER" in os.environ or hasattr(
        settings, "REGISTRATION_CLIENT_ADDRESS_HEADER"
    ):
        return [
            Warning(
                "REGISTRATION_CLIENT_ADDRESS_HEADER is no longer read. X-Forwarded-For is now believed "
                "from the proxies in TRUSTED_PROXIES only (by default the loopback addresses).",
                hint="Remove REGISTRATION_CLIENT_ADDRESS_HEADER; set TRUSTED_PROXIES if your proxy is "
                "on another machine.",
                id="g40events.W003",
            )
        ]
    return []
