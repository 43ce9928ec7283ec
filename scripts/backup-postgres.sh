#!/usr/bin/env bash
# backup-postgres.sh: back up one or more PostgreSQL databases with pg_dump,
# check each file before giving it its final name, then apply retention.
# Configured by environment variables only; run with --help for the list.
set -euo pipefail
export LC_ALL=C

prog=backup-postgres

usage() {
  cat <<'EOF'
Usage: backup-postgres.sh [--plan] [--help]

Back up PostgreSQL databases with pg_dump. Every setting comes from the
environment:

  PGHOST, PGPORT, PGUSER, PGPASSWORD or PGPASSFILE (~/.pgpass), PGSSLMODE ...
                    the connection (libpq variables; pg_dump never prompts
                    for a password: -w)
  PGDATABASE        the database to back up, when DATABASES is not set
  DATABASES         several databases, separated by spaces or commas; each
                    gets its own subdirectory BACKUP_DIR/<database>/
  BACKUP_DIR        where backups go (required; must exist)
  BACKUP_FORMAT     plain-gzip (default): backup_YYYYMMDD_HHMMSS.sql.gz
                    custom:               backup_YYYYMMDD_HHMMSS.dump (pg_dump -Fc)
  BACKUP_GZIP_LEVEL 1-9, for plain-gzip (default 6)
  RETENTION_COUNT   keep the newest N backups (default 7; 0 keeps all)
  RETENTION_DAILY, RETENTION_WEEKLY, RETENTION_MONTHLY
                    grandfather-father-son instead of RETENTION_COUNT: keep
                    the newest backup of each of the N most recent days,
                    ISO weeks and months that have a backup (unset = 0);
                    a backup is kept when any rule keeps it

Timestamps in file names are UTC; an existing file is never overwritten (a run
started in the same second as another waits a second). Each backup is written to <name>.partial,
then checked: for plain-gzip `gzip -t` and the dump's last lines must hold
"-- PostgreSQL database dump complete"; for custom, `pg_restore
--file=/dev/null` must read the whole archive. Only then is it renamed to its
final name. On any failure the .partial file is removed, no final file is
left, and retention does not run: nothing is deleted after a failed backup.
Retention runs per directory, after that directory's backup succeeded, and
only ever deletes files named exactly backup_YYYYMMDD_HHMMSS.sql.gz or
backup_YYYYMMDD_HHMMSS.dump (by the date in the name, not the file's mtime).

Output: progress and deletions on stderr; on stdout exactly one result line
(logfmt: key=value, values with spaces or quotes are double-quoted):
  backup-postgres: status=ok database=appdb file=/backups/backup_20250101_020000.sql.gz bytes=123456 seconds=3 kept=7 deleted=1
  backup-postgres: status=failed database=appdb failed=appdb error="pg_dump: error: ..." seconds=0 kept=0 deleted=0
With several databases, database= and file= are comma-separated lists.

  --plan      print, for each backup directory, which backups retention
              keeps (and by which rule) and which it would delete; takes
              no backup and deletes nothing
  -h, --help  show this help

Exit status: 0 when every database was backed up, 1 when one failed,
2 on a configuration error.
EOF
}

die_config() {
  printf '%s: %s\n' "$prog" "$1" >&2
  printf '%s: status=failed error=%s\n' "$prog" "$(quote "configuration: $1")"
  exit 2
}

# logfmt value: quoted when empty or containing spaces, quotes, = or backslashes.
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

plan_only=0
while (($# > 0)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --plan) plan_only=1 ;;
    *) printf '%s: unknown argument: %s\nTry --help.\n' "$prog" "$1" >&2; exit 2 ;;
  esac
  shift
done

# ---- configuration -------------------------------------------------------
backup_dir=${BACKUP_DIR:-}
[[ -n $backup_dir ]] || die_config "BACKUP_DIR is not set"
[[ -d $backup_dir ]] || die_config "BACKUP_DIR $backup_dir is not a directory"

format=${BACKUP_FORMAT:-plain-gzip}
case $format in
  plain-gzip) ext=sql.gz ;;
  custom) ext=dump ;;
  *) die_config "BACKUP_FORMAT must be plain-gzip or custom, not '$format'" ;;
