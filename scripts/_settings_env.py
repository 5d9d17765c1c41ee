"""Print the database connection and media folder from Newsroom's settings as shell variables.

Used by backup.sh and restore.sh so they read DATABASE_URL (and .env) exactly as the site does. It
imports the settings module only (no django.setup()), so it is quick.
"""

import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsroom import settings

db = settings.DATABASES["default"]
engine = db["ENGINE"]
vendor = "postgresql" if "postgresql" in engine or "postgis" in engine else engine.rsplit(".", 1)[-1]
values = {"DB_VENDOR": vendor, "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
if vendor == "postgresql":
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
