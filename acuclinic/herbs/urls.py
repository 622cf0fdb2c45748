"""/desk/herbs/...: writing, checking, printing and dispensing herbal prescriptions. The ids
in these addresses are the prescription's or the visit's: nothing clinical is in a URL."""

from django.urls import path

from . import views

app_name = "herbs"

urlpatterns = [
    path("visit/<int:visit_id>/", views.visit_prescriptions, name="visit"),
    path("visit/<int:visit_id>/start/", views.start, name="start"),
    path("search/", views.herb_search, name="search"),
    path("stock/", views.stock, name="stock"),
    path("<int:prescription_id>/", views.prescription_detail, name="prescription"),
    path("<int:prescription_id>/herbs/", views.add_item, name="add_item"),
    path("<int:prescription_id>/herbs/<int:item_id>/", views.change_item, name="change_item"),
    path(
        "<int:prescription_id>/herbs/<int:item_id>/delete/",
        views.remove_item,
        name="remove_item",
    ),
    path("<int:prescription_id>/details/", views.save_details, name="details"),
    path("<int:prescription_id>/override/", views.override, name="override"),
    path("<int:prescription_id>/issue/", views.issue, name="issue"),
    path("<int:prescription_id>/dispense/", views.dispense, name="dispense"),
    path("<int:prescription_id>/prescription.pdf", views.prescription_pdf, name="pdf"),
    path("<int:prescription_id>/label.pdf", views.label_pdf, name="label"),
]
