"""Hostile input: every public URL and query parameter, fuzzed, answers 2xx/3xx/4xx — never a 5xx."""

from http import HTTPStatus
from urllib.parse import quote

import lxml.html
import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI failures reproduce
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE = [
    "", "0", "-1", "00", "abc", "1.5", "1e3", "99999", "9" * 40, "١٢", "²", "𝟙", " 1", "1 ", "+1", "0x10",
    "\x00", "a\x00b", "%00", "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "😀" * 50,
    "A" * 5000, "\u202e", "\ud7ff", "NaN", "null", "[]", "2024-13-45", "2024-02-30", "0000-00-00", "9999-12-31",
]  # fmt: skip
hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300), st.text(min_size=2000, max_size=6000))
slug_like = st.one_of(
    st.sampled_from(["politics", "sara-rajabova", "energy", "no-such-thing"]),
    st.from_regex(r"\A[-a-zA-Z0-9_]{1,300}\Z"),
    st.text(min_size=1, max_size=300),
)

LISTING_PATHS = [
    "/", "/latest/", "/authors/", "/section/politics/", "/author/sara-rajabova/", "/tag/energy/", "/search/",
    "/archive/2024/", "/archive/2024/01/", "/archive/2024/01/02/", "/feed/", "/feed/atom/",
    "/section/politics/feed/", "/tag/energy/feed/", "/author/sara-rajabova/feed/", "/sitemap.xml",
    "/sitemap-politics.xml", "/news-sitemap.xml", "/robots.txt", "/healthz",
]  # fmt: skip
SLUG_ROUTES = [
    "/section/{}/", "/author/{}/", "/tag/{}/", "/section/{}/feed/", "/tag/{}/feed/", "/author/{}/feed/",
    "/sitemap-{}.xml", "/preview/{}/", "/2024/01/02/{}/",
]  # fmt: skip
PARAMS = ["page", "q", "section", "from", "to", "p", "year", "month"]


@pytest.fixture
def newsroom():
    section = SectionFactory(name="Politics", slug="politics")
    author = AuthorFactory(name="Sara Rajabova", slug="sara-rajabova")
    ArticleFactory.create_batch(3, live=True, section=section, authors=[author], tags=["Energy"])


def assert_not_server_error(response, url):
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, f"{response.status_code} for {url!r}"


@FUZZ
@given(path=st.sampled_from(LISTING_PATHS), params=st.dictionaries(st.sampled_from(PARAMS), hostile_text, max_size=4))
def test_query_parameters_never_cause_a_server_error(client, newsroom, path, params):
    response = client.get(path, params)

    assert_not_server_error(response, (path, params))


@pytest.mark.parametrize("path", LISTING_PATHS)
def test_every_listing_survives_each_hostile_value_in_every_parameter(client, newsroom, path):
    for value in ["\x00", "A" * 5000, "١٢", "-1", "9" * 30, "2024-02-30", "<script>"]:
        everything = dict.fromkeys(PARAMS, value)
        all_but_page = {"q": value, "from": value, "to": value, "section": value}  # past the page check
        for params in (everything, all_but_page):
            assert_not_server_error(client.get(path, params), (path, params))


@FUZZ
@given(route=st.sampled_from(SLUG_ROUTES), slug=slug_like)
def test_slugs_and_tokens_never_cause_a_server_error(client, newsroom, route, slug):
    url = route.format(quote(slug, safe=""))

    assert_not_server_error(client.get(url), url)


@FUZZ
@given(
    year=st.integers(0, 9999),
    month=st.integers(0, 99),
    day=st.integers(0, 99),
    slug=st.sampled_from(["council-approves", "x"]),
)
def test_dates_in_urls_never_cause_a_server_error(client, newsroom, year, month, day, slug):
    for url in [
        f"/{year:04d}/{month:02d}/{day:02d}/{slug}/",
        f"/archive/{year:04d}/",
        f"/archive/{year:04d}/{month:02d}/",
        f"/archive/{year:04d}/{month:02d}/{day:02d}/",
    ]:
        assert_not_server_error(client.get(url), url)


