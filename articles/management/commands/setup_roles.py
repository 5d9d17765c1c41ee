from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from articles.roles import ROLES, ensure_roles


class Command(BaseCommand):
    help = (
        "Create or update the Writer, Editor and Staff groups with exactly the permissions in "
        "articles/roles.py. Safe to run again; it resets hand-made changes to those three groups."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="Database alias (default: %(default)s).")

    def handle(self, *args, database, **options):
        if database not in connections:
            raise CommandError(f"No database called {database!r} in DATABASES.")
        groups = ensure_roles(using=database)
        for role in ROLES:
            count = groups[role].permissions.count()
            self.stdout.write(f"{role}: {count} permissions")
        self.stdout.write(self.style.SUCCESS("Roles are set up."))
