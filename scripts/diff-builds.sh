#!/usr/bin/env bash
# Proves that two brief binaries produce the same site: builds the sample digest
# (the repository's own config.toml and content/) and a generated benchmark
# corpus with each binary, into fresh temp dirs with a fixed --base-url, and
# diffs the two output trees byte for byte. Prints "identical" per site, or the
# differing files (and their diffs), and exits 1 when any site differs.
#
# usage: scripts/diff-builds.sh OLD-BRIEF NEW-BRIEF
# env:   DIFF_INSIGHTS=10000        size of the generated corpus (0: skip it)
#        DIFF_TMP=/dev/shm          where sites and outputs are made
#        DIFF_GEN=<target>/release/examples/gen_corpus  the corpus generator
#                                   (built with --release when missing)
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 OLD-BRIEF NEW-BRIEF" >&2; exit 2; }
old=$(realpath "$1") new=$(realpath "$2")
repo=$(cd "$(dirname "$0")/.." && pwd)
insights=${DIFF_INSIGHTS:-10000}
target=${CARGO_TARGET_DIR:-$repo/target}
gen=${DIFF_GEN:-$target/release/examples/gen_corpus}
work=$(mktemp -d "${DIFF_TMP:-/dev/shm}/brief-diff.XXXXXX")
trap 'rm -rf "$work"' EXIT
base_url=https://example.org/digest/

# Builds site $1 with binary $2 into $3; a copy of the site each time, so
# neither build sees the other's cache.
build() { # site brief out
  local copy
  copy=$(mktemp -d "$work/site.XXXXXX")
  cp -r "$1/." "$copy"
  "$2" --root "$copy" build --output "$3" --base-url "$base_url" >/dev/null
  rm -rf "$copy"
}

status=0
compare() { # name site
  build "$2" "$old" "$work/old-$1"
  build "$2" "$new" "$work/new-$1"
  local files
  files=$(find "$work/old-$1" -type f | wc -l)
  if diff -r "$work/old-$1" "$work/new-$1" >"$work/diff-$1"; then
    echo "$1: identical ($files files)"
  else
    echo "$1: DIFFERENT"
    head -n 200 "$work/diff-$1"
    status=1
  fi
}

mkdir -p "$work/sample"
cp "$repo/config.toml" "$work/sample/"
cp -r "$repo/content" "$work/sample/"
compare sample "$work/sample"

if [ "$insights" -gt 0 ]; then
  [ -x "$gen" ] || cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --example gen_corpus
  "$gen" --insights "$insights" --out "$work/corpus"
  compare "corpus-$insights" "$work/corpus"
fi
exit "$status"
