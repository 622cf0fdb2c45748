from django.urls import path, re_path

from . import audit_views, calendar_appointments, calendar_feeds, calendar_views, views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("comments/", views.comment_queue, name="comments"),
    path("comments/<int:comment_id>/<str:action>/", views.moderate, name="moderate"),
    path("audit/", audit_views.audit_log, name="audit"),
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
