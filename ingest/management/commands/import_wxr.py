from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest import wxr
from ingest.pipeline import Pipeline, Report
from ingest.progress import Progress

BATCH_SIZE = 100


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.0, 1.1 or 1.2, from Tools → Export). Posts become articles with their "
        "status, date (in UTC), authors, primary category as section, tags, excerpt, featured image (with "
        "--media-dir) and body; the old permalink and /?p=ID redirect to the new address. Pages, attachments, "
        "menu items and other types are skipped and counted. Running it again updates the articles it made "
        "instead of duplicating them (articles edited in Newsroom since are left alone). Each post is saved "
        "atomically; the file is checked in full before anything is written. Exits non-zero when the file "
        "cannot be imported or any post failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The WXR (.xml) file exported from WordPress.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read everything and report what would happen; save nothing."
        )
        parser.add_argument(
            "--media-dir",
            help="A copy of wp-content/uploads (or the folder holding it): featured images found there "
            "become lead images.",
        )
        parser.add_argument(
            "--timezone",
            help="The WordPress site's time zone (e.g. Europe/Berlin), for posts whose export has only a local "
            "date. Without it the offset is learned from the other posts.",
        )

    def handle(self, *args, file, dry_run=False, media_dir=None, timezone=None, verbosity=1, **options):
        if media_dir and not Path(media_dir).is_dir():
            raise CommandError(f"--media-dir {media_dir} is not a folder.")
        try:
            time_zone = wxr.site_time_zone(timezone) if timezone else None
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

        show_progress = verbosity >= 1
        reading = Progress(
            self.stdout, total=wxr.file_size(file), label="Checking", unit="bytes", enabled=show_progress
        )
        try:
            site = wxr.scan(file, on_read=reading.advance)
        except wxr.WxrError as exc:
            raise CommandError(str(exc)) from exc
        reading.finish()
        posts = site.types.get("post", 0)
        self.stdout.write(
            f"WordPress export (WXR {site.version or 'version unknown'}) of “{site.title or site.key}”: "
            f"{site.item_count} items, {posts} of them posts."
        )

        report = Report()
        pipeline = Pipeline(report, dry_run=dry_run, stdout=self.stdout, verbosity=verbosity, protect_edits=True)
        mapper = wxr.WxrMapper(site, media_dir=media_dir, time_zone=time_zone, report=report)
        errors = []

        def stories():
            try:
                for item in wxr.items(file):
                    yield mapper.story(item)
            except wxr.WxrError as exc:  # only the reader raises it: the posts before it are imported
                errors.append(exc)

        # Commit in batches (each post is still its own savepoint): one disk sync per batch, not per post.
        pipeline.run(stories(), total=site.item_count, label="Importing", batch_size=BATCH_SIZE)

        if site.removed_control_chars:
            report.notes.append(f"Removed {site.removed_control_chars} control character(s) that XML does not allow.")
        if mapper.missing_media_dir:
            report.notes.append(
                f"{mapper.missing_media_dir} featured image(s) not imported: pass --media-dir with a copy of "
                "wp-content/uploads to bring them in."
            )
        pipeline.write_report(self.style)
        if errors:
            (error,) = errors
            kept = "Nothing was saved (dry run)." if dry_run else (
                f"The {report.created + report.updated} article(s) saved before the error are complete and stay; "
                "fix the file and run the import again to finish (it will not duplicate them)."
            )  # fmt: skip
            raise CommandError(f"{error}\n{kept}")
        if report.failures:
            raise CommandError(f"{len(report.failures)} post(s) could not be imported; see “Failed” above.")
