import argparse

from django.core.management.base import BaseCommand, CommandError

from articles.dbstats import analyze
from articles.demo.seeder import DEFAULT_ARTICLES, DEFAULT_IMAGE_POOL, DEFAULT_SEED, SEEDED_MODELS, DemoSeeder

MAX_ARTICLES = 1_000_000
MAX_IMAGE_POOL = 200


def whole_number(low, high):
    """An argparse type: a whole number in [low, high], with a message that says so."""

    def parse(value):
        text = str(value).strip().replace("_", "").replace(",", "")
        if not text.isascii() or not text.lstrip("-").isdigit() or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low:,} to {high:,}, not {value!r}")
        return int(text)

    return parse


class Command(BaseCommand):
    help = (
        "Fill the database with a realistic demo newsroom: sections, authors with portraits, and articles with "
        "lead images, tags, bylines, drafts, scheduled stories and corrections. Safe to run again: only missing "
        "demo articles are added."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles",
            type=whole_number(1, MAX_ARTICLES),
            default=DEFAULT_ARTICLES,
            help=f"How many demo articles there should be (default {DEFAULT_ARTICLES}; up to {MAX_ARTICLES:,}).",
        )
        parser.add_argument(
            "--seed",
            type=whole_number(0, 2**31),
            default=DEFAULT_SEED,
            help=f"Random seed: the same seed writes the same articles (default {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--image-pool",
            type=whole_number(0, MAX_IMAGE_POOL),
            default=DEFAULT_IMAGE_POOL,
            help=f"How many lead images to draw and share between articles (default {DEFAULT_IMAGE_POOL}).",
        )

    def handle(self, *args, articles, seed, image_pool, **options):
        # call_command(articles=...) skips argparse, so check the values here as well.
        for name, value, low, high in (
            ("--articles", articles, 1, MAX_ARTICLES),
            ("--seed", seed, 0, 2**31),
            ("--image-pool", image_pool, 0, MAX_IMAGE_POOL),
        ):
            try:
                whole_number(low, high)(value)
            except argparse.ArgumentTypeError as exc:
                raise CommandError(f"{name} {exc}") from None
        verbosity = options["verbosity"]
        log = self.stdout.write if verbosity >= 1 else None
        report = DemoSeeder(articles=int(articles), seed=int(seed), image_pool=int(image_pool), log=log).run()
        from live.demo import seed_live_blog

        if seed_live_blog() and verbosity >= 1:
            self.stdout.write("Live blog added: election night in Ardenport (the home page's lead).")
        if report.articles_created:
            # A bulk load leaves PostgreSQL without statistics: pages are 10-40x slower until ANALYZE (issue 19).
            analyze(*SEEDED_MODELS, stdout=self.stdout if verbosity >= 1 else None)
        if verbosity >= 1:
            counts = ", ".join(f"{count:,} {name}" for name, count in report.counts.items())
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo newsroom ready in {report.seconds:.1f} s: {report.articles_created:,} articles created, "
                    f"{report.articles_existing:,} already there. Now: {counts}."
                )
            )
