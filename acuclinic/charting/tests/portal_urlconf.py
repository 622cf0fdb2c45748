"""The site's URLs with /portal/aftercare/ mounted inside the portal's namespace, for testing
the patient's pages before (and after) the portal's urls.py includes
`path("aftercare/", include("acuclinic.charting.portal_urls"))`."""

from django.urls import include, path

from acuclinic import urls
from acuclinic.patients.portal import urls as portal

portal_patterns = (
    [path("aftercare/", include("acuclinic.charting.portal_urls")), *portal.urlpatterns],
    "portal",
)
# Ours first: the first "portal" namespace in the list is the one reverse() uses.
urlpatterns = [path("portal/", include(portal_patterns)), *urls.urlpatterns]
