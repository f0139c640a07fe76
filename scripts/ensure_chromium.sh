#!/usr/bin/env bash
# Make sure a real Chromium exists for the browser tests.
# Debian/Ubuntu: the distribution's chromium package (plus an emoji font, so the
# page icons show in screenshots); elsewhere: Playwright's own Chromium build.
set -euo pipefail
found=""
for c in "${CHROMIUM_PATH:-}" chromium chromium-browser google-chrome; do
  if [ -n "$c" ] && command -v "$c" >/dev/null 2>&1; then
    found="$(command -v "$c")"
    break
  fi
done
if command -v apt-get >/dev/null 2>&1; then
  need=()
  [ -n "$found" ] || need+=(chromium)
  dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
  if [ ${#need[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
  fi
elif [ -z "$found" ]; then
  .venv/bin/python -m playwright install chromium
fi
echo "chromium: ${found:-installed}"
