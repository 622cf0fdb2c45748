"""/desk/visits/...: visits and their notes (charting/views.py), protocols
(charting/protocol_views.py)."""

from django.urls import path

from . import protocol_views, views

app_name = "charting"

urlpatterns = [
    path("start/<int:appointment_id>/", views.start, name="start"),
    path("walk-in/<int:patient_id>/", views.walk_in, name="walk_in"),
    path("patient/<int:patient_id>/", views.patient_visits, name="patient_visits"),
    path("points/search/", views.point_search, name="point_search"),
    path("<int:visit_id>/", views.visit_detail, name="visit"),
    path("<int:visit_id>/note/", views.save_note, name="save_note"),
    path("<int:visit_id>/points/", views.add_point, name="add_point"),
    path(
        "<int:visit_id>/points/<int:needle_id>/delete/",
        views.remove_point,
        name="remove_point",
    ),
    path("<int:visit_id>/modalities/", views.add_modality, name="add_modality"),
    path(
        "<int:visit_id>/modalities/<int:modality_id>/delete/",
        views.remove_modality,
        name="remove_modality",
    ),
    path("<int:visit_id>/pain/", views.record_pain, name="record_pain"),
    path("<int:visit_id>/cautions/", views.acknowledge, name="acknowledge"),
    path("<int:visit_id>/sign/", views.sign, name="sign"),
    path("<int:visit_id>/amend/", views.amend, name="amend"),
    path("<int:visit_id>/adverse-events/", views.add_adverse_event, name="add_adverse_event"),
    path(
        "<int:visit_id>/adverse-events/<int:event_id>/",
        views.follow_up_adverse_event,
        name="follow_up_adverse_event",
    ),
    path("<int:visit_id>/aftercare/", views.save_aftercare, name="save_aftercare"),
    path("<int:visit_id>/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("protocols/", protocol_views.protocol_list, name="protocols"),
    path("protocols/new/", protocol_views.protocol_new, name="protocol_new"),
    path("protocols/<int:protocol_id>/", protocol_views.protocol_edit, name="protocol_edit"),
]
