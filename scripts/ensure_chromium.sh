#!/usr/bin/env bash
# Make sure a real Chromium exists for the browser tests.
# Debian/Ubuntu: the distribution's chromium package; elsewhere: Playwright's build.
set -euo pipefail
for c in "${CHROMIUM_PATH:-}" chromium chromium-browser google-chrome; do
  if [ -n "$c" ] && command -v "$c" >/dev/null 2>&1; then
    echo "chromium: $(command -v "$c")"
    exit 0
  fi
done
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
else
  .venv/bin/python -m playwright install chromium
fi
