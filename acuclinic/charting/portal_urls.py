"""/portal/aftercare/: the patient's aftercare notes. Included by the portal's urls.py
(namespace "portal"): `path("aftercare/", include("acuclinic.charting.portal_urls"))`."""

from django.urls import path

from . import portal_views

urlpatterns = [
    path("", portal_views.aftercare_list, name="aftercare"),
    path("<int:aftercare_id>/", portal_views.aftercare_detail, name="aftercare_detail"),
]
