"""Planner statistics after bulk writes: ANALYZE the tables a command has just filled.

PostgreSQL plans with per-column statistics that only ANALYZE (or autovacuum's autoanalyze) gathers. Straight
after a bulk load or a restore a table has none, and the planner guesses: measured on 100,000 articles, reader
pages were 10–40× slower until ANALYZE ran (issue 19). Nor does a fresh table have a visibility map, which only
VACUUM writes: without it the COUNT(*) and deep OFFSET scans of the listings cannot be index-only, and
`/latest/?page=4600` stayed 7× slower after ANALYZE alone (bench/results/archive.md). So commands that write
many rows call `analyze()` on what they wrote, which runs VACUUM (ANALYZE) — ANALYZE alone inside a
transaction, where VACUUM cannot run — and the site is fast the moment they finish, with autovacuum on or off.
VACUUM skips pages already all-visible, so on a table that was not freshly loaded it costs little more.

On other databases `analyze()` does nothing. SQLite's ANALYZE is optional: without `sqlite_stat1` its planner
still prefers indexes, and once written the statistics are never refreshed automatically, so they would go
stale as the archive grows — worse than none for a development database.
"""

import time

from django.core.management.base import OutputWrapper
from django.db import connections

# Commands that wrote at least this many rows analyze afterwards; below it autoanalyze (or the next big write)
# is soon enough and a few-story ingest stays instant.
BULK_WRITE_ROWS = 200


def tables_of(*models, related=True):
    """The tables of `models` (concrete, managed), and with `related` their many-to-many tables, in order."""
    tables = []
    for model in models:
        opts = model._meta.concrete_model._meta
        if opts.managed:
            tables.append(opts.db_table)
        if related:
            # Includes taggit's TaggableManager, whose through model is a many-to-many table too.
            for field in opts.many_to_many:
                through = field.remote_field.through
                if through is not None and through._meta.managed:
                    tables.append(through._meta.db_table)
    return list(dict.fromkeys(tables))


def analyze(*models, stdout=None, using="default", related=True, vacuum=True):
    """VACUUM (ANALYZE) the tables of `models` (and their many-to-many tables) on PostgreSQL; the tables done.

    `stdout` (a file or a command's `self.stdout`) gets one progress line per table. Inside a transaction
    (or with `vacuum=False`) only ANALYZE runs; it is transactional, so a rollback takes its statistics too.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    command = "VACUUM (ANALYZE)" if vacuum and not connection.in_atomic_block else "ANALYZE"
    out = None
    if stdout is not None:
        out = stdout if isinstance(stdout, OutputWrapper) else OutputWrapper(stdout)
    tables = tables_of(*models, related=related)
    with connection.cursor() as cursor:
        for table in tables:
            if out is not None:
                out.write(f"Updating planner statistics for {table}… ", ending="")
                out.flush()
            started = time.monotonic()
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")
            if out is not None:
                out.write(f"done ({time.monotonic() - started:.1f} s)")
    return tables


def analyze_after_bulk_write(rows, *models, stdout=None, using="default", related=True, vacuum=True):
    """`analyze()` when `rows` (how many rows a command wrote) reaches BULK_WRITE_ROWS; the tables done."""
    if rows < BULK_WRITE_ROWS:
        return []
    return analyze(*models, stdout=stdout, using=using, related=related, vacuum=vacuum)
