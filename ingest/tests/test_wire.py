import datetime
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Author, Section
from articles.tests.factories import AuthorFactory, SectionFactory, UserFactory
from ingest import wire

pytestmark = pytest.mark.django_db

WIRE = Path(__file__).parent / "fixtures" / "wire"
GOOD = sorted(path for path in WIRE.iterdir() if not path.name.startswith(("08-", "09-")))
UTC = datetime.UTC


def run(*args, **options):
    out = io.StringIO()
    call_command("ingest_text", *[str(arg) for arg in args], stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "headline", "published_at", "authors"),
    [
        ("01-standard.txt", "Azerbaijan, Iran discuss North-South transport corridor",
         datetime.datetime(2013, 12, 12, 11, 50, tzinfo=UTC), ["Sara Rajabova"]),
        ("02-date-header.txt", "Caspian ports report record cargo volumes",
         datetime.datetime(2024, 2, 26, 5, 5, tzinfo=UTC), ["Ilham Mammadov"]),
        ("03-repeated-headline.txt", "Baku to host regional energy forum",
         datetime.datetime(2013, 12, 12, 11, 50, tzinfo=UTC), ["Sara Rajabova"]),
        ("04-crlf-bom.txt", "Central bank keeps rates on hold",
         datetime.datetime(2024, 3, 7, 10, 0, tzinfo=UTC), ["Rauf Aliyev"]),
        ("05-no-byline.txt", "Weather warning issued for coastal districts",
         datetime.datetime(2024, 3, 3, 3, 30, tzinfo=UTC), []),
        ("06-non-ascii.txt", "Ölkə üzrə yeni məktəblər açılır",
         datetime.datetime(2023, 9, 1, 6, 0, tzinfo=UTC), ["Ləman Əliyeva", "Иван Петров", "José Núñez"]),
        ("07-trailing-whitespace.txt", "Tram line extension approved",
         datetime.datetime(2013, 12, 12, 11, 50, tzinfo=UTC), ["Sara Rajabova", "Tural Ahmadov"]),
        ("10-negative-offset.txt", "Markets close higher in New York",
         datetime.datetime(2024, 3, 5, 21, 5, tzinfo=UTC), ["Jane Roe", "John Smith", "Ann Lee"]),
    ],
)  # fmt: skip
def test_each_variation_of_wire_copy_becomes_a_draft(name, headline, published_at, authors):
    run(WIRE / name)

    article = Article.objects.get()
    assert article.headline == headline
    assert article.published_at == published_at
    assert article.ordered_authors() == [Author.objects.get(name=author) for author in authors]
    assert article.status == Article.Status.DRAFT
    assert article.source == Article.Source.WIRE
    assert article.source_name == "Wire"
    assert not Article.objects.published().exists()


def test_body_paragraphs_are_escaped_html_paragraphs():
    run(WIRE / "01-standard.txt")

    body = Article.objects.get().body
    assert body.count("<p>") == 3
    assert "<p>Azerbaijan and Iran discussed the North-South transport corridor" in body
    assert "&lt;b&gt;construction&lt;/b&gt; &amp; financing" in body
    assert "<b>" not in body
    assert "By Sara Rajabova" not in body and "12 December 2013" not in body


def test_repeated_headline_and_date_headers_are_not_part_of_the_body():
    run(WIRE / "02-date-header.txt", WIRE / "03-repeated-headline.txt")

    for article in Article.objects.all():
        assert article.headline not in article.body
        assert "2024" not in article.headline


def test_a_broken_story_is_reported_and_the_others_come_in():
    output = run(WIRE)

    assert Article.objects.count() == len(GOOD)
    assert "Created: 8" in output
    assert "Failed: 2" in output
    assert "08-broken-no-timestamp.txt: not a wire story: no timestamp line" in output
    assert "09-empty.txt: not a wire story: empty" in output


def test_when_every_story_fails_the_command_fails():
    with pytest.raises(CommandError, match="No story could be ingested"):
        run(WIRE / "08-broken-no-timestamp.txt", WIRE / "09-empty.txt")


