"""/portal/herbs/: the patient's current herbal prescription. Included by the portal's
urls.py (namespace "portal"): `path("herbs/", include("acuclinic.herbs.portal_urls"))`."""

from django.urls import path

from . import portal_views

urlpatterns = [
    path("", portal_views.current_prescription, name="herbs_prescription"),
]
