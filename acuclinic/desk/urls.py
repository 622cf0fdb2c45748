from django.urls import path, re_path

from . import (
    audit_views,
    calendar_appointments,
    calendar_feeds,
    calendar_views,
    intake_views,
    patient_views,
    views,
)

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("comments/", views.comment_queue, name="comments"),
    path("comments/<int:comment_id>/<str:action>/", views.moderate, name="moderate"),
    path("audit/", audit_views.audit_log, name="audit"),
    # Patient records
    path("patients/", patient_views.patient_list, name="patients"),
    path("patients/<int:patient_id>/", patient_views.patient_detail, name="patient"),
    path("patients/<int:patient_id>/edit/", patient_views.patient_edit, name="patient_edit"),
    path("patients/<int:patient_id>/links/", patient_views.patient_links, name="patient_links"),
    path(
        "patients/<int:patient_id>/links/<int:link_id>/delete/",
        patient_views.patient_unlink,
        name="patient_unlink",
    ),
    path(
        "patients/<int:patient_id>/documents/new/",
        patient_views.document_upload,
        name="patient_document_upload",
    ),
    path(
        "patients/documents/<int:document_id>/",
        patient_views.document_download,
        name="patient_document",
    ),
    path(
        "patients/<int:patient_id>/intake/<int:intake_id>/",
        intake_views.patient_intake,
        name="patient_intake",
    ),
    path(
        "patients/<int:patient_id>/intake/<int:intake_id>/review/",
        intake_views.review_red_flag,
        name="patient_intake_review",
    ),
    path("patients/<int:patient_id>/merge/", patient_views.patient_merge, name="patient_merge"),
    path("patients/<int:patient_id>/export/", patient_views.patient_export, name="patient_export"),
    path("patients/<int:patient_id>/erase/", patient_views.patient_erase, name="patient_erase"),
    # The staff calendar
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/today/", calendar_views.today, name="calendar_today"),
    path("calendar/new/", calendar_appointments.new, name="calendar_new"),
    path("calendar/patients/", calendar_appointments.patient_search, name="calendar_patients"),
    path("calendar/free-times/", calendar_appointments.free_times, name="calendar_free_times"),
    path(
        "calendar/appointments/<int:appointment_id>/",
        calendar_appointments.detail,
        name="calendar_appointment",
    ),
    path(
        "calendar/appointments/<int:appointment_id>/move/",
        calendar_appointments.move,
        name="calendar_move",
    ),
    path(
        "calendar/appointments/<int:appointment_id>/cancel/",
        calendar_appointments.cancel,
        name="calendar_cancel",
    ),
    path(
        "calendar/appointments/<int:appointment_id>/status/",
        calendar_appointments.set_status,
        name="calendar_status",
    ),
    path("calendar/time-off/new/", calendar_views.time_off_new, name="calendar_time_off"),
    path(
        "calendar/time-off/<int:time_off_id>/delete/",
        calendar_views.time_off_delete,
        name="calendar_time_off_delete",
    ),
    path("calendar/feeds/", calendar_feeds.feeds, name="calendar_feeds"),
    path(
        "calendar/feeds/<slug:slug>/replace/",
        calendar_feeds.replace_secret,
        name="calendar_feed_replace",
    ),
    # Private feeds: no sign-in, the token in the address is the secret.
    re_path(
        r"^calendar/feed/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$",
        calendar_feeds.feed,
        name="calendar_feed",
    ),
]
