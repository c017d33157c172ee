"""QR codes of check-in codes (segno): SVG for pages and PDFs, PNG for e-mail."""

import base64
import io

import segno
from markupsafe import Markup


def _qr(code: str):
    # Error correction is raised as far as version 1 allows (segno's boost_error).
    return segno.make(code, error="m", micro=False)


def svg(code: str, *, title: str = "", scale: int = 6) -> Markup:
    """An inline <svg> with the code; `title` names it for screen readers (role="img")."""
    buffer = io.BytesIO()
    _qr(code).save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title=None, svgclass="qr"
    )
    markup = buffer.getvalue().decode()
    if title:
        escaped = Markup.escape(title)
        markup = markup.replace("<svg ", f'<svg role="img" aria-label="{escaped}" ', 1)
    return Markup(markup)


def png(code: str, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    _qr(code).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def img(code: str, *, alt: str) -> Markup:
    """An <img> with the code as an inline PNG: WeasyPrint draws an image faster than an SVG's path,
    which counts when 200 badges go into one PDF (bench/bench_checkin.py)."""
    source = "data:image/png;base64," + base64.b64encode(png(code, scale=6)).decode()
    return Markup('<img src="{}" alt="{}" class="qr-image">').format(source, alt)
