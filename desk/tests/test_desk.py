"""The writing desk through the admin as people use it: dashboard, article screen, pre-publish checks, presence."""

import datetime
from http import HTTPStatus

import lxml.html
import pytest
import reversion
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.roles import EDITOR
from articles.tests.admin_helpers import change_url, errors_of, logged_in, post_form, user_with_role
from articles.tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, ImageFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:index")


@pytest.fixture(autouse=True)
def _empty_presence():
    cache.clear()
    yield
    cache.clear()


def texts(response, xpath):
    tree = lxml.html.fromstring(response.content.decode())
    return [" ".join(node.text_content().split()) for node in tree.xpath(xpath)]


def panel(response, key):
    return texts(response, f'//section[@id="desk-{key}"]//ul[@class="desk-rows"]/li/a')


# Dashboard ------------------------------------------------------------------------------------------------


def test_a_writer_sees_their_drafts_and_what_an_editor_sent_back_and_nobody_elses(writer, editor):
    mine = ArticleFactory(headline="My harbour story", created_by=writer, modified_by=writer)
    sent_back = ArticleFactory(headline="Rewrite the lede, please", created_by=writer, modified_by=editor)
    waiting = ArticleFactory(headline="Filed and waiting", created_by=writer, status=Article.Status.REVIEW)
    ArticleFactory(headline="Someone else's draft", created_by=editor, modified_by=editor)

    response = logged_in(writer).get(DASHBOARD)

    assert response.status_code == HTTPStatus.OK
    assert panel(response, "drafts") == [mine.headline]
    assert panel(response, "sent-back") == [sent_back.headline]
    assert panel(response, "yours-in-review") == [waiting.headline]
    assert "Someone else's draft" not in response.content.decode()
    assert texts(response, '//a[@class="desk-new"]') == ["New article"]
    links = lxml.html.fromstring(response.content.decode()).xpath('//section[@id="desk-drafts"]//li/a/@href')
    assert links == [change_url(mine)]


def test_an_editor_sees_review_the_next_24_hours_and_today_with_corrections(editor, baku):
    now = timezone.now()
    review = ArticleFactory(headline="Awaiting an editor", status=Article.Status.REVIEW)
    soon = ArticleFactory(
        headline="Goes out tonight", status=Article.Status.PUBLISHED, published_at=now + datetime.timedelta(hours=5)
    )
    ArticleFactory(
        headline="Goes out next week", status=Article.Status.PUBLISHED, published_at=now + datetime.timedelta(days=6)
    )
    embargoed = ArticleFactory(
        headline="Embargo lifts at dawn",
        status=Article.Status.PUBLISHED,
        published_at=now - datetime.timedelta(hours=1),
        embargo_until=now + datetime.timedelta(hours=10),
    )
    today = ArticleFactory(
        headline="Out this morning", status=Article.Status.PUBLISHED, published_at=now - datetime.timedelta(minutes=5)
    )
    CorrectionFactory(
        article=today, note="<p>The mayor's name was misspelled.</p>", published_at=now - datetime.timedelta(minutes=1)
    )
    ArticleFactory(
        headline="Out last month", status=Article.Status.PUBLISHED, published_at=now - datetime.timedelta(days=30)
    )

    response = logged_in(editor).get(DASHBOARD)

    assert panel(response, "review") == [review.headline]
    assert sorted(panel(response, "coming")) == sorted([soon.headline, embargoed.headline])
    assert panel(response, "today") == [today.headline]
    assert "1 correction" in texts(response, '//section[@id="desk-today"]//li')[0]
    assert panel(response, "corrections") == [today.headline]
    assert "misspelled" in texts(response, '//section[@id="desk-corrections"]//li')[0]


