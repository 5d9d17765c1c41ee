from django.urls import path

from . import views

app_name = "live"

urlpatterns = [
    path("live/<int:pk>/updates/", views.updates, name="updates"),
]
