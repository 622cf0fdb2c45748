from django.urls import path

from . import views

app_name = "booking"

urlpatterns = [
    path("", views.start, name="start"),
    path("waitlist/", views.waitlist_join, name="waitlist_join"),
    path("waitlist/<str:token>/", views.waitlist_entry, name="waitlist_entry"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/appointment.ics", views.manage_ics, name="manage_ics"),
    path("manage/<str:token>/reschedule/", views.reschedule, name="reschedule"),
    path("offer/<str:token>/", views.offer, name="offer"),
]
