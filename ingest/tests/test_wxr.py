import datetime
import io
import shutil
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image as PILImage

from articles.models import Article, Author, Image, Redirect, Section
from articles.tests.factories import AuthorFactory, UserFactory
from ingest import wxr
from ingest.management.commands import import_wxr
from ingest.models import ImportedImage

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "wxr"
WXR_12 = FIXTURES / "wxr-1.2.xml"
UTC = datetime.UTC


def run(*args, **options):
    out = io.StringIO()
    call_command("import_wxr", *[str(arg) for arg in args], stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def post(post_id, site="caspian.example"):
    return Article.objects.get(source=Article.Source.IMPORT, external_id=f"wp:{site}:{post_id}")


def write_jpeg(path, size=(900, 600)):
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", size, (30, 90, 150)).save(path, format="JPEG")
    return path


# Versions and mapping ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "external_id", "headline", "author", "section", "tags"),
    [
        ("wxr-1.0.xml", "wp:gazette.example:7", "Polls open across the district & beyond", "admin",
         "Local politics", {"elections"}),
        ("wxr-1.1.xml", "wp:herald.example/news:42", "Harbour FC win the cup", "Jane Roe", "Sport", {"football"}),
        ("wxr-1.2.xml", "wp:caspian.example:101", "Council approves the 2024 budget after a long night",
         "Sara Rajabova", "Europe", {"budget", "City Council"}),
    ],
)  # fmt: skip
def test_each_wxr_version_imports_its_posts(fixture, external_id, headline, author, section, tags):
    output = run(FIXTURES / fixture)

    article = Article.objects.get(external_id=external_id)
    assert article.source == Article.Source.IMPORT
    assert article.headline == headline
    assert article.byline_text() == author
    assert article.section.name == section
    assert set(article.tags.names()) == tags
    assert article.status == Article.Status.PUBLISHED
    assert f"WXR {fixture[4:7]}" in output


@pytest.mark.parametrize(
    ("namespace", "version"),
    [
        ("http://wordpress.org/export/1.0/", "1.0"),
        ("http://wordpress.org/export/1.2/", "1.2"),
        ("https://wordpress.org/export/1.2/", "1.2"),  # WordPress.com and current exporters
        ("https://wordpress.org/export/1.3/", "1.3"),  # a version this importer has not seen
    ],
)
def test_exports_declaring_either_scheme_and_any_version_are_imported(tmp_path, namespace, version):
    export = tmp_path / "export.xml"
    text = WXR_12.read_text(encoding="utf-8").replace("http://wordpress.org/export/1.2/", namespace)
    export.write_text(text.replace("<wp:wxr_version>1.2<", f"<wp:wxr_version>{version}<"))

    output = run(export)

    assert post(101).headline == "Council approves the 2024 budget after a long night"
    assert post(101).dek  # the excerpt namespace is recognised with the same scheme
    assert f"WXR {version}" in output


def test_wordpress_statuses_map_to_newsroom_statuses():
    run(WXR_12)

    assert post(101).status == Article.Status.PUBLISHED
    assert post(101).is_live
    assert (post(102).status, post(102).published_at) == (Article.Status.DRAFT, None)
    assert (post(103).status, post(103).published_at) == (Article.Status.REVIEW, None)
    scheduled = post(104)
    assert scheduled.status == Article.Status.PUBLISHED
    assert scheduled.published_at == datetime.datetime(2099, 1, 1, 5, 0, tzinfo=UTC)
    assert scheduled.is_scheduled and not scheduled.is_live
    assert post(105).status == Article.Status.UNPUBLISHED
    assert not Article.objects.filter(external_id__in=["wp:caspian.example:106", "wp:caspian.example:107"]).exists()
    live = set(Article.objects.published().values_list("external_id", flat=True))
    assert "wp:caspian.example:105" not in live  # private stays private


def test_password_protected_posts_are_not_made_public():
    output = run(WXR_12)

    assert post(112).status == Article.Status.UNPUBLISHED
    assert "password-protected" in output


