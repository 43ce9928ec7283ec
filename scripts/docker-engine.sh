#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine, starting one if needed.
#
# Usage: scripts/docker-engine.sh ensure   start the engine unless it already answers
#        scripts/docker-engine.sh status   tell whether it answers (exit 1 if not)
#        scripts/docker-engine.sh env      print `export ...` lines for the caller
#                                          (eval "$(scripts/docker-engine.sh env)")
#
# Machines here have no systemd and no image registry: the engine is Debian's
# docker.io (dockerd 20.10), started by hand with
#   dockerd --iptables=false --ip=127.0.0.1
# Sandboxes run with --network none (or an --internal network of their own);
# nothing is NATed, and a published port listens on loopback only. The default
# bridge exists for the one container that needs a port: Testcontainers' reaper
# (Ryuk), when it is switched on. Extra daemon flags: DOCKERD_ARGS.
#
# Client versus engine: the engine speaks API 1.41. A newer docker CLI (e.g. a
# 28.x in /usr/local/bin) negotiates down to the daemon's API version on its
# own, so it normally works; if a client refuses anyway ("client version ... is
# too new"), this script falls back to Debian's /usr/bin/docker, or tells you
# to export DOCKER_API_VERSION=<server API version>.
#
# Testcontainers (node) with this engine: TESTCONTAINERS_HOST_OVERRIDE=localhost
# (see `env`); the harness turns Ryuk on when a reaper image is there (here the
# one scripts/images/reaper/build.sh builds: no registry) and the bridge exists.
#
# Environment: DOCKERD_LOG (default /var/log/dockerd.log),
#              DOCKERD_WAIT seconds to wait for the engine (default 30),
#              DOCKERD_ARGS extra flags for dockerd,
#              DOCKER (client binary to use; default: first that works).
set -euo pipefail

LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
WAIT=${DOCKERD_WAIT:-30}
SOCK=/var/run/docker.sock

