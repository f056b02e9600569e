#!/usr/bin/env bash
# `npm test`: installs what the tests need on Debian/Ubuntu, builds, checks types and import rules,
# then runs every test (unit, conformance, contract, CLI, server and end-to-end in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use as oracles and drivers; nothing is skipped when they are missing.
missing=()
/usr/bin/python3 -c 'import onnx, numpy' 2>/dev/null || missing+=(python3-onnx python3-numpy)
[ -d /usr/share/libonnx-testdata/data/node ] || missing+=(libonnx-testdata)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "npm test: installing ${missing[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "npm test needs these Debian packages; install them, then run npm test again:"
    echo "  sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

node scripts/build.mjs
npx eslint .
npx vitest run "$@"
