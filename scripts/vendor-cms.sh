#!/usr/bin/env bash
# Vendor the browser admin's scripts from npm into cchcgen/admin/vendor/ (package data).
#
# Run at release time (.github/workflows/release.yml) and by `make test-deps`: the files
# are not committed (decap-cms.js is 5 MB). Versions and npm's integrity hashes are pinned
# here; a tarball whose hash differs is refused. Needs Node's npm (Debian: apt install npm).
#   decap-cms  the admin (Decap CMS, bundled with React), MIT
#   js-yaml    reads and writes content/indices.yaml, a YAML list, which Decap cannot, MIT
set -euo pipefail
PACKAGES=(
  "decap-cms 3.16.3 sha512-hf+dPlCh7TJmWl8+6VRzHYOWhri5xgUknrZbDewaWe4s9B7xJ8PQugp2QHeSldMUKzav6+z0oIpwUYhUJDYtYw=="
  "js-yaml 4.1.0 sha512-wpxZs9NoxZaJESJGIZTyDEaYpl0FKSA+FB9aJiyemKhMwkxQg63h4T1KJgUGHpTqPDNRcmmYLugrRjJlBtWvRA=="
)
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/cchcgen/admin/vendor"
stamp="$dest/VERSIONS"
wanted=$(printf '%s\n' "${PACKAGES[@]}" | cut -d' ' -f1,2)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -f "$dest/decap-cms.js" ]; then
  exit 0  # already vendored
fi
command -v npm >/dev/null 2>&1 || { echo "vendor-cms: npm is missing (apt install npm)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for line in "${PACKAGES[@]}"; do
  read -r name version integrity <<<"$line"
  (cd "$work" && npm pack --silent "$name@$version" >/dev/null)
  tarball="$work/$name-$version.tgz"
  got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$got" != "$integrity" ]; then
    echo "vendor-cms: $name@$version does not match its pinned integrity hash" >&2
    exit 1
  fi
  mkdir -p "$work/$name"
  tar -xzf "$tarball" -C "$work/$name"
done
rm -rf "$dest.new"
mkdir -p "$dest.new"
cp "$work/decap-cms/package/dist/decap-cms.js" "$dest.new/decap-cms.js"
cp "$work/decap-cms/package/dist/decap-cms.js.LICENSE.txt" "$dest.new/decap-cms.LICENSE.txt"
cp "$work/js-yaml/package/dist/js-yaml.min.js" "$dest.new/js-yaml.min.js"
cp "$work/js-yaml/package/LICENSE" "$dest.new/js-yaml.LICENSE.txt"
echo "$wanted" >"$dest.new/VERSIONS"
rm -rf "$dest"
mv "$dest.new" "$dest"
echo "vendor-cms: $(echo "$wanted" | tr '\n' ' ')→ cchcgen/admin/vendor/"
