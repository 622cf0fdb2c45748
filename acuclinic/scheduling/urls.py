from django.urls import path

from . import views

app_name = "booking"

urlpatterns = [
    path("", views.start, name="start"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("offer/<str:token>/", views.offer, name="offer"),
    path("waitlist/<str:token>/", views.waitlist_entry, name="waitlist_entry"),
]