say() { printf 'docker-engine: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# The client binary to use: $DOCKER, else `docker` on PATH, else Debian's.
client_candidates() {
  if [[ -n ${DOCKER:-} ]]; then printf '%s\n' "$DOCKER"; return; fi
  local c
  c=$(command -v docker 2>/dev/null || true)
  [[ -n $c ]] && printf '%s\n' "$c"
  [[ -x /usr/bin/docker && $c != /usr/bin/docker ]] && printf '%s\n' /usr/bin/docker
  return 0
}

# Finds the first client for which `docker version` reaches the server: sets
# CLIENT, and API_HINT when only an explicit DOCKER_API_VERSION made it work.
# (`docker info` is no probe: a too-new client exits 0 there.)
CLIENT=""
API_HINT=""
working_client() {
  local c out api
  CLIENT="" API_HINT=""
  while IFS= read -r c; do
    [[ -x $c ]] || continue
    if [[ -n $("$c" version --format '{{.Server.APIVersion}}' 2>/dev/null) ]]; then
      CLIENT=$c; return 0
    fi
  done < <(client_candidates)
  # Every client failed: is it only an API version mismatch?
  while IFS= read -r c; do
    [[ -x $c ]] || continue
    out=$("$c" version 2>&1 || true)
    if grep -qi 'too new' <<<"$out"; then
      api=$(grep -o 'Maximum supported API version is [0-9.]*' <<<"$out" | grep -o '[0-9.]*$' || true)
      if [[ -n $api && -n $(DOCKER_API_VERSION=$api "$c" version --format '{{.Server.APIVersion}}' 2>/dev/null) ]]; then
        CLIENT=$c API_HINT=$api; return 0
      fi
    fi
  done < <(client_candidates)
  return 1
}

describe() {
  local c=$CLIENT v
  if [[ -n $API_HINT ]]; then
    v=$(DOCKER_API_VERSION=$API_HINT "$c" version --format 'client {{.Client.Version}} (API {{.Client.APIVersion}}), engine {{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null || true)
  else
    v=$("$c" version --format 'client {{.Client.Version}} (API {{.Client.APIVersion}}), engine {{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null || true)
  fi
  say "engine answers via $c: $v"
  if [[ -n $API_HINT && -n ${DOCKER_API_VERSION:-} ]]; then
    say "DOCKER_API_VERSION=$DOCKER_API_VERSION is too new for this engine: unset it, or export DOCKER_API_VERSION=$API_HINT"
  elif [[ -n $API_HINT ]]; then
    say "this client needs: export DOCKER_API_VERSION=$API_HINT (or use /usr/bin/docker)"
  elif [[ -z ${DOCKER:-} && $c != "$(command -v docker 2>/dev/null || true)" ]]; then
    say "note: the docker on PATH does not work with this engine; use $c"
  fi
}

cmd_status() {
  if working_client; then
    describe
    [[ -n $(pgrep -x dockerd || true) ]] && say "dockerd pid(s): $(pgrep -x dockerd | tr '\n' ' ')"
    return 0
  fi
  if pgrep -x dockerd >/dev/null; then
    say "dockerd is running (pid $(pgrep -x dockerd | tr '\n' ' ')) but does not answer; see $LOG"
  elif ! command -v dockerd >/dev/null && [[ ! -x /usr/sbin/dockerd ]]; then
    say "no engine: dockerd is not installed (apt-get install -y docker.io)"
  else
    say "no engine running (start it: $0 ensure)"
  fi
  return 1
}

cmd_env() {
  local c
  working_client || die "no engine answers (run: $0 ensure)"
  c=$CLIENT
  printf 'export DOCKER_HOST=unix://%s\n' "$SOCK"
  [[ -n $API_HINT ]] && printf 'export DOCKER_API_VERSION=%s\n' "$API_HINT"
  [[ -z ${DOCKER:-} && $c != "$(command -v docker 2>/dev/null || true)" ]] && printf 'export DOCKER=%s\n' "$c"
  # Where /.dockerenv exists, Testcontainers looks up the gateway of the
  # "bridge" network, which an engine started with --bridge=none lacks
  # ("Could not find a working container runtime strategy"); Ryuk's port is
  # published on loopback, so localhost reaches it.
  printf 'export TESTCONTAINERS_HOST_OVERRIDE=localhost\n'
}

cmd_ensure() {
  local dockerd_bin i
  if working_client; then
    say "nothing to do"
    describe
    return 0
  fi

  dockerd_bin=$(command -v dockerd 2>/dev/null || true)
  [[ -z $dockerd_bin && -x /usr/sbin/dockerd ]] && dockerd_bin=/usr/sbin/dockerd
  if [[ -z $dockerd_bin ]]; then
    [[ $(id -u) -eq 0 ]] || die "dockerd is not installed and we are not root (as root: apt-get install -y docker.io)"
    say "dockerd missing: apt-get update && apt-get install -y docker.io"
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >&2
    dockerd_bin=/usr/sbin/dockerd
    [[ -x $dockerd_bin ]] || die "docker.io installed but $dockerd_bin is missing"
  fi

  if pgrep -x dockerd >/dev/null; then
    say "dockerd already running (pid $(pgrep -x dockerd | tr '\n' ' ')); waiting for it to answer"
  else
    [[ $(id -u) -eq 0 ]] || die "the engine is not running and starting dockerd needs root"
    # A socket left by a dead daemon would make clients hang or fail.
    [[ -S $SOCK ]] && rm -f "$SOCK"
    mkdir -p "$(dirname "$LOG")"
    local -a args=(--iptables=false --ip=127.0.0.1)
    # shellcheck disable=SC2206  # DOCKERD_ARGS is a list of flags, split on purpose
    [[ -n ${DOCKERD_ARGS:-} ]] && args+=(${DOCKERD_ARGS})
    say "starting $dockerd_bin ${args[*]} (log: $LOG)"
    # setsid + nohup: the daemon leaves our session and survives the caller.
    setsid nohup "$dockerd_bin" "${args[@]}" >>"$LOG" 2>&1 </dev/null &
    disown || true
  fi

  for ((i = 0; i < WAIT * 2; i++)); do
    if working_client; then
      say "engine up after $((i / 2)).$((i % 2 * 5)) s"
      describe
      return 0
    fi
    if ! pgrep -x dockerd >/dev/null; then
      say "dockerd exited; last lines of $LOG:"
      tail -n 20 "$LOG" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  say "the engine did not answer within ${WAIT}s; last lines of $LOG:"
  tail -n 20 "$LOG" >&2 || true
  exit 1
}

case ${1:-} in
  ensure) cmd_ensure ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) echo "usage: $0 ensure|status|env" >&2; exit 2 ;;
esac
