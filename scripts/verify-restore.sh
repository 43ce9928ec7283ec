#!/usr/bin/env bash
# verify-restore.sh: prove that a backup restores, and that what it restores
# equals the source, by restoring into a scratch database and comparing
# pg-fingerprint output. Run with --help for details.
set -euo pipefail
export LC_ALL=C

prog=verify-restore
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
  cat <<'EOF'
Usage: verify-restore.sh (--source DBNAME | --fingerprint FILE) [options] BACKUP

Restore BACKUP (.sql.gz, .sql, .dump or a directory archive) into a scratch
database with restore-postgres.sh, fingerprint it with pg-fingerprint, compare
with pg-fingerprint-diff, print the result and drop the scratch database.

What to compare with (one is required):
  --source DBNAME       the live source database, fingerprinted now: only
                        meaningful while nothing has written to it since the
                        backup was taken (else the differences are real
                        changes, not a broken backup)
  --fingerprint FILE    a fingerprint written by pg-fingerprint when the
                        backup was taken

Options:
  --jobs N              parallel jobs for custom/directory archives (default 1)
  --keep                keep the scratch database (its name is printed as
                        scratch=NAME in the result line)
  --no-owner, --no-acl, --ignore-unlogged, --exclude-table P,
  --exclude-table-data P
                        passed to pg-fingerprint for both sides (with
                        --fingerprint, the file must have been written with
                        the same options)
  -h, --help            show this help

Needs restore-postgres.sh, pg-fingerprint and pg-fingerprint-diff next to this
script, and a role that may create databases. The scratch database is named
verify_restore_<pid> and dropped on exit, also after a failure.

Output: pg-fingerprint-diff's lines, then one result line on stdout:
  verify-restore: status=ok file=... summary="fingerprints match: ..."
  verify-restore: status=different file=... differences=3
  verify-restore: status=failed file=... error="the backup did not restore: ..."
Exit status: 0 equal, 1 different or not restorable, 2 bad usage.
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

source_db='' expected_file='' jobs=1 keep=0 file=''
fp_opts=()
while (($# > 0)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --source) (($# >= 2)) || die_usage "$1 needs a database name"; source_db=$2; shift ;;
    --fingerprint) (($# >= 2)) || die_usage "$1 needs a file"; expected_file=$2; shift ;;
    -j | --jobs) (($# >= 2)) || die_usage "$1 needs a number"; jobs=$2; shift ;;
    --keep) keep=1 ;;
    --no-owner | --no-acl | --ignore-unlogged) fp_opts+=("$1") ;;
    --exclude-table | --exclude-table-data) (($# >= 2)) || die_usage "$1 needs a pattern"; fp_opts+=("$1" "$2"); shift ;;
    -*) die_usage "unknown option: $1" ;;
    *) [[ -z $file ]] || die_usage "more than one BACKUP given"; file=$1 ;;
  esac
  shift
done
[[ -n $file ]] || die_usage "missing BACKUP"
[[ -n $source_db || -n $expected_file ]] || die_usage "give --source DBNAME or --fingerprint FILE"
[[ -z $source_db || -z $expected_file ]] || die_usage "give --source or --fingerprint, not both"
if [[ -n $expected_file && ! -s $expected_file ]]; then die_usage "cannot read fingerprint file $expected_file"; fi
for tool in restore-postgres.sh pg-fingerprint pg-fingerprint-diff; do
  [[ -x $here/$tool ]] || { printf '%s: %s not found next to this script\n' "$prog" "$tool" >&2; exit 2; }
done

scratch="verify_restore_$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/verify-restore.XXXXXX")
restored=0
# shellcheck disable=SC2317  # called from the traps
cleanup() {
  if ((restored && !keep)); then
    psql -X -q -v ON_ERROR_STOP=1 -d postgres -v db="$scratch" <<<'DROP DATABASE IF EXISTS :"db"' ||
      log "could not drop the scratch database $scratch: drop it by hand"
  fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

result() { printf '%s: status=%s file=%s%s\n' "$prog" "$1" "$(quote "$file")" "$2"; }

if [[ -n $source_db ]]; then
  log "fingerprinting the source database $source_db"
  if ! "$here/pg-fingerprint" "${fp_opts[@]}" -- "$source_db" >"$work/expected"; then
    result failed " error=$(quote "cannot fingerprint the source database $source_db")"
    exit 1
  fi
  expected_file=$work/expected
fi

log "restoring $file into the scratch database $scratch"
if ! "$here/restore-postgres.sh" --jobs "$jobs" -- "$file" "$scratch" >"$work/restore.out"; then
  why=$(sed -n -E 's/.* error=("(([^"\\]|\\.)*)"|([^ ]*)).*/\2\4/p' "$work/restore.out")
  result failed " error=$(quote "the backup did not restore: ${why//\\\"/\"}")"
  exit 1
fi
restored=1
kept_field=''
((!keep)) || kept_field=" scratch=$scratch"

"$here/pg-fingerprint" "${fp_opts[@]}" -- "$scratch" >"$work/actual" || {
  result failed "$kept_field error=$(quote "cannot fingerprint the restored copy")"
  exit 1
}
"$here/pg-fingerprint-diff" "$expected_file" "$work/actual" >"$work/diff" && rc=0 || rc=$?
if ((rc == 0)); then
  result ok "$kept_field summary=$(quote "$(cat "$work/diff")")"
  exit 0
fi
cat "$work/diff"
if ((rc == 1)); then
  result different "$kept_field differences=$(tail -n 1 "$work/diff" | awk '{ print $1 }')"
else
  result failed "$kept_field error=$(quote "pg-fingerprint-diff failed (exit $rc)")"
fi
exit 1