esac

gzip_level=${BACKUP_GZIP_LEVEL:-6}
[[ $gzip_level =~ ^[1-9]$ ]] || die_config "BACKUP_GZIP_LEVEL must be 1 to 9, not '$gzip_level'"

is_count() { [[ $1 =~ ^[0-9]{1,5}$ ]]; }
gfs=0
for var in RETENTION_DAILY RETENTION_WEEKLY RETENTION_MONTHLY; do
  if [[ -n ${!var:-} ]]; then
    is_count "${!var}" || die_config "$var must be a whole number, not '${!var}'"
    gfs=1
  fi
done
if ((gfs)); then
  [[ -z ${RETENTION_COUNT:-} ]] || die_config "set RETENTION_COUNT or RETENTION_DAILY/WEEKLY/MONTHLY, not both"
  keep_daily=$((10#${RETENTION_DAILY:-0})) keep_weekly=$((10#${RETENTION_WEEKLY:-0})) keep_monthly=$((10#${RETENTION_MONTHLY:-0}))
  ((keep_daily + keep_weekly + keep_monthly > 0)) || die_config "RETENTION_DAILY, RETENTION_WEEKLY and RETENTION_MONTHLY are all 0: that would keep nothing"
else
  keep_count=${RETENTION_COUNT:-7}
  is_count "$keep_count" || die_config "RETENTION_COUNT must be a whole number, not '$keep_count'"
  keep_count=$((10#$keep_count))
fi

# Databases and the directory each one's backups go to.
declare -a dbs=() dirs=()
if [[ -n ${DATABASES:-} ]]; then
  read -r -a dbs <<<"${DATABASES//,/ }"
  ((${#dbs[@]} > 0)) || die_config "DATABASES names no database"
  for db in "${dbs[@]}"; do
    [[ $db != */* && $db != . && $db != .. ]] || die_config "database name '$db' cannot be a directory name"
    dirs+=("$backup_dir/$db")
  done
elif [[ -n ${PGDATABASE:-} ]]; then
  dbs=("$PGDATABASE")
  dirs=("$backup_dir")
elif ((!plan_only)); then
  die_config "set PGDATABASE (one database) or DATABASES (a list)"
else
  dirs=("$backup_dir")
fi

# ---- retention -------------------------------------------------------------
# Backups in a directory, newest first (by the timestamp in the name).
list_backups() {
  local path name
  for path in "$1"/backup_*; do
    [[ -f $path && ! -L $path ]] || continue
    name=${path##*/}
    if [[ $name =~ ^backup_[0-9]{8}_[0-9]{6}\.(sql\.gz|dump)$ ]]; then
      printf '%s\n' "$name"
    fi
  done | sort -r
}

# Prints "keep NAME RULES" or "delete NAME" for every backup in a directory,
# newest first. GFS: per rule, the newest backup of each of the N most recent
# periods that have a backup (the periods are those of the backups, not of the
# calendar, so nothing ages out while no new backups are made).
plan_retention() {
  local dir=$1 names
  names=$(list_backups "$dir")
  [[ -n $names ]] || return 0
  if ((gfs)); then
    local weeks
    # ISO week (e.g. 2025-W01) of each backup's date, one date(1) call for all.
    weeks=$(sed -E 's/^backup_([0-9]{4})([0-9]{2})([0-9]{2})_.*/\1-\2-\3/' <<<"$names" | date -u -f - +%G-W%V) ||
      { log "cannot compute the week of a backup's date in $dir"; return 1; }
    paste -d ' ' <(printf '%s\n' "$names") <(printf '%s\n' "$weeks") |
      awk -v nd="$keep_daily" -v nw="$keep_weekly" -v nm="$keep_monthly" '
        {
          day = substr($1, 8, 8); month = substr($1, 8, 6); week = $2; why = ""
          if (kd < nd && day != lastd)   { kd++; lastd = day;   why = why ",daily" }
          if (kw < nw && week != lastw)  { kw++; lastw = week;  why = why ",weekly" }
          if (km < nm && month != lastm) { km++; lastm = month; why = why ",monthly" }
          if (why == "") print "delete", $1; else print "keep", $1, substr(why, 2)
        }'
  else
    awk -v n="$keep_count" '{ if (n == 0 || NR <= n) print "keep", $1, "newest-" NR; else print "delete", $1 }' <<<"$names"
  fi
}

# Deletes what plan_retention says, never the file just written. Sets
# retention_kept and retention_deleted (added to the run's totals).
apply_retention() {
  local dir=$1 just_written=$2 plan action name rest
  retention_kept=0 retention_deleted=0
  plan=$(plan_retention "$dir") || return 1
  while read -r action name rest; do
    [[ -n ${action:-} ]] || continue
    if [[ $action == keep ]]; then
      retention_kept=$((retention_kept + 1))
    elif [[ $name == "$just_written" ]]; then
      log "retention: $name is not the newest backup in $dir (clock moved back?): keeping it"
      retention_kept=$((retention_kept + 1))
    else
      rm -f -- "${dir:?}/$name" || { log "retention: cannot delete $dir/$name"; return 1; }
      log "retention: deleted $name"
      retention_deleted=$((retention_deleted + 1))
    fi
  done <<<"$plan"
}

if ((plan_only)); then
  for dir in "${dirs[@]}"; do
    ((${#dirs[@]} == 1)) || printf '%s:\n' "$dir"
    [[ -d $dir ]] || continue
    plan_retention "$dir" | awk '{ printf "%-6s %s%s\n", $1, $2, ($3 == "" ? "" : "  " $3) }'
  done
  exit 0
fi

# ---- backup ------------------------------------------------------------------
umask 077
partial=''
errfile=$(mktemp "${TMPDIR:-/tmp}/backup-postgres.XXXXXX")
# shellcheck disable=SC2317  # called from the traps
cleanup() {
  if [[ -n $partial ]]; then rm -f -- "$partial"; fi
  rm -f -- "$errfile"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# The first line of pg_dump's (or gzip's) stderr that says what went wrong.
first_error() {
  local line
  line=$(grep -m1 -iE 'error|fatal|could not|no space|too large' "$errfile" || head -n1 "$errfile" || true)
  printf '%s' "${line:0:300}"
}

# Writes one database's backup; sets written (final path) or error.
backup_one() {
  local db=$1 dir=$2 final='' rc stamp _
  local -a pipe
  written='' error='' partial=''
  # Claim a name: the final file must not exist, and creating <name>.partial
  # with noclobber fails if another run is writing the same name. A run
  # started in the same second as another waits for the next second.
  for _ in 1 2 3 4; do
    stamp=$(date -u +%Y%m%d_%H%M%S)
    final="$dir/backup_${stamp}.${ext}"
    if [[ ! -e $final ]] && (set -C; : >"$final.partial") 2>/dev/null; then
      partial="$final.partial"
      break
    fi
    sleep 1
  done
  if [[ -z $partial ]]; then
    error="cannot claim a new name in $dir: $final exists or is being written"
    return 1
  fi
  : >"$errfile"
  log "$db: dumping ($format) to $partial"
  if [[ $format == plain-gzip ]]; then
    pg_dump -w --format=plain --dbname="$db" 2>>"$errfile" | gzip -c "-$gzip_level" >"$partial" 2>>"$errfile" &&
      pipe=(0 0) || pipe=("${PIPESTATUS[@]}")
    cat "$errfile" >&2
    if [[ ${pipe[*]} != "0 0" ]]; then
      error=$(first_error)
      # A gzip that cannot write kills pg_dump with SIGPIPE: name gzip's error first.
      if ((pipe[1] != 0)); then error="writing $partial failed (gzip exit ${pipe[1]}): ${error:-no message}"; else error="pg_dump failed (exit ${pipe[0]}): ${error:-no message}"; fi
      return 1
    fi
    log "$db: checking $partial (gzip -t, dump trailer)"
    gzip -t -- "$partial" 2>"$errfile" || { error="gzip -t failed: $(first_error)"; return 1; }
    # pg_dump's last comment; since the 2025 minor releases a \unrestrict line follows it.
    if ! gzip -dc -- "$partial" | tail -n 20 | grep -F -- '-- PostgreSQL database dump complete' >/dev/null; then
      error="the dump has no completion trailer: it was cut short"
      return 1
    fi
  else
    pg_dump -w --format=custom --dbname="$db" --file="$partial" 2>>"$errfile" && rc=0 || rc=$?
    cat "$errfile" >&2
    if ((rc != 0)); then error="pg_dump failed (exit $rc): $(first_error)"; return 1; fi
    log "$db: checking $partial (pg_restore --file=/dev/null)"
    pg_restore --file=/dev/null -- "$partial" 2>"$errfile" || { error="pg_restore cannot read the archive: $(first_error)"; return 1; }
  fi
  sync -- "$partial" 2>/dev/null || true
  mv -T -- "$partial" "$final" || { error="cannot rename $partial"; return 1; }
  partial=''
  sync -- "$dir" 2>/dev/null || true
  written=$final
  log "$db: wrote $final ($(stat -c %s -- "$final") bytes)"
}

ok_dbs=() ok_files=() failed_dbs=() errors=()
total_bytes=0 total_kept=0 total_deleted=0
for i in "${!dbs[@]}"; do
  db=${dbs[i]} dir=${dirs[i]}
  if [[ ! -d $dir ]] && ! mkdir -- "$dir"; then
    failed_dbs+=("$db") errors+=("$db: cannot create $dir")
    continue
  fi
  if backup_one "$db" "$dir"; then
    ok_dbs+=("$db") ok_files+=("$written")
    total_bytes=$((total_bytes + $(stat -c %s -- "$written")))
    # Retention only after this directory's backup succeeded.
    if apply_retention "$dir" "${written##*/}"; then
      total_kept=$((total_kept + retention_kept)) total_deleted=$((total_deleted + retention_deleted))
    else
      failed_dbs+=("$db") errors+=("$db: retention failed in $dir")
    fi
  else
    if [[ -n $partial ]]; then rm -f -- "$partial"; partial=''; fi
    log "$db: FAILED: $error"
    if ((${#dbs[@]} > 1)); then error="$db: $error"; fi
    failed_dbs+=("$db") errors+=("$error")
  fi
done

join() { local IFS=,; printf '%s' "$*"; }
all_dbs=$(join "${dbs[@]}")
if ((${#failed_dbs[@]} == 0)); then
  printf '%s: status=ok database=%s file=%s bytes=%s seconds=%s kept=%s deleted=%s\n' "$prog" \
    "$(quote "$all_dbs")" "$(quote "$(join "${ok_files[@]}")")" "$total_bytes" "$SECONDS" "$total_kept" "$total_deleted"
  exit 0
fi
if ((${#dbs[@]} > 1)); then
  msg=$(printf '%s; ' "${errors[@]}"); msg=${msg%; }
else
  msg=${errors[0]}
fi
printf '%s: status=failed database=%s%s failed=%s error=%s seconds=%s kept=%s deleted=%s\n' "$prog" \
  "$(quote "$all_dbs")" "$( ((${#ok_files[@]} == 0)) || printf ' file=%s' "$(quote "$(join "${ok_files[@]}")")")" \
  "$(quote "$(join "${failed_dbs[@]}")")" "$(quote "$msg")" "$SECONDS" "$total_kept" "$total_deleted"
exit 1
