"""The site's URLs with /portal/herbs/ mounted, for testing the patient's page before (and
after) the portal's urls.py includes it (`path("herbs/", include(...portal_urls))`)."""

from django.urls import include, path

from acuclinic import urls

urlpatterns = [path("portal/herbs/", include("acuclinic.herbs.portal_urls")), *urls.urlpatterns]
