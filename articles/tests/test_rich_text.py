"""The body editor in the admin, and articles with body images from the form to the reader's page."""

import json
import re
from http import HTTPStatus

import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from articles.tests.factories import ArticleFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db

ADD_URL = "admin:articles_article_add"
EDITOR_ATTRIBUTE = "data-django-prose-editor-configurable"


@pytest.fixture
def desk(client):
    # No password: hashing one is slow by design, and force_login does not need it.
    user = get_user_model().objects.create(username="desk", is_staff=True, is_superuser=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def photos(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        images = [
            ImageFactory(title="Square", caption="Crowds on Tuesday.", credit="Jane Roe/AP"),
            ImageFactory(title="Harbour", caption="Boats at dawn.", credit="Ali Veli/Reuters"),
        ]
    for image in images:
        image.refresh_from_db()  # the process_image job recorded the renditions on the row
    return images


def form_values(response, form_id="article_form"):
    """What a browser would submit from the rendered form: {name: [values]}, buttons excluded."""
    assert response.status_code == HTTPStatus.OK, response.status_code
    (form,) = lxml.html.fromstring(response.content.decode()).xpath(f'//form[@id="{form_id}"]')
    data = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data


def figure(image, alt=None):
    return (
        f'<figure class="image"><img src="{image.file.url}" alt="{alt or image.alt_text}" width="{image.width}" '
        f'height="{image.height}" data-image-id="{image.pk}"><figcaption>{image.caption} '
        f'<span class="credit">{image.credit}</span></figcaption></figure>'
    )


def rich_body(photos):
    return (
        "<p>The council voted on <strong>Tuesday</strong> after an <em>unusually long</em> debate.</p>"
        + figure(photos[0])
        + "<h2>What the budget funds</h2><ul><li><p>Schools</p></li><li><p>Roads</p></li></ul>"
        + "<h3>Who voted against</h3><ol><li><p>The opposition</p></li><li><p>Two independents</p></li></ol>"
        + '<blockquote><p>“We will not back down,” said <a href="https://example.org/mayor" '
        + 'rel="noopener noreferrer">the mayor</a>.</p></blockquote>'
        + "<h4>Next steps</h4><p>Line one<br>line two</p>"
        + figure(photos[1], alt="Fishing boats leave the harbour")
    )


# The editor ------------------------------------------------------------------------------------


def test_body_editor_is_configured_and_served_from_our_static_files(desk):
    html = desk.get(reverse(ADD_URL)).content.decode()

    (textarea,) = lxml.html.fromstring(html).xpath('//textarea[@name="body"]')
    config = json.loads(textarea.get(EDITOR_ATTRIBUTE))
    extensions = config["extensions"]
    for name in ["Bold", "Italic", "Link", "BulletList", "OrderedList", "ListItem", "Blockquote", "Figure", "Caption"]:
        assert extensions[name]
    assert extensions["Heading"] == {"levels": [2, 3, 4]}
    assert extensions["LibraryImage"] == {"pickerUrl": reverse("admin:articles_image_picker")}
    assert extensions["TextClass"]["cssClasses"][0]["className"] == "credit"
    assert config["js_modules"] == ["/static/admin/js/newsroom-editor.js"]
    importmap = json.loads(re.search(r'<script type="importmap">(.*?)</script>', html).group(1))
    script_sources = re.findall(r'<script[^>]* src="([^"]+)"', html) + list(importmap["imports"].values())
    assert "/static/django_prose_editor/configurable.js" in script_sources
    assert all(src.startswith("/") and not src.startswith("//") for src in script_sources), script_sources
    for path in ["django_prose_editor/editor.js", "admin/js/newsroom-editor.js", "admin/js/image-picker.js"]:
        assert finders.find(path), path


def test_editor_module_replaces_the_figure_parts_it_adjusts():
    with open(finders.find("admin/js/newsroom-editor.js"), encoding="utf-8") as f:
        source = f.read()

    for export in ["export const Image", "export const Figure", "export const Caption", "export const LibraryImage"]:
        assert export in source
    assert 'from "django-prose-editor/editor"' in source
    assert "https://" not in source


# Round trip through the admin form -------------------------------------------------------------


def test_article_with_body_images_round_trips_through_the_admin_form_unchanged(desk, photos):
    section = SectionFactory(name="City")
    body = rich_body(photos)
    data = form_values(desk.get(reverse(ADD_URL)))
    data.update(headline=["Council approves the budget"], slug=[""], section=[str(section.pk)], body=[body])

    response = desk.post(reverse(ADD_URL), data)

    assert response.status_code == HTTPStatus.FOUND, response.context and response.context["adminform"].form.errors
    article = Article.objects.get(headline="Council approves the budget")
    assert article.body == body
    change_url = reverse("admin:articles_article_change", args=[article.pk])

    again = desk.post(change_url, form_values(desk.get(change_url)))  # open and save without touching it

    assert again.status_code == HTTPStatus.FOUND
    article.refresh_from_db()
    assert article.body == body


def test_hostile_body_posted_through_the_admin_is_cleaned(desk):
    section = SectionFactory()
    data = form_values(desk.get(reverse(ADD_URL)))
    data.update(
        headline=["Hostile"],
        section=[str(section.pk)],
        body=['<p onclick="alert(1)">Text<script>alert(2)</script></p><a href="javascript:alert(3)">x</a>'],
    )

    desk.post(reverse(ADD_URL), data)

    assert Article.objects.get(headline="Hostile").body == '<p>Text</p><a rel="noopener noreferrer">x</a>'


def test_body_image_without_alt_text_is_a_form_error_and_the_text_is_kept(desk):
    section = SectionFactory()
    data = form_values(desk.get(reverse(ADD_URL)))
    body = '<p>Our story.</p><figure class="image"><img src="https://example.org/chart.png"></figure>'
    data.update(headline=["Chart without words"], section=[str(section.pk)], body=[body])

    response = desk.post(reverse(ADD_URL), data)

    assert response.status_code == HTTPStatus.OK
    assert "An image in the body has no alt text." in str(response.context["adminform"].form.errors["body"])
    assert "Our story." in response.content.decode()
    assert not Article.objects.filter(headline="Chart without words").exists()


# The reader's page -------------------------------------------------------------------------------


def test_body_images_render_responsively_with_caption_and_credit(client, photos):
    article = ArticleFactory(live=True, body=rich_body(photos))

    html = client.get(article.get_absolute_url()).content.decode()

    square, harbour = photos
    sizes = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"
    for image in photos:
        webp = image.renditions["original"]["webp"]
        assert f'<source type="image/webp" srcset="/media/{webp[0][2]} 320w' in html
        assert f'width="{image.width}" height="{image.height}"' in html
    assert f'sizes="{sizes}"' in html
    assert 'alt="Fishing boats leave the harbour"' in html  # the alt written in the editor wins
    assert f'alt="{square.alt_text}" loading="lazy"' in html
    assert '<figcaption>Crowds on Tuesday. <span class="credit">Jane Roe/AP</span></figcaption>' in html
    assert "data-image-id" not in html


def test_body_image_missing_from_the_library_renders_as_written(client):
    body = '<figure class="image"><img src="/media/old.jpg" alt="Old photo" data-image-id="9999"></figure>'
    article = ArticleFactory(live=True, body=body)

    html = client.get(article.get_absolute_url()).content.decode()

    assert body in html


def test_body_images_cost_one_query_however_many(client, photos, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        more = [ImageFactory() for _ in range(3)]
    one = ArticleFactory(live=True, body=figure(photos[0]))
    five = ArticleFactory(live=True, body="".join(figure(image) for image in [*photos, *more]))

    def queries(article):
        with CaptureQueriesContext(connection) as context:
            assert client.get(article.get_absolute_url()).status_code == HTTPStatus.OK
        return len(context)

    assert queries(five) == queries(one)


# The image picker -------------------------------------------------------------------------------


def test_picker_offers_library_images_with_caption_and_credit(desk, photos):
    html = desk.get(reverse("admin:articles_image_picker"), {"_popup": "1"}).content.decode()

    choices = [
        json.loads(button.get("data-image")) for button in lxml.html.fromstring(html).xpath("//button[@data-image]")
    ]
    square = next(choice for choice in choices if choice["id"] == photos[0].pk)
    assert square == {
        "id": photos[0].pk,
        "src": photos[0].file.url,
        "alt": photos[0].alt_text,
        "width": photos[0].width,
        "height": photos[0].height,
        "caption": "Crowds on Tuesday.",
        "credit": "Jane Roe/AP",
    }
    assert "/static/admin/js/image-picker.js" in html


def test_picker_searches_by_credit(desk, photos):
    html = desk.get(reverse("admin:articles_image_picker"), {"q": "reuters"}).content.decode()

    assert "Harbour" in html and "Square" not in html


def test_picker_is_for_logged_in_staff_only(client, photos):
    response = client.get(reverse("admin:articles_image_picker"))

    assert response.status_code == HTTPStatus.FOUND
    assert reverse("admin:login") in response["Location"]
