"""The public booking flow at /book/ (being built)."""

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound


def start(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotFound()


def manage(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponseNotFound()


def offer(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponseNotFound()


def waitlist_entry(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponseNotFound()
