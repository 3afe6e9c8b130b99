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

from flask import Flask, Response, current_app, g, request

POLICY = (
    "default-src 'self'; "
    "script-src 'self'{nonce}; "
    "style-src 'self'{nonce}{style_hashes}; "
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


#: Set on every answer unless the view set its own.
DEFAULT_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000")


def csp_nonce() -> str:
    """The nonce of this request, for a template's inline script or style."""
    try:
        return g.csp_nonce
    except AttributeError:
        g.csp_nonce = secrets.token_urlsafe(16)
        return g.csp_nonce


@functools.lru_cache(maxsize=16)
def _hash(text: str) -> str:
    # Keyed by the stylesheet object itself (the helpers return the same object until the
    # file changes), whose hash Python keeps: no 5 KB copy to hash on every request.
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f" 'sha256-{base64.b64encode(digest).decode()}'"


@functools.cache
def _stylesheets() -> tuple:
    # Imported on first use, as before: the page areas are imported after this module.
    from qrsvc.public.context import site_css
    from qrsvc.trace.helpers import trace_css

    return site_css, trace_css


def inline_style_hashes() -> str:
    """CSP sources for the stylesheets pages inline (see ``site_css``, ``trace_css``)."""
    site_css, trace_css = _stylesheets()
    return _hash(site_css()) + _hash(trace_css())


def content_security_policy() -> str:
    """The policy of this answer: with the nonce only if the page used one.

    A page served from the cache carries no per-request block, so it gets the stricter
    policy without a nonce, which is the same for every answer. Outside debug mode the
    stylesheets are those the process started with, so that policy is made once.
    """
    if "csp_nonce" in g:
        return POLICY.format(nonce=f" 'nonce-{g.csp_nonce}'", style_hashes=inline_style_hashes())
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    policy = app.extensions.get("qrsvc.csp")
    if policy is None or app.debug:
        policy = POLICY.format(nonce="", style_hashes=inline_style_hashes())
        app.extensions["qrsvc.csp"] = policy
    return policy


def add_security_headers(response: Response) -> Response:
    """Set the headers every answer carries (those a view set itself are kept)."""
    headers = response.headers
    # One pass over the headers instead of a search per header (this runs on every answer).
    present = {name.lower() for name, _ in headers.items()}
    if "content-security-policy" not in present and response.mimetype == "text/html":
        headers.add("Content-Security-Policy", content_security_policy())
    for name, value in DEFAULT_HEADERS:
        if name.lower() not in present:
            headers.add(name, value)
    if request.is_secure and HSTS[0].lower() not in present:
        headers.add(*HSTS)
    return response


def init_app(app: Flask) -> None:
    """Register the headers and the ``csp_nonce`` template global."""
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
