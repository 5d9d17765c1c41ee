"""Deploy checks on the database a newsroom runs on (`manage.py check --deploy`)."""

from django.core import checks
from django.db import Error, connections

AUTOVACUUM_OFF = "newsroom.W101"
AUTOVACUUM_UNKNOWN = "newsroom.I101"


def autovacuum_running(connection):
    """Whether autovacuum runs: it is on, and so is track_counts, without which it has nothing to go on."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('autovacuum') = 'on' AND current_setting('track_counts') = 'on'")
        return cursor.fetchone()[0]


@checks.register(checks.Tags.database, deploy=True)
def check_autovacuum(app_configs=None, databases=None, **kwargs):
    """Warn when PostgreSQL will not refresh planner statistics by itself."""
    messages = []
    for alias in databases if databases is not None else connections:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        try:
            running = autovacuum_running(connection)
        except Error as exc:
            # A check must not fail because the server is down; migrate and /healthz will say so loudly.
            messages.append(
                checks.Info(
                    f"Could not ask PostgreSQL (database {alias!r}) whether autovacuum is on: "
                    f"{type(exc).__name__}. Check again once the database is reachable.",
                    id=AUTOVACUUM_UNKNOWN,
                )
            )
            continue
        if not running:
            messages.append(
                checks.Warning(
                    f"PostgreSQL's autovacuum is off (database {alias!r}): nothing refreshes the planner's "
                    "statistics after writes. Straight after a bulk load or a restore, queries are planned "
                    "without statistics and pages are 10-40x slower until VACUUM ANALYZE runs; deleted and "
                    "updated rows are never cleaned up either.",
                    hint="Turn it on (autovacuum = on and track_counts = on in postgresql.conf, then reload), or "
                    "run `vacuumdb --analyze` after every big import or restore and nightly. "
                    "See docs/operations.md, “After big loads and restores”.",
                    id=AUTOVACUUM_OFF,
                )
            )
    return messages
