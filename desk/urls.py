from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [
    path("presence/<int:article_id>/", views.presence_heartbeat, name="presence"),
]
