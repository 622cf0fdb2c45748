from django.urls import include, path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("intake/", include("acuclinic.patients.portal.intake_urls")),
]
