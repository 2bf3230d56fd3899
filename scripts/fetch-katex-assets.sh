#!/usr/bin/env bash
# Reproduces static/katex/ from the npm package of the exact KaTeX version that the
# `katex` crate bundles, so the CSS and fonts always match the HTML the crate emits.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
version=$(cargo metadata --format-version 1 --manifest-path "$repo/Cargo.toml" \
  | python3 -c 'import json,sys; m=json.load(sys.stdin); print(next(p["manifest_path"] for p in m["packages"] if p["name"]=="katex"))' \
  | xargs dirname | xargs -I{} cat {}/KATEX-VERSION | tr -d '[:space:]v')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "katex@$version" >/dev/null && tar xzf "katex-$version.tgz")
dest="$repo/static/katex"
rm -rf "$dest"
mkdir -p "$dest/fonts"
cp "$work/package/dist/katex.min.css" "$dest/"
cp "$work/package/dist/fonts/"*.woff2 "$work/package/dist/fonts/"*.woff "$work/package/dist/fonts/"*.ttf "$dest/fonts/"
cp "$work/package/LICENSE" "$dest/LICENSE"
echo "KaTeX $version assets written to $dest"
