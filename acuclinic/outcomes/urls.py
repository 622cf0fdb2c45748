"""/desk/outcomes/...: the clinic's outcome report and each patient's trajectory."""

from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("", views.report_page, name="report"),
    path("export.csv", views.export_csv, name="export"),
    path("patients/<int:patient_id>/", views.patient_trajectory, name="patient"),
]
