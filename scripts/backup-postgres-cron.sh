#!/usr/bin/env bash
# backup-postgres-cron.sh: run backup-postgres.sh from cron (or a Kubernetes
# CronJob): its own PATH, a flock -n lock, and a notification on every
# outcome. Run with --help for details.
set -euo pipefail
export LC_ALL=C

prog=backup-postgres-cron
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
  cat <<'EOF'
Usage: backup-postgres-cron.sh [ENV_FILE]

Run backup-postgres.sh (from this script's directory) the way a scheduler
should: with a known PATH, never twice at once, and telling someone about
every outcome. Works with an empty environment (cron's, or `env -i`): every
setting comes from the variables below, set in the environment or in
ENV_FILE, which is read by bash with `set -a` (shell syntax: VAR=value, one
per line, quote values with spaces).

Variables of this wrapper:
  PG_BINDIR       directory of pg_dump/pg_restore to use, e.g.
                  /usr/lib/postgresql/17/bin (put first on PATH; PATH
                  itself is always /usr/local/sbin:/usr/local/bin:/usr/sbin:
                  /usr/bin:/sbin:/bin after it, whatever the caller's is)
  LOCK_FILE       lock taken with `flock -n` (default
                  $BACKUP_DIR/.backup-postgres.lock); a second run while the
                  first holds it does not wait: it reports status=locked and
                  exits 75
  NOTIFY_COMMAND  run by bash after every run (ok, failed, locked) with the
                  result line as $1 and on stdin, and BACKUP_STATUS
                  (ok|failed|locked) and BACKUP_EXIT (the exit status) in
                  its environment; e.g.
                  NOTIFY_COMMAND='printf "%s\n" "$1" >> /var/log/pg-backup.results'
  NOTIFY_TIMEOUT  seconds before NOTIFY_COMMAND is killed (default 60)
Variables of backup-postgres.sh (see its --help): BACKUP_DIR (required),
PGHOST, PGPORT, PGUSER, PGPASSFILE or PGPASSWORD, PGDATABASE or DATABASES,
BACKUP_FORMAT, BACKUP_GZIP_LEVEL, RETENTION_COUNT or RETENTION_DAILY,
RETENTION_WEEKLY, RETENTION_MONTHLY. Nothing else is needed: HOME, USER and
the caller's PATH are not used.

Output: progress on stderr; on stdout one result line, backup-postgres.sh's
or this wrapper's own:
  backup-postgres: status=ok database=appdb file=... bytes=... seconds=... kept=7 deleted=1
  backup-postgres-cron: status=locked lock=/backups/.backup-postgres.lock error="another run holds the lock"

Exit status: 0 backed up, 1 the backup failed, 2 configuration error,
75 another run holds the lock (nothing was done). A failing NOTIFY_COMMAND
is reported on stderr and does not change the exit status.
EOF
}

case ${1:-} in
  -h | --help) usage; exit 0 ;;
esac
(($# <= 1)) || { printf '%s: expected at most one argument (ENV_FILE), got %s\n' "$prog" "$#" >&2; exit 2; }

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

# Runs NOTIFY_COMMAND, if set, with the result line; never fails the run.
notify() { # status, exit status, result line
  [[ -n ${NOTIFY_COMMAND:-} ]] || return 0
  local rc=0
  BACKUP_STATUS=$1 BACKUP_EXIT=$2 timeout "${NOTIFY_TIMEOUT:-60}" \
    bash -c "$NOTIFY_COMMAND" notify "$3" <<<"$3" 9>&- || rc=$?
  ((rc == 0)) || log "warning: NOTIFY_COMMAND failed (exit $rc)"
}

finish() { # status, exit status, result line
  printf '%s\n' "$3"
  notify "$1" "$2" "$3"
  exit "$2"
}

config_error() {
  log "$1"
  finish failed 2 "$prog: status=failed error=$(quote "configuration: $1")"
}

# Cron's PATH is /usr/bin:/bin; an interactive one may hold anything. Use ours.
base_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH=$base_path

if (($# == 1)); then
  [[ -f $1 && -r $1 ]] || config_error "cannot read ENV_FILE $1"
  set -a +u
  # shellcheck disable=SC1090  # the operator's configuration file
  if ! . "$1"; then
    set +a -u
    config_error "reading ENV_FILE $1 failed"
  fi
  set +a -u
fi
PATH="${PG_BINDIR:+$PG_BINDIR:}$base_path"
umask 077

[[ -x $here/backup-postgres.sh ]] || config_error "backup-postgres.sh not found next to $0"
[[ -n ${BACKUP_DIR:-} ]] || config_error "BACKUP_DIR is not set"
[[ -d $BACKUP_DIR ]] || config_error "BACKUP_DIR $BACKUP_DIR is not a directory"
[[ ${NOTIFY_TIMEOUT:-60} =~ ^[1-9][0-9]{0,4}$ ]] || config_error "NOTIFY_TIMEOUT must be a number of seconds"
command -v pg_dump >/dev/null || config_error "pg_dump not found (set PG_BINDIR)"

lock_file=${LOCK_FILE:-$BACKUP_DIR/.backup-postgres.lock}
exec 9>>"$lock_file" || config_error "cannot open the lock file $lock_file"
if ! flock -n 9; then
  log "another run holds $lock_file: not starting a second one"
  finish locked 75 "$prog: status=locked lock=$(quote "$lock_file") error=\"another run holds the lock\""
fi

log "started $(date -u +%Y-%m-%dT%H:%M:%SZ) pid $$, $(pg_dump --version)"
# The lock (fd 9) stays held by backup-postgres.sh and pg_dump, which inherit it.
out=$("$here/backup-postgres.sh") && rc=0 || rc=$?
line=$(grep '^backup-postgres: status=' <<<"$out" | tail -n 1 || true)
if [[ -z $line ]]; then
  ((rc != 0)) || rc=1
  line="backup-postgres: status=failed error=$(quote "backup-postgres.sh exited $rc without a result line")"
fi
status=failed
[[ $line != *' status=ok '* ]] || status=ok
((rc == 0)) || status=failed
printf '%s\n' "$line"
log "finished $(date -u +%Y-%m-%dT%H:%M:%SZ): $status (exit $rc)"
notify "$status" "$rc" "$line"
exit "$rc"
