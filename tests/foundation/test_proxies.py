"""Who the client is behind the proxies we trust (g40events/proxies.py), and the checks about it."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.test import RequestFactory

from g40events import proxies
from g40events.proxies import client_address

ROOT = Path(__file__).resolve().parents[2]


def request_from(remote_addr, forwarded_for=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "client"),
    [
        # Through the web server on the same machine: the address it appended.
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),
        ("::1", "203.0.113.7", "203.0.113.7"),
        # What the client wrote itself (left of the proxy's entry) does not count.
        ("127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        ("127.0.0.1", "127.0.0.1, 10.0.0.1, 203.0.113.7", "203.0.113.7"),
        # Straight to the app: the header is ignored, whatever it says.
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
        ("203.0.113.7", "127.0.0.1", "203.0.113.7"),
        # No header: the peer.
        ("127.0.0.1", None, "127.0.0.1"),
        ("203.0.113.7", None, "203.0.113.7"),
        # A request from the proxy's machine itself, through the proxy.
        ("127.0.0.1", "127.0.0.1", "127.0.0.1"),
        # Ports and brackets, as some proxies write them; several headers joined by the server.
        ("127.0.0.1", "203.0.113.7:51234", "203.0.113.7"),
        ("127.0.0.1", "[2001:db8:1:2::99]:443", "2001:db8:1:2::"),
        ("127.0.0.1", "198.51.100.1,203.0.113.7", "203.0.113.7"),
        # Something a proxy wrote that is no address: counted as that proxy.
        ("127.0.0.1", "unknown", "127.0.0.1"),
        ("127.0.0.1", "203.0.113.7, garbage", "127.0.0.1"),
        # IPv6 clients count per /64; IPv4-mapped addresses as IPv4.
        ("127.0.0.1", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
        ("2001:db8:1:2::5", None, "2001:db8:1:2::"),
        ("127.0.0.1", "::ffff:203.0.113.7", "203.0.113.7"),
    ],
)
def test_client_address_believes_only_what_trusted_proxies_wrote(remote_addr, forwarded_for, client):
    assert client_address(request_from(remote_addr, forwarded_for)) == client


def test_client_address_walks_through_a_chain_of_trusted_proxies(settings):
    """A load balancer at 10.0.0.2 in front of the web server on the app's machine."""
    settings.TRUSTED_PROXIES = ["127.0.0.0/8", "::1", "10.0.0.0/24"]

    assert client_address(request_from("127.0.0.1", "198.51.100.1, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"
    # The load balancer's own health check.
    assert client_address(request_from("127.0.0.1", "10.0.0.2")) == "10.0.0.2"
    # The load balancer is trusted too when it talks to the app directly.
    assert client_address(request_from("10.0.0.2", "203.0.113.7")) == "203.0.113.7"


def test_client_address_with_no_trusted_proxy_ignores_the_header(settings):
    settings.TRUSTED_PROXIES = []

    assert client_address(request_from("127.0.0.1", "203.0.113.7")) == "127.0.0.1"


def test_client_address_of_a_header_with_thousands_of_entries_is_the_proxys_last_one():
    forged = ", ".join(f"198.51.{n // 256}.{n % 256}" for n in range(5000))

    assert client_address(request_from("127.0.0.1", f"{forged}, 203.0.113.7")) == "203.0.113.7"
    # Trusted entries only, more of them than any real chain: never the forged part.
    assert client_address(request_from("127.0.0.1", f"{forged}, " + ", ".join(["127.0.0.1"] * 30))) == (
        "127.0.0.1"
    )


def test_untrusted_proxy_in_the_private_network_is_reported_once_in_the_log(caplog):
    proxies._warned.clear()
    with caplog.at_level(logging.WARNING, logger="g40events.proxies"):
        for _ in range(3):
            client_address(request_from("10.1.2.3", "203.0.113.7"))
        # A visitor on the internet forging the header is nothing to report (documentation addresses
        # such as 203.0.113.0/24 count as private in Python, hence a real public one).
        client_address(request_from("145.97.10.9", "198.51.100.1"))

    assert [record.getMessage() for record in caplog.records] == [
        "X-Forwarded-For from 10.1.2.3 ignored: that address is not in TRUSTED_PROXIES. If it is your "
        "proxy, add it; until then every visitor through it counts as one client."
    ]


def deploy_check_ids():
    return [message.id for message in checks.run_checks(include_deployment_checks=True) if message.id]


def test_deploy_check_warns_when_no_proxy_is_trusted_behind_a_tls_proxy(settings):
    settings.TRUSTED_PROXIES = []

    assert "g40events.W001" in deploy_check_ids()


def test_deploy_check_warns_when_every_address_is_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["0.0.0.0/0", "::/0"]

    assert "g40events.W002" in deploy_check_ids()


def test_deploy_check_is_quiet_about_the_default_proxies(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8", "::1"]

    assert not {"g40events.W001", "g40events.W002"} & set(deploy_check_ids())


def manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "HTTPS", "TRUSTED_PROXIES"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "g40events.settings",
            "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
            "ALLOWED_HOSTS": "netwerkdagen.g40steden.nl",
            **env_overrides,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_check_deploy_in_production_with_an_empty_proxy_list_names_the_problem():
    result = manage("check", "--deploy", TRUSTED_PROXIES="")

    assert "?: (g40events.W001) TRUSTED_PROXIES is empty" in result.stderr + result.stdout


def test_settings_refuse_a_trusted_proxy_that_is_no_address():
    result = manage("check", TRUSTED_PROXIES="127.0.0.1,proxy.internal")

    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'proxy.internal' is not an IP address or network." in result.stderr


def test_check_says_the_old_client_address_setting_is_no_longer_read():
    result = manage("check", REGISTRATION_CLIENT_ADDRESS_HEADER="HTTP_X_FORWARDED_FOR")

    assert "(g40events.W003) REGISTRATION_CLIENT_ADDRESS_HEADER is no longer read." in result.stderr
