# Issue 15: what pages and feeds need of an image is on its row (no storage call while rendering), and large
# uploads wait for their full-size clean copy in a job.

from django.db import migrations, models


def record_file_sizes(apps, schema_editor):
    """Sizes of the files already stored (one storage call each, once); a missing file stays unknown."""
    from django.core.files.storage import default_storage

    from newsroom.storage import STORAGE_ERRORS

    Image = apps.get_model("articles", "Image")
    for image in (
        Image.objects.using(schema_editor.connection.alias).filter(file_size=None).exclude(file="").only("pk", "file")
    ):
        try:
            size = default_storage.size(image.file.name)
        except (*STORAGE_ERRORS, ValueError):
            continue
        Image.objects.using(schema_editor.connection.alias).filter(pk=image.pk).update(file_size=size)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_admin_search_trigrams"),
    ]

    operations = [
        migrations.AddField(
            model_name="image",
            name="file_size",
            field=models.PositiveBigIntegerField(
                editable=False, help_text="In bytes.", null=True, verbose_name="file size"
            ),
        ),
        migrations.AddField(
            model_name="image",
            name="pending_source",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="A large upload waiting for its full-size clean copy (the process_image job).",
                max_length=255,
            ),
        ),
        migrations.RunPython(record_file_sizes, migrations.RunPython.noop),
    ]