def test_dashboard_queries_do_not_grow_with_its_rows(editor, django_assert_max_num_queries):
    authors = AuthorFactory.create_batch(2)
    now = timezone.now()
    for n in range(10):
        ArticleFactory(status=Article.Status.REVIEW, authors=authors)
        ArticleFactory(
            status=Article.Status.PUBLISHED, published_at=now - datetime.timedelta(minutes=n + 1), authors=authors
        )
        ArticleFactory(created_by=editor, modified_by=editor, authors=authors)
    client = logged_in(editor)
    client.get(DASHBOARD)

    # session, user, permissions; per panel (5) its rows and their bylines; corrections; the admin's app list
    with django_assert_max_num_queries(20):
        response = client.get(DASHBOARD)
    assert len(panel(response, "review")) == 10


# Article screen ----------------------------------------------------------------------------------------------


def test_the_article_screen_offers_one_primary_action_for_each_person_and_state(writer, editor):
    draft = ArticleFactory(created_by=writer)
    live = ArticleFactory(live=True)
    future = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=1))

    def primary(user, article):
        page = lxml.html.fromstring(logged_in(user).get(change_url(article)).content.decode())
        return page.xpath('//input[@class="desk-primary"]/@value')

    assert primary(writer, draft) == ["Submit for review"]
    assert primary(editor, draft) == ["Publish now"]
    assert primary(editor, future) == ["Schedule"]
    assert primary(editor, live) == ["Update"]


def test_last_save_names_the_person_and_times_carry_the_newsroom_offset(editor, baku):
    article = ArticleFactory(live=True)
    post_form(logged_in(editor), change_url(article), {"dek": "Edited."})

    response = logged_in(editor).get(change_url(article))

    (saved,) = texts(response, '//p[@class="desk-last-saved"]')
    assert saved.startswith("Saved ") and "by Edna Desk" in saved and "(UTC+04:00)" in saved


# Pre-publish checks -----------------------------------------------------------------------------------------


def test_publishing_with_problems_warns_and_publishes_only_when_the_editor_goes_ahead(editor):
    # A lead image marked decorative has no alt text to give readers of the story's main picture.
    lead = ImageFactory(alt_text="", is_decorative=True)
    draft_target = ArticleFactory(headline="A story still in draft")
    article = ArticleFactory(
        status=Article.Status.REVIEW,
        dek="",
        lead_image=lead,
        body=f'<p>See <a href="{draft_target.get_absolute_url()}">the other story</a>.</p>',
    )
    client = logged_in(editor)

    first = post_form(client, change_url(article), button="_publish_now")

    assert first.status_code == HTTPStatus.OK
    errors = errors_of(first)
    for expected in ("lead image has no alt text", "no dek", "byline has no author", "A story still in draft"):
        assert expected in errors
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert texts(first, '//div[@id="prepublish-checks"]//label') == ["Publish anyway: I have read the warnings above"]

    second = post_form(client, change_url(article), {"publish_anyway": "on"}, button="_publish_now")

    assert second.status_code == HTTPStatus.FOUND, errors_of(second)
    article.refresh_from_db()
    assert article.is_live
    comment = reversion.models.Version.objects.get_for_object(article).first().revision.get_comment()
    assert "Published despite warnings" in comment and "lead image has no alt text" in comment


def test_a_complete_story_publishes_in_one_click(editor):
    article = ArticleFactory(
        status=Article.Status.REVIEW,
        headline="Harbour expansion will double cargo traffic",
        dek="The port approved it on Monday.",
        authors=[AuthorFactory()],
        lead_image=ImageFactory(),
        body='<p>Text.</p><figure class="image"><img src="/x.jpg" alt="Cranes at dusk" data-image-id="1"></figure>',
    )

    response = post_form(logged_in(editor), change_url(article), button="_publish_now")

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article.refresh_from_db()
    assert article.is_live


