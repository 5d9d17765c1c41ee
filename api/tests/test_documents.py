"""Stored article documents (api/documents.py): lists joined from stored JSON show every change at once.

Each test reads the list first, so the article's document is stored, then changes one thing the document shows
and reads the list and the detail through the public API.
"""

import pytest
from django.test import RequestFactory

from api.documents import api_articles, documents, with_documents
from api.models import ArticleDocument
from articles.models import ArticleAuthor, Author, Image, Section, Tag
from articles.tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(
        live=True,
        headline="Harbour reopens",
        section=SectionFactory(name="City"),
        authors=[AuthorFactory(name="Ada Byron")],
        tags=["Ships"],
        lead_image=ImageFactory(caption="The quay at dawn.", credit="Jane Roe"),
    )


def listed(client, article):
    (item,) = [item for item in client.get("/api/v1/articles?limit=100").json()["items"] if item["id"] == article.pk]
    return item


def shown(client, article):
    """The article as the list and the detail show it, after checking they agree."""
    item = listed(client, article)
    detail = client.get(f"/api/v1/articles/{article.pk}").json()
    detail.pop("related_ids")
    assert item == detail
    return item


@pytest.fixture
def stored(client, article):
    """The article's document is stored and served from storage."""
    listed(client, article)
    document = ArticleDocument.objects.get(article=article)
    assert document.built_generation == document.generation and document.data
    return document


def rename(model, pk, name):
    obj = model.objects.get(pk=pk)
    obj.name = name
    obj.save()


def test_an_edit_of_the_article_is_listed_at_once(client, article, stored):
    article.headline = "Harbour reopens after storm"
    article.dateline = "PORTSMOUTH"
    article.save()

    data = shown(client, article)

    assert (data["headline"], data["dateline"]) == ("Harbour reopens after storm", "PORTSMOUTH")


def test_byline_changes_are_listed_at_once(client, article, stored):
    link = ArticleAuthor.objects.get(article=article)
    link.role = "Reporting by"
    link.save()
    assert shown(client, article)["authors"][0]["role"] == "Reporting by"

    article.authors.add(AuthorFactory(name="Tom Hale"), through_defaults={"position": 1})
    assert shown(client, article)["byline"] == "Ada Byron and Tom Hale"

    link.delete()
    assert shown(client, article)["byline"] == "Tom Hale"


def test_tag_changes_are_listed_at_once(client, article, stored):
    article.tags.add("Weather")
    assert [t["name"] for t in shown(client, article)["tags"]] == ["Ships", "Weather"]

    article.tags.remove("Ships")
    assert [t["name"] for t in shown(client, article)["tags"]] == ["Weather"]

    rename(Tag, Tag.objects.get(name="Weather").pk, "Storms")
    assert [t["name"] for t in shown(client, article)["tags"]] == ["Storms"]


def test_corrections_are_listed_at_once(client, article, stored):
    correction = CorrectionFactory(article=article, note="<p>The ferry is blue.</p>")
    assert [c["note_html"] for c in shown(client, article)["corrections"]] == ["<p>The ferry is blue.</p>"]

    correction.note = "<p>The ferry is green.</p>"
    correction.save()
    assert [c["note_html"] for c in shown(client, article)["corrections"]] == ["<p>The ferry is green.</p>"]

    correction.delete()
    assert shown(client, article)["corrections"] == []


def test_section_and_author_renames_are_listed_at_once(client, article, stored):
    rename(Section, article.section_id, "Port")
    rename(Author, article.authors.get().pk, "Ada Lovelace")

    data = shown(client, article)

    assert (data["section"]["name"], data["byline"]) == ("Port", "Ada Lovelace")


def test_lead_image_changes_are_listed_at_once(client, article, stored):
    image = Image.objects.get(pk=article.lead_image_id)
    image.caption, image.credit, image.alt_text = "The quay at noon.", "John Doe", "A quay"
    image.save()
    lead = shown(client, article)["lead_image"]
    assert (lead["caption"], lead["credit"], lead["alt"]) == ("The quay at noon.", "John Doe", "A quay")

    image.renditions = {"wide": {"webp": [[300, 200, "renditions/quay-300.webp"]], "fallback": []}}
    image.save(update_fields=["renditions"])
    assert [r["url"] for r in shown(client, article)["lead_image"]["renditions"]] == [
        "http://testserver/media/renditions/quay-300.webp"
    ]

    article.lead_image_caption = "Our own caption."
    article.save()
    assert shown(client, article)["lead_image"]["caption"] == "Our own caption."

    image.delete()
    assert shown(client, article)["lead_image"] is None


def test_an_unpublished_article_leaves_the_list_and_its_document_is_dropped(client, article, stored):
    article.unpublish()

    assert article.pk not in [item["id"] for item in client.get("/api/v1/articles").json()["items"]]
    assert client.get(f"/api/v1/articles/{article.pk}").status_code == 404
    assert ArticleDocument.objects.get(article=article).data == ""


def test_an_unpublished_article_edited_and_published_again_shows_the_edit(client, article, stored):
    article.unpublish()
    article.refresh_from_db()
    article.headline = "Harbour reopens to ferries"  # edited while nobody can see it: its document is left alone
    article.save()

    article.publish()

    assert shown(client, article)["headline"] == "Harbour reopens to ferries"


def test_a_draft_saved_again_and_again_leaves_the_documents_alone(client):
    draft = ArticleFactory(headline="Budget talks run late")
    for take in range(3):
        draft.body += f"<p>Take {take}.</p>"
        draft.save()

    assert not ArticleDocument.objects.filter(article=draft).exists()  # the API reads published articles only
    draft.publish()
    assert listed(client, draft)["headline"] == "Budget talks run late"


def test_related_ids_follow_new_stories(client, article, stored):
    newer = ArticleFactory(live=True, tags=["Ships"])

    assert newer.pk in client.get(f"/api/v1/articles/{article.pk}").json()["related_ids"]


def test_a_document_built_from_rows_a_change_has_since_replaced_is_not_kept(client, article, stored):
    request = RequestFactory().get("/api/v1/articles")
    ArticleDocument.objects.filter(pk=article.pk).update(built_generation=None)  # as if never built
    rows = list(with_documents(api_articles().filter(pk=article.pk)))
    article.headline = "Harbour reopens after storm"
    article.save()  # committed while the reader was building from `rows`

    documents(request, rows)  # stores what it built only where the generation it read is still current

    assert ArticleDocument.objects.get(pk=article.pk).built_generation is None
    assert shown(client, article)["headline"] == "Harbour reopens after storm"


def test_a_document_is_served_only_to_the_site_it_was_built_for(client, article, stored, settings):
    settings.ALLOWED_HOSTS = ["testserver", "news.example.org"]

    item = client.get("/api/v1/articles", HTTP_HOST="news.example.org").json()["items"][0]

    assert item["url"].startswith("http://news.example.org/")


def test_a_document_stored_with_a_stale_change_time_is_rebuilt(client, article, stored):
    ArticleDocument.objects.filter(pk=article.pk).update(data=stored.data.replace("Harbour", "Stale"))
    assert listed(client, article)["headline"] == "Stale reopens"  # the stored text is what lists serve
    ArticleDocument.objects.filter(pk=article.pk).update(changed_at=None)

    assert listed(client, article)["headline"] == "Harbour reopens"
