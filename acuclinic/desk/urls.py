from django.urls import path

from . import views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("comments/", views.comment_queue, name="comments"),
    path("comments/<int:comment_id>/<str:action>/", views.moderate, name="moderate"),
]
