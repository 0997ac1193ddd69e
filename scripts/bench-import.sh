#!/bin/sh
# Times `brief import` of 10,000 generated raw insight lines into a fresh site
# (target: under 2 s), then a re-import of the same files (nothing to change).
#
# usage: scripts/bench-import.sh [WORK_DIR=/dev/shm/brief-bench-import] [LINES=10000]
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/dev/shm/brief-bench-import}
lines=${2:-10000}
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
brief=${CARGO_TARGET_DIR:-$repo/target}/release/brief
rm -rf "$work" && mkdir -p "$work/site"
python3 "$repo/scripts/gen-raw.py" "$work/raw" "$lines"
cp "$repo/config.toml" "$work/site/"
for run in first re-import; do
  start=$(date +%s.%N)
  "$brief" --root "$work/site" import "$work/raw" | tail -n 2
  end=$(date +%s.%N)
  echo "$run: $(echo "$end - $start" | bc) s"
done
