from django.urls import include, path

from . import consent_views, data_views, diary_views, document_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("consent/", consent_views.consent_list, name="consent"),
    path("consent/<int:document_id>/sign/", consent_views.consent_sign, name="consent_sign"),
    path("documents/", document_views.documents, name="documents"),
    path("documents/<int:document_id>/", document_views.document_download, name="document"),
    path("diary/", diary_views.diary_page, name="diary"),
    path("profile/", views.profile, name="profile"),
    path("my-data/", data_views.my_data, name="my_data"),
    path("my-data/my-record.json", data_views.my_data_json, name="my_data_json"),
    path("my-data/summary/", data_views.my_data_summary, name="my_data_summary"),
    path("intake/", include("acuclinic.patients.portal.intake_urls")),
    path("herbs/", include("acuclinic.herbs.portal_urls")),
    path("aftercare/", include("acuclinic.charting.portal_urls")),
]
