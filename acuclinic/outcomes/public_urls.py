"""/outcomes/...: public pages about how the clinic measures its results."""

from django.urls import path

from . import public_views

app_name = "outcomes_public"

urlpatterns = [
    path("how-we-measure/", public_views.how_we_measure, name="how_we_measure"),
]
