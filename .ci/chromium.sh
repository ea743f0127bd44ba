#!/usr/bin/env bash
# The browser tests (tests/web) drive Debian's chromium through playwright-core. Install
# it when it is missing (playwright-core downloads no browser of its own).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi
