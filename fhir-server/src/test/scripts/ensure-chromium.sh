#!/usr/bin/env bash
# The portal's browser tests drive Debian's Chromium through its ChromeDriver. This installs both
# from Debian's packages when they are missing (as root, or with passwordless sudo); a browser
# downloaded from elsewhere is not used. Exit 0 when both are there afterwards.
set -euo pipefail
have() { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; }
have && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "ensure-chromium: the browser tests need Debian's chromium and chromium-driver; install them: sudo apt-get install -y chromium chromium-driver" >&2
  exit 1
fi
echo "ensure-chromium: installing Debian's chromium and chromium-driver for the portal's browser tests..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 \
  || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q chromium chromium-driver >/dev/null; }
have || { echo "ensure-chromium: chromium or chromedriver is still missing after apt-get" >&2; exit 1; }
echo "ensure-chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
