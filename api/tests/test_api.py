"""The content API through its public surface: the test client, as partners' apps use it."""

import datetime
import json
from http import HTTPStatus
from pathlib import Path

import pytest
from django.utils import timezone

from api.models import ApiToken, Removal, hash_token
from api.views import api
from articles.models import Article
from articles.tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    ImageFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.json"


def ago(**kwargs):
    return timezone.now() - datetime.timedelta(**kwargs)


def ids(response):
    assert response.status_code == HTTPStatus.OK, response.content
    return [item["id"] for item in response.json()["items"]]


# The article as the API shows it --------------------------------------------------------------------------------


def test_article_detail_carries_what_the_page_shows(client, story):
    data = client.get(f"/api/v1/articles/{story.pk}").json()

    assert data["headline"] == "Council approves budget"
    assert data["byline"] == "Sara Rajabova and Tom Hale"
    assert [a["name"] for a in data["authors"]] == ["Sara Rajabova", "Tom Hale"]
    assert [t["name"] for t in data["tags"]] == ["Budget", "Schools"]
    assert data["dateline"] == "BAKU"
    assert data["published_at"] == "2024-03-05T13:30:00+04:00"  # Baku, with its offset
    assert data["updated_at"] == "2024-03-05T16:30:00+04:00"
    assert data["url"] == f"http://testserver{story.get_absolute_url()}"
    assert data["section"]["name"] == "Politics"
    assert data["lead_image"]["alt"] == "Councillors raise their hands"
    assert data["lead_image"]["credit"] == "Jane Roe/Newsroom"
    assert data["corrections"][0]["note_html"] == "<p>An earlier version misspelled the minister’s name.</p>"
    assert (
        data["body_text"] == "The council voted on Tuesday.Opposition members abstained."
        or "<" not in data["body_text"]
    )
    assert "related_ids" in data


def test_lead_image_lists_its_renditions(client, photo):
    article = ArticleFactory(live=True, lead_image=photo)

    renditions = client.get(f"/api/v1/articles/{article.pk}").json()["lead_image"]["renditions"]

    assert {r["format"] for r in renditions} >= {"image/webp", "image/jpeg"}
    assert all(r["url"].startswith("http://testserver/") and r["width"] > 0 for r in renditions)


def test_body_is_the_sanitised_html(client):
    article = ArticleFactory(live=True, body='<p onclick="x()">Hi<script>alert(1)</script></p>')

    data = client.get(f"/api/v1/articles/{article.pk}").json()

    assert "script" not in data["body_html"] and "onclick" not in data["body_html"]
    assert data["body_text"] == "Hi"


def test_lookup_by_public_address_and_by_old_address(client):
    article = ArticleFactory(live=True)
    old = article.get_absolute_url()
    article.slug = "a-new-slug"
    article.save()

    for path in [article.get_absolute_url(), old, f"https://news.example.org{article.get_absolute_url()}?utm=x"]:
        response = client.get("/api/v1/articles/lookup", {"path": path})
        assert response.status_code == HTTPStatus.OK, path
        assert response.json()["id"] == article.pk


# Filters and errors ------------------------------------------------------------------------------------------


def test_filters_by_section_tag_author_and_dates(client):
    harbour, city = SectionFactory(slug="harbour"), SectionFactory(slug="city")
    leyla = AuthorFactory(slug="leyla")
    a = ArticleFactory(live=True, section=harbour, tags=["Ships"], published_at=ago(days=3))
    b = ArticleFactory(live=True, section=city, authors=[leyla], published_at=ago(days=1))
    c = ArticleFactory(live=True, section=harbour, authors=[leyla], tags=["Ships"], published_at=ago(hours=1))

    assert ids(client.get("/api/v1/articles")) == [c.pk, b.pk, a.pk]
    assert ids(client.get("/api/v1/articles?section=harbour")) == [c.pk, a.pk]
    assert ids(client.get("/api/v1/articles?tag=ships")) == [c.pk, a.pk]
    assert ids(client.get("/api/v1/articles?author=leyla")) == [c.pk, b.pk]
    assert ids(client.get("/api/v1/articles", {"published_after": ago(days=2).isoformat()})) == [c.pk, b.pk]
    assert ids(client.get("/api/v1/articles", {"published_before": ago(days=2).isoformat()})) == [a.pk]
    assert ids(client.get("/api/v1/articles?section=harbour&author=leyla")) == [c.pk]


