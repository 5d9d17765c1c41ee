# Reserved for the workflow work; filled in by that change.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = []
