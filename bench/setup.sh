#!/usr/bin/env bash
# `npm run bench` runs this first: the benchmark's own needs on a Debian machine (as root or with
# sudo). The reference tool, Docker Compose v1.29.2 as Debian ships it (`docker-compose`, a Python
# program), and the static busybox the test images are built from. Idempotent; bounded; loud.
# The Docker engine itself is scripts/ci-setup.sh's job: this script only checks it answers.
set -euo pipefail

log() { echo "bench/setup: $*" >&2; }
die() { echo "bench/setup: ERROR: $*" >&2; exit 1; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else SUDO=(false); fi
fi

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
pkg_installed busybox-static || missing+=(busybox-static)
command -v curl >/dev/null 2>&1 || missing+=(curl)

if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them with"
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" timeout 300 apt-get -o DPkg::Lock::Timeout=120 update -qq || die "apt-get update failed"
  "${SUDO[@]}" timeout 600 apt-get -o DPkg::Lock::Timeout=120 install -y -qq "${missing[@]}" >/tmp/gh-devlake-bench-apt.log 2>&1 \
    || { tail -n 30 /tmp/gh-devlake-bench-apt.log >&2; die "apt-get install ${missing[*]} failed (log: /tmp/gh-devlake-bench-apt.log)"; }
fi

version="$(timeout 60 docker-compose version --short 2>&1)" || die "docker-compose does not run: $version"
case "$version" in
  1.29.*) log "docker-compose $version" ;;
  *) log "warning: docker-compose $version is not the 1.29.x Debian ships; the baseline may not be comparable" ;;
esac

sock="${DOCKER_HOST:-unix:///var/run/docker.sock}"
if [[ "$sock" == unix://* ]]; then
  [ "$(curl -s --max-time 5 --unix-socket "${sock#unix://}" http://localhost/_ping 2>/dev/null || true)" = "OK" ] \
    || die "no Docker engine answers on $sock (start one: bash scripts/ci-setup.sh)"
  # Compose v1 speaks to the Engine API too: check it accepts this engine.
  api="$(curl -s --max-time 5 --unix-socket "${sock#unix://}" http://localhost/version | sed -n 's/.*"ApiVersion":"\([0-9.]*\)".*/\1/p')"
  log "Docker engine API ${api:-unknown} on $sock"
fi
