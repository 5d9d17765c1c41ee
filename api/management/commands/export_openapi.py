import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from api.views import api

DEFAULT = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


class Command(BaseCommand):
    help = "Write the content API's OpenAPI schema, generated from the code, to docs/api/openapi.json."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=DEFAULT, help="Where to write it (default: %(default)s).")

    def handle(self, *args, output, **options):
        schema = api.get_openapi_schema(path_prefix="/api/v1")
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        self.stdout.write(f"Wrote {output} ({len(schema['paths'])} paths).")