def test_everything_that_is_not_an_article_is_skipped_with_its_reason():
    output = run(WXR_12)

    assert "Created: 10" in output
    assert "Skipped: 6" in output
    for reason in (
        "post type “page”: pages are not articles",
        "post type “attachment”: media files are not articles",
        "post type “nav_menu_item”: menu items are not articles",
        "post type “product”: custom post types are not articles",
        "status “trash”",
        "status “auto-draft”",
    ):
        assert reason in output
    assert Article.objects.count() == 10


def test_dates_become_utc_using_gmt_or_the_learned_site_offset():
    run(WXR_12)

    assert post(101).published_at == datetime.datetime(2024, 2, 26, 8, 30, tzinfo=UTC)
    # Post 109 has only a local date (12:00); the other posts show the site runs at UTC+04:00.
    assert post(109).published_at == datetime.datetime(2024, 2, 24, 8, 0, tzinfo=UTC)


def test_timezone_option_reads_local_only_dates_in_that_zone():
    run(WXR_12, timezone="Asia/Tokyo")

    assert post(109).published_at == datetime.datetime(2024, 2, 24, 3, 0, tzinfo=UTC)
    assert post(101).published_at == datetime.datetime(2024, 2, 26, 8, 30, tzinfo=UTC)  # GMT still wins


def test_unknown_timezone_is_a_clear_error():
    with pytest.raises(CommandError, match="Unknown time zone"):
        run(WXR_12, timezone="Mars/Olympus")


def test_nested_categories_give_the_most_specific_section_and_keep_the_path():
    run(WXR_12)

    section = post(101).section
    assert section.name == "Europe"
    assert section.description == "WordPress category: News › World › Europe"
    assert Section.objects.filter(name="News").exists()


def test_yoast_primary_category_wins_over_the_first_one():
    run(WXR_12)

    assert post(108).section.name == "أخبار"


def test_posts_without_a_category_go_to_uncategorized():
    run(WXR_12)

    assert post(110).section.name == "Uncategorized"


def test_authors_are_matched_by_login_and_created_once():
    existing = AuthorFactory(name="Jane Roe")  # same name, no login yet: gets linked, not duplicated
    run(WXR_12)
    run(FIXTURES / "wxr-1.1.xml")
    run(FIXTURES / "wxr-1.1.xml")

    sara = Author.objects.get(external_login="sara")
    assert sara.name == "Sara Rajabova"
    assert Author.objects.get(external_login="noa").name == "Noa Levi"  # first and last name when no display name
    existing.refresh_from_db()
    assert existing.external_login == "jroe"
    assert Author.objects.filter(name="Jane Roe").count() == 1
    assert Author.objects.filter(external_login="sara").count() == 1


def test_excerpt_becomes_plain_text_dek():
    run(WXR_12)

    assert post(101).dek == "The plan funds schools and road repairs."


def test_sticky_posts_are_featured_and_yoast_description_is_kept():
    run(WXR_12)

    assert post(101).is_featured
    assert post(108).seo_description == "معرض الكتاب في باكو"


# Content ------------------------------------------------------------------------------


def test_blank_lines_become_paragraphs_and_single_newlines_line_breaks():
    run(WXR_12)

    body = post(101).body
    assert "<p>The council voted 31 to 12 on Monday.<br>\nIt was the longest session this year.</p>" in body
    assert "<p>Opposition members <em>walked out</em> before the vote.</p>" in body


def test_scripts_event_handlers_and_javascript_links_are_gone():
    output = run(WXR_12)

    body = post(101).body
    for hostile in ("<script", "document.cookie", "onerror", "javascript:"):
        assert hostile not in body
    assert "removed <script>" in output


def test_captions_become_figures_and_unrenderable_shortcodes_are_removed_and_reported():
    output = run(WXR_12)

    body = post(101).body
    assert (
        '<figure class="image"><img src="https://caspian.example/wp-content/uploads/2024/02/harbour-300x200.jpg"'
        in body
    )
    assert "<figcaption>Boats in the harbour.</figcaption></figure>" in body
    assert "[gallery" not in body and "[caption" not in body
    assert "shortcode [gallery] removed" in output


