#!/usr/bin/env bash
# PostgreSQL images for the sandbox, one per row of versions.tsv, the fastest
# way this machine allows, said row by row:
#  1. where a registry answers, `docker pull postgres:<major>` (seconds) plus a
#     layer with the tools runbooks call (pgbackrest, rsync, zstd, ...), tagged
#     proven-runbooks/postgres:<major>-official (the rule is images.ts's
#     `officialWithTools`);
#  2. else build one equivalent to the official image from Debian packages:
#     debootstrap a minimal Debian with postgresql-<major>, then `docker import`.
# Rows build in parallel; debootstrap's downloads go to one cache
# (CACHE_DIR, a directory per suite, so parallel builds never write one file).
#
# Usage: scripts/images/build.sh [--if-missing] [--no-pull] [--plan] [MAJOR...]
#   MAJOR          majors to build (default: every row of versions.tsv)
#   --if-missing   skip images the engine already has from this same recipe (CI's cache)
#   --no-pull      never try the registry: build from Debian packages (also PULL=0)
#   --plan         print what each row would do and exit (needs neither root nor Docker)
#
# A row whose suite is - (no Debian suite here packages that major) and whose
# official image cannot be pulled is skipped with a message, not an error. A row whose suite has lost postgresql-<major> (sid moves on) fails,
# naming the row: an image is never built from another major than its row's.
#
# Needs: root, debootstrap (apt-get install -y debootstrap), a Docker engine
# that answers (scripts/docker-engine.sh ensure).
#
# Environment:
#   MIRROR     Debian mirror (default: read from this machine's apt sources)
#   CACHE_DIR  debootstrap's .deb cache (default: /var/cache/proven-runbooks/debootstrap)
#   WORK_DIR   where root filesystems are assembled (default: /var/tmp)
#   DOCKER     docker client to use (default: docker)
#
# The image: entrypoint scripts/images/docker-entrypoint.sh (official contract),
# CMD ["postgres"], STOPSIGNAL SIGINT, PATH with /usr/lib/postgresql/N/bin,
# PGDATA as in the official image (/var/lib/postgresql/data; 18+:
# /var/lib/postgresql/N/docker), LANG=en_US.utf8, user postgres uid/gid 999,
# no cluster (Debian's postinst one is removed), pgbackrest where the suite has it.
# Like the official image it declares a VOLUME (/var/lib/postgresql/data; 18+:
# /var/lib/postgresql): remove containers with `docker rm -v` (Testcontainers'
# stop() does) or anonymous volumes pile up. On first start the temporary setup
# server listens on the Unix socket only, so `pg_isready -h 127.0.0.1` (or the
# log line "ready to accept connections" seen twice) means the real server is up.
# The 20.10 engine's `docker import --change` rejects STOPSIGNAL, so it is added
# by a one-line `docker build` (legacy builder, no RUN, no network).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VERSIONS=$HERE/versions.tsv
ENTRYPOINT_SRC=$HERE/docker-entrypoint.sh
CACHE_DIR=${CACHE_DIR:-/var/cache/proven-runbooks/debootstrap}
WORK_DIR=${WORK_DIR:-/var/tmp}
DOCKER=${DOCKER:-docker}
PULL=${PULL:-1}

# Besides postgresql-N: what runbooks call (compressors, ps, setpriv, find, ...).
BASE_PACKAGES=(bash coreutils procps gzip bzip2 xz-utils zstd lz4 util-linux findutils locales gnupg openssl rsync)
# The object store of the S3 pages: moto's server behind nginx for TLS. debootstrap does not
# resolve virtual packages, so python3-cryptography's cffi backend and moto_server's
# flask-cors (which python3-moto does not depend on) are named.
OPTIONAL_PACKAGES=(pgbackrest patroni etcd-server etcd-client python3-etcd barman barman-cli
	python3-moto python3-flask-cors python3-cffi-backend nginx)

say() { printf 'build: %s\n' "$*" >&2; }
die() { printf 'build: error: %s\n' "$*" >&2; exit 1; }

