import datetime

import factory
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from live.models import Banner, Entry, LiveBlog


class LiveBlogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveBlog

    article = factory.SubFactory(ArticleFactory, live=True)
    coverage_start = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    live_blog = factory.SubFactory(LiveBlogFactory)
    body = factory.Sequence(lambda n: f"<p>Update number {n} from the scene.</p>")
    posted_at = factory.LazyFunction(timezone.now)

    class Params:
        key = factory.Trait(is_key_event=True)
        pinned = factory.Trait(is_pinned=True)


class BannerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Banner

    text = "Polls have closed across the country"
    link = "/latest/"
