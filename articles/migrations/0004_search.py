"""Full-text search: a trigger-maintained tsvector column + GIN index on PostgreSQL, an FTS5 table with
triggers on SQLite. Not model fields, so the same models run on both; see articles/search.py."""

from django.db import migrations


def install(apps, schema_editor):
    from articles import search

    search.install(schema_editor.connection, rebuild=True)


def uninstall(apps, schema_editor):
    from articles import search

    search.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_media")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