def test_q_is_the_sites_search(client):
    found = ArticleFactory(live=True, headline="Lighthouse keeper retires after forty years")
    ArticleFactory(live=True, headline="Council budget")

    assert ids(client.get("/api/v1/articles?q=lighthouse")) == [found.pk]
    assert ids(client.get('/api/v1/articles?q="lighthouse keeper"')) == [found.pk]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=0", "limit"), ("limit=101", "limit"), ("limit=abc", "limit"), ("cursor=nonsense", "cursor"),
        ("cursor=WyJ4IiwxLDJd", "cursor"), ("section=nowhere", "section"), ("tag=nothing", "tag"),
        ("author=nobody", "author"), ("published_after=yesterday", "published_after"),
        ("published_before=2024-13-40", "published_before"), ("updated_since=soon", "updated_since"), ("q=", "q"),
    ],
)  # fmt: skip
def test_bad_parameter_is_a_400_naming_it(client, query, parameter):
    response = client.get(f"/api/v1/articles?{query}")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["parameter"] == parameter


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/removed?since=7506-03-28T23:37:27%2B17:04",
        "/api/v1/articles?published_after=2024-03-01T00:00:00-18:00",
        "/api/v1/articles?updated_since=2024-03-01T00:00:00%2B16:30",
    ],
)
def test_any_utc_offset_iso_8601_allows_is_accepted(client, url):
    # PostgreSQL refuses offsets beyond ±15:59 in a query: found by schemathesis as a 500.
    assert client.get(url).status_code == HTTPStatus.OK


def test_cursor_of_another_list_is_refused(client):
    ArticleFactory.create_batch(3, live=True)
    next_link = client.get("/api/v1/articles?limit=1").json()["next"]
    cursor = next_link.split("cursor=")[1].split("&")[0]

    response = client.get(f"/api/v1/articles?updated_since=2000-01-01T00:00:00Z&cursor={cursor}")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["parameter"] == "cursor"


# Paging --------------------------------------------------------------------------------------------------------


def walk(client, url):
    seen = []
    while url:
        data = client.get(url).json()
        seen += [item["id"] for item in data["items"]]
        url = data["next"]
    return seen


def test_next_links_walk_every_article_once(client):
    articles = ArticleFactory.create_batch(7, live=True)
    Article.objects.filter(pk__in=[a.pk for a in articles[:3]]).update(published_at=ago(hours=5))  # ties

    seen = walk(client, "/api/v1/articles?limit=2")

    assert sorted(seen) == sorted(a.pk for a in articles)
    assert len(seen) == len(set(seen))


def test_paging_is_stable_while_articles_are_published(client):
    older = [ArticleFactory(live=True, published_at=ago(hours=10 + n)) for n in range(6)]
    first = client.get("/api/v1/articles?limit=3").json()

    new = [ArticleFactory(live=True) for _ in range(2)]  # published while a client pages
    rest = walk(client, first["next"])

    assert [item["id"] for item in first["items"]] + rest == [a.pk for a in older]
    assert not set(rest) & {a.pk for a in new}


def test_page_size_is_at_most_100(client):
    ArticleFactory.create_batch(101, live=True)

    data = client.get("/api/v1/articles?limit=100").json()

    assert len(data["items"]) == 100 and data["next"]


# Incremental sync: updated_since and removed ----------------------------------------------------------------------


def test_updated_since_catches_edits_corrections_bylines_and_tags(client, time_machine):
    start = timezone.now()
    time_machine.move_to(start - datetime.timedelta(days=2), tick=False)
    edited, corrected, retagged, rebylined, untouched = ArticleFactory.create_batch(
        5, live=True, published_at=ago(hours=1)
    )
    time_machine.move_to(start, tick=False)
    since = (start - datetime.timedelta(minutes=1)).isoformat()

    assert ids(client.get("/api/v1/articles", {"updated_since": since})) == []
    edited.headline = "Typo fixed"
    edited.save()
    CorrectionFactory(article=corrected, note="<p>Fixed a name.</p>")
    retagged.tags.add("Harbour")
    rebylined.authors.add(AuthorFactory())

    changed = ids(client.get("/api/v1/articles", {"updated_since": since}))

    assert set(changed) == {edited.pk, corrected.pk, retagged.pk, rebylined.pk}
    assert untouched.pk not in changed


def test_scheduled_article_enters_the_window_when_its_time_comes(client, time_machine):
    article = ArticleFactory(scheduled=True)
    since = timezone.now().isoformat()
    assert ids(client.get("/api/v1/articles", {"updated_since": since})) == []

    time_machine.move_to(article.published_at + datetime.timedelta(minutes=1), tick=False)

    assert ids(client.get("/api/v1/articles", {"updated_since": since})) == [article.pk]


