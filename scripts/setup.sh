#!/usr/bin/env bash
# One-time set-up of a machine for Proven Runbooks, safe to run again.
# Installs what `npm run verify` and `npm test` need and is missing:
# PostgreSQL server binaries, a Docker engine and the PostgreSQL images
# (built from Debian packages where no registry is reachable) when running as
# root on Debian/Ubuntu, then the npm packages, which include the Node 24
# binary the project runs on. SKIP_DOCKER=1 leaves Docker out (the local
# sandbox alone then verifies the runbooks, on the local PostgreSQL version).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

have_postgres() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' > /dev/null && return 0
  command -v initdb > /dev/null && return 0
  command -v pg_config > /dev/null && [ -x "$(pg_config --bindir)/initdb" ]
}

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" > /dev/null
}

if have_postgres; then
  say "PostgreSQL binaries: found"
elif [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  say "installing PostgreSQL server binaries (apt-get install postgresql)"
  # The harness makes its own throwaway clusters: don't let the package create
  # and start a system-wide one.
  mkdir -p /etc/postgresql-common
  [ -e /etc/postgresql-common/createcluster.conf ] || echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf
  apt_install postgresql postgresql-contrib
else
  say "PostgreSQL server binaries are missing. Install them, then run this again:"
  say "  Debian/Ubuntu: sudo apt-get install postgresql"
  say "  macOS:         brew install postgresql@17"
  exit 1
fi

# Tools the runbooks call besides PostgreSQL's own (the container images carry the same set),
# and shellcheck, which the tests run over scripts/.
RUNBOOK_TOOLS=(pgbackrest gpg openssl rsync zstd lz4 bzip2 xz script shellcheck)
missing_tools=()
for tool in "${RUNBOOK_TOOLS[@]}"; do command -v "$tool" > /dev/null || missing_tools+=("$tool"); done
if [ "${#missing_tools[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    say "installing tools the runbooks use: ${missing_tools[*]}"
    apt_install pgbackrest gnupg openssl rsync zstd lz4 bzip2 xz-utils util-linux shellcheck
  else
    say "the local sandbox's runbooks also need: ${missing_tools[*]} (install them with your package manager)"
  fi
fi

# PostgreSQL refuses to run as root: as root, the harness runs sandboxes as `postgres`.
if [ "$(id -u)" = 0 ] && ! id postgres > /dev/null 2>&1; then
  say "creating the postgres OS user"
  useradd --system --create-home --shell /bin/bash postgres
fi

# The npm packages first (they include the Node 24 binary): the first verified page below needs them.
say "installing npm packages (npm ci)"
npm ci --no-audit --no-fund --loglevel=error
say "Node $(npx node --version) for the project"

# The container sandbox: an engine, and one image per PostgreSQL version of the matrix, prepared
# in the background (official images where a registry answers, else built from Debian packages)
# while one page is verified on the local PostgreSQL: a first result in well under two minutes.
images_pid=""
if [ -n "${SKIP_DOCKER:-}" ]; then
  say "Docker: skipped (SKIP_DOCKER set)"
elif [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  command -v dockerd > /dev/null || { say "installing Docker (apt-get install docker.io)"; apt_install docker.io; }
  command -v debootstrap > /dev/null || apt_install debootstrap
  bash scripts/docker-engine.sh ensure
  say "PostgreSQL images, in the background: \`docker pull postgres:N\` where a registry answers, else built from Debian packages (once, then cached by the engine)"
  # Testcontainers' reaper (Ryuk) is built from one of those images when it cannot be pulled.
  { bash scripts/images/build.sh --if-missing && bash scripts/images/reaper/build.sh --if-missing; } &
  images_pid=$!
elif docker info > /dev/null 2>&1; then
  say "Docker answers; images it lacks: \`docker pull postgres:N\` or, as root, \`bash scripts/images/build.sh\`"
else
  say "no Docker engine: runbooks will be verified with the local sandbox only"
fi

first_page=content/backup/plain-sql-dump.md
first_report=$(mktemp)
say "first verified page, on the local PostgreSQL while the images are prepared: npm run verify -- --sandbox local $first_page"
if npm run --silent verify -- --sandbox local --force --report "$first_report" "$first_page" > "$first_report.log" 2>&1; then
  say "first verified page: $first_page passed on $(sed -n 's/^Servers: *//p' "$first_report.log" | head -n 1) in $(sed -n 's/^Time: *//p' "$first_report.log" | head -n 1)"
else
  cat "$first_report.log"
  say "the first page did not verify on the local PostgreSQL (above); \`npm run runbooks -- doctor\` says what is missing"
fi
rm -f "$first_report" "$first_report.log"

# The site's browser tests drive Debian's Chromium (never a downloaded browser).
if [ -x /usr/bin/chromium ]; then
  say "Chromium: found"
elif [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  say "installing Chromium for the browser tests (apt-get install chromium)"
  apt_install chromium fonts-dejavu-core
else
  say "no /usr/bin/chromium: the site's browser tests need it (Debian: apt-get install chromium)"
fi

if [ -n "$images_pid" ]; then
  say "waiting for the PostgreSQL images"
  wait "$images_pid" || { say "preparing the images failed (above)"; exit 1; }
fi
say "done"
npm run --silent runbooks -- doctor