def test_convert_content_keeps_bracketed_text_and_unwraps_unknown_shortcodes():
    warnings = []

    html = wxr.convert_content(
        'He said [sic] it was fine. [[gallery]] [su_note]Keep this.[/su_note] [contact-form-7 id="4"]\n'
        "[embed]https://video.example/1[/embed]",
        warnings.append,
    )

    assert "[sic]" in html
    assert "[gallery]" in html  # [[escaped]] shortcodes are literal text
    assert "Keep this." in html and "su_note" not in html
    assert "contact-form-7" not in html
    assert '<a href="https://video.example/1">' in html
    assert any("[embed] replaced" in warning for warning in warnings)
    assert any("[contact-form-7] removed" in warning for warning in warnings)


def test_unicode_right_to_left_and_emoji_survive():
    run(WXR_12)

    arabic = post(108)
    assert arabic.headline == "افتتاح معرض الكتاب في باكو"
    assert "وشارك فيه أكثر من مئة ناشر 📚." in arabic.body
    assert arabic.byline_text() == "عمر الفاروق"
    assert list(arabic.tags.names()) == ["كتب"]
    assert post(109).headline == "תערוכת צילום נפתחת בנמל"
    assert "🎉" in post(110).body


def test_empty_title_becomes_untitled_and_long_title_is_shortened_with_warnings():
    output = run(WXR_12)

    assert post(110).headline == "(untitled)"
    long_headline = post(111).headline
    assert len(long_headline) <= Article._meta.get_field("headline").max_length
    assert long_headline.startswith("Budget vote: a very long headline")
    assert "no headline" in output and "shortened" in output


def test_duplicate_slugs_on_one_day_get_distinct_addresses():
    run(WXR_12)

    assert post(101).slug == "budget-vote"
    assert post(111).slug == "budget-vote-2"


def test_comments_not_imported_are_reported():
    assert "1 comment(s) not imported" in run(WXR_12)


# Permalinks -------------------------------------------------------------------------


def test_old_permalinks_and_plain_ids_redirect_to_the_new_address(client):
    run(WXR_12)
    arabic = post(108)

    response = client.get("/2024/02/25/%D8%A7%D9%81%D8%AA%D8%AA%D8%A7%D8%AD-%D9%85%D8%B9%D8%B1%D8%B6/")

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == arabic.get_absolute_url()
    assert client.get(arabic.get_absolute_url()).status_code == HTTPStatus.OK
    # WordPress's plain form; the redirect middleware looks it up when ?p=<id> is requested.
    assert Redirect.objects.get(old_path="/?p=108").article == arabic
    assert arabic.original_url.startswith("https://caspian.example/2024/02/25/")


def test_old_addresses_of_articles_that_are_not_live_do_not_redirect(client):
    run(WXR_12)

    assert Redirect.objects.filter(old_path="/2099/01/01/bridge-opens/").exists()
    assert client.get("/2099/01/01/bridge-opens/").status_code == HTTPStatus.NOT_FOUND  # scheduled
    assert client.get("/2024/02/20/staff-party/").status_code == HTTPStatus.NOT_FOUND  # private


# Re-running ------------------------------------------------------------------------


def test_reimport_creates_no_duplicates_and_updates_changed_posts(tmp_path):
    run(WXR_12)
    changed = tmp_path / "export.xml"
    changed.write_text(
        WXR_12.read_text(encoding="utf-8")
        .replace("Council approves the 2024 budget after a long night", "Council approves the 2024 budget")
        .replace("The council voted 31 to 12 on Monday.", "The council voted 32 to 11 on Monday."),
        encoding="utf-8",
    )

    output = run(changed)

    assert Article.objects.count() == 10
    assert Redirect.objects.count() == Redirect.objects.values("old_path").distinct().count()
    article = post(101)
    assert article.headline == "Council approves the 2024 budget"
    assert "32 to 11" in article.body
    assert "Created: 0" in output and "Updated: 1" in output and "Unchanged: 9" in output
    assert Section.objects.filter(name="Europe").count() == 1


def test_reimport_leaves_articles_edited_in_newsroom_alone():
    run(WXR_12)
    article = post(101)
    article.headline = "Edited by the desk"
    article.modified_by = UserFactory()
    article.save()

    output = run(WXR_12)

    assert post(101).headline == "Edited by the desk"
    assert "changed in Newsroom since it came in" in output


# Featured images -----------------------------------------------------------------------


