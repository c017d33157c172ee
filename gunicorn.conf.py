"""Gunicorn settings read from the project folder (`gunicorn g40events.wsgi`)."""

import gc

wsgi_app = "g40events.wsgi"


def post_worker_init(worker):
    # A loaded Django worker holds some 90,000 long-lived objects (modules, URL patterns, templates).
    # Freezing them keeps full garbage collections, ~50 ms each, out of the requests' latency.
    gc.freeze()
