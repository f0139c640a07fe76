#!/usr/bin/env bash
# Make sure an nginx binary exists for `make serve` and its tests.
# Debian/Ubuntu: the distribution's nginx package (only the binary is used: the
# service it installs is not started by us, and `make serve` writes its own config).
# Elsewhere: install nginx with your package manager, or point NGINX at a binary.
set -euo pipefail
found=""
for c in "${NGINX:-}" nginx /usr/sbin/nginx; do
  if [ -n "$c" ] && command -v "$c" >/dev/null 2>&1; then
    found="$(command -v "$c")"
    break
  fi
done
if [ -z "$found" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q nginx
    found="$(command -v nginx || echo /usr/sbin/nginx)"
  else
    echo "nginx not found: install it (e.g. brew install nginx) or set NGINX=/path/to/nginx" >&2
    exit 1
  fi
fi
echo "nginx: $found"
