"""The site's URLs with /desk/interop/ mounted, for testing the download before (and after)
acuclinic/urls.py includes it (`path("desk/interop/", include("acuclinic.interop.urls"))`)."""

from django.urls import include, path

from acuclinic import urls

urlpatterns = [path("desk/interop/", include("acuclinic.interop.urls")), *urls.urlpatterns]
