#!/usr/bin/env bash
# The browser tests (tests/web, tests/admin) drive Debian's chromium through
# playwright-core. Install it when it is missing (playwright-core downloads no browser of
# its own), with the fonts that make Chinese and emoji visible in screenshots.
set -euo pipefail
need=""
[ -x /usr/bin/chromium ] || need="chromium"
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need="$need fonts-noto-cjk"
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need="$need fonts-noto-color-emoji"
if [ -n "$need" ]; then
  echo "installing:$need"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need
fi
