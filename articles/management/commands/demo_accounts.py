from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.demo.accounts import ensure_accounts

LOCAL_URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = (
        "Create the demo logins writer, editor and staff (Writer, Editor and Staff roles) with known passwords, "
        "for a local demo. Refuses to run unless DEBUG is on."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--print", action="store_true", dest="print_credentials", help="Print the admin address and the logins."
        )

    def handle(self, *args, print_credentials=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo accounts have published passwords, so they are only made with DEBUG on, never in production. "
                "For a local demo run: DEBUG=1 python manage.py demo_accounts --print"
            )
        results = ensure_accounts()
        for account, has_group, _author in results:
            if not has_group:
                self.stderr.write(
                    self.style.WARNING(
                        f"There is no “{account.role}” group yet, so {account.username} has no permissions. "
                        "Run migrate to create the roles."
                    )
                )
        if not print_credentials:
            names = ", ".join(account.username for account, _, _ in results)
            self.stdout.write(self.style.SUCCESS(f"Demo accounts ready: {names} (--print shows the passwords)."))
            return
        rows = [("Role", "Username", "Password", "Writes as")]
        rows += [(a.role, a.username, a.password, author.name if author else "—") for a, _, author in results]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        self.stdout.write("")
        self.stdout.write(f"  Demo newsroom: log in at {LOCAL_URL}{settings.ADMIN_URL.lstrip('/')}")
        self.stdout.write("")
        for index, row in enumerate(rows):
            self.stdout.write(
                ("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))).rstrip()
            )
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
        self.stdout.write("")
        self.stdout.write("  These accounts exist only for this local demo (DEBUG is on).")
        self.stdout.write("")
