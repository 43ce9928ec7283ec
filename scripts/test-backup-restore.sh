#!/usr/bin/env bash
# test-backup-restore.sh: a backup-and-restore drill for one database, in
# phases, with a JSON report a scheduler or monitoring can read. Run with
# --help for details.
# The phases are called through "$step" and the cleanup from traps (SC2317
# cannot follow that):
# shellcheck disable=SC2317
set -euo pipefail
export LC_ALL=C

prog=test-backup-restore
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
  cat <<'EOF'
Usage: test-backup-restore.sh [options] DBNAME

Take a real backup of DBNAME and prove that it restores to the same data, in
four phases, then write a JSON report. The drill stops at the first phase
that fails; later phases are reported as "skipped"; the report is written in
every case.

  prerequisites  pg_dump, pg_restore and psql present and NOT OLDER than the
                 server (an older pg_dump refuses to dump a newer server, or
                 worse, an old wrapper ships empty files); DBNAME reachable;
                 the role may create databases; free space in the backup
                 directory compared with the database's size (a warning only:
                 a dump is usually much smaller, and a full disk fails the
                 backup phase cleanly anyway)
  backup         backup-postgres.sh writes the backup into --backup-dir and
                 checks it before giving it its final name (gzip -t and the
                 dump's trailer, or pg_restore reading the whole archive); the
                 source is fingerprinted just before and just after
  restore        restore-postgres.sh restores it into a new test database,
                 drill_<pid> (complete or absent, never half restored)
  integrity      pg-fingerprint of the copy compared with the source's (per
                 table row counts and content checksums, sequences, schema
                 objects, owners, grants) by pg-fingerprint-diff

If the source changed while the backup ran (its two fingerprints differ), a
difference in the integrity phase cannot be blamed on the backup: the drill
ends "inconclusive". Run drills against a quiet database or a replica.

Options:
  --backup-dir DIR   where the backup and the report go (default: $BACKUP_DIR);
                     the backup is kept, like any other backup
  --format F         custom (default: pg_dump -Fc) or plain-gzip
  --jobs N, -j N     parallel jobs for the restore (custom format; default 1)
  --json FILE        the report's path (default:
                     DIR/test-backup-restore_<db>_YYYYMMDD_HHMMSS.json)
  --keep             keep the test database (its name is in the report)
  -h, --help         show this help

Connection: libpq environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD or
~/.pgpass, ...). Needs backup-postgres.sh, restore-postgres.sh, pg-fingerprint
and pg-fingerprint-diff next to this script.

Output: progress on stderr; on stdout the differences found, if any, then one
result line:
  test-backup-restore: status=ok database=appdb file=... report=... seconds=4
  test-backup-restore: status=failed database=appdb phase=restore error="..." report=... seconds=2
  test-backup-restore: status=inconclusive database=appdb phase=integrity error="..." report=... seconds=3
Exit status: 0 the backup restored to the same data, 1 a phase failed or the
result is inconclusive, 2 bad usage.
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

# A JSON string: backslash, quote, newline, tab and carriage return escaped;
# other control characters (never in our inputs) dropped.
json() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\t'/\\t}
  s=${s//$'\r'/\\r}
  printf '"%s"' "$(printf '%s' "$s" | tr -d '\000-\010\013\014\016-\037')"
}