def test_removed_lists_unpublished_embargoed_and_deleted_articles_with_the_time(client):
    unpublished, embargoed, deleted, kept = ArticleFactory.create_batch(4, live=True)
    since = timezone.now().isoformat()
    before = timezone.now()
    unpublished.unpublish()
    embargoed.embargo_until = timezone.now() + datetime.timedelta(days=1)
    embargoed.save()
    deleted_pk, deleted_url = deleted.pk, deleted.get_absolute_url()
    deleted.delete()

    data = client.get("/api/v1/removed", {"since": since}).json()

    assert {item["id"] for item in data["items"]} == {unpublished.pk, embargoed.pk, deleted_pk}
    item = next(i for i in data["items"] if i["id"] == deleted_pk)
    assert item["url"] == f"http://testserver{deleted_url}"
    assert datetime.datetime.fromisoformat(item["removed_at"]) >= before.replace(microsecond=0)
    assert unpublished.pk not in ids(client.get("/api/v1/articles"))


def test_republished_article_leaves_the_removed_list(client):
    article = ArticleFactory(live=True)
    article.unpublish()
    assert Removal.objects.filter(article_id=article.pk).exists()

    article.publish()

    assert client.get("/api/v1/removed").json()["items"] == []
    assert article.pk in ids(client.get("/api/v1/articles"))


# Sections, authors, tags --------------------------------------------------------------------------------------


def test_sections_authors_and_tags_list_only_what_readers_can_see(client):
    section = SectionFactory(name="Harbour", slug="harbour")
    SectionFactory(name="Old", is_active=False)
    shown, unseen = AuthorFactory(slug="shown"), AuthorFactory(slug="unseen")
    ArticleFactory(live=True, section=section, authors=[shown], tags=["Ships"])
    ArticleFactory(section=section, authors=[unseen], tags=["Secret plans"])  # a draft

    assert [s["slug"] for s in client.get("/api/v1/sections").json()["items"]] == ["harbour"]
    assert [a["slug"] for a in client.get("/api/v1/authors").json()["items"]] == ["shown"]
    assert [t["slug"] for t in client.get("/api/v1/tags").json()["items"]] == ["ships"]


def test_tags_page_with_next_link(client):
    ArticleFactory(live=True, tags=[f"Tag {n:02d}" for n in range(5)])

    assert len(walk(client, "/api/v1/tags?limit=2")) == 5


# Query budget --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 100])
def test_article_list_queries_do_not_grow_with_page_size(client, django_assert_num_queries, count):
    authors = AuthorFactory.create_batch(2)
    for _ in range(count):
        ArticleFactory(live=True, authors=authors, tags=["Ships", "Harbour"], lead_image=ImageFactory())
    CorrectionFactory(article=Article.objects.first())
    # articles with their stored documents (none yet); then for those missing: articles (+ section, image, change
    # stamp), bylines (+ authors), tags, corrections; and one statement storing them
    with django_assert_num_queries(6):
        response = client.get(f"/api/v1/articles?limit={count}")
    # the articles with their stored documents
    with django_assert_num_queries(1):
        again = client.get(f"/api/v1/articles?limit={count}")
    assert len(response.json()["items"]) == count
    assert again.content == response.content


@pytest.mark.parametrize("count", [1, 100])
def test_filtered_and_sync_lists_have_a_fixed_query_count(client, django_assert_num_queries, count):
    section = SectionFactory(slug="harbour")
    ArticleFactory.create_batch(count, live=True, section=section, tags=["Ships"])
    url = f"/api/v1/articles?limit={count}&section=harbour&tag=ships&updated_since=2000-01-01"
    # the section's lookup, the tag's lookup, the list, the four that build the missing documents, storing them
    with django_assert_num_queries(8):
        response = client.get(url)
    # the lookups and the list with the stored documents
    with django_assert_num_queries(3):
        again = client.get(url)
    assert len(response.json()["items"]) == count
    assert again.content == response.content


def test_detail_query_count(client, story, django_assert_num_queries):
    # article, bylines, tags, corrections, related articles (sharing a tag, then from its section: fewer than 4)
    with django_assert_num_queries(6):
        assert client.get(f"/api/v1/articles/{story.pk}").status_code == HTTPStatus.OK


@pytest.mark.parametrize("count", [1, 100])
def test_authors_tags_and_removed_have_a_fixed_query_count(client, django_assert_num_queries, count):
    for n in range(count):
        ArticleFactory(live=True, authors=[AuthorFactory()], tags=[f"tag {n}"])
    Removal.objects.bulk_create([Removal(article_id=10_000 + n, url="/x/") for n in range(count)])
    for url in ["/api/v1/authors?limit=100", "/api/v1/tags?limit=100", "/api/v1/removed?limit=100"]:
        with django_assert_num_queries(1):
            assert len(client.get(url).json()["items"]) == count
    with django_assert_num_queries(1):
        client.get("/api/v1/sections")


# HTTP caching ---------------------------------------------------------------------------------------------------


