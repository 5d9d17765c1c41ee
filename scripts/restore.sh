#!/usr/bin/env bash
# Restore Newsroom from a folder made by scripts/backup.sh. REPLACES the current database and media.
#
#   scripts/restore.sh BACKUP_DIR --yes
#
# PostgreSQL: pg_restore --clean into DATABASE_URL's database, in one transaction, then VACUUM ANALYZE.
# Other databases: migrate, flush, then loaddata. Media: unpacked into MEDIA_ROOT.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
src=${1:?usage: scripts/restore.sh BACKUP_DIR --yes}
if [ "${2:-}" != "--yes" ]; then
  echo "This replaces the current database and media with the backup in $src." >&2
  echo "Run again with --yes to go ahead." >&2
  exit 2
fi
if [ ! -f "$src/database.dump" ] && [ ! -f "$src/database.json" ]; then
  echo "No database.dump or database.json in $src" >&2
  exit 1
fi

eval "$("$PYTHON" scripts/_settings_env.py)"

if [ -f "$src/database.dump" ]; then
  if [ "$DB_VENDOR" != "postgresql" ]; then
    echo "$src holds a PostgreSQL dump but DATABASE_URL is $DB_VENDOR" >&2
    exit 1
  fi
  echo "Restoring PostgreSQL database $PGDATABASE from $src/database.dump"
  pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
    --dbname="$PGDATABASE" "$src/database.dump"
  # pg_restore brings back rows, not the planner's statistics nor the visibility map: until VACUUM ANALYZE (or
  # autovacuum, if it is on and gets round to it) every page is 10-40x slower. See docs/operations.md.
  printf 'Updating planner statistics (VACUUM ANALYZE)… '
  started=$SECONDS
  psql --no-psqlrc --quiet --set ON_ERROR_STOP=1 --dbname="$PGDATABASE" --command "VACUUM (ANALYZE)"
  echo "done ($((SECONDS - started)) s)"
else
  echo "Restoring $DB_VENDOR database from $src/database.json"
  "$PYTHON" manage.py migrate --noinput --verbosity 0
  "$PYTHON" manage.py flush --noinput
  "$PYTHON" manage.py loaddata "$src/database.json"
fi

if [ -f "$src/media.tar.gz" ]; then
  echo "Restoring media through the media storage (MEDIA_ROOT or the S3 bucket)"
  "$PYTHON" manage.py media_archive import "$src/media.tar.gz"
fi
echo "Restore complete from $src"
