"""/desk/outcomes/...: the clinic's outcome report and each patient's trajectory."""

from django.urls import path

from . import discharge_views, report_pdf, views

app_name = "outcomes"

urlpatterns = [
    path("", views.report_page, name="report"),
    path("export.csv", views.export_csv, name="export"),
    path("report.pdf", report_pdf.report_pdf, name="report_pdf"),
    path("patients/<int:patient_id>/", views.patient_trajectory, name="patient"),
    path("patients/<int:patient_id>/discharge/", discharge_views.discharge, name="discharge"),
]
