#!/usr/bin/env bash
# Entrypoint of the locally built proven-runbooks/postgres images
# (scripts/images/build.sh). It keeps the contract of the official `postgres`
# image's entrypoint, so code written against `postgres:17` runs unchanged:
#
#   POSTGRES_PASSWORD    superuser password; required on first start unless
#                        POSTGRES_HOST_AUTH_METHOD=trust
#   POSTGRES_USER        superuser created by initdb (default: postgres)
#   POSTGRES_DB          database created on first start (default: $POSTGRES_USER)
#   POSTGRES_INITDB_ARGS extra initdb arguments (word-split, like the official one)
#   POSTGRES_INITDB_WALDIR  WAL directory given to initdb --waldir
#   POSTGRES_HOST_AUTH_METHOD  method for `host all all all` in pg_hba.conf
#                        (default: the server's password_encryption)
#   PGDATA               data directory (default: /var/lib/postgresql/data)
#   each of POSTGRES_PASSWORD/USER/DB/INITDB_ARGS may instead come from a file
#   named by <VAR>_FILE (Docker secrets).
#
# First start with an empty PGDATA: initdb, pg_hba.conf entry, a temporary
# server on the Unix socket only, CREATE DATABASE, then
# /docker-entrypoint-initdb.d/* (*.sh run if executable, else sourced;
# *.sql, *.sql.gz, *.sql.xz, *.sql.zst fed to psql), then the temporary
# server stops. Finally `exec postgres ...` as the postgres user.
#
# A first argument other than `postgres` (or starting with '-') is just
# exec'd, e.g. `sleep infinity`: the caller then runs initdb/pg_ctl itself.
# Running as root drops to the postgres user with setpriv (util-linux).
set -Eeo pipefail

export PGDATA=${PGDATA:-/var/lib/postgresql/data}

# file_env VAR [DEFAULT]: VAR from $VAR, or from the file named by $VAR_FILE.
file_env() {
	local var=$1 def=${2:-}
	local fileVar="${var}_FILE"
	if [[ -n ${!var:-} && -n ${!fileVar:-} ]]; then
		printf >&2 'error: both %s and %s are set (but are exclusive)\n' "$var" "$fileVar"
		exit 1
	fi
	local val=$def
	if [[ -n ${!var:-} ]]; then
		val=${!var}
	elif [[ -n ${!fileVar:-} ]]; then
		val=$(<"${!fileVar}")
	fi
	export "$var"="$val"
	unset "$fileVar"
}

# Arguments that only make postgres print something and exit: no setup.
want_help() {
	local arg
	for arg; do
		case $arg in
			-'?' | --help | --describe-config | -V | --version | -C) return 0 ;;
		esac
	done
	return 1
}

create_dirs() {
	mkdir -p "$PGDATA"
	chmod 00700 "$PGDATA" 2>/dev/null || :
	mkdir -p /var/run/postgresql || :
	chmod 03775 /var/run/postgresql 2>/dev/null || :
	if [[ -n ${POSTGRES_INITDB_WALDIR:-} ]]; then
		mkdir -p "$POSTGRES_INITDB_WALDIR"
		[[ $(id -u) == 0 ]] && find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres '{}' +
		chmod 700 "$POSTGRES_INITDB_WALDIR"
	fi
	if [[ $(id -u) == 0 ]]; then
		find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
		find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
	fi
}

check_env() {
	if [[ -z ${POSTGRES_PASSWORD:-} && ${POSTGRES_HOST_AUTH_METHOD:-} != trust ]]; then
		cat >&2 <<-'EOE'
			Error: Database is uninitialized and superuser password is not specified.
			       You must specify POSTGRES_PASSWORD to a non-empty value for the
			       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

			       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
			       connections without a password. This is *not* recommended.
		EOE
		exit 1
	fi
	if [[ ${POSTGRES_HOST_AUTH_METHOD:-} == trust ]]; then
		cat >&2 <<-'EOW'
			********************************************************************************
			WARNING: POSTGRES_HOST_AUTH_METHOD has been set to "trust". This will allow
			         anyone with access to the Postgres port to access your database without
			         a password, even if POSTGRES_PASSWORD is set.
			********************************************************************************
		EOW
	fi
}

init_database_dir() {
	local -a extra=()
	if [[ -n ${POSTGRES_INITDB_WALDIR:-} ]]; then
		extra+=(--waldir "$POSTGRES_INITDB_WALDIR")
	fi
	# POSTGRES_INITDB_ARGS is deliberately word-split (as the official image does).
	# shellcheck disable=SC2086
	initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
		"${extra[@]}" $POSTGRES_INITDB_ARGS
}

