"""The shapes of the content API's answers: the OpenAPI contract (docs/api/openapi.json) is generated from these."""

import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field, WithJsonSchema

# Times are sent as ISO 8601 with the newsroom time zone's offset (`2013-12-12T15:50:00+04:00`), as pages show them.
DateTime = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]


class Error(Schema):
    error: str = Field(description="What went wrong, in a sentence.")
    parameter: str | None = Field(None, description="The query parameter at fault, when there is one.")


class SectionOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    url: str


class SectionRef(Schema):
    id: int
    name: str
    slug: str
    url: str


class BylineAuthor(Schema):
    id: int
    name: str
    slug: str
    role: str = Field(description="e.g. “Reporting by”; empty for a plain byline.")
    url: str


class TagRef(Schema):
    id: int
    name: str
    slug: str
    url: str


class Rendition(Schema):
    url: str
    width: int
    height: int
    format: str = Field(description="MIME type: image/webp, image/jpeg or image/png.")
    shape: str = Field(description="`original` or a crop such as `wide` (3:2).")


class LeadImage(Schema):
    alt: str
    caption: str
    credit: str
    width: int | None
    height: int | None
    renditions: list[Rendition]


class CorrectionOut(Schema):
    date: DateTime
    note_html: str


class ArticleOut(Schema):
    id: int
    headline: str
    dek: str
    body_html: str = Field(description="Sanitised HTML, as on the article page.")
    body_text: str
    section: SectionRef
    authors: list[BylineAuthor] = Field(description="In byline order.")
    byline: str = Field(description="The byline as shown, e.g. “A, B and C” or “Staff reporter”.")
    tags: list[TagRef]
    dateline: str
    published_at: DateTime
    updated_at: DateTime | None = Field(description="Set when the article was significantly updated after publishing.")
    changed_at: DateTime = Field(description="The last change of anything shown with the article (`updated_since`).")
    url: str = Field(description="The public address.")
    canonical_url: str
    lead_image: LeadImage | None
    corrections: list[CorrectionOut]


class ArticleDetail(ArticleOut):
    related_ids: list[int] = Field(description="Related articles, as on the article page (detail only).")


class ArticlePage(Schema):
    items: list[ArticleOut]
    next: str | None = Field(description="The next page's address; null on the last page.")


class SectionPage(Schema):
    items: list[SectionOut]
    next: str | None


class AuthorOut(Schema):
    id: int
    name: str
    slug: str
    job_title: str
    bio_html: str
    url: str


class AuthorPage(Schema):
    items: list[AuthorOut]
    next: str | None


class TagPage(Schema):
    items: list[TagRef]
    next: str | None


class RemovalOut(Schema):
    id: int = Field(description="The article's id.")
    url: str = Field(description="Its public address when it left.")
    removed_at: DateTime


class RemovalPage(Schema):
    items: list[RemovalOut]
    next: str | None


# Query parameters --------------------------------------------------------------------------------------------


class Paging(Schema):
    cursor: str | None = Field(None, description="From a `next` link.")
    limit: int = Field(20, ge=1, le=100, description="Items per page (at most 100).")


class ArticleFilters(Paging):
    section: str | None = Field(None, description="Section slug.")
    tag: str | None = Field(None, description="Tag slug.")
    author: str | None = Field(None, description="Author slug.")
    published_after: datetime.datetime | None = Field(None, description="Published at or after (ISO 8601).")
    published_before: datetime.datetime | None = Field(None, description="Published before (ISO 8601).")
    updated_since: datetime.datetime | None = Field(
        None,
        description="Changed at or after, for incremental sync: any change to what is shown with a public article, "
        "corrections included. Sorted by `changed_at`, oldest first. Articles that left: /api/v1/removed.",
    )
    q: str | None = Field(None, description='The site\'s search: words, "phrases", prefix*, -excluded.')


class RemovedFilters(Paging):
    since: datetime.datetime | None = Field(None, description="Removed at or after (ISO 8601).")


class LookupParams(Schema):
    path: str = Field(description="The article's public path or full URL, e.g. /2024/03/01/harbour-opens/.")


class ArticlePath(Schema):
    article_id: int = Field(ge=1, le=2**63 - 1, description="The article's id.")
