"""/portal/questionnaires/: the outcome questionnaires a patient is due to answer.

Addresses carry a neutral one-letter code, never the measure's name: nothing clinical in a URL.
Included from acuclinic/urls.py before the portal's own "portal/" prefix."""

from django.urls import path

from . import portal_views

app_name = "outcome_portal"

urlpatterns = [
    path("", portal_views.due_list, name="list"),
    path("<str:code>/", portal_views.answer, name="answer"),
]
