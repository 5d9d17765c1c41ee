# The media work: cleaned image uploads, recorded renditions, and the body editor's help text.
from django.db import migrations, models

import articles.images


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_workflow")]

    operations = [
        migrations.AddField(
            model_name="image",
            name="renditions",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="Names and sizes of the generated renditions, filled once after the file is saved.",
            ),
        ),
        migrations.AlterField(
            model_name="image",
            name="file",
            field=articles.images.LibraryImageField(
                height_field="height",
                help_text="JPEG, PNG, WebP or GIF. Stored re-encoded, without metadata; a GIF keeps its first frame.",
                upload_to="images/%Y/%m/",
                validators=[articles.images.validate_image_file],
                width_field="width",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="body",
            field=models.TextField(blank=True, help_text="Cleaned of anything unsafe whenever the article is saved."),
        ),
    ]