setup_hba_conf() {
	[[ ${1:-} == postgres ]] && shift
	if [[ -z ${POSTGRES_HOST_AUTH_METHOD:-} ]]; then
		POSTGRES_HOST_AUTH_METHOD=$(postgres -C password_encryption "$@")
	fi
	{
		echo
		[[ $POSTGRES_HOST_AUTH_METHOD == trust ]] && echo '# warning trust is enabled for all connections'
		printf 'host all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD"
	} >>"$PGDATA/pg_hba.conf"
}

# temp_server_start [postgres ARGS...]: the server with the container's own
# arguments, on the Unix socket only: nothing outside can connect during setup.
temp_server_start() {
	[[ ${1:-} == postgres ]] && shift
	set -- "$@" -c listen_addresses='' -p "${PGPORT:-5432}"
	PGUSER=${PGUSER:-$POSTGRES_USER} \
		pg_ctl -D "$PGDATA" -o "$(printf '%q ' "$@")" -w start
}

temp_server_stop() {
	PGUSER=${PGUSER:-postgres} pg_ctl -D "$PGDATA" -m fast -w stop
}

# process_sql [psql args...]: psql on $POSTGRES_DB (or $SETUP_DBNAME), stopping
# on the first error. Functions for sourced /docker-entrypoint-initdb.d/*.sh.
process_sql() {
	local -a query_runner=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
	local db=${SETUP_DBNAME:-${POSTGRES_DB:-}}
	[[ -n $db ]] && query_runner+=(--dbname "$db")
	PGHOST='' PGHOSTADDR='' "${query_runner[@]}" "$@"
}

setup_db() {
	local db=$POSTGRES_DB exists
	exists=$(SETUP_DBNAME=postgres process_sql --set db="$db" --tuples-only <<-'EOSQL'
		SELECT 1 FROM pg_database WHERE datname = :'db' ;
	EOSQL
	)
	if [[ -z ${exists//[[:space:]]/} ]]; then
		SETUP_DBNAME=postgres process_sql --set db="$db" <<-'EOSQL'
			CREATE DATABASE :"db" ;
		EOSQL
		echo
	fi
}

process_init_files() {
	local f
	echo
	for f in /docker-entrypoint-initdb.d/*; do
		[[ -e $f ]] || continue
		case $f in
			*.sh)
				if [[ -x $f ]]; then
					printf '%s: running %s\n' "$0" "$f"
					"$f"
				else
					printf '%s: sourcing %s\n' "$0" "$f"
					# shellcheck disable=SC1090
					. "$f"
				fi
				;;
			*.sql) printf '%s: running %s\n' "$0" "$f"; process_sql -f "$f"; echo ;;
			*.sql.gz) printf '%s: running %s\n' "$0" "$f"; gunzip -c "$f" | process_sql; echo ;;
			*.sql.xz) printf '%s: running %s\n' "$0" "$f"; xzcat "$f" | process_sql; echo ;;
			*.sql.zst) printf '%s: running %s\n' "$0" "$f"; zstd -dc "$f" | process_sql; echo ;;
			*) printf '%s: ignoring %s\n' "$0" "$f" ;;
		esac
		echo
	done
}

main() {
	if [[ ${1:0:1} == '-' ]]; then
		set -- postgres "$@"
	fi

	# Anything but the server (e.g. `sleep infinity`, `bash`): run it as is.
	if [[ $1 != postgres ]] || want_help "$@"; then
		exec "$@"
	fi

	create_dirs
	if [[ $(id -u) == 0 ]]; then
		# Drop root: re-run this script as postgres (setpriv execs, no child left).
		HOME=$(getent passwd postgres | cut -d: -f6) USER=postgres LOGNAME=postgres \
			exec setpriv --reuid=postgres --regid=postgres --init-groups \
			"${BASH_SOURCE[0]}" "$@"
	fi

	if [[ ! -s $PGDATA/PG_VERSION ]]; then
		file_env POSTGRES_PASSWORD
		file_env POSTGRES_USER postgres
		file_env POSTGRES_DB "$POSTGRES_USER"
		file_env POSTGRES_INITDB_ARGS
		: "${POSTGRES_HOST_AUTH_METHOD:=}"
		check_env
		# fail early (and clearly) if the init scripts cannot be read
		ls /docker-entrypoint-initdb.d/ >/dev/null

		init_database_dir
		setup_hba_conf "$@"

		# the temporary server may need a password on the socket (--auth-local)
		export PGPASSWORD=${PGPASSWORD:-$POSTGRES_PASSWORD}
		temp_server_start "$@"
		setup_db
		process_init_files
		temp_server_stop
		unset PGPASSWORD

		echo
		echo 'PostgreSQL init process complete; ready for start up.'
		echo
	else
		echo
		echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
		echo
	fi

	exec "$@"
}

# Sourced (e.g. by a test) only defines the functions.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	main "$@"
fi
