"""/portal/progress/: the patient's own pain and function over time. Included from
acuclinic/urls.py before the portal's own "portal/" prefix."""

from django.urls import path

from . import portal_views

app_name = "outcome_progress"

urlpatterns = [path("", portal_views.progress, name="progress")]
