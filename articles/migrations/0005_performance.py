# Indexes for readers' listings at 100,000 articles (see articles/cache.py and `make bench`).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_search")]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["-published_at", "-id", "embargo_until"],
                name="article_published_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["section", "-published_at", "-id", "embargo_until"],
                name="article_section_published_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-published_at", "-id"], name="article_admin_order_idx"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("embargo_until__isnull", False)),
                fields=["embargo_until"],
                name="article_embargo_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="articleauthor",
            index=models.Index(fields=["author", "article"], name="article_author_author_idx"),
        ),
        migrations.AddIndex(
            model_name="taggedarticle",
            index=models.Index(fields=["tag", "content_object"], name="tagged_article_tag_idx"),
        ),
    ]
