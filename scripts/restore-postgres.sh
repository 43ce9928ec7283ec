#!/usr/bin/env bash
# restore-postgres.sh: restore a backup file into a NEW database, all or
# nothing. Run with --help for details.
set -euo pipefail
export LC_ALL=C

prog=restore-postgres

usage() {
  cat <<'EOF'
Usage: restore-postgres.sh [options] BACKUP DBNAME

Restore BACKUP into a new database DBNAME. BACKUP is recognised by its
content, not its name:
  gzip-compressed SQL (.sql.gz)  gzip -t and the dump's completion trailer are
                                 checked first, then gzip -dc | psql
                                 -v ON_ERROR_STOP=1 --single-transaction
  plain SQL (.sql)               the trailer is checked, then psql as above
  custom archive (.dump, PGDMP)  pg_restore --exit-on-error --jobs=N
  directory archive (toc.dat)    pg_restore --exit-on-error --jobs=N

The restore goes into a staging database (restore_tmp_<pid>_<time>, created
from template0) that is renamed to DBNAME only when the restore succeeded.
If anything fails the staging database is dropped: DBNAME is either
complete or absent, never half restored.

If DBNAME already exists the script refuses (exit status 3) unless --force
is given. With --force the existing database is dropped WITH (FORCE)
(its sessions are terminated) AFTER the new copy was restored completely,
and the copy takes its name.

Options:
  --force             replace an existing DBNAME (see above)
  --jobs N, -j N      parallel jobs for custom and directory archives
                      (default 1; the server needs max_connections >= N+1)
  --maintenance-db D  database to connect to for CREATE/DROP/ALTER DATABASE
                      (default postgres)
  -h, --help          show this help

Connection: libpq environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD
or ~/.pgpass, ...). The roles that own objects in the dump must exist.

Prints one result line on stdout:
  restore-postgres: status=ok database=appdb_restored file=... format=plain-gzip seconds=2
  restore-postgres: status=failed database=appdb_restored file=... error="..." seconds=0
Exit status: 0 restored, 1 the restore failed (nothing left behind),
2 bad usage or unreadable file, 3 DBNAME exists and --force was not given.
EOF
}