usage() {
	sed -n '6,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# The Debian mirror this machine's apt uses (deb822 .sources or one-line lists).
find_mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -r $f ]] || continue
		# first URIs: of a stanza whose URI is a plain archive (not -security)
		uri=$(awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
		[[ -n $uri ]] && { printf '%s\n' "${uri%/}"; return 0; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[[ -r $f ]] || continue
		uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /=/ && $i !~ /\]$/) { if ($i !~ /security/) print $i; break } }' "$f" | head -n 1)
		[[ -n $uri ]] && { printf '%s\n' "${uri%/}"; return 0; }
	done
	return 1
}

# rows of versions.tsv: "major suite local_image official_image"
rows() { grep -v '^[[:space:]]*#' "$VERSIONS" | awk -F'\t' 'NF >= 4 { print $1, $2, $3, $4 }'; }

# The suite column's "no Debian suite here": the row names only an official image.
NO_SUITE=-

# skip_note MAJOR OFFICIAL: why a row without a suite is not built.
skip_note() {
	# shellcheck disable=SC2016  # the backticks quote a command for the reader; nothing expands
	printf 'PostgreSQL %s: no Debian suite here packages postgresql-%s (suite %s in versions.tsv); skipped: it runs where `docker pull %s` works, else verify reports "no server for %s here"' \
		"$1" "$1" "$NO_SUITE" "$2" "$1"
}

# check_major ROOT MAJOR ROW: the tree's only server is MAJOR's. Guards the row
# against a suite that moved on (a dependency pulling in another major's server).
check_major() {
	local root=$1 major=$2 row=$3 found
	found=$({ find "$root/usr/lib/postgresql" -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null || :; } | awk -F/ '{ print $(NF-2) }' | sort -n | tr '\n' ' ')
	found=${found% }
	[[ $found == "$major" ]] ||
		die "row '$row' of versions.tsv: the image would hold PostgreSQL ${found:-(none)} instead of exactly PostgreSQL $major; fix the row"
}

image_exists() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# What the image is made of (this script: its package list; the entrypoint). An image
# built by an older recipe lacks what newer runbooks call, so --if-missing rebuilds it.
RECIPE=$(cat "${BASH_SOURCE[0]}" "$ENTRYPOINT_SRC" | sha256sum | cut -c1-16)
image_recipe() { "$DOCKER" image inspect -f '{{index .Config.Labels "proven-runbooks.recipe"}}' "$1" 2>/dev/null; }

human() { numfmt --to=si --suffix=B "$1" 2>/dev/null || printf '%s bytes' "$1"; }

ROOTFS=""
cleanup() {
	if [[ -n $ROOTFS && -d $ROOTFS ]]; then
		# debootstrap may leave /proc or /sys mounted after a failure
		local m
		for m in proc sys dev/pts; do
			if mountpoint -q "$ROOTFS/$m" 2>/dev/null; then umount -l "$ROOTFS/$m" || :; fi
		done
		rm -rf --one-file-system "$ROOTFS"
	fi
	ROOTFS=""
}
trap cleanup EXIT

# run_debootstrap SUITE DIR PACKAGES LOG
run_debootstrap() {
	local suite=$1 dir=$2 pkgs=$3 log=$4
	rm -rf --one-file-system "$dir"
	mkdir -p "$dir"
	debootstrap --variant=minbase --include="$pkgs" --cache-dir="$CACHE_DIR/$suite" \
		"$suite" "$dir" "$MIRROR" >"$log" 2>&1
}

# set_id ROOT group|passwd NAME ID: give NAME the id ID in the tree ROOT,
# moving files along; an entry already holding ID swaps ids with NAME.
set_id() {
	local root=$1 db=$2 name=$3 want=$4 cur other tmp=59999
	local mod=groupmod flag=-gid chg=(chgrp -h)
	if [[ $db == passwd ]]; then mod=usermod flag=-uid chg=(chown -h); fi
	cur=$(chroot "$root" getent "$db" "$name" | cut -d: -f3)
	[[ -n $cur ]] || die "no $db entry $name in the image"
	[[ $cur == "$want" ]] && return 0
	other=$(chroot "$root" getent "$db" "$want" | cut -d: -f1 || true)
	chroot "$root" getent "$db" "$tmp" >/dev/null && die "id $tmp is taken in the image"
	if [[ -n $other ]]; then
		say "  $db: $other has id $want; swapping ids with $name ($cur)"
		chroot "$root" "$mod" -${mod:0:1} "$tmp" "$other" >/dev/null
		find "$root" -xdev "$flag" "$want" -exec "${chg[@]}" "$tmp" '{}' +
	fi
	chroot "$root" "$mod" -${mod:0:1} "$want" "$name" >/dev/null
	find "$root" -xdev "$flag" "$cur" -exec "${chg[@]}" "$want" '{}' +
	if [[ -n $other ]]; then
		chroot "$root" "$mod" -${mod:0:1} "$cur" "$other" >/dev/null
		find "$root" -xdev "$flag" "$tmp" -exec "${chg[@]}" "$cur" '{}' +
	fi
}

