from django.db import migrations


def give_roles_live_permissions(apps, schema_editor):
    from articles.roles import ensure_roles

    ensure_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("live", "0001_initial"), ("articles", "0002_workflow")]

    operations = [migrations.RunPython(give_roles_live_permissions, migrations.RunPython.noop)]
