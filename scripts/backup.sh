#!/usr/bin/env bash
# Back up Newsroom: the database and the media files, into one folder.
#
#   scripts/backup.sh [DEST_DIR]        default DEST_DIR: backups/<UTC date and time>
#
# Reads the same settings as the site (environment, then .env): DATABASE_URL and MEDIA_ROOT.
# PostgreSQL → DEST_DIR/database.dump (pg_dump custom format); any other database →
# DEST_DIR/database.json (manage.py dumpdata with natural keys). Media → DEST_DIR/media.tar.gz.
# See docs/operations.md for restoring.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
dest=${1:-backups/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$dest"

# Database connection and media folder, exactly as Django sees them.
eval "$("$PYTHON" scripts/_settings_env.py)"

if [ "$DB_VENDOR" = "postgresql" ]; then
  echo "Dumping PostgreSQL database $PGDATABASE to $dest/database.dump"
  pg_dump --format=custom --no-owner --no-privileges --file="$dest/database.dump"
else
  echo "Dumping $DB_VENDOR database to $dest/database.json"
  "$PYTHON" manage.py dumpdata --natural-foreign \
    --exclude contenttypes --exclude auth.permission --exclude sessions --exclude django_rq \
    --output "$dest/database.json"
fi

# Through the storage API, so an S3 bucket (AWS_STORAGE_BUCKET_NAME) is archived as well as local MEDIA_ROOT.
echo "Archiving media to $dest/media.tar.gz"
"$PYTHON" manage.py media_archive export "$dest/media.tar.gz"
echo "Backup complete: $dest"
