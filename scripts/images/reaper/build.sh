#!/usr/bin/env bash
# Build a reaper image that speaks Testcontainers' Ryuk protocol (reaper.pl),
# for engines that cannot pull testcontainers/ryuk from a registry. It is
# committed from the PostgreSQL image of versions.tsv's first suite that the
# engine has (they carry Perl), so it needs no network and no debootstrap.
#
# Usage: scripts/images/reaper/build.sh [--if-missing]
#   --if-missing   keep an image built from this same recipe
#
# The image name is in ./IMAGE (read by the harness too): the harness uses it
# for Ryuk by default when the official image is absent (or set
# RYUK_CONTAINER_IMAGE yourself; TESTCONTAINERS_RYUK_DISABLED=true turns Ryuk off).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DOCKER=${DOCKER:-docker}
IMAGE=$(head -n 1 "$HERE/IMAGE")
RECIPE=$(cat "${BASH_SOURCE[0]}" "$HERE/reaper.pl" | sha256sum | cut -c1-16)

say() { printf 'reaper image: %s\n' "$*" >&2; }
die() { printf 'reaper image: error: %s\n' "$*" >&2; exit 1; }

case ${1:-} in
  '') ;;
  --if-missing)
    if [[ $("$DOCKER" image inspect -f '{{index .Config.Labels "proven-runbooks.recipe"}}' "$IMAGE" 2>/dev/null || true) == "$RECIPE" ]]; then
      say "$IMAGE is up to date"
      exit 0
    fi ;;
  *) sed -n '7,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

base=""
while IFS=$'\t' read -r _ _ local_image _; do
  if "$DOCKER" image inspect "$local_image" >/dev/null 2>&1; then base=$local_image; break; fi
done < <(grep -v '^[[:space:]]*#' "$HERE/../versions.tsv")
[[ -n $base ]] || die "no PostgreSQL image to build from: run scripts/images/build.sh first"

start=$(date +%s)
container=$("$DOCKER" create --network none --entrypoint perl "$base" -c /reaper.pl)
trap '"$DOCKER" rm -f -v "$container" >/dev/null 2>&1 || true' EXIT
"$DOCKER" cp "$HERE/reaper.pl" "$container:/reaper.pl"
# Check it compiles with the image's Perl before it is committed.
"$DOCKER" start -a "$container" >/dev/null 2>&1 || { "$DOCKER" start -a "$container"; die "reaper.pl does not compile with the Perl of $base"; }
# export | import rather than commit: a fresh configuration, without the PostgreSQL image's
# volume, labels, environment and stop signal.
"$DOCKER" export "$container" | "$DOCKER" import \
  --change 'USER root' --change 'WORKDIR /' --change 'EXPOSE 8080' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENTRYPOINT ["perl", "/reaper.pl"]' \
  --change "LABEL proven-runbooks.recipe=$RECIPE proven-runbooks.owner=image proven-runbooks.stands-in-for=testcontainers/ryuk:0.14.0" \
  - "$IMAGE" >/dev/null
say "$IMAGE built from $base in $(($(date +%s) - start)) s"
