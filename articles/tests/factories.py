import datetime
import io

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, ArticleAuthor, Author, Correction, Image, Section


def image_bytes(fmt="JPEG", size=(1200, 800), color=(40, 90, 160)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    class Params:
        staff = factory.Trait(is_staff=True)
        superuser = factory.Trait(is_staff=True, is_superuser=True)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    name = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(lambda n: n)


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    title = factory.Sequence(lambda n: f"Photo {n}")
    alt_text = "A crowd gathers in a city square"
    caption = "Demonstrators in the square on Tuesday."
    credit = "Jane Roe/Newsroom"
    file = factory.LazyFunction(lambda: SimpleUploadedFile("photo.jpg", image_bytes(), content_type="image/jpeg"))


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Reporter {n}")
    job_title = "Correspondent"


class ArticleFactory(factory.django.DjangoModelFactory):
    """`live=True` is visible to readers; `scheduled=True` is published for a future time."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Council approves new budget for district {n}")
    dek = "The plan funds schools and road repairs."
    body = "<p>The council voted on Tuesday.</p><p>Opposition members abstained.</p>"
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.DRAFT

    class Params:
        live = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1)),
        )
        scheduled = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1)),
        )

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            for position, author in enumerate(extracted):
                ArticleAuthor.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory, live=True)
    note = "<p>An earlier version misspelled the minister’s name.</p>"
