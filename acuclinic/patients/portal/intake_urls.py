"""/portal/intake/...: the questionnaire before the first visit (portal/intake_views.py).

The ids are the intake's (not the patient's): nothing clinical is in an address."""

from django.urls import path

from . import intake_views

urlpatterns = [
    path("", intake_views.intake_form, name="intake"),
    path("<str:intake_id>/save/", intake_views.intake_save, name="intake_save"),
    path("<str:intake_id>/", intake_views.intake_answers, name="intake_answers"),
    path("<str:intake_id>/done/", intake_views.intake_done, name="intake_done"),
]
