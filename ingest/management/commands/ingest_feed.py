from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from ingest import feeds
from ingest.pipeline import Pipeline, Report, target_section


class Command(BaseCommand):
    help = (
        "Ingest the items of an RSS (0.9x, 1.0, 2.0) or Atom feed, from a file or an http(s) address, as drafts "
        "marked as wire copy: sanitised HTML with links made absolute, authors, categories as tags, dates in "
        "UTC, and a lead image from an enclosure or media:content (downloaded over http(s) within the upload "
        "size limit; for a feed file, a relative path next to it). Each item comes in once, by its guid or "
        "link: running it again updates untouched drafts and leaves alone those an editor has taken up. "
        "Exits non-zero when the feed cannot be read or is not a feed, or an item failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FILE_OR_URL", help="A feed file, or an http(s) address.")
        parser.add_argument(
            "--source", dest="source_name", help="Name of the copy's source (default: the feed's title)."
        )
        parser.add_argument(
            "--section",
            help="Name or slug of an existing section for the drafts (default: a hidden “Incoming” section).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Read and report; save nothing.")

    def handle(self, *args, source, source_name=None, section=None, dry_run=False, verbosity=1, **options):
        try:
            target = target_section(section)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            fetched = feeds.fetch(source)
            feed = feeds.parse(fetched)
        except feeds.FeedError as exc:
            raise CommandError(f"{source}: {exc}") from exc

        name = " ".join((source_name or feed.title or urlsplit(feed.link).netloc or "Feed").split())
        self.stdout.write(f"{_version(feed.version)} “{feed.title or source}”: {len(feed.entries)} item(s).")
        report = Report()
        if feed.problem:
            report.notes.append(f"The feed has errors ({feed.problem}); what could be read was ingested.")
        pipeline = Pipeline(
            report, dry_run=dry_run, stdout=self.stdout, verbosity=verbosity, protect_edits=True, drafts_only=True
        )
        mapper = feeds.FeedMapper(feed, fetched, source_name=name, section=target)
        stories = (mapper.story(entry, position) for position, entry in enumerate(feed.entries, start=1))
        pipeline.run(stories, total=len(feed.entries), label="Ingesting")
        pipeline.write_report(self.style)
        if report.failures:
            raise CommandError(f"{len(report.failures)} item(s) could not be ingested; see “Failed” above.")


def _version(version):
    names = {"rss090": "RSS 0.90", "rss091u": "RSS 0.91", "rss091n": "RSS 0.91", "rss092": "RSS 0.92",
             "rss093": "RSS 0.93", "rss094": "RSS 0.94", "rss20": "RSS 2.0", "rss10": "RSS 1.0", "rss": "RSS",
             "atom10": "Atom 1.0", "atom03": "Atom 0.3", "atom": "Atom", "cdf": "CDF"}  # fmt: skip
    return names.get(version, f"Feed ({version})")