def test_a_missing_file_fails_the_command_after_ingesting_the_rest():
    with pytest.raises(CommandError, match="could not be read"):
        run(WIRE / "01-standard.txt", WIRE / "nope.txt")

    assert Article.objects.count() == 1


def test_ingesting_again_creates_no_duplicates():
    run(WIRE)
    output = run(WIRE)

    assert Article.objects.count() == len(GOOD)
    assert Author.objects.filter(name="Sara Rajabova").count() == 1
    assert "Created: 0" in output and f"Unchanged: {len(GOOD)}" in output


def test_a_corrected_resend_updates_the_untouched_draft(tmp_path):
    story = tmp_path / "story.txt"
    shutil.copy(WIRE / "01-standard.txt", story)
    run(story)
    story.write_text(story.read_text(encoding="utf-8").replace("on Thursday", "on Thursday evening"), "utf-8")

    output = run(story)

    assert Article.objects.count() == 1
    assert "on Thursday evening" in Article.objects.get().body
    assert "Updated: 1" in output


def test_a_story_an_editor_has_taken_up_is_left_alone():
    run(WIRE / "01-standard.txt")
    article = Article.objects.get()
    article.status = Article.Status.REVIEW
    article.body = "<p>Edited.</p>"
    article.save()

    output = run(WIRE / "01-standard.txt")

    article.refresh_from_db()
    assert article.body == "<p>Edited.</p>"
    assert "already taken up by an editor" in output


def test_edited_draft_is_left_alone():
    run(WIRE / "01-standard.txt")
    Article.objects.update(modified_by=UserFactory(), body="<p>Desk edit.</p>")

    run(WIRE / "01-standard.txt")

    assert Article.objects.get().body == "<p>Desk edit.</p>"


def test_existing_authors_are_matched_by_name_whatever_the_case():
    sara = AuthorFactory(name="sara rajabova")

    run(WIRE / "01-standard.txt", WIRE / "03-repeated-headline.txt")

    assert Author.objects.filter(name__iexact="Sara Rajabova").count() == 1
    assert all(article.ordered_authors() == [sara] for article in Article.objects.all())


def test_source_option_names_the_agency_and_drafts_go_to_a_hidden_incoming_section():
    run(WIRE / "01-standard.txt", source="AzerNews")

    article = Article.objects.get()
    assert article.source_name == "AzerNews"
    assert article.section.name == "Incoming"
    assert not article.section.is_active


def test_section_option_uses_an_existing_section():
    economy = SectionFactory(name="Economy")

    run(WIRE / "01-standard.txt", section="economy")

    assert Article.objects.get().section == economy
    assert not Section.objects.filter(name="Incoming").exists()


def test_unknown_section_is_a_clear_error():
    with pytest.raises(CommandError, match="No section “Nowhere”"):
        run(WIRE / "01-standard.txt", section="Nowhere")


def test_same_story_from_two_agencies_is_two_drafts():
    run(WIRE / "01-standard.txt", source="AzerNews")
    run(WIRE / "01-standard.txt", source="Trend")

    assert Article.objects.count() == 2


def test_legacy_encodings_are_read(tmp_path):
    cyrillic = tmp_path / "cp1251.txt"
    cyrillic_story = "Парламент одобрил бюджет\n\n26 February 2024 12:00 (UTC+03:00)\n\nBy Ирина Петрова\n\nТекст.\n"
    cyrillic.write_bytes(cyrillic_story.encode("cp1251"))
    latin = tmp_path / "cp1252.txt"
    latin_story = "Café owners protest\n\n26 February 2024 12:00 (UTC+01:00)\n\nRents rose again.\n"
    latin.write_bytes(latin_story.encode("cp1252"))

    run(cyrillic, encoding="cp1251")
    output = run(latin)

    assert Article.objects.get(headline="Парламент одобрил бюджет").byline_text() == "Ирина Петрова"
    assert Article.objects.filter(headline="Café owners protest").exists()
    assert "read as Windows-1252" in output


def test_unknown_encoding_is_a_clear_error():
    with pytest.raises(CommandError, match="Unknown encoding"):
        run(WIRE / "01-standard.txt", encoding="klingon")


