#!/usr/bin/env bash
# Remakes docs/screenshots/: an article of the example archive on a desktop and a phone, in the
# light and the dark scheme, shot by Debian's Chromium through playwright-core
# (tests/browser/screenshots.mjs). Needs `npm ci` in tests/browser, /usr/bin/chromium and CJK
# fonts (apt-get install chromium fonts-noto-cjk).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo run --quiet --manifest-path "$repo/Cargo.toml" -- build --root "$repo" --output "$work/public"
cd "$repo/tests/browser"
node screenshots.mjs "$work/public" "$repo/docs/screenshots" "${LEMMA_CHROMIUM:-/usr/bin/chromium}"