def test_a_body_image_without_alt_text_is_a_warning(editor):
    article = ArticleFactory(
        status=Article.Status.REVIEW,
        headline="Harbour expansion will double cargo traffic",
        dek="The port approved it on Monday.",
        authors=[AuthorFactory()],
        body='<p>Text.</p><figure class="image"><img src="/x.jpg" alt="" data-image-id="1"></figure>',
    )

    response = post_form(
        logged_in(editor),
        change_url(article),
        button="_schedule",
        changes={
            "published_at_0": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
            "published_at_1": "10:00",
        },
    )

    assert "1 image(s) in the body have no alt text" in errors_of(response)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


# Presence ----------------------------------------------------------------------------------------------------


def test_a_second_editor_is_told_who_is_editing_and_since_when(editor, baku):
    other = user_with_role(EDITOR, first_name="Aynur", last_name="Aliyeva")
    article = ArticleFactory()
    aynur = logged_in(other)
    beat = aynur.post(reverse("desk:presence", args=[article.pk]))
    assert beat.status_code == HTTPStatus.OK and beat.json()["editors"] == []

    response = logged_in(editor).get(change_url(article))

    (notice,) = texts(response, "//div[@data-desk-presence]/p")
    assert notice.startswith("Being edited by Aynur Aliyeva since ") and "(UTC+04:00)" in notice
    again = aynur.post(reverse("desk:presence", args=[article.pk]))
    assert [e["name"] for e in again.json()["editors"]] == []  # Edna only opened the page; no heartbeat yet
    logged_in(editor).post(reverse("desk:presence", args=[article.pk]))
    assert [e["name"] for e in aynur.post(reverse("desk:presence", args=[article.pk])).json()["editors"]] == [
        "Edna Desk"
    ]


def test_presence_expires_and_leaving_removes_it(editor, settings):
    other = user_with_role(EDITOR, first_name="Aynur", last_name="Aliyeva")
    article = ArticleFactory()
    url = reverse("desk:presence", args=[article.pk])
    logged_in(other).post(url)
    assert texts(logged_in(editor).get(change_url(article)), "//div[@data-desk-presence]/p")

    logged_in(other).post(url, {"leave": "1"})

    assert texts(logged_in(editor).get(change_url(article)), "//div[@data-desk-presence]/p") == []


def test_the_heartbeat_refuses_strangers_and_says_when_the_session_is_gone(client, writer):
    article = ArticleFactory(created_by=None)
    url = reverse("desk:presence", args=[article.pk])

    logged_out = client.post(url)
    assert logged_out.status_code == HTTPStatus.UNAUTHORIZED
    assert logged_out.json()["login_url"].startswith(reverse("admin:login"))
    assert logged_in(writer).post(url).status_code == HTTPStatus.FORBIDDEN
    assert logged_in(writer).get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert logged_in(writer).post(reverse("desk:presence", args=[999999])).status_code == HTTPStatus.NOT_FOUND


# Corrections are typed as text ------------------------------------------------------------------------------


def textarea(response, name):
    (node,) = lxml.html.fromstring(response.content.decode()).xpath(f'//textarea[@name="{name}"]')
    return node.text_content().strip("\n")


def test_a_stored_correction_reads_as_text_in_the_form_and_saving_it_unchanged_keeps_its_html(editor):
    note = (
        '<p>We misnamed <em>The Caspian Post</em>.</p><p>See <a href="https://port.example/minutes" '
        'rel="noopener noreferrer">the minutes</a>.</p><ul><li>A list from an import</li></ul>'
    )
    correction = CorrectionFactory(note=note)
    client = logged_in(editor)

    form = client.get(change_url(correction.article))
    response = post_form(
        client, change_url(correction.article), {"corrections-0-published_at_1": "09:30:00"}, button="_continue"
    )

    assert textarea(form, "corrections-0-note") == (
        "We misnamed *The Caspian Post*.\n\nSee [the minutes](https://port.example/minutes).\n\nA list from an import"
    )
    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    correction.refresh_from_db()
    assert correction.note == note
    assert timezone.localtime(correction.published_at).strftime("%H:%M") == "09:30"