quote() {
  local v=${1//$'\n'/ }
  if [[ -z $v || $v =~ [[:space:]\"=\\] ]]; then
    v=${v//\\/\\\\}
    v=${v//\"/\\\"}
    v="\"$v\""
  fi
  printf '%s' "$v"
}
log() { printf '%s: %s\n' "$prog" "$*" >&2; }
die_usage() {
  printf '%s: %s\n' "$prog" "$1" >&2
  printf "Try '%s --help'.\n" "$prog" >&2
  exit 2
}

force=0 jobs=1 maintenance_db=postgres
args=()
while (($# > 0)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --force) force=1 ;;
    -j | --jobs) (($# >= 2)) || die_usage "$1 needs a number"; jobs=$2; shift ;;
    --jobs=*) jobs=${1#*=} ;;
    --maintenance-db) (($# >= 2)) || die_usage "$1 needs a database name"; maintenance_db=$2; shift ;;
    --maintenance-db=*) maintenance_db=${1#*=} ;;
    --) shift; args+=("$@"); break ;;
    -*) die_usage "unknown option: $1" ;;
    *) args+=("$1") ;;
  esac
  shift
done
((${#args[@]} == 2)) || die_usage "expected BACKUP and DBNAME, got ${#args[@]} argument(s)"
file=${args[0]} target=${args[1]}
[[ $jobs =~ ^[1-9][0-9]{0,2}$ ]] || die_usage "--jobs must be a number from 1 to 999, not '$jobs'"
[[ -n $target ]] || die_usage "DBNAME is empty"

result() { # status, then extra logfmt fields
  printf '%s: status=%s database=%s file=%s%s seconds=%s\n' "$prog" "$1" "$(quote "$target")" "$(quote "$file")" "$2" "$SECONDS"
}
fail() { # exit status, message
  log "FAILED: $2"
  result failed " error=$(quote "$2")"
  exit "$1"
}

# ---- what kind of backup is it? -------------------------------------------
if [[ -d $file && -f $file/toc.dat ]]; then
  format=directory
elif [[ -f $file && -r $file ]]; then
  magic=$(head -c 5 -- "$file" | od -An -tx1 | tr -d ' \n')
  case $magic in
    1f8b*) format=plain-gzip ;;
    5047444d50) format=custom ;; # "PGDMP"
    *) format=plain ;;
  esac
else
  fail 2 "cannot read $file"
fi

trailer_ok() { tail -n 20 | grep -F -- '-- PostgreSQL database dump complete' >/dev/null; }
case $format in
  plain-gzip)
    gzip -t -- "$file" || fail 1 "gzip -t failed: $file is damaged or truncated; nothing was restored"
    gzip -dc -- "$file" | trailer_ok || fail 1 "$file has no pg_dump completion trailer (cut short?); nothing was restored"
    ;;
  plain)
    trailer_ok <"$file" || fail 1 "$file is not a complete pg_dump SQL file (no completion trailer); nothing was restored"
    ;;
esac

# ---- does the target exist? -------------------------------------------------
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$maintenance_db" "$@"; }
exists() { sql -v db="$1" <<<"SELECT count(*) FROM pg_catalog.pg_database WHERE datname = :'db'"; }
target_exists=$(exists "$target") || fail 1 "cannot connect to the server (database $maintenance_db)"
if [[ $target_exists != 0 ]] && ((!force)); then
  fail 3 "database $target already exists: restore into a new name, or give --force to replace it"
fi

# ---- restore into a staging database -------------------------------------------
staging="restore_tmp_$$_$(date +%s)"
staging_created=0
errfile=$(mktemp "${TMPDIR:-/tmp}/restore-postgres.XXXXXX")
# shellcheck disable=SC2317  # called from the traps
cleanup() {
  rm -f -- "$errfile"
  if ((staging_created)); then
    log "dropping the staging database $staging"
    sql -v db="$staging" <<<'DROP DATABASE IF EXISTS :"db"' || log "could not drop $staging: drop it by hand"
    staging_created=0
  fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

createdb --template=template0 --maintenance-db="$maintenance_db" -- "$staging" || fail 1 "createdb $staging failed"
staging_created=1
log "restoring $file ($format) into the staging database $staging"

# stderr goes to a file, then to ours, so the result line can quote the first error.
first_error() {
  cat "$errfile" >&2
  grep -m1 -E 'ERROR|error:|FATAL' "$errfile" | cut -c1-300 || true
}
psql_restore() { psql -X -q -v ON_ERROR_STOP=1 --single-transaction -d "$staging" -f - >/dev/null 2>"$errfile"; }
case $format in
  plain-gzip) gzip -dc -- "$file" | psql_restore && rc=0 || rc=$? ;;
  plain) psql_restore <"$file" && rc=0 || rc=$? ;;
  custom | directory)
    pg_restore --exit-on-error --jobs="$jobs" --dbname="$staging" -- "$file" 2>"$errfile" && rc=0 || rc=$? ;;
esac
why=$(first_error)
((rc == 0)) || fail 1 "the restore failed: ${why:-exit status $rc}"

# ---- put it in place --------------------------------------------------------------
if [[ $target_exists != 0 ]]; then
  log "--force: dropping the existing database $target"
  sql -v db="$target" <<<'DROP DATABASE :"db" WITH (FORCE)' || fail 1 "could not drop the existing database $target (it is unchanged)"
  # From here on the staging database is the only copy: never drop it.
  staging_created=0
fi
sql -v old="$staging" -v new="$target" <<<'ALTER DATABASE :"old" RENAME TO :"new"' ||
  fail 1 "could not rename $staging to $target$([[ $target_exists == 0 ]] || echo ": the restored copy is in $staging, rename it by hand")"
staging_created=0
log "restored into $target"
result ok " format=$format"
