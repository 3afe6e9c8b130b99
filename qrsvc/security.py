"""Security headers, with a strict Content-Security-Policy the pages satisfy.

Pages load nothing from elsewhere, so the policy allows only this origin. Inline
blocks are allowed one by one: the stylesheets that public pages inline (one
request fewer on 3G) by the hash of their text, which stays valid in a cached
page, and the few per-request ``<script>``/``<style>`` blocks by the nonce from
``csp_nonce()``. JSON-LD blocks are data, never run, and need neither.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import secrets

from flask import Flask, Response, g, request

POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'nonce-{nonce}'{style_hashes}; "
    "img-src 'self' data:; "
    "media-src 'self'; "
    "connect-src 'self'; "
    "font-src 'self'; "
    "manifest-src 'self'; "
    "worker-src 'self'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)


def csp_nonce() -> str:
    """The nonce of this request, for a template's inline script or style."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


@functools.lru_cache(maxsize=16)
def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f" 'sha256-{base64.b64encode(digest).decode()}'"


def inline_style_hashes() -> str:
    """CSP sources for the stylesheets pages inline (see ``site_css``, ``trace_css``)."""
    from qrsvc.public.context import site_css
    from qrsvc.trace.helpers import trace_css

    return "".join(_hash(str(css())) for css in (site_css, trace_css))


def add_security_headers(response: Response) -> Response:
    """Set the headers every answer carries."""
    headers = response.headers
    if response.mimetype == "text/html" and "Content-Security-Policy" not in headers:
        headers["Content-Security-Policy"] = POLICY.format(
            nonce=csp_nonce(), style_hashes=inline_style_hashes()
        )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    """Register the headers and the ``csp_nonce`` template global."""
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