def test_a_correction_typed_as_text_reaches_readers_as_paragraphs_with_links_and_still_sanitised(editor, client):
    article = ArticleFactory(live=True)
    typed = (
        "An earlier version gave the wrong date for the vote. It is on *Tuesday*.\r\n\r\n"
        "The agenda: https://council.example/agenda. Also [the minutes](https://council.example/m).\r\n"
        '<script>alert("x")</script> [bad](javascript:alert(1))'
    )

    response = post_form(
        logged_in(editor),
        change_url(article),
        {
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-published_at_0": timezone.localdate().isoformat(),
            "corrections-0-published_at_1": "10:00:00",
            "corrections-0-note": typed,
        },
        button="_continue",
    )

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    (correction,) = article.corrections.all()
    assert correction.note == (
        "<p>An earlier version gave the wrong date for the vote. It is on <em>Tuesday</em>.</p>"
        '<p>The agenda: <a href="https://council.example/agenda" rel="noopener noreferrer">'
        "https://council.example/agenda</a>. Also "
        '<a href="https://council.example/m" rel="noopener noreferrer">the minutes</a>.<br>'
        '&lt;script&gt;alert("x")&lt;/script&gt; [bad](javascript:alert(1))</p>'
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<a href="https://council.example/m" rel="noopener noreferrer">the minutes</a>' in page
    assert "<script>alert" not in page
    api = client.get(f"/api/v1/articles/{article.pk}").json()
    assert api["corrections"][0]["note_html"] == correction.note
    # Opened again, it reads as it was typed.
    form = logged_in(editor).get(change_url(article))
    assert textarea(form, "corrections-0-note") == typed.replace("\r\n", "\n")


def test_an_edited_correction_is_stored_from_its_new_text(editor):
    correction = CorrectionFactory(note="<p>An earlier version misspelled the minister’s name.</p>")

    response = post_form(
        logged_in(editor),
        change_url(correction.article),
        {"corrections-0-note": "An earlier version misspelled the minister’s name as Aliev.\n\nIt is Aliyev."},
        button="_continue",
    )

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    correction.refresh_from_db()
    assert correction.note == "<p>An earlier version misspelled the minister’s name as Aliev.</p><p>It is Aliyev.</p>"


def test_someone_who_may_only_read_the_story_sees_the_note_as_readers_do(writer):
    correction = CorrectionFactory(article=ArticleFactory(live=True, created_by=writer))

    response = logged_in(writer).get(change_url(correction.article))

    (note,) = lxml.html.fromstring(response.content.decode()).xpath(
        '//div[@id="corrections-group"]//div[contains(@class, "field-note_as_published")]//div[@class="readonly"]'
    )
    assert lxml.html.tostring(note, encoding="unicode").count("<p>") == 1
    assert note.text_content().strip() == "An earlier version misspelled the minister’s name."


# A new story starts with its writer's byline --------------------------------------------------------------------


def test_a_new_article_has_its_writer_as_the_first_byline_and_saves_it(writer, editor):
    author = AuthorFactory(name="Wendy Writer", user=writer)
    client = logged_in(writer)
    add = reverse("admin:articles_article_add")

    form = client.get(add)
    response = post_form(
        client, add, {"headline": "Ferry timetable changes", "section": str(ArticleFactory().section_id)}
    )
    editors_form = logged_in(editor).get(add)

    selected = lxml.html.fromstring(form.content.decode()).xpath(
        '//select[@name="article_authors-0-author"]/option[@selected]'
    )
    assert [(o.get("value"), o.text_content()) for o in selected] == [(str(author.pk), "Wendy Writer")]
    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article = Article.objects.get(headline="Ferry timetable changes")
    assert list(article.authors.all()) == [author]
    # Without an author profile the row is empty.
    assert not lxml.html.fromstring(editors_form.content.decode()).xpath(
        '//select[@name="article_authors-0-author"]/option[@selected]'
    )
