# Trigram indexes for the admin's headline and dek search (ICONTAINS), on PostgreSQL only.
#
# The changelist search matches headlines and deks by substring: UPPER(col::text) LIKE UPPER('%word%'),
# which without these indexes reads all 100,000 rows (~0.7 s in `make bench`). pg_trgm ships with
# PostgreSQL and is a trusted extension (PostgreSQL 13+), so the database's owner may create it; if the
# role may not, the migration says so and goes on: search still works, only slower.
import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger("newsroom.migrations")

INDEXES = {
    "article_headline_trgm_idx": "UPPER(headline::text) gin_trgm_ops",
    "article_dek_trgm_idx": "UPPER(dek::text) gin_trgm_ops",
}


def create_trigram_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        logger.warning("pg_trgm is not available (%s); the admin's headline search stays unindexed", exc)
        return
    with connection.cursor() as cursor:
        for name, expression in INDEXES.items():
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON articles_article USING gin ({expression})")


def drop_trigram_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_performance")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False)]
