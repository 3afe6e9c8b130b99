"""Security headers, with a strict Content-Security-Policy the pages satisfy.

Pages load nothing from elsewhere, so the policy allows only this origin. Inline
blocks are allowed one by one: the stylesheets and scripts pages inline (one
request fewer on 3G, see :mod:`qrsvc.inline`) by the hash of their text, which
stays valid in a cached page, and any per-request ``<script>``/``<style>`` block by
the nonce from ``csp_nonce()``. JSON-LD blocks are data, never run, and need neither.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, request

from qrsvc import inline

POLICY = (
    "default-src 'self'; "
    "script-src 'self'{script_hashes}{nonce}; "
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


def content_security_policy() -> str:
    """The policy of this answer: with the nonce only if the page used one.

    A page without a per-request block (a cached page, a stamp page) gets the stricter
    policy without a nonce, which is the same for every answer; outside debug mode it
    is made once.
    """
    if "csp_nonce" in g:
        return _policy(f" 'nonce-{g.csp_nonce}'")
    extensions = current_app.extensions
    policy = extensions.get("qrsvc.csp")
    if policy is None or current_app.debug:
        policy = extensions["qrsvc.csp"] = _policy("")
    return policy


def _policy(nonce: str) -> str:
    return POLICY.format(
        nonce=nonce, style_hashes=inline.style_sources(), script_hashes=inline.script_sources()
    )


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
    app.jinja_env.globals["inline"] = inline.inline
