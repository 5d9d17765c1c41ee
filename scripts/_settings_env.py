"""Print the database connection and media folder from Django's settings as shell variables.

Used by backup.sh and restore.sh so they read DATABASE_URL (and .env) exactly as the site does.
"""

import os
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

db = settings.DATABASES["default"]
values = {"DB_VENDOR": connection.vendor, "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
if connection.vendor == "postgresql":
    # libpq reads these, so no password ever appears on a command line.
    values |= {
        "PGDATABASE": db["NAME"],
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
    }
for name, value in values.items():
    sys.stdout.write(f"export {name}={shlex.quote(value)}\n")