def test_featured_image_found_under_media_dir_becomes_the_lead_image(tmp_path):
    write_jpeg(tmp_path / "uploads" / "2024" / "02" / "harbour.jpg")

    run(WXR_12, media_dir=tmp_path / "uploads")
    run(WXR_12, media_dir=tmp_path / "uploads")

    image = post(101).lead_image
    assert image is not None
    assert image.alt_text == "Fishing boats moored in a harbour at sunrise"
    assert image.caption == "Fishing boats in Baku harbour at dawn."
    assert image.title == "Harbour at dawn"
    assert (image.width, image.height) == (900, 600)
    assert Image.objects.count() == 1 == ImportedImage.objects.count()  # the re-run reused it


def test_an_imported_image_is_decoded_and_encoded_once_by_the_image_library(tmp_path, monkeypatch):
    write_jpeg(tmp_path / "uploads" / "2024" / "02" / "harbour.jpg")
    encodings = []
    real_save = PILImage.Image.save

    def counting_save(self, fp, format=None, **params):
        encodings.append(format)
        return real_save(self, fp, format=format, **params)

    monkeypatch.setattr(PILImage.Image, "save", counting_save)

    run(WXR_12, media_dir=tmp_path / "uploads")

    assert post(101).lead_image is not None
    assert encodings == ["JPEG"]  # renditions come later, after the commit


def test_media_dir_may_be_the_wordpress_root(tmp_path):
    write_jpeg(tmp_path / "wp-content" / "uploads" / "2024" / "02" / "harbour.jpg")

    run(WXR_12, media_dir=tmp_path)

    assert post(101).lead_image is not None


def test_missing_or_invalid_featured_image_is_a_warning_not_a_failure(tmp_path):
    (tmp_path / "2024" / "02").mkdir(parents=True)
    (tmp_path / "2024" / "02" / "harbour.jpg").write_text("<?php echo 'not an image'; ?>")

    output = run(WXR_12, media_dir=tmp_path)

    assert post(101).lead_image is None
    assert "lead image skipped" in output
    assert "Failed: 0" in output


def test_without_media_dir_the_report_says_images_were_not_imported():
    output = run(WXR_12)

    assert "featured image(s) not imported: pass --media-dir" in output


def test_media_dir_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        run(WXR_12, media_dir=tmp_path / "nowhere")


# Bad input --------------------------------------------------------------------------


def test_broken_xml_stops_with_the_line_and_writes_nothing():
    with pytest.raises(CommandError, match=r"not well-formed XML at line \d+"):
        run(FIXTURES / "broken.xml")

    assert Article.objects.count() == 0
    assert Author.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (FIXTURES.parent / "feeds" / "rss2.xml", "is an RSS feed, not a WordPress export .*expected xmlns:wp="),
        (FIXTURES / "not-wordpress.xml", "root is <catalog>"),
        (FIXTURES.parent / "wire" / "01-standard.txt", "not well-formed XML"),
        (FIXTURES / "does-not-exist.xml", "No such file"),
        (FIXTURES, "is a directory"),
    ],
)
def test_files_that_are_not_wordpress_exports_are_refused(path, message):
    with pytest.raises(CommandError, match=message):
        run(path)

    assert Article.objects.count() == 0


