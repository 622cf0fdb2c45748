"""The patient's own pages: what is coming up and what is due."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .access import patient_required


@patient_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"patient": request.patient})  # type: ignore[attr-defined]