backup_dir=${BACKUP_DIR:-} format=custom jobs=1 report='' keep=0 db=''
while (($# > 0)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --backup-dir) (($# >= 2)) || die_usage "$1 needs a directory"; backup_dir=$2; shift ;;
    --format) (($# >= 2)) || die_usage "$1 needs custom or plain-gzip"; format=$2; shift ;;
    -j | --jobs) (($# >= 2)) || die_usage "$1 needs a number"; jobs=$2; shift ;;
    --json) (($# >= 2)) || die_usage "$1 needs a file"; report=$2; shift ;;
    --keep) keep=1 ;;
    --) shift; (($# == 1)) || die_usage "give exactly one DBNAME"; db=$1; shift; break ;;
    -*) die_usage "unknown option: $1" ;;
    *) [[ -z $db ]] || die_usage "more than one DBNAME given"; db=$1 ;;
  esac
  shift
done
[[ -n $db ]] || die_usage "missing DBNAME"
[[ -n $backup_dir ]] || die_usage "give --backup-dir DIR (or set BACKUP_DIR)"
[[ -d $backup_dir && -w $backup_dir ]] || die_usage "backup directory $backup_dir does not exist or is not writable"
[[ $format == custom || $format == plain-gzip ]] || die_usage "--format must be custom or plain-gzip, not '$format'"
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die_usage "--jobs needs a positive number, not '$jobs'"
for tool in backup-postgres.sh restore-postgres.sh pg-fingerprint pg-fingerprint-diff; do
  [[ -x $here/$tool ]] || { printf '%s: %s not found next to this script\n' "$prog" "$tool" >&2; exit 2; }
done

started=$(date -u +%s)
stamp=$(date -u -d "@$started" +%Y%m%d_%H%M%S)
[[ -n $report ]] || report=$backup_dir/${prog}_${db//[^A-Za-z0-9_.-]/_}_$stamp.json
test_db="drill_$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/$prog.XXXXXX")
restored=0 status=ok failed_phase='' error='' backup_file='' backup_bytes=0 server_version='' client_version=''
source_changed=false
phases=() differences=()

cleanup() {
  if ((restored && !keep)); then
    psql -X -q -v ON_ERROR_STOP=1 -d postgres -v db="$test_db" <<<'DROP DATABASE IF EXISTS :"db"' ||
      log "could not drop the test database $test_db: drop it by hand"
  fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# phase NAME STATUS SECONDS DETAIL
phase() {
  phases+=("{\"phase\": $(json "$1"), \"status\": $(json "$2"), \"seconds\": $3, \"detail\": $(json "$4")}")
  log "$1: $2${4:+ ($4)}"
}
# fail NAME SECONDS ERROR [STATUS]: the phase failed; the drill stops.
fail() {
  status=${4:-failed} failed_phase=$1 error=$3
  phase "$1" "$status" "$2" "$3"
}
since() { echo $(($(date -u +%s) - $1)); }
major_of() { sed -n -E 's/^[^0-9]*([0-9]+)(\.[0-9]+)?.*/\1/p' <<<"$1" | head -n 1; }
# The value of key= in a logfmt result line (quoted or not).
field() { sed -n -E "s/.* $1=(\"(([^\"\\\\]|\\\\.)*)\"|([^ ]*)).*/\\2\\4/p" <<<"$2" | sed 's/\\"/"/g'; }

prerequisites() {
  local t0 tool facts server_num server_major m createdb user size avail
  t0=$(date -u +%s)
  for tool in pg_dump pg_restore psql gzip; do
    command -v "$tool" >/dev/null || { fail prerequisites "$(since "$t0")" "$tool not found on PATH"; return 1; }
  done
  # One round trip: it is also the connection check.
  if ! facts=$(psql -X -At -F $'\t' -v ON_ERROR_STOP=1 -d "$db" 2>"$work/err" <<'SQL'
SELECT current_setting('server_version_num'), current_setting('server_version'),
       (SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user),
       current_user, pg_database_size(current_database())
SQL
  ); then
    fail prerequisites "$(since "$t0")" "cannot connect to database $db: $(head -n 1 "$work/err")"
    return 1
  fi
  IFS=$'\t' read -r server_num server_version createdb user size <<<"$facts"
  server_major=$((server_num / 10000))
  client_version=$(pg_dump --version)
  for tool in pg_dump pg_restore psql; do
    m=$(major_of "$("$tool" --version)")
    if [[ -z $m ]] || ((m < server_major)); then
      fail prerequisites "$(since "$t0")" "$tool is version ${m:-unknown}, older than the server ($server_major): use the client tools of PostgreSQL $server_major or newer ($(command -v "$tool"))"
      return 1
    fi
  done
  if [[ $createdb != t ]]; then
    fail prerequisites "$(since "$t0")" "role $user may not create databases: the restore phase needs CREATEDB (or run the drill as another role)"
    return 1
  fi
  avail=$(($(df -Pk -- "$backup_dir" | awk 'NR == 2 { print $4 }') * 1024))
  local detail="server $server_version; $client_version; database $size bytes; $avail bytes free in $backup_dir"
  if ((avail < size)); then detail+="; warning: less free space than the database's size"; fi
  phase prerequisites ok "$(since "$t0")" "$detail"
}

backup() {
  local t0 line rc
  t0=$(date -u +%s)
  if ! "$here/pg-fingerprint" -- "$db" >"$work/before" 2>"$work/err"; then
    fail backup "$(since "$t0")" "cannot fingerprint the source: $(head -n 1 "$work/err")"
    return 1
  fi
  line=$(BACKUP_DIR=$backup_dir PGDATABASE=$db BACKUP_FORMAT=$format RETENTION_COUNT=0 DATABASES='' \
    "$here/backup-postgres.sh" 2>"$work/backup.log") && rc=0 || rc=$?
  if ((rc != 0)); then
    fail backup "$(since "$t0")" "backup-postgres.sh failed: $(field error "$line")"
    return 1
  fi
  backup_file=$(field file "$line")
  backup_bytes=$(field bytes "$line")
  "$here/pg-fingerprint" -- "$db" >"$work/after" 2>/dev/null || :
  cmp -s "$work/before" "$work/after" || source_changed=true
  phase backup ok "$(since "$t0")" "$backup_file ($backup_bytes bytes)$([[ $source_changed == false ]] || echo '; the source changed while the backup ran')"
}

restore() {
  local t0 line rc
  t0=$(date -u +%s)
  line=$("$here/restore-postgres.sh" --jobs "$jobs" -- "$backup_file" "$test_db" 2>"$work/restore.log") && rc=0 || rc=$?
  if ((rc != 0)); then
    fail restore "$(since "$t0")" "restore-postgres.sh failed: $(field error "$line")"
    return 1
  fi
  restored=1
  phase restore ok "$(since "$t0")" "restored into $test_db"
}

integrity() {
  local t0 rc summary
  t0=$(date -u +%s)
  if ! "$here/pg-fingerprint" -- "$test_db" >"$work/copy" 2>"$work/err"; then
    fail integrity "$(since "$t0")" "cannot fingerprint the restored copy: $(head -n 1 "$work/err")"
    return 1
  fi
  "$here/pg-fingerprint-diff" "$work/before" "$work/copy" >"$work/diff" && rc=0 || rc=$?
  if ((rc == 0)); then
    phase integrity ok "$(since "$t0")" "$(cat "$work/diff")"
    return 0
  fi
  if ((rc != 1)); then
    fail integrity "$(since "$t0")" "pg-fingerprint-diff failed (exit $rc)"
    return 1
  fi
  mapfile -t differences < <(head -n -1 "$work/diff")
  summary=$(tail -n 1 "$work/diff")
  if [[ $source_changed == true ]]; then
    fail integrity "$(since "$t0")" "$summary, but the source changed while the backup ran: run the drill against a quiet database or a replica" inconclusive
  else
    fail integrity "$(since "$t0")" "the restored copy differs from the source: $summary"
  fi
  return 1
}

for step in prerequisites backup restore integrity; do
  if [[ -n $failed_phase ]]; then
    phase "$step" skipped 0 "not run: the $failed_phase phase did not pass"
  else
    "$step" || :
  fi
done

# The report: written in full to a temporary name, then moved into place, so
# that a monitoring check never reads half a file.
{
  printf '{\n  "tool": %s,\n  "status": %s,\n  "database": %s,\n' "$(json "$prog")" "$(json "$status")" "$(json "$db")"
  printf '  "started_at": %s,\n  "seconds": %s,\n' "$(json "$(date -u -d "@$started" +%Y-%m-%dT%H:%M:%SZ)")" "$(since "$started")"
  printf '  "server_version": %s,\n  "client_version": %s,\n' "$(json "$server_version")" "$(json "$client_version")"
  printf '  "backup": {"file": %s, "format": %s, "bytes": %s},\n' "$(json "$backup_file")" "$(json "$format")" "${backup_bytes:-0}"
  printf '  "test_database": %s,\n  "source_changed_during_backup": %s,\n' "$( ((keep && restored)) && json "$test_db" || echo null)" "$source_changed"
  printf '  "phases": [\n'
  for i in "${!phases[@]}"; do printf '    %s%s\n' "${phases[i]}" "$( ((i < ${#phases[@]} - 1)) && echo ,)"; done
  printf '  ],\n  "differences": ['
  for i in "${!differences[@]}"; do printf '%s%s' "$( ((i > 0)) && echo ', ')" "$(json "${differences[i]}")"; done
  printf ']\n}\n'
} >"$report.partial"
mv -f -- "$report.partial" "$report"
log "report: $report"

((${#differences[@]} == 0)) || printf '%s\n' "${differences[@]}"
if [[ $status == ok ]]; then
  printf '%s: status=ok database=%s file=%s report=%s seconds=%s\n' "$prog" "$(quote "$db")" "$(quote "$backup_file")" "$(quote "$report")" "$(since "$started")"
  exit 0
fi
printf '%s: status=%s database=%s phase=%s error=%s report=%s seconds=%s\n' "$prog" "$status" "$(quote "$db")" "$failed_phase" "$(quote "$error")" "$(quote "$report")" "$(since "$started")"
exit 1