def test_responses_carry_validators_and_answer_304(client):
    article = ArticleFactory(live=True)
    response = client.get(f"/api/v1/articles/{article.pk}")

    assert response["ETag"] and response["Last-Modified"]
    assert "s-maxage" in response["Cache-Control"] and "public" in response["Cache-Control"]
    again = client.get(f"/api/v1/articles/{article.pk}", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_cached_responses_go_stale_exactly(client, page_cache_on):
    one, other = ArticleFactory(live=True), ArticleFactory(live=True)  # own sections: not related
    first = client.get(f"/api/v1/articles/{one.pk}")
    client.get(f"/api/v1/articles/{other.pk}")
    assert client.get(f"/api/v1/articles/{other.pk}")["X-Page-Cache"] == "hit"
    assert client.get(f"/api/v1/articles/{one.pk}", headers={"If-None-Match": first["ETag"]}).status_code == 304

    one.headline = "Typo fixed"
    one.save()

    assert client.get(f"/api/v1/articles/{other.pk}")["X-Page-Cache"] == "hit"  # not flushed
    fresh = client.get(f"/api/v1/articles/{one.pk}")
    assert fresh.json()["headline"] == "Typo fixed"
    assert fresh["ETag"] != first["ETag"]


def test_cached_list_shows_a_correction_and_loses_an_unpublished_article(client, page_cache_on):
    article = ArticleFactory(live=True)
    client.get("/api/v1/articles")
    assert client.get("/api/v1/articles")["X-Page-Cache"] == "hit"

    CorrectionFactory(article=article, note="<p>Name fixed.</p>")
    assert client.get("/api/v1/articles").json()["items"][0]["corrections"][0]["note_html"] == "<p>Name fixed.</p>"

    article.unpublish()
    assert client.get("/api/v1/articles").json()["items"] == []
    assert client.get("/api/v1/removed").json()["items"][0]["id"] == article.pk


def test_cors_allows_get_from_any_origin(client):
    response = client.get("/api/v1/sections", headers={"Origin": "https://partner.example"})
    preflight = client.options(
        "/api/v1/sections",
        headers={"Origin": "https://partner.example", "Access-Control-Request-Method": "GET"},
    )

    assert response["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": "https://partner.example"})


# Tokens and rate limits ---------------------------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after(client, settings):
    settings.API_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get("/api/v1/sections").status_code == HTTPStatus.OK

    response = client.get("/api/v1/sections")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["error"]
    other_client = client.get("/api/v1/sections", REMOTE_ADDR="192.0.2.7")
    assert other_client.status_code == HTTPStatus.OK  # per address


def test_token_raises_the_limit_but_not_what_is_visible(client, settings):
    settings.API_RATE_LIMIT, settings.API_TOKEN_RATE_LIMIT = 2, 5
    draft = ArticleFactory(headline="Secret draft")
    _token, raw = ApiToken.issue(name="Radio app")
    auth = {"Authorization": f"Bearer {raw}"}

    assert client.get(f"/api/v1/articles/{draft.pk}", headers=auth).status_code == HTTPStatus.NOT_FOUND
    statuses = [client.get("/api/v1/articles", headers=auth).status_code for _ in range(5)]

    assert statuses == [200] * 4 + [429]


def test_token_is_hashed_at_rest_records_last_use_and_can_be_revoked(client):
    token, raw = ApiToken.issue(name="Radio app")
    assert raw not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert token.key_hash == hash_token(raw)

    assert client.get("/api/v1/sections", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    token.revoke()
    response = client.get("/api/v1/sections", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert client.get("/api/v1/sections", headers={"Authorization": "Bearer nrk_made-up"}).status_code == 401


def test_staff_create_a_token_in_the_admin_and_see_it_once(client):
    staff = UserFactory(superuser=True)
    staff.save()  # the factory sets the password after its own save
    client.force_login(staff)

    response = client.post("/admin/api/apitoken/add/", {"name": "Partner site"}, follow=True)

    text = response.content.decode()
    token = ApiToken.objects.get(name="Partner site")
    raw = text[text.index("nrk_") :].split()[0]
    assert hash_token(raw) == token.key_hash
    assert token.created_by == staff
    assert raw not in client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()  # shown once
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None


# The contract ---------------------------------------------------------------------------------------------------


def test_checked_in_schema_matches_the_code():
    generated = api.get_openapi_schema(path_prefix="/api/v1")

    assert json.loads(SCHEMA_FILE.read_text()) == json.loads(json.dumps(generated)), (
        "docs/api/openapi.json is out of date: run `python manage.py export_openapi`"
    )


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    docs = client.get("/api/v1/docs")

    assert schema["openapi"].startswith("3.1")
    assert {"/api/v1/articles", "/api/v1/articles/{article_id}", "/api/v1/removed"} <= set(schema["paths"])
    assert docs.status_code == HTTPStatus.OK
    text = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in text and "cdn" not in text.lower()
    assert "script-src 'self'" in docs["Content-Security-Policy"]
