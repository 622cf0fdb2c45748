"""Included at /desk/interop/ (acuclinic/urls.py): path("desk/interop/", include(...))."""

from django.urls import path

from . import views

app_name = "interop"

urlpatterns = [
    path("patients/<int:patient_id>/fhir/", views.patient_bundle, name="patient_bundle"),
]
