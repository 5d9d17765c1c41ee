# Editorial workflow: the Writer, Editor and Staff roles (see articles/roles.py for the matrix).
from django.db import migrations


def create_roles(apps, schema_editor):
    from articles.roles import ensure_roles

    ensure_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop, elidable=False)]
