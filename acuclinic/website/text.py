"""Visitor text to safe HTML: escaped, line breaks kept, links clickable but not endorsed."""

from django.utils.html import linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe


def render_plain_text(text: str) -> SafeString:
    # urlize escapes everything it does not turn into a link, so no visitor markup survives.
    html = urlize(text, trim_url_limit=60, nofollow=False, autoescape=True)
    html = html.replace("<a href=", '<a rel="nofollow ugc noopener" href=')
    return mark_safe(linebreaks(html, autoescape=False))
