import json
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .. import structured_data
from ..page_cache import CSRF_PLACEHOLDER, FORM_STARTED_PLACEHOLDER
from ..text import render_plain_text

register = template.Library()

# The same escapes as Django's json_script: nothing in the data can close the script element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def csrf_input() -> SafeString:
    """A CSRF field that survives the page cache: the middleware fills in each visitor's token."""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', CSRF_PLACEHOLDER
    )


@register.simple_tag
def form_started_input() -> SafeString:
    return format_html('<input type="hidden" name="started" value="{}">', FORM_STARTED_PLACEHOLDER)


@register.filter
def plain_text(value: str) -> SafeString:
    return render_plain_text(value)


def _jsonld(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def _absolute(request: Any, url: str | None) -> str | None:
    return request.build_absolute_uri(url) if url else None


def _rendition_url(image: Any, spec: str) -> str | None:
    return image.get_rendition(spec).url if image else None


@register.simple_tag(takes_context=True)
def clinic_jsonld(context: dict) -> SafeString:
    request = context["request"]
    clinic = context["settings"]["clinic"]["ClinicSettings"]
    return _jsonld(structured_data.clinic_data(clinic, request.build_absolute_uri("/")))


@register.simple_tag(takes_context=True)
def page_jsonld(context: dict) -> SafeString:
    request, page = context["request"], context["page"]
    url = page.get_full_url(request)
    clinic_id = request.build_absolute_uri("/") + "#clinic"
    if page.specific_class.__name__ == "ArticlePage":
        image = _absolute(request, _rendition_url(page.image, "fill-1200x630"))
        return _jsonld(structured_data.article_data(page, url, clinic_id, image))
    if page.specific_class.__name__ == "PractitionerPage":
        photo = _absolute(request, _rendition_url(page.photo, "fill-600x600"))
        return _jsonld(structured_data.practitioner_data(page, url, clinic_id, photo))
    return mark_safe("")


@register.simple_tag(takes_context=True)
def og_image(context: dict) -> str:
    page = context.get("page")
    image = getattr(page, "image", None) or getattr(page, "photo", None)
    return _absolute(context["request"], _rendition_url(image, "fill-1200x630")) or ""


@register.simple_tag
def booking_link(clinic: Any, service: Any = None) -> str:
    base = clinic.booking_url or "/book/"
    return service.booking_path(base) if service else base


@register.simple_tag(takes_context=True)
def site_menu(context: dict) -> list:
    from wagtail.models import Site

    site = Site.find_for_request(context["request"])
    if site is None:
        return []
    pages = list(site.root_page.get_children().live().public().in_menu())
    for item in pages:
        item.depth_slice = f":{len(item.path)}"
    return pages


@register.filter
def with_error_description(field: Any) -> SafeString:
    """Render a bound field so screen readers read its error message with it."""
    if field.errors:
        return field.as_widget(attrs={"aria-describedby": f"{field.auto_id}_error"})
    return field.as_widget()


@register.simple_tag(takes_context=True)
def og_type(context: dict) -> str:
    page = context.get("page")
    return "article" if page is not None and hasattr(page, "lead") else "website"
