# Reserved for the search work; filled in by that change.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_media")]

    operations = []
