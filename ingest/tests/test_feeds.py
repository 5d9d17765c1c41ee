import datetime
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image as PILImage

from articles.models import Article, Author, Image
from articles.tests.factories import UserFactory
from ingest import feeds

pytestmark = pytest.mark.django_db

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
UTC = datetime.UTC


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Tests never reach the network: every download fails unless a test says otherwise."""
    requested = []

    def refuse(url, *, max_bytes, timeout=feeds.TIMEOUT_SECONDS):
        requested.append(url)
        raise OSError(f"cannot fetch {url}: network closed in tests")

    monkeypatch.setattr(feeds, "fetch_url", refuse)
    return requested


@pytest.fixture
def feed_dir(tmp_path):
    """The feeds copied next to the images their enclosures name."""
    for path in FEEDS.iterdir():
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "images").mkdir()
    PILImage.new("RGB", (800, 500), (200, 80, 10)).save(tmp_path / "images" / "pipeline.jpg", format="JPEG")
    PILImage.new("RGB", (640, 400), (20, 180, 10)).save(tmp_path / "images" / "harbour.png", format="PNG")
    return tmp_path


def run(source, **options):
    out = io.StringIO()
    call_command("ingest_feed", str(source), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def item(headline):
    return Article.objects.get(headline=headline)


# RSS 2.0 --------------------------------------------------------------------------------


def test_rss_items_become_wire_drafts_once_each(feed_dir):
    output = run(feed_dir / "rss2.xml")

    assert Article.objects.count() == 3
    assert set(Article.objects.values_list("status", "source", "source_name").distinct()) == {
        (Article.Status.DRAFT, Article.Source.WIRE, "Caspian Wire Service")
    }
    assert "RSS 2.0" in output and "Created: 3" in output


def test_rss_dates_keep_their_time_zones():
    run(FEEDS / "rss2.xml")

    assert item("Ministers agree on new pipeline route").published_at == datetime.datetime(
        2024, 2, 26, 11, 50, tzinfo=UTC
    )
    assert item("Museum reopens with Caspian art collection").published_at == datetime.datetime(
        2024, 2, 25, 23, 0, tzinfo=UTC
    )


def test_relative_links_are_resolved_against_the_item_and_feed_links():
    run(FEEDS / "rss2.xml")

    article = item("Ministers agree on new pipeline route")
    assert article.original_url == "https://wire.example/news/2024/02/pipeline-route.html"
    assert 'href="https://wire.example/news/2024/02/background.html"' in article.body
    assert 'href="https://wire.example/news/2024/02/maps/route.html"' in article.body
    assert 'src="https://wire.example/img/pixel.gif"' in article.body
    museum = item("Museum reopens with Caspian art collection")
    assert 'src="https://wire.example/news/2024/img/museum.jpg"' in museum.body


def test_hostile_html_is_removed():
    run(FEEDS / "rss2.xml")

    body = item("Ministers agree on new pipeline route").body
    for hostile in ("<script", "document.cookie", "<iframe", "onclick", "onerror", "javascript:", "style="):
        assert hostile not in body
    assert "Officials said" in body


def test_authors_and_categories_come_in():
    run(FEEDS / "rss2.xml")

    assert item("Ministers agree on new pipeline route").byline_text() == "Sara Rajabova"
    assert set(item("Ministers agree on new pipeline route").tags.names()) == {"Energy", "Politics"}
    assert item("Ferry services resume after storm").byline_text() == "John Roe and Ann Lee"
    assert not Author.objects.filter(name__contains="@").exists()


def test_full_content_is_the_body_and_the_description_the_dek():
    run(FEEDS / "rss2.xml")

    ferry = item("Ferry services resume after storm")
    assert ferry.body.startswith("<p>Ferries between Baku and Turkmenbashi are running again after a two-day storm.")
    assert ferry.dek == "Ferries between Baku and Turkmenbashi are running again."


def test_a_bare_description_gets_paragraphs():
    run(FEEDS / "rss2.xml")

    assert item("Museum reopens with Caspian art collection").body.startswith("<p>The museum reopened with <em>")


def test_enclosure_next_to_a_feed_file_becomes_the_lead_image(feed_dir):
    run(feed_dir / "rss2.xml")

    image = item("Ministers agree on new pipeline route").lead_image
    assert image is not None
    assert (image.width, image.height) == (800, 500)
    assert image.alt_text == "Ministers agree on new pipeline route"


def test_remote_images_that_cannot_be_fetched_are_a_warning(feed_dir, no_network):
    output = run(feed_dir / "rss2.xml")

    assert item("Ferry services resume after storm").lead_image is None
    assert no_network == ["https://cdn.wire.example/photos/ferry.jpg"]
    assert "lead image skipped: cannot fetch https://cdn.wire.example/photos/ferry.jpg" in output
    assert "Failed: 0" in output


def test_enclosure_outside_the_feed_folder_is_refused(tmp_path):
    inner = tmp_path / "feed"
    inner.mkdir()
    PILImage.new("RGB", (10, 10)).save(tmp_path / "secret.jpg", format="JPEG")
    (inner / "feed.xml").write_text(
        FEEDS.joinpath("rss2.xml").read_text(encoding="utf-8").replace("images/pipeline.jpg", "../secret.jpg"),
        encoding="utf-8",
    )

    output = run(inner / "feed.xml")

    assert item("Ministers agree on new pipeline route").lead_image is None
    assert "outside the feed's folder" in output


def test_ingesting_again_creates_no_duplicates_and_reuses_images(feed_dir):
    run(feed_dir / "rss2.xml")
    output = run(feed_dir / "rss2.xml")

    assert Article.objects.count() == 3
    assert Image.objects.count() == 1
    assert "Created: 0" in output and "Unchanged: 3" in output


def test_items_are_identified_by_guid_else_link(tmp_path):
    run(FEEDS / "rss2.xml")
    changed = tmp_path / "rss2.xml"
    changed.write_text(
        FEEDS.joinpath("rss2.xml")
        .read_text(encoding="utf-8")
        .replace("Ministers agree on new pipeline route", "Ministers agree pipeline route")
        .replace("Museum reopens with Caspian art collection", "Museum reopens"),
        encoding="utf-8",
    )

    output = run(changed)

    assert Article.objects.count() == 3
    assert Article.objects.filter(headline__in=["Ministers agree pipeline route", "Museum reopens"]).count() == 2
    assert "Updated: 2" in output


def test_drafts_taken_up_by_editors_are_left_alone():
    run(FEEDS / "rss2.xml")
    Article.objects.filter(headline="Ferry services resume after storm").update(modified_by=UserFactory())

    output = run(FEEDS / "rss2.xml")

    assert "changed in Newsroom since it came in" in output


# Atom ------------------------------------------------------------------------------------


def test_atom_entries_with_html_xhtml_and_text_content(feed_dir):
    output = run(feed_dir / "atom.xml")

    assert "Atom 1.0" in output
    harbour = item("Harbour expansion approved")  # the title's markup is gone
    assert harbour.published_at == datetime.datetime(2024, 2, 26, 12, 30, tzinfo=UTC)
    assert harbour.byline_text() == "Jane Roe and Ilham Əliyev"
    assert set(harbour.tags.names()) == {"harbour", "city hall"}
    assert 'href="https://herald.example/plans/harbour.pdf"' in harbour.body
    assert "<script" not in harbour.body and "onerror" not in harbour.body
    assert harbour.lead_image is not None  # media:content next to the feed
    market = item("Night market returns")
    assert market.original_url == "https://herald.example/2024/02/25/night-market/"  # xml:base
    assert 'href="https://herald.example/2024/02/25/stalls.html"' in market.body
    assert market.published_at == datetime.datetime(2024, 2, 25, 18, 0, tzinfo=UTC)
    weather = item("Weather: plain text entry")
    assert weather.body == "<p>Sunny in the morning.</p>\n<p>Rain by the evening &lt;script&gt; is just text here.</p>"


# Other versions and encodings ---------------------------------------------------------------


def test_rss_091_with_a_doctype_and_no_dates():
    output = run(FEEDS / "rss091.xml")

    article = item("Café owners protest rent rise")
    assert article.published_at is None
    assert "RSS 0.91" in output and "no date" in output


def test_windows_1251_feed_is_decoded():
    run(FEEDS / "windows-1251.xml")

    article = item("Парламент одобрил бюджет на 2024 год")
    assert article.source_name == "Каспийские новости"
    assert article.byline_text() == "Ирина Петрова"
    assert list(article.tags.names()) == ["Политика"]
    assert "Депутаты проголосовали за проект бюджета." in article.body
    assert article.published_at == datetime.datetime(2024, 2, 26, 9, 0, tzinfo=UTC)


def test_iso_8859_1_feed_is_decoded():
    run(FEEDS / "iso-8859-1.xml")

    assert "Les célébrations commencent à midi." in item("Fête du port à Marseille").body


def test_source_and_section_options():
    from articles.tests.factories import SectionFactory

    world = SectionFactory(name="World")

    run(FEEDS / "rss2.xml", source_name="CWS", section="World")

    assert set(Article.objects.values_list("source_name", "section")) == {("CWS", world.pk)}


# From a URL ---------------------------------------------------------------------------------


def test_feed_from_a_url_resolves_links_against_it_and_downloads_images(monkeypatch, no_network):
    photo = io.BytesIO()
    PILImage.new("RGB", (300, 200), (1, 2, 3)).save(photo, format="JPEG")
    responses = {
        "https://wire.example/feeds/latest.xml": FEEDS.joinpath("rss2.xml").read_bytes(),
        "https://wire.example/feeds/images/pipeline.jpg": photo.getvalue(),
    }

    def fake_fetch(url, *, max_bytes, timeout=feeds.TIMEOUT_SECONDS):
        if url not in responses:
            raise OSError(f"cannot fetch {url}: not found")
        return responses[url]

    monkeypatch.setattr(feeds, "fetch_url", fake_fetch)

    run("https://wire.example/feeds/latest.xml")

    article = item("Ministers agree on new pipeline route")
    assert article.lead_image is not None and (article.lead_image.width, article.lead_image.height) == (300, 200)
    assert article.original_url == "https://wire.example/news/2024/02/pipeline-route.html"


def test_unreachable_url_is_a_clear_error():
    with pytest.raises(CommandError, match="network closed"):
        run("https://wire.example/feed.xml")


# Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (FEEDS / "nope.xml", "No such file"),
        (FEEDS, "is a folder"),
        (Path(__file__).parent / "fixtures" / "wire" / "01-standard.txt", "not an RSS or Atom feed"),
        (Path(__file__).parent / "fixtures" / "wxr" / "not-wordpress.xml", "not an RSS or Atom feed"),
    ],
)
def test_what_is_not_a_feed_is_refused(path, message):
    with pytest.raises(CommandError, match=message):
        run(path)

    assert Article.objects.count() == 0


def test_feeds_declaring_entities_are_refused(tmp_path):
    hostile = tmp_path / "lol.xml"
    hostile.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        '<rss version="2.0"><channel><title>&b;</title><item><title>&b;</title></item></channel></rss>'
    )

    with pytest.raises(CommandError, match="declares XML entities"):
        run(hostile)


def test_dry_run_saves_nothing(feed_dir):
    output = run(feed_dir / "rss2.xml", dry_run=True)

    assert "Would create: 3" in output
    assert Article.objects.count() == 0 and Image.objects.count() == 0


def test_rss_10_rdf_feed():
    output = run(FEEDS / "rss10.rdf")

    article = item("Port authority announces new director")
    assert "RSS 1.0" in output
    assert article.published_at == datetime.datetime(2024, 2, 27, 6, 0, tzinfo=UTC)
    assert article.byline_text() == "Press Office"
    assert list(article.tags.names()) == ["Appointments"]
