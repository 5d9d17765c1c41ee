"""What the desk sees: ingested copy waits in the admin's "incoming" filter until an editor takes it up."""

import io
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from articles.tests.admin_helpers import logged_in, user_with_role
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def test_ingested_copy_is_listed_as_incoming_for_editors(client):
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("ingest_text", str(FIXTURES / "wire" / "01-standard.txt"), **quiet)
    call_command("ingest_feed", str(FIXTURES / "feeds" / "rss2.xml"), **quiet)
    call_command("import_wxr", str(FIXTURES / "wxr" / "wxr-1.1.xml"), **quiet)
    staff_story = ArticleFactory(headline="Written in the newsroom")
    editor = logged_in(user_with_role("Editor"))

    response = editor.get(reverse("admin:articles_article_changelist"), {"state": "incoming"})

    assert response.status_code == HTTPStatus.OK
    listed = {article.headline for article in response.context["cl"].result_list}
    assert "Azerbaijan, Iran discuss North-South transport corridor" in listed
    assert "Ferry services resume after storm" in listed
    assert "Draft: transfer rumours" in listed  # an imported WordPress draft
    assert "Harbour FC win the cup" not in listed  # imported already published
    assert staff_story.headline not in listed
    assert client.get(
        Article.objects.get(headline="Ferry services resume after storm").get_absolute_url()
    ).status_code == (HTTPStatus.NOT_FOUND)
