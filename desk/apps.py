from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The writing desk: the admin's dashboard, pre-publish checks and who is editing what (issue 18)."""

    name = "desk"
    verbose_name = "Desk"
