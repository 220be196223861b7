/**
 * The script the pg_dump backup job runs (`bash -c`), embedded in the module so the construct reads
 * no file at run time and any bundle carries it. Plain bash, except that in this template literal
 * backslashes, backquotes and dollar-brace are escaped with a backslash.
 * constructs/test/pg-dump-backup.test.ts runs it with bash against a real PostgreSQL.
 */
export const PG_DUMP_SCRIPT = `# Nightly logical backup: one pg_dump custom-format archive per run, the newest $KEEP_DUMPS kept.
# Input (env, none of it secret): PGHOST PGPORT PGUSER PGDATABASE, BACKUP_DIR, KEEP_DUMPS, and
# DB_PASSWORD_FILE, the path of the mounted secret file. The password never enters env or argv:
# it goes into a private pgpass file that libpq reads.
set -euo pipefail
umask 077

PGPASSFILE="$(mktemp)"
export PGPASSFILE
trap 'rm -f "$PGPASSFILE"' EXIT
password="$(cat "$DB_PASSWORD_FILE")"
# pgpass fields escape backslash and colon with a backslash.
password="\${password//\\\\/\\\\\\\\}"
password="\${password//:/\\\\:}"
printf '*:*:*:*:%s\\n' "$password" > "$PGPASSFILE"
unset password

# A run killed mid-dump leaves a .partial file; it is never a backup.
find "$BACKUP_DIR" -maxdepth 1 -name "$PGDATABASE-*.dump.partial" -delete
dump="$BACKUP_DIR/$PGDATABASE-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --no-password --file="$dump.partial"
mv "$dump.partial" "$dump"
echo "wrote $dump ($(stat -c %s "$dump") bytes)"

# Names sort by time, newest first; everything after the first $KEEP_DUMPS goes.
find "$BACKUP_DIR" -maxdepth 1 -name "$PGDATABASE-*.dump" | sort -r | tail -n "+$((KEEP_DUMPS + 1))" | xargs -r rm -f --
echo "kept $(find "$BACKUP_DIR" -maxdepth 1 -name "$PGDATABASE-*.dump" | wc -l) dump(s)"
`;