def test_dry_run_saves_nothing():
    output = run(WIRE, dry_run=True)

    assert f"Would create: {len(GOOD)}" in output
    assert Article.objects.count() == 0
    assert Author.objects.count() == 0


def test_progress_lines_name_the_files():
    output = run(WIRE)

    assert "Ingesting: 10 of 10 files (100%)" in output
    assert "\r" not in output


# The parser on its own ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("12 December 2013 15:50 (UTC+04:00)", datetime.datetime(2013, 12, 12, 11, 50, tzinfo=UTC)),
        ("12 December 2013, 15:50 (UTC+4)", datetime.datetime(2013, 12, 12, 11, 50, tzinfo=UTC)),
        ("December 12, 2013 3:50 pm (GMT-05:30)", datetime.datetime(2013, 12, 12, 21, 20, tzinfo=UTC)),
        ("15:50 12.12.2013 (UTC+04:00)", datetime.datetime(2013, 12, 12, 11, 50, tzinfo=UTC)),
        ("2013-12-12 15:50 UTC", datetime.datetime(2013, 12, 12, 15, 50, tzinfo=UTC)),
        ("12 Dec 2013 15:50 (UTC−03:00)", datetime.datetime(2013, 12, 12, 18, 50, tzinfo=UTC)),
    ],
)
def test_timestamp_forms(line, expected):
    assert wire.parse_timestamp(line) == (expected, True)


@pytest.mark.parametrize(
    "line",
    ["30 February 2013 15:50 (UTC+04:00)", "12 December 2013 25:50 (UTC+04:00)", "Explosion at 10:30 in city", ""],
)
def test_impossible_or_missing_timestamps_are_rejected(line):
    assert wire.parse_timestamp(line) is None


def test_timestamp_without_offset_is_read_in_the_newsroom_zone_with_a_warning(baku):
    story = wire.parse("Headline\n\n12 December 2013 15:50\n\nBody.\n")

    assert story.published_at == datetime.datetime(2013, 12, 12, 11, 50, tzinfo=UTC)
    assert any("no UTC offset" in warning for warning in story.warnings)


@pytest.mark.parametrize(
    "line", ["Monday February 26 2024", "26.02.2024", "26 February 2024", "February 26, 2024", "2024-02-26"]
)
def test_date_header_lines_are_recognised(line):
    assert wire.parse_date(line) == datetime.date(2024, 2, 26)


def test_byline_forms_split_into_names():
    story = wire.parse("H\n\n1 May 2024 10:00 (UTC)\n\nBY ANNA SMITH, Bo Li, and Chen Wu\n\nText.\n")

    assert story.authors == ["Anna Smith", "Bo Li", "Chen Wu"]


def test_binary_files_are_not_stories():
    with pytest.raises(wire.WireParseError, match="binary"):
        wire.parse("\x00\x01\x02PNG")


def test_date_header_and_repeated_headline_between_headline_and_timestamp():
    story = wire.parse(
        "Ferry timetable changes\n\nFerry timetable changes\nMonday February 26 2024\n\n"
        "26 February 2024 09:05 (UTC+04:00)\n\nBy Ann Lee\n\nFerries leave earlier.\n"
    )

    assert story.headline == "Ferry timetable changes"
    assert story.published_at == datetime.datetime(2024, 2, 26, 5, 5, tzinfo=UTC)
    assert story.body_html == "<p>Ferries leave earlier.</p>"


def test_a_date_without_time_is_accepted_as_midnight_with_a_warning():
    story = wire.parse("Headline\n\n26 February 2024\n\nBody text.\n")

    assert story.published_at == datetime.datetime(2024, 2, 26, 0, 0, tzinfo=UTC)
    assert any("midnight" in warning for warning in story.warnings)


def test_the_agency_named_in_the_byline_is_not_an_author(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Headline here\n\n1 May 2024 10:00 (UTC+04:00)\n\nBy Sara Rajabova, AzerNews\n\nText.\n")

    run(story, source="AzerNews")

    assert Article.objects.get().byline_text() == "Sara Rajabova"
    assert not Author.objects.filter(name="AzerNews").exists()