@FUZZ
@given(path=st.text(max_size=500))
def test_arbitrary_paths_never_cause_a_server_error(client, newsroom, path):
    url = "/" + quote(path, safe="/")

    assert_not_server_error(client.get(url), url)


@FUZZ
@given(path=st.sampled_from(LISTING_PATHS), value=hostile_text)
def test_hostile_headers_never_cause_a_server_error(client, newsroom, path, value):
    header_value = value.encode("latin-1", "replace").decode("latin-1")  # what a WSGI server can pass on
    response = client.get(
        path,
        HTTP_IF_MODIFIED_SINCE=header_value,
        HTTP_IF_NONE_MATCH=header_value,
        HTTP_ACCEPT_LANGUAGE=header_value,
        HTTP_X_REQUEST_ID=header_value,
        HTTP_X_FORWARDED_FOR=header_value,
    )

    assert_not_server_error(response, (path, value))


# The admin: hostile input comes back as form errors ---------------------------------


@pytest.fixture
def admin_client(client):
    user = UserFactory(superuser=True)
    user.save()  # the factory sets the password after its own save
    client.force_login(user)
    return client


def rendered_form(client, url, model):
    (form,) = lxml.html.fromstring(client.get(url).content).xpath(f"//form[@id='{model}_form']")
    return {name: value for name, value in form.form_values() if "__prefix__" not in name}


@pytest.mark.parametrize(
    "changes",
    [
        {"headline": "Null\x00byte"},
        {"headline": "A" * 5000},
        {"section": "999999"},
        {"section": "-1"},
        {"section": "'; DROP TABLE articles_article; --"},
        {"published_at_0": "2024-13-45", "published_at_1": "25:61"},
        {"status": "hacked"},
        {"canonical_url": "javascript:alert(1)"},
        {"priority": "99999999999999999999"},
    ],
    ids=["nul", "long", "missing-section", "negative-section", "sql-section", "bad-date", "status", "js-url", "big"],
)
def test_admin_article_form_rejects_hostile_input_with_form_errors(admin_client, changes):
    section = SectionFactory()
    url = f"/{django_settings.ADMIN_URL}articles/article/add/"
    data = rendered_form(admin_client, url, "article") | {"headline": "Ordinary", "section": str(section.pk)} | changes

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.OK  # the form again, with errors; nothing saved
    assert response.context["errors"]


@pytest.mark.parametrize(
    ("model", "changes"),
    [
        ("section", {"name": "x\x00y"}),
        ("section", {"name": "A" * 1000}),
        ("author", {"name": "Nul\x00l"}),
        ("author", {"name": "Sara", "website": "javascript:alert(1)"}),
        ("author", {"name": "Sara", "email": "not-an-email\x00"}),
    ],
)
def test_admin_people_and_section_forms_reject_hostile_input(admin_client, model, changes):
    url = f"/{django_settings.ADMIN_URL}articles/{model}/add/"
    data = rendered_form(admin_client, url, model) | changes

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert response.context["errors"]


@pytest.mark.parametrize("bad_id", ["'; DROP TABLE articles_author; --", "1.5", "abc"])
def test_admin_byline_and_author_photo_refuse_malformed_ids_with_form_errors(admin_client, bad_id):
    section = SectionFactory()
    url = f"/{django_settings.ADMIN_URL}articles/article/add/"
    data = rendered_form(admin_client, url, "article") | {"headline": "Ordinary", "section": str(section.pk)}
    data |= {"article_authors-0-author": bad_id, "article_authors-TOTAL_FORMS": "1"}

    article_response = admin_client.post(url, data)
    author_url = f"/{django_settings.ADMIN_URL}articles/author/add/"
    author_response = admin_client.post(author_url, rendered_form(admin_client, author_url, "author") | {
        "name": "Sara", "photo": bad_id, "user": bad_id,
    })  # fmt: skip

    assert article_response.status_code == HTTPStatus.OK
    assert author_response.status_code == HTTPStatus.OK
    assert author_response.context["errors"]
