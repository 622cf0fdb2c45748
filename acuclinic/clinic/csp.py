"""Content-Security-Policy per area: strict everywhere (settings.SECURE_CSP), relaxed where
third-party admin screens need it.

Django's own middleware sends SECURE_CSP unless a view set its own (the decorators in
django.views.decorators.csp). This subclass picks the policy by path first, so the Wagtail
editor and the Django admin, which use inline scripts and styles we do not control, get theirs
without touching their views; every other page keeps the strict one.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.utils.csp import CSP

# Inline <script> and <style>, style="" attributes and blob: previews of uploaded images:
# what Wagtail 8's editor and the Django admin rely on. Still no other site's scripts, no
# plugins, no framing by another site (the editor's live preview frames our own pages).
ADMIN_PREFIXES = ("/cms/", "/admin/")
EMBED_PAGE = "/api/embed/"


def admin_policy() -> dict[str, list[str]]:
    return {
        **settings.SECURE_CSP,
        "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
        "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
        "img-src": [CSP.SELF, "data:", "blob:"],
        "font-src": [CSP.SELF, "data:"],
        "frame-ancestors": [CSP.SELF],
    }


def embed_page_policy() -> dict[str, list[str]]:
    """The staff page with the "Book online" snippet shows it working: the script is loaded
    from SITE_URL (what other sites are given) and adds its own <style>, as it does there."""
    site = urlsplit(settings.SITE_URL)
    origin = f"{site.scheme}://{site.netloc}"
    return {
        **settings.SECURE_CSP,
        "script-src": [CSP.SELF, origin],
        "connect-src": [CSP.SELF, origin],
        "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    }


def preview_policy() -> dict[str, list[str]]:
    """A page in the editor's live preview: our own strict policy, framed by the editor."""
    return {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]}


def policy_for(path: str) -> dict[str, list[str]] | None:
    """The policy for `path` when it is not the default one."""
    if path.startswith(ADMIN_PREFIXES):
        return admin_policy()
    if path == EMBED_PAGE:
        return embed_page_policy()
    return None


class ClinicCSPMiddleware(ContentSecurityPolicyMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # A view's own override (a decorator) wins over the path's.
        if not hasattr(response, "_csp_config"):
            # Wagtail renders a preview through the middleware with a made-up request for the
            # page's public URL, flagged `is_dummy`.
            if getattr(request, "is_dummy", False):
                policy = preview_policy()
            else:
                policy = policy_for(request.path_info)
            if policy:
                response._csp_config = policy  # type: ignore[attr-defined]
        return super().process_response(request, response)
