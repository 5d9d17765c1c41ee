"""A small, fixed newsroom for the browser tests: every page type has something real to show.

Nothing here is random: names, times and order are fixed relative to "now", so tests never depend on luck.
"""

import datetime
import io
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw

from articles.models import Article
from articles.tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    ImageFactory,
    SectionFactory,
)

SEARCH_WORD = "budget"


def photo_bytes(top=(52, 101, 164), bottom=(233, 196, 106), size=(960, 640), fmt="JPEG"):
    """A photo-like picture (sky gradient, hills, sun) so screenshots look like a newspaper, not test cards.

    Small enough that the library's renditions (several widths and formats per image) are quick to make.
    """
    width, height = size
    picture = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        mix = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)))
    draw.ellipse([width * 0.68, height * 0.14, width * 0.82, height * 0.35], fill=(255, 236, 179))
    draw.polygon([(0, height), (0, height * 0.7), (width * 0.35, height * 0.52), (width * 0.7, height * 0.75),
                  (width, height * 0.6), (width, height)], fill=(38, 70, 58))  # fmt: skip
    buffer = io.BytesIO()
    picture.save(buffer, format=fmt, quality=80)
    return buffer.getvalue()


def make_photo(title, alt_text, **kwargs):
    colours = kwargs.pop("colours", {})
    return ImageFactory(
        title=title,
        alt_text=alt_text,
        file=SimpleUploadedFile(f"{title.lower().replace(' ', '-')}.jpg", photo_bytes(**colours), "image/jpeg"),
        **kwargs,
    )


def minute(dt):
    return dt.replace(second=0, microsecond=0)


@dataclass
class Newsroom:
    sections: list
    authors: list
    story: Article
    fillers: list = field(default_factory=list)
    draft: Article | None = None

    @property
    def oldest(self):
        return min([self.story, *self.fillers], key=lambda a: (a.published_at, a.pk))

    def urls(self):
        return {
            "home": "/",
            "article": self.story.get_absolute_url(),
            "section": self.story.section.get_absolute_url(),
            "latest": "/latest/",
            "tag": self.story.tags.get(name="Energy").get_absolute_url(),
            "search": f"/search/?q={SEARCH_WORD}",
            "author": self.authors[0].get_absolute_url(),
            "authors": "/authors/",
            "404": "/this-page-does-not-exist/",
        }


def build_newsroom(*, fillers=24, images=False):
    """Two sections, three reporters, one lead story with three authors and tags, and `fillers` older stories.

    With the default 24 fillers there are 25 live stories: two pages of listings at 20 a page.
    """
    now = minute(timezone.now())
    economy = SectionFactory(name="Economy", position=1, description="Business, energy and the public purse.")
    politics = SectionFactory(name="Politics", position=2)
    culture = SectionFactory(name="Culture", position=3)
    portrait = (
        make_photo("Sara Rajabova portrait", "Sara Rajabova, smiling, in front of a bookshelf",
                   colours={"top": (120, 90, 80), "bottom": (220, 200, 180)})
        if images else None
    )  # fmt: skip
    authors = [
        AuthorFactory(
            name="Sara Rajabova",
            job_title="Energy correspondent",
            bio="<p>Sara covers oil, gas and the Caspian economies.</p>",
            email="sara@example.org",
            photo=portrait,
        ),
        AuthorFactory(name="Orkhan Jalilov", job_title="Economics editor"),
        AuthorFactory(name="Leyla Mammadova", job_title="Data reporter"),
    ]
    lead_image = (
        make_photo("Gas terminal", "Storage tanks of the Sangachal gas terminal at dusk",
                   caption="The Sangachal terminal south of Baku.", credit="Jane Roe/Newsroom")
        if images else None
    )  # fmt: skip
    story = ArticleFactory(
        headline="Caspian gas exports reach a record high as the new pipeline opens",
        dek="Shipments rose by a fifth this year, and the state budget expects more.",
        body=(
            "<p>Exports of natural gas rose to a record this year, the energy ministry said on Tuesday, "
            "as the new pipeline reached full capacity.</p>"
            "<h2>What the money pays for</h2>"
            "<p>The extra revenue goes into the <strong>state budget</strong>, which funds schools and roads.</p>"
            "<blockquote><p>“This is a turning point,” the minister said.</p></blockquote>"
            "<ul><li>Pipeline capacity: 16 bcm a year</li><li>Buyers: eight countries</li></ul>"
        ),
        section=economy,
        status=Article.Status.PUBLISHED,
        published_at=now - datetime.timedelta(minutes=30),
        dateline="BAKU",
        lead_image=lead_image,
        authors=authors,
        tags=["Energy", "Caspian Sea"],
    )
    CorrectionFactory(
        article=story, note="<p>An earlier version gave the wrong capacity for the pipeline.</p>", published_at=now
    )
    filler_sections = [politics, economy, culture]
    filler_images = (
        [make_photo(f"Scene {n}", f"A street scene in the city, view {n}",
                    colours={"top": (60 + 40 * n, 120, 170), "bottom": (200, 170 + 10 * n, 120)}) for n in range(3)]
        if images else [None]
    )  # fmt: skip
    made = [
        ArticleFactory(
            headline=f"Council approves {SEARCH_WORD} for district {n + 1}",
            section=filler_sections[n % len(filler_sections)],
            status=Article.Status.PUBLISHED,
            published_at=now - datetime.timedelta(hours=n + 1),
            lead_image=filler_images[n % len(filler_images)],
            authors=[authors[n % 3]],
            tags=["Energy"] if n % 4 == 0 else ["Local government"],
        )
        for n in range(fillers)
    ]
    draft = ArticleFactory(headline="Secret draft that readers must never see", section=economy, authors=authors[:1])
    return Newsroom(sections=[economy, politics, culture], authors=authors, story=story, fillers=made, draft=draft)