# Make the debootstrapped tree look like the official image.
finish_rootfs() {
	local dir=$1 major=$2 pgdata=$3

	# No cluster: the image starts empty, and never creates one on its own.
	rm -rf "$dir/var/lib/postgresql/$major" "$dir/etc/postgresql/$major"
	rm -f "$dir"/var/log/postgresql/*
	if [[ -f $dir/etc/postgresql-common/createcluster.conf ]]; then
		sed -ri 's/^#?\s*(create_main_cluster)\s*=.*$/\1 = false/' "$dir/etc/postgresql-common/createcluster.conf"
	fi

	# postgres user and group with the official image's ids (999:999).
	set_id "$dir" group postgres 999
	set_id "$dir" passwd postgres 999

	# Directories of the official image. Inside the chroot: paths such as
	# /var/run are absolute symlinks that would resolve to the host's from outside.
	chroot "$dir" install -d -o postgres -g postgres -m 1777 /var/lib/postgresql /var/lib/postgresql/data
	[[ $pgdata == /var/lib/postgresql/data ]] || chroot "$dir" install -d -o postgres -g postgres -m 0700 "$pgdata"
	chroot "$dir" install -d -o postgres -g postgres -m 2777 /var/run/postgresql
	chroot "$dir" install -d -m 0755 /docker-entrypoint-initdb.d /usr/local/bin
	install -m 0755 "$ENTRYPOINT_SRC" "$dir/usr/local/bin/docker-entrypoint.sh"

	# New clusters listen on all interfaces, as in the official image.
	local sample=$dir/usr/share/postgresql/$major/postgresql.conf.sample
	sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$sample"
	grep -qF "listen_addresses = '*'" "$sample" || die "could not set listen_addresses in $sample"

	# The official image's locale (C.UTF-8 is in libc anyway).
	rm -f "$dir/etc/locale.gen"
	echo 'en_US.UTF-8 UTF-8' >"$dir/etc/locale.gen"
	chroot "$dir" locale-gen >/dev/null
	chroot "$dir" locale -a | grep -qx 'en_US.utf8' || die "locale en_US.utf8 missing"

	# setpriv drops root in the entrypoint.
	chroot "$dir" sh -c 'command -v setpriv' >/dev/null || die "setpriv missing from the image"

	# Small: no apt caches, lists, docs, man pages; no host files.
	rm -rf "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
		"$dir"/var/cache/apt/archives/partial/* "$dir"/var/lib/apt/lists/* \
		"$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* \
		"$dir"/usr/share/lintian/* "$dir"/var/cache/debconf/*-old \
		"$dir"/var/log/*.log "$dir"/var/log/apt/* "$dir"/tmp/* "$dir"/var/tmp/*
	# (rm first: never write through a symlink into the host)
	rm -f "$dir/etc/resolv.conf" "$dir/etc/hostname"
	: >"$dir/etc/resolv.conf"
	: >"$dir/etc/hostname"
}

build_one() {
	local major=$1 suite=$2 image=$3 official=$4
	local start pkgs log pgdata volume pgver size t extra_ok=1 old_id new_id
	start=$(date +%s)
	old_id=$("$DOCKER" image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)

	if [[ $major -ge 18 ]]; then
		pgdata=/var/lib/postgresql/$major/docker
		volume=/var/lib/postgresql
	else
		pgdata=/var/lib/postgresql/data
		volume=/var/lib/postgresql/data
	fi

	mkdir -p "$CACHE_DIR/$suite" "$WORK_DIR"
	ROOTFS=$(mktemp -d "$WORK_DIR/pg$major-$suite.XXXXXX")
	log=$ROOTFS.log
	local dir=$ROOTFS/rootfs

	local -a optional=("${OPTIONAL_PACKAGES[@]}") list keep missing
	local opt not_found
	say "$image: debootstrap $suite with postgresql-$major (log: $log)"
	while :; do
		list=("postgresql-$major" "postgresql-client-$major" "${BASE_PACKAGES[@]}" "${optional[@]}")
		pkgs=$(IFS=,; printf '%s' "${list[*]}")
		run_debootstrap "$suite" "$dir" "$pkgs" "$log" && break
		not_found=" $(grep -o "Couldn't find these debs:.*" "$log" | tail -n 1 | cut -d: -f2-) "
		if [[ $not_found == *" postgresql-$major "* ]]; then
			die "row '$major $suite' of versions.tsv: Debian $suite has no postgresql-$major (the suite moved on?); point the row at a suite that has it, or set its suite to $NO_SUITE"
		fi
		# Optional packages missing from this suite (moto is only in newer ones): build
		# without those alone, keeping the others.
		keep=() missing=()
		for opt in "${optional[@]}"; do
			if [[ $not_found == *" $opt "* ]]; then missing+=("$opt"); else keep+=("$opt"); fi
		done
		if [[ ${#missing[@]} == 0 ]]; then
			tail -n 30 "$log" >&2
			die "$image: debootstrap failed (log: $log)"
		fi
		say "$image: ${missing[*]} not in $suite; building without"
		optional=("${keep[@]}")
	done
	[[ " ${optional[*]} " == *" pgbackrest "* ]] || extra_ok=0
	t=$(date +%s)
	say "$image: debootstrap done in $((t - start)) s"

	finish_rootfs "$dir" "$major" "$pgdata"
	check_major "$dir" "$major" "$major $suite"
	# shellcheck disable=SC2016  # ${Version} is dpkg-query's, not ours
	pgver=$(chroot "$dir" dpkg-query -W -f='${Version}' "postgresql-$major")
	t=$(chroot "$dir" "/usr/lib/postgresql/$major/bin/postgres" --version) ||
		die "$image: postgres does not run"
	[[ $t =~ \(PostgreSQL\)\ $major(\.|[a-z]) ]] ||
		die "row '$major $suite' of versions.tsv: the server says \"$t\", not PostgreSQL $major"

	say "$image: docker import (postgresql-$major $pgver)"
	# `docker import --change` of a 20.10 engine rejects STOPSIGNAL: import under a
	# temporary tag, then add STOPSIGNAL with a one-line build (no RUN, no network).
	local tmp_image=$image-import
	tar -C "$dir" --numeric-owner --xattrs --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . |
		"$DOCKER" import \
			--change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/$major/bin" \
			--change "ENV PG_MAJOR=$major" \
			--change "ENV PG_VERSION=$pgver" \
			--change "ENV LANG=en_US.utf8" \
			--change "ENV PGDATA=$pgdata" \
			--change "VOLUME $volume" \
			--change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
			--change 'CMD ["postgres"]' \
			--change 'EXPOSE 5432' \
			--change "LABEL proven-runbooks.official-image=$official proven-runbooks.debian-suite=$suite proven-runbooks.postgresql-version=$pgver proven-runbooks.pgbackrest=$extra_ok proven-runbooks.recipe=$RECIPE" \
			--message "debootstrap $suite + postgresql-$major $pgver" \
			- "$tmp_image" >/dev/null
	printf 'FROM %s\nSTOPSIGNAL SIGINT\n' "$tmp_image" |
		DOCKER_BUILDKIT=0 "$DOCKER" build --quiet --tag "$image" - >/dev/null 2>"$log.build" || {
		cat "$log.build" >&2; die "$image: adding STOPSIGNAL failed"
	}
	rm -f "$log.build"
	"$DOCKER" rmi "$tmp_image" >/dev/null
	[[ $("$DOCKER" image inspect -f '{{.Config.StopSignal}}' "$image") == SIGINT ]] ||
		die "$image: STOPSIGNAL is not SIGINT"

	cleanup
	rm -f "$log"
	# A rebuild leaves the previous image untagged: drop it (kept if in use).
	new_id=$("$DOCKER" image inspect -f '{{.Id}}' "$image")
	if [[ -n $old_id && $old_id != "$new_id" ]]; then
		"$DOCKER" rmi "$old_id" >/dev/null 2>&1 || say "$image: previous image ${old_id:7:12} kept (in use)"
	fi
	size=$("$DOCKER" image inspect -f '{{.Size}}' "$image")
	t=$(date +%s)
	say "$image: built in $((t - start)) s, size $(human "$size") (postgresql-$major $pgver, stands in for $official)"
	printf '%-40s %4ss %8s  postgresql-%s %s (built from Debian %s)\n' "$image" "$((t - start))" "$(human "$size")" "$major" "$pgver" "$suite" >"$RESULT_DIR/$major"
}

# official_tag MAJOR: the official image plus the runbooks' tools (images.ts: officialWithTools).
official_tag() { printf 'proven-runbooks/postgres:%s-official' "$1"; }

# try_official MAJOR OFFICIAL: pull the official image and add the tools runbooks
# call. Fails (status 1, saying why) when no registry answers.
try_official() {
	local major=$1 official=$2 tag start out pkgs
	tag=$(official_tag "$major")
	start=$(date +%s)
	if ! out=$(timeout 600 "$DOCKER" pull --quiet "$official" 2>&1); then
		say "PostgreSQL $major: \`docker pull $official\` failed ($(printf '%s' "$out" | tail -n 1 | sed 's/.*: //')); building from Debian packages instead"
		return 1
	fi
	pkgs="${BASE_PACKAGES[*]} ${OPTIONAL_PACKAGES[*]}"
	say "PostgreSQL $major: pulled $official; adding the runbooks' tools ($pkgs) as $tag"
	# The official image's own apt sources: its suite is whatever Docker's library chose for it,
	# so each optional package is installed only where that suite has it.
	# shellcheck disable=SC2016  # $p and $opt belong to the shell of the image's RUN line
	printf 'FROM %s\nRUN apt-get update -qq && opt="" && for p in %s; do apt-cache show "$p" > /dev/null 2>&1 && opt="$opt $p"; done && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends %s $opt >/dev/null && rm -rf /var/lib/apt/lists/*\nLABEL proven-runbooks.official-image=%s proven-runbooks.recipe=%s\n' \
		"$official" "${OPTIONAL_PACKAGES[*]}" "${BASE_PACKAGES[*]}" "$official" "$RECIPE" |
		"$DOCKER" build --quiet --tag "$tag" - >/dev/null || die "$tag: adding the tools to $official failed"
	say "$tag: ready in $(($(date +%s) - start)) s (pulled $official)"
	printf '%-40s %4ss  pulled %s + tools\n' "$tag" "$(($(date +%s) - start))" "$official" >"$RESULT_DIR/$major"
}

# build_row MAJOR SUITE IMAGE OFFICIAL: one row, the fastest way that works here (see the header).
build_row() {
	local major=$1 suite=$2 image=$3 official=$4
	trap cleanup EXIT
	if [[ $PULL == 1 ]] && try_official "$major" "$official"; then return 0; fi
	if [[ $suite == "$NO_SUITE" ]]; then
		say "$(skip_note "$major" "$official")"
		printf '%-40s %s\n' "postgres:$major" 'no registry, no Debian suite here (skipped)' >"$RESULT_DIR/$major"
		return 0
	fi
	build_one "$major" "$suite" "$image" "$official"
}

# plan ROW...: what main would do with each row, one line each.
plan() {
	local major suite image official row pull=""
	for row; do
		read -r major suite image official <<<"$row"
		[[ $PULL == 1 ]] && pull="$official + tools as $(official_tag "$major") if a registry answers; else "
		if [[ $suite == "$NO_SUITE" ]]; then
			printf '%s\t%sskip\t%s%s\n' "$major" "${pull:+pull, else }" "$pull" "$(skip_note "$major" "$official")"
		else
			printf '%s\t%sbuild\t%s%s from Debian %s postgresql-%s (stands in for %s)\n' "$major" "${pull:+pull, else }" "$pull" "$image" "$suite" "$major" "$official"
		fi
	done
}

main() {
	local if_missing=0 plan_only=0 arg
	local -a wanted=()
	for arg; do
		case $arg in
			--if-missing) if_missing=1 ;;
			--plan) plan_only=1 ;;
			--no-pull) PULL=0 ;;
			-h | --help) usage ;;
			[0-9]*) wanted+=("$arg") ;;
			*) say "unknown argument: $arg"; usage ;;
		esac
	done

	[[ -r $VERSIONS ]] || die "$VERSIONS not found"
	local -a todo=()
	local major suite image official found row
	if [[ ${#wanted[@]} -eq 0 ]]; then
		while read -r major suite image official; do todo+=("$major $suite $image $official"); done < <(rows)
	else
		for arg in "${wanted[@]}"; do
			found=$(rows | awk -v m="$arg" '$1 == m')
			[[ -n $found ]] || die "major $arg is not in $VERSIONS"
			todo+=("$found")
		done
	fi

	if [[ $plan_only == 1 ]]; then
		plan "${todo[@]}"
		return 0
	fi
	# Nothing to build (only rows without a suite) and no engine to pull with: say so without asking for root.
	local answers=0
	[[ -n $("$DOCKER" version --format '{{.Server.Version}}' 2>/dev/null) ]] && answers=1
	if ! plan "${todo[@]}" | cut -f2 | grep -q build && { [[ $PULL == 0 ]] || [[ $answers == 0 ]]; }; then
		for row in "${todo[@]}"; do read -r major suite image official <<<"$row"; say "$(skip_note "$major" "$official")"; done
		return 0
	fi

	if plan "${todo[@]}" | cut -f2 | grep -q build; then
		[[ $(id -u) == 0 ]] || die "must run as root (debootstrap and chroot need it)"
		command -v debootstrap >/dev/null ||
			die "debootstrap is not installed (apt-get install -y debootstrap)"
	fi
	command -v "$DOCKER" >/dev/null ||
		die "no docker client ($DOCKER) (apt-get install -y docker.io)"
	# (`docker info` is no probe: a client too new for the engine exits 0 there)
	[[ -n $("$DOCKER" version --format '{{.Server.Version}}' 2>/dev/null) ]] ||
		die "the Docker engine does not answer to $DOCKER (start it: scripts/docker-engine.sh ensure; see scripts/docker-engine.sh status)"
	if [[ -z ${MIRROR:-} ]]; then
		MIRROR=$(find_mirror) || die "no Debian mirror in the apt sources; set MIRROR"
	fi

	local total_start row status=0
	local -a pids=()
	total_start=$(date +%s)
	RESULT_DIR=$(mktemp -d)
	# Ctrl-C or a failure elsewhere: no build goes on unattended.
	trap 'jobs -pr | xargs -r kill 2>/dev/null || :; rm -rf "$RESULT_DIR"' EXIT
	for row in "${todo[@]}"; do
		read -r major suite image official <<<"$row"
		if [[ $if_missing == 1 ]]; then
			local have=""
			for candidate in "$(official_tag "$major")" "$image"; do
				if [[ $candidate != "$NO_SUITE" ]] && image_exists "$candidate" && [[ $(image_recipe "$candidate") == "$RECIPE" ]]; then have=$candidate; break; fi
			done
			if [[ -n $have ]]; then
				say "$have: present, skipped (--if-missing)"
				printf '%-40s %s\n' "$have" 'present (skipped)' >"$RESULT_DIR/$major"
				continue
			fi
			if [[ $image != "$NO_SUITE" ]] && image_exists "$image"; then say "$image: present but built by another recipe of this script; rebuilding"; fi
		fi
		build_row "$major" "$suite" "$image" "$official" &
		pids+=($!)
	done
	local pid
	for pid in "${pids[@]}"; do wait "$pid" || status=1; done

	say "done in $(($(date +%s) - total_start)) s:"
	cat "$RESULT_DIR"/* 2>/dev/null | sort -t: -k2 -n
	[[ $status == 0 ]] || die "a build failed (above)"
}

# Sourced (by a test of its functions), it only defines them.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
