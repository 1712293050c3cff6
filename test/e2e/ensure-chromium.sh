#!/usr/bin/env bash
# Makes sure Debian's Chromium is present for the e2e tier. We never let playwright download a browser: the
# distribution package is what CI machines and this sandbox can reach, and it is patched by the OS.
set -euo pipefail

if [ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null 2>&1; then
  exit 0
fi

# Root in containers has no sudo; ordinary users on dev machines need it.
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

echo "== installing Debian chromium for the e2e tests"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
test -x /usr/lib/chromium/chromium || command -v chromium >/dev/null
