from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest import wire
from ingest.pipeline import Pipeline, Report, target_section


class Command(BaseCommand):
    help = (
        "Ingest plain-text wire stories (headline, timestamp such as “12 December 2013 15:50 (UTC+04:00)”, "
        "optional byline “By A, B and C”, body) as drafts marked as wire copy, for an editor to review. "
        "Give files or folders of files. Running it again on the same stories does not duplicate them: an "
        "untouched draft is updated, one an editor has taken up is left alone. A story that cannot be parsed "
        "is reported and the others go on. Exit status: 0 when at least one story came in (failures are "
        "listed); 1 when every story failed or a file or folder could not be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="Story files, or folders of them.")
        parser.add_argument("--source", default="Wire", help="The agency the copy comes from (default: Wire).")
        parser.add_argument(
            "--section",
            help="Name or slug of an existing section for the drafts (default: a hidden “Incoming” section).",
        )
        parser.add_argument(
            "--encoding", help="Text encoding of files without a byte-order mark (default: UTF-8, else cp1252)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Parse and report; save nothing.")

    def handle(self, *args, files, source="Wire", section=None, encoding=None, dry_run=False, verbosity=1, **options):
        source_name = " ".join((source or "").split()) or "Wire"
        if encoding:
            try:
                "".encode(encoding)
            except LookupError as exc:
                raise CommandError(f"Unknown encoding “{encoding}”.") from exc
        try:
            target = target_section(section)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        report = Report()
        paths, self.unreadable = self._collect(files, report)
        pipeline = Pipeline(
            report, dry_run=dry_run, stdout=self.stdout, verbosity=verbosity, protect_edits=True, drafts_only=True
        )
        stories = (self._story(path, report, source_name, target, encoding) for path in paths)
        outcomes = pipeline.run(stories, total=len(paths), label="Ingesting", unit="files")
        pipeline.write_report(self.style)

        if self.unreadable:
            raise CommandError(f"{self.unreadable} file(s) could not be read; see “Failed” above.")
        if paths and outcomes["failed"] == len(paths):
            raise CommandError("No story could be ingested; see “Failed” above.")
        if not paths:
            raise CommandError("No story files found.")

    def _collect(self, names, report):
        paths, unreadable = [], 0
        for name in names:
            path = Path(name)
            if path.is_dir():
                found = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
                if not found:
                    report.warn(name, "folder has no files")
                paths += found
            elif path.exists():
                paths.append(path)
            else:
                report.fail(name, "no such file")
                unreadable += 1
        return paths, unreadable

    def _story(self, path, report, source_name, section, encoding):
        """The file's Story, or None when it is reported as failed (and counted when it cannot be read)."""
        try:
            if path.stat().st_size > wire.MAX_BYTES:
                report.fail(str(path), f"larger than {wire.MAX_BYTES // (1024 * 1024)} MB; not a story")
                return None
            data = path.read_bytes()
        except OSError as exc:
            report.fail(str(path), f"cannot be read ({exc.strerror or exc})")
            self.unreadable += 1
            return None
        text, warning = wire.decode(data, encoding)
        try:
            parsed = wire.parse(text)
        except wire.WireParseError as exc:
            report.fail(str(path), f"not a wire story: {exc}")
            return None
        story = wire.to_story(
            parsed, source_name=source_name, section=section, label=f"{path.name} “{parsed.headline[:60]}”"
        )
        if warning:
            story.warn(warning)
        return story
