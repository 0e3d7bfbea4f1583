#!/usr/bin/env bash
# Prepare a Debian 12 machine (as root) for the full test suite: the Docker engine, a static
# busybox (the test images are built FROM scratch with it), git (fork-flow tests), tinyproxy
# (proxy tests), and node_modules from package-lock.json. Idempotent; every wait is bounded; fails loudly.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# GDL_DOCKER_SOCK / GDL_DOCKER_WAIT_SECONDS: overrides for testing this script only.
DOCKER_SOCK="${GDL_DOCKER_SOCK:-/var/run/docker.sock}"
DOCKERD_LOG=/tmp/gh-devlake-dockerd.log
DOCKER_WAIT_SECONDS="${GDL_DOCKER_WAIT_SECONDS:-60}"

log() { echo "ci-setup: $*" >&2; }
die() { echo "ci-setup: ERROR: $*" >&2; exit 1; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else SUDO=(false); fi
fi

# --- packages --------------------------------------------------------------------------------
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
# busybox-static specifically: the dynamic `busybox` package's binary cannot run FROM scratch.
pkg_installed busybox-static || missing+=(busybox-static)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v curl >/dev/null 2>&1 || missing+=(curl)
# Graphviz: the test that Graphviz accepts our DOT output runs in CI rather than being skipped.
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
# openssl: the fake ARM server's test CA and certificate are made at test time.
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# docker-registry (the distribution registry) stands in for ACR's login server in the custom-image
# test; apache2-utils' htpasswd writes its bcrypt password file. The test starts its own registry on
# a free loopback port; a system service the package may start is not used.
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
# tinyproxy (the binary alone: tinyproxy-bin has no service to start) is the real HTTP CONNECT
# forward proxy the release-download tests tunnel through (test/helpers/forward-proxy.ts).
command -v tinyproxy >/dev/null 2>&1 || missing+=(tinyproxy-bin)

if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" timeout 300 apt-get -o DPkg::Lock::Timeout=120 update -qq \
    || die "apt-get update failed"
  "${SUDO[@]}" timeout 600 apt-get -o DPkg::Lock::Timeout=120 install -y -qq "${missing[@]}" >/tmp/gh-devlake-apt.log 2>&1 \
    || { tail -n 30 /tmp/gh-devlake-apt.log >&2; die "apt-get install ${missing[*]} failed (log: /tmp/gh-devlake-apt.log)"; }
fi

BUSYBOX=/usr/bin/busybox
[ -x "$BUSYBOX" ] || BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || die "no busybox binary after installing busybox-static"
if command -v file >/dev/null 2>&1 && ! file -L "$BUSYBOX" | grep -q 'statically linked'; then
  die "$BUSYBOX is not statically linked (install busybox-static)"
fi

# --- Docker engine ---------------------------------------------------------------------------
docker_ping() {
  [ -S "$DOCKER_SOCK" ] || return 1
  [ "$(curl -s --max-time 3 --unix-socket "$DOCKER_SOCK" http://localhost/_ping 2>/dev/null || true)" = "OK" ]
}

# Is a process named dockerd alive? (/proc only: procps may not be installed.)
dockerd_running() {
  local f
  for f in /proc/[0-9]*/comm; do
    [ "$(cat "$f" 2>/dev/null)" = dockerd ] && return 0
  done
  return 1
}

if docker_ping; then
  log "Docker engine answers on $DOCKER_SOCK"
else
  if dockerd_running; then
    log "dockerd is running but not answering yet; waiting"
  else
    # Pid files left by a dockerd that was killed would block a new start.
    "${SUDO[@]}" rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
    log "starting dockerd (log: $DOCKERD_LOG)"
    # dockerd starts its own containerd when none is running.
    "${SUDO[@]}" sh -c "nohup dockerd >'$DOCKERD_LOG' 2>&1 </dev/null &"
  fi
  deadline=$((SECONDS + DOCKER_WAIT_SECONDS))
  until docker_ping; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 40 "$DOCKERD_LOG" >&2 2>/dev/null || true
      die "the Docker engine did not answer /_ping on $DOCKER_SOCK within ${DOCKER_WAIT_SECONDS}s (log: $DOCKERD_LOG)"
    fi
    if ! dockerd_running; then
      tail -n 40 "$DOCKERD_LOG" >&2 2>/dev/null || true
      die "dockerd exited during startup (log: $DOCKERD_LOG)"
    fi
    sleep 1
  done
  log "Docker engine is up"
fi

# --- node_modules ----------------------------------------------------------------------------
# npm ci when node_modules is missing or older than package-lock.json (npm ci also runs `prepare`).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ "${FORCE_NPM_CI:-}" = 1 ]; then
  log "npm ci"
  timeout 900 npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed"
else
  log "node_modules is up to date with package-lock.json"
fi
