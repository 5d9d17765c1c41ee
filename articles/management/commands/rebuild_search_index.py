"""Recompute every article's full-text search entry, in batches, resumable by id."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from articles import dbstats, search
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Recompute the search entries of every article (after NEWSROOM_SEARCH_CONFIG changes), a batch at a "
        "time so readers and editors are never locked out for long. Interrupted? Run it again with the "
        "--start-id it printed last."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000, help="Articles per transaction (default 1000).")
        parser.add_argument("--start-id", type=int, default=0, help="Resume: begin at this article id.")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--background", action="store_true",
            help="Queue one job per batch for the job workers (jobs_worker) and return at once.",
        )  # fmt: skip

    def handle(self, *, batch_size, start_id, database, background, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        connection = connections[database]
        if connection.vendor not in ("postgresql", "sqlite"):
            raise CommandError(f"Search is not available on {connection.vendor}.")
        search.install(connection, rebuild=False)  # the current language's function and triggers first
        articles = Article._base_manager.using(database).filter(pk__gte=start_id).order_by("pk")
        total = articles.count()
        done = 0
        started = time.monotonic()
        if background:
            return self.enqueue(articles, batch_size, start_id, database)
        while True:
            ids = list(articles.filter(pk__gte=start_id).values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            with transaction.atomic(using=database):
                search.rebuild_batch(connection, ids[0], ids[-1])
            done += len(ids)
            start_id = ids[-1] + 1
            self.stdout.write(
                f"Rebuilt {done:,} of {total:,} articles ({time.monotonic() - started:.1f} s); "
                f"to resume: --start-id {start_id}"
            )
        self.stdout.write(f"Search index rebuilt: {done:,} articles.")
        # Fresh statistics for the planner after rewriting every row (PostgreSQL; nothing elsewhere).
        dbstats.analyze(Article, stdout=self.stdout, using=database, related=False)

    def enqueue(self, articles, batch_size, start_id, database):
        from articles.tasks import rebuild_search_batch

        if database != "default":
            raise CommandError("--background works on the default database only.")
        batches = 0
        while True:
            ids = list(articles.filter(pk__gte=start_id).values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            rebuild_search_batch.enqueue(ids[0], ids[-1])
            batches += 1
            start_id = ids[-1] + 1
        self.stdout.write(f"Queued {batches:,} search rebuild job(s) of up to {batch_size:,} articles.")
