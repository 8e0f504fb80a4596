#!/usr/bin/env bash
# Installs what the observability tests drive from Debian's packages: headless Chromium (the Orleans dashboard in a
# real browser) and Prometheus (scrapes a running runtime). Idempotent; runs as root without a terminal.
# Usage: scripts/observability-tools.sh install   (prints the paths of chromium and prometheus)
set -euo pipefail

log() { echo "observability-tools.sh: $*" >&2; }

install_missing() {
  local packages=()
  command -v chromium >/dev/null 2>&1 || packages+=(chromium)
  command -v prometheus >/dev/null 2>&1 || packages+=(prometheus)
  (( ${#packages[@]} == 0 )) && return 0
  log "installing ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt run on the machine (a parallel build, services.sh) holds the lock for a while: wait for it.
  apt-get -o DPkg::Lock::Timeout=600 update -y </dev/null >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${packages[@]}" </dev/null >&2
  # Where systemd runs, the package starts a system Prometheus on :9090 (daprd's metrics port): the tests run their
  # own on a private port, so that service is switched off. Without systemd nothing was started.
  if [[ -d /run/systemd/system ]]; then systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
}

case "${1:-install}" in
  install)
    install_missing
    command -v chromium
    command -v prometheus
    ;;
  *) echo "usage: $0 install" >&2; exit 2 ;;
esac