def test_export_with_an_unknown_namespace_is_refused_naming_the_expected_one(tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(
        WXR_12.read_text(encoding="utf-8").replace(
            "http://wordpress.org/export/1.2/", "https://example.com/export/1.2/"
        )
    )

    with pytest.raises(CommandError, match=r"expected xmlns:wp=\"http\(s\)://wordpress\.org/export/<version>/\""):
        run(export)

    assert Article.objects.count() == 0


def test_empty_file_is_refused(tmp_path):
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")

    with pytest.raises(CommandError, match="is empty"):
        run(empty)


def test_an_error_midway_keeps_the_complete_articles_and_says_so(monkeypatch):
    real_items = wxr.items

    def items_then_error(path, on_read=None):
        for count, item in enumerate(real_items(path, on_read), start=1):
            yield item
            if count == 3:
                raise wxr.WxrError(f"{path} is not well-formed XML at line 99: simulated")

    monkeypatch.setattr(wxr, "items", items_then_error)

    with pytest.raises(CommandError, match="saved before the error are complete and stay"):
        run(WXR_12)

    assert Article.objects.count() == 2  # the attachment was skipped; posts 101 and 102 are whole
    assert post(101).article_authors.count() == 1


def test_posts_are_committed_in_batches_without_losing_any(monkeypatch):
    monkeypatch.setattr(import_wxr, "BATCH_SIZE", 3)

    output = run(WXR_12)

    assert Article.objects.count() == 10
    assert "Created: 10" in output and "Skipped: 6" in output


def test_control_characters_and_leading_blank_lines_are_tolerated(tmp_path):
    dirty = tmp_path / "dirty.xml"
    text = WXR_12.read_text(encoding="utf-8").replace(
        "Ferries will leave earlier", "Ferries\x0b will\x1f leave earlier"
    )
    dirty.write_bytes(b"\n\n  " + text.encode("utf-8"))

    output = run(dirty)

    assert "Ferries will leave earlier" in post(102).body
    assert "Removed 2 control character(s)" in output


# Dry run and progress -----------------------------------------------------------------


def test_dry_run_saves_nothing_and_says_what_it_would_do(tmp_path):
    write_jpeg(tmp_path / "2024" / "02" / "harbour.jpg")

    output = run(WXR_12, dry_run=True, media_dir=tmp_path)

    assert "Dry run: nothing was saved" in output
    assert "Would create: 10" in output
    assert Article.objects.count() == 0
    assert Section.objects.count() == 0 and Author.objects.count() == 0 and Image.objects.count() == 0


def test_dry_run_after_an_import_reports_unchanged():
    run(WXR_12)

    output = run(WXR_12, dry_run=True)

    assert "Would create: 0" in output and "Unchanged: 10" in output


def test_progress_is_printed_as_plain_lines_when_not_on_a_terminal():
    output = run(WXR_12)

    assert "Importing: 16 of 16 items (100%)" in output
    assert "\r" not in output


def test_large_export_is_streamed_item_by_item(tmp_path):
    parts = WXR_12.read_text(encoding="utf-8").split("<item>")
    head, template = parts[0], "<item>" + parts[2].split("</item>")[0] + "</item>"  # post 101
    big = tmp_path / "big.xml"
    with big.open("w", encoding="utf-8") as fh:
        fh.write(head)
        for number in range(1, 301):
            fh.write(template.replace("<wp:post_id>101</wp:post_id>", f"<wp:post_id>{1000 + number}</wp:post_id>"))
        fh.write("</channel></rss>")

    seen = [item.post_id for item in wxr.items(big)]

    assert len(seen) == 300
    site = wxr.scan(big)
    assert site.item_count == 300 and site.types["post"] == 300


def test_copied_fixture_with_other_site_url_gets_its_own_ids(tmp_path):
    other = tmp_path / "other.xml"
    shutil.copy(FIXTURES / "wxr-1.1.xml", other)
    other.write_text(other.read_text(encoding="utf-8").replace("herald.example", "mirror.example"), encoding="utf-8")

    run(FIXTURES / "wxr-1.1.xml")
    run(other)

    assert Article.objects.filter(external_id__startswith="wp:mirror.example/news:").count() == 2
    assert Article.objects.count() == 4


# Hostile XML ------------------------------------------------------------------------


def test_external_entities_are_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    export = tmp_path / "xxe.xml"
    export.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>'
        "<link>https://x.example</link><item><title>Leak &xxe;</title><content:encoded>&xxe;</content:encoded>"
        "<wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type><wp:status>draft</wp:status></item>"
        "</channel></rss>"
    )

    run(export)

    article = Article.objects.get()
    assert "TOP SECRET" not in article.headline + article.body


def test_entity_expansion_bombs_are_refused(tmp_path):
    levels = ['<!ENTITY a0 "' + "a" * 50 + '">'] + [f'<!ENTITY a{n} "{f"&a{n - 1};" * 20}">' for n in range(1, 7)]
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(levels)}]>'
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&a6;</title>'
        "</channel></rss>"
    )

    with pytest.raises(CommandError, match="not well-formed XML"):
        run(bomb)
