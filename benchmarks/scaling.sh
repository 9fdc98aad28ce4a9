#!/usr/bin/env bash
# How the runnable reference server's cost grows with work: deposit and fetch throughput, p50 and
# p99 latency and server CPU per request across artifact sizes (4 KiB … 1 GiB) and concurrent
# connections (1 … 128), on SQLite metadata, and deposits of the small sizes once more on
# PostgreSQL metadata. Prints a markdown table ready to paste into benchmarks/README.md.
#
# Sizes up to 1 MiB are driven by wrk --latency (the body built once per thread in Lua, from the
# input file); larger ones by parallel curl processes (xargs -P), each request timed by curl.
# Builds nothing: run `mvn -B -q -DskipTests package` first. Meant for a quiet machine; it prints
# the load average before and after. See benchmarks/README.md ("Scaling") for the knobs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRIPT=scaling.sh
# shellcheck source=benchmarks/lib.sh
source "$ROOT/benchmarks/lib.sh"

SERVER_JAR=${SERVER_JAR:-$ROOT/eden-artifacts-server/target/eden-artifacts-server.jar}
WORK=${EDEN_BENCH_DIR:-/var/tmp/eden-artifacts-bench}
HEAP=${HEAP:-64m}                                   # the server's fixed, pre-touched heap
SCALE_DURATION=${SCALE_DURATION:-10s}               # each wrk cell
SCALE_WARMUP=${SCALE_WARMUP:-10s}                   # untimed wrk load after each server start
SCALE_SIZES=${SCALE_SIZES:-4KiB 64KiB 1MiB 64MiB 1GiB}
SCALE_CONNECTIONS=${SCALE_CONNECTIONS:-1 8 32 128}
SCALE_BYTES=${SCALE_BYTES:-4GiB}                    # a curl cell moves at least this (and >= 1 request a connection)
SCALE_MAX_DEPOSIT_BYTES=${SCALE_MAX_DEPOSIT_BYTES:-16GiB} # larger curl deposit cells: "skipped (disk)"
SCALE_MAX_FETCH_BYTES=${SCALE_MAX_FETCH_BYTES:-32GiB}     # larger curl fetch cells: "skipped (time)"
SCALE_DISK_RESERVE=${SCALE_DISK_RESERVE:-10GiB}     # a deposit cell leaves at least this free
SCALE_PG=${SCALE_PG:-1}                             # 1: the PostgreSQL column (PG_URL or .ci/start-postgres)
SCALE_PG_SIZES=${SCALE_PG_SIZES:-4KiB 64KiB}
PG_URL=${PG_URL:-}
SERVER_PORT=${SERVER_PORT:-18080}
KEEP=${KEEP:-0}                                     # 1: keep the data directories and the schema

WRK_LARGEST=$((1024 * 1024))   # wrk keeps a body per thread in memory: above this, curl
WORKERS=4                      # enrolled workers: one per wrk thread, deposits by curl in turn
# The default admission caps (--max-concurrent-deposits 64, 16 per worker) answer 503 beyond them,
# by design; here every connection must be admitted so the table shows the cost of the work.
MAX_DEPOSITS=160
MAX_DEPOSITS_PER_WORKER=64
WRK_OPTS=(--timeout 30s)       # a 1 MiB deposit among 128 waits for its fsync; a timeout still fails

bytes_of() { # 4KiB, 64MiB, 1GiB, or plain bytes -> bytes
  local n=${1%[KMG]iB}
  [[ $n =~ ^[0-9]+$ ]] || die "not a size: $1 (e.g. 4KiB, 64MiB, 1GiB)"
  case $1 in
    *KiB) echo $((n * 1024)) ;;
    *MiB) echo $((n * 1024 * 1024)) ;;
    *GiB) echo $((n * 1024 * 1024 * 1024)) ;;
    *) echo "$n" ;;
  esac
}
check_seconds SCALE_DURATION "$SCALE_DURATION"
check_seconds SCALE_WARMUP "$SCALE_WARMUP"
for c in $SCALE_CONNECTIONS; do
  [[ $c =~ ^[0-9]+$ ]] || die "SCALE_CONNECTIONS: each 1..128"
  ((c >= 1 && c <= 128)) || die "SCALE_CONNECTIONS: each 1..128"
done
for s in $SCALE_SIZES $SCALE_PG_SIZES; do
  (($(bytes_of "$s") >= 1 && $(bytes_of "$s") <= 1024 * 1024 * 1024)) || die "sizes: each 1 byte .. 1GiB"
done
for s in $SCALE_PG_SIZES; do
  (($(bytes_of "$s") <= WRK_LARGEST)) || die "SCALE_PG_SIZES: each at most 1MiB (wrk)"
done
CELL_BYTES=$(bytes_of "$SCALE_BYTES")
MAX_DEPOSIT_BYTES=$(bytes_of "$SCALE_MAX_DEPOSIT_BYTES")
MAX_FETCH_BYTES=$(bytes_of "$SCALE_MAX_FETCH_BYTES")
DISK_RESERVE=$(bytes_of "$SCALE_DISK_RESERVE")
[[ -f $SERVER_JAR ]] || die "no $SERVER_JAR: run 'mvn -B -q -DskipTests package' first"
require java curl awk sort xargs df find
if [[ $SCALE_PG == 1 ]]; then require psql; pg_connect; fi
install_missing wrk:wrk
require_free_ports SERVER_PORT

INPUTS=$WORK/inputs
mkdir -p "$INPUTS" "$WORK/runs"
input_of() { echo "$INPUTS/random-$1.bin"; }
for s in $SCALE_SIZES $SCALE_PG_SIZES 64MiB; do make_input "$(input_of "$s")" "$(bytes_of "$s")"; done
for s in $SCALE_SIZES 64MiB; do cat "$(input_of "$s")" >/dev/null; done # into the page cache

RUN=$(mktemp -d "$WORK/runs/$(date -u +%Y%m%dT%H%M%SZ)-scaling-XXXX")
mkdir -p "$RUN/cells" "$RUN/results"
SERVER_PID=""
cleanup() {
  local rc=$?
  stop_processes "$SERVER_PID"
  # Only the files above 64 KiB go: deleting the many small ones would slow the next run's file
  # creation on this disk for minutes.
  if [[ $KEEP != 1 ]]; then
    find "$RUN" -path "$RUN/data-*" -type f -size +64k -delete 2>/dev/null || true
  fi
  pg_drop_schema
  echo "run directory: $RUN"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

REVISION=$(revision)
LOAD_BEFORE=$(loadavg)
note "load average before: $LOAD_BEFORE"
note "revision $REVISION; HEAP=$HEAP SCALE_DURATION=$SCALE_DURATION SCALE_SIZES='$SCALE_SIZES' SCALE_CONNECTIONS='$SCALE_CONNECTIONS' SCALE_BYTES=$SCALE_BYTES SCALE_PG=$SCALE_PG"
note "run directory: $RUN"

EXPERIMENT=$(new_experiment_id)
BASE=http://127.0.0.1:$SERVER_PORT
ENDPOINT=$BASE/v0/experiments/$EXPERIMENT/artifacts

# Starts a server on metadata $1 (sqlite or postgres) with a fresh data directory and $WORKERS
# enrolled workers (BEARERS), and warms it up.
start() { # metadata
  DATA=$RUN/data-$1
  local db=()
  [[ $1 == postgres ]] && db=(--db "$SCHEMA_URL")
  BEARERS=()
  for _ in $(seq 1 "$WORKERS"); do
    BEARERS+=("$(add_worker --data-dir "$DATA" ${db[@]+"${db[@]}"})")
  done
  AUTH=(-H "Authorization: Bearer ${BEARERS[0]}" -H "X-Eden-Experiment-Id: $EXPERIMENT")
  EDEN_ADMIN_TOKEN=$(random_chars 'A-Za-z0-9' 40) start_server "$RUN/server-$1.log" \
    -Xms"$HEAP" -Xmx"$HEAP" -XX:+AlwaysPreTouch -Xlog:gc:file="$RUN/gc-$1.log":uptime -- \
    serve --host 127.0.0.1 --port "$SERVER_PORT" --data-dir "$DATA" ${db[@]+"${db[@]}"} \
    --experiment-id "$EXPERIMENT" --max-artifact-bytes $((2 * 1024 * 1024 * 1024)) --access-log off \
    --max-concurrent-deposits "$MAX_DEPOSITS" --max-concurrent-deposits-per-worker "$MAX_DEPOSITS_PER_WORKER"
  note "server ($1 metadata) pid $SERVER_PID on $BASE, heap -Xms$HEAP -Xmx$HEAP, $WORKERS workers"
  note "warming up (3 deposits and fetches of 64 MiB, $SCALE_WARMUP each of 4 KiB deposits and fetches)"
  local res uri
  for _ in 1 2 3; do
    res=$(deposit "$(input_of 64MiB)")
    uri=${res#* }
    fetch "$ENDPOINT?uri=$(urlencode "$uri")" $((64 * 1024 * 1024)) "${AUTH[@]}" >/dev/null
  done
  first_deposits "$(input_of 4KiB)" "${BEARERS[@]}"
  res=$(deposit "$(input_of 4KiB)")
  fetch_lua "$RUN/warm-fetch.lua" "$EXPERIMENT" "${BEARERS[0]} ${res#* }"
  deposit_lua "$RUN/warm-deposit.lua" "$(input_of 4KiB)" "$EXPERIMENT" "${BEARERS[@]}"
  wrk_run -t2 -c8 -d"$SCALE_WARMUP" -s "$RUN/warm-deposit.lua" "$BASE" >/dev/null
  wrk_run -t2 -c32 -d"$SCALE_WARMUP" -s "$RUN/warm-fetch.lua" "$BASE" >/dev/null
}
stop() {
  stop_processes "$SERVER_PID"
  SERVER_PID=""
}

wrk_threads() { if (($1 == 1)); then echo 1; elif (($1 <= 8)); then echo 2; else echo 4; fi; }
free_bytes() { df -B1 --output=avail "$DATA" | tail -n 1 | tr -d ' '; }
# A cell's result: "<requests/s> <MiB/s> <p50 ms> <p99 ms> <server CPU us/request> <client>", or a
# "skipped (...)" line; in $RUN/cells/<metadata>-<op>-<size>-<connections>.
cell_file() { echo "$RUN/cells/$1-$2-$3-$4"; }
cell_result() { # metadata op size connections requests/s bytes requests cpu-seconds p50 p99 client
  local mib us
  mib=$(awk -v r="$5" -v b="$6" 'BEGIN { printf "%.1f", r * b / 1048576 }')
  us=$(per_op_us "$8" "$7")
  echo "$5 $mib $9 ${10} $us ${11}" >"$(cell_file "$1" "$2" "$3" "$4")"
  note "  $2 $3 x$4: $5 req/s, $mib MiB/s, p50 $9 ms, p99 ${10} ms, server CPU $us us/request (${11})"
}
skip() { # metadata op size connections reason
  echo "skipped ($5)" >"$(cell_file "$1" "$2" "$3" "$4")"
  note "  $2 $3 x$4: skipped ($5)"
}

wrk_cell() { # metadata op size connections script
  local t res rps n p50 p99 cpu0 cpu
  t=$(wrk_threads "$4")
  cpu0=$(cpu_of "$SERVER_PID")
  res=$(wrk_run --latency -t"$t" -c"$4" -d"$SCALE_DURATION" -s "$5" "$BASE")
  cpu=$(cpu_delta "$cpu0" "$(cpu_of "$SERVER_PID")")
  read -r rps n p50 p99 <<<"$res"
  if ((n == 0)); then p50=">${SCALE_DURATION%s}000" p99=">${SCALE_DURATION%s}000"; fi # none finished
  cell_result "$1" "$2" "$3" "$4" "$rps" "$(bytes_of "$3")" "$n" "$cpu" "$p50" "$p99" "wrk -t$t -c$4 $SCALE_DURATION"
}
# n requests by curl, $4 at a time (xargs -P), each timed by curl itself; every answer checked.
curl_cell() { # metadata op size connections requests uri-to-fetch
  local meta=$1 op=$2 size=$3 c=$4 n=$5 bytes times start wall cpu0 cpu
  bytes=$(bytes_of "$size")
  times=$RUN/results/curl-$meta-$op-$size-$c
  : >"$times"
  cpu0=$(cpu_of "$SERVER_PID")
  start=$(ms_now)
  if [[ $op == deposit ]]; then
    # One bearer a request, the workers in turn: a steady fleet, each under its own cap.
    for i in $(seq 0 $((n - 1))); do echo "${BEARERS[i % WORKERS]}"; done |
      xargs -P "$c" -I{} curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' \
        -H "Authorization: Bearer {}" -H "X-Eden-Experiment-Id: $EXPERIMENT" \
        -F "file=@$(input_of "$size");type=application/octet-stream" "$ENDPOINT" >>"$times" \
      || die "curl failed during the deposits (answers so far: $times)"
    wall=$(seconds_since "$start")
    awk '$1 != 201 { bad++ } END { exit bad > 0 }' "$times" || die "a deposit did not answer 201: $times"
  else
    seq 1 "$n" | xargs -P "$c" -I{} curl -sS -o /dev/null -w '%{http_code} %{size_download} %{time_total}\n' \
      "${AUTH[@]}" "$ENDPOINT?uri=$(urlencode "$6")" >>"$times" \
      || die "curl failed during the fetches (answers so far: $times)"
    wall=$(seconds_since "$start")
    awk -v b="$bytes" '$1 != 200 || $2 != b { bad++ } END { exit bad > 0 }' "$times" \
      || die "a fetch did not answer 200 with $bytes bytes: $times"
    awk '{ print $1, $3 }' "$times" >"$times.t" && mv "$times.t" "$times"
  fi
  cpu=$(cpu_delta "$cpu0" "$(cpu_of "$SERVER_PID")")
  [[ $(wc -l <"$times") == "$n" ]] || die "$n requests, $(wc -l <"$times") answers: $times"
  # Nearest-rank percentiles of the per-request times (in ms).
  read -r p50 p99 < <(awk '{ print $2 * 1000 }' "$times" | sort -g | awk '{ v[NR] = $1 }
    function at(q,  k) { k = int(q * NR); if (k < q * NR) k++; return v[k < 1 ? 1 : k] }
    END { printf "%.2f %.2f\n", at(0.5), at(0.99) }')
  cell_result "$meta" "$op" "$size" "$c" "$(awk -v n="$n" -v s="$wall" 'BEGIN { printf "%.2f", n / s }')" \
    "$bytes" "$n" "$cpu" "$p50" "$p99" "curl x$n, $c at a time"
}
curl_requests() { # size connections -> a multiple of the connections, moving at least SCALE_BYTES
  local want=$(((CELL_BYTES + $1 - 1) / $1))
  ((want < $2)) && want=$2
  echo $(($2 * ((want + $2 - 1) / $2)))
}

# All cells of one size on the running server: deposits at each concurrency, then fetches of one
# artifact of that size deposited by the first worker. The curl cells' deposits (64 MiB, 1 GiB) are
# deleted right after their cell (their rows stay; nothing fetches them): a few large files, so the
# disk holds one such cell at a time.
measure_size() { # metadata size ops
  local meta=$1 size=$2 ops=$3 bytes input c n rate script res target uri
  bytes=$(bytes_of "$size")
  input=$(input_of "$size")
  note "$size ($meta metadata): $ops"
  res=$(deposit "$input")
  uri=${res#* }
  target=${uri##*/}
  if [[ $ops == *deposit* ]]; then
    ((bytes <= WRK_LARGEST)) && deposit_lua "$RUN/deposit-$size.lua" "$input" "$EXPERIMENT" "${BEARERS[@]}"
    for c in $SCALE_CONNECTIONS; do
      if ((bytes <= WRK_LARGEST)); then
        # Bytes unknown ahead: assume at most 50,000 deposits/s or 1 GiB/s for the whole cell.
        rate=$((bytes * 50000 < 1024 * 1024 * 1024 ? bytes * 50000 : 1024 * 1024 * 1024))
        if (($(free_bytes) - ${SCALE_DURATION%s} * rate < DISK_RESERVE)); then
          skip "$meta" deposit "$size" "$c" disk
          continue
        fi
        wrk_cell "$meta" deposit "$size" "$c" "$RUN/deposit-$size.lua"
      else
        n=$(curl_requests "$bytes" "$c")
        if ((n * bytes > MAX_DEPOSIT_BYTES || $(free_bytes) - n * bytes < DISK_RESERVE)); then
          skip "$meta" deposit "$size" "$c" disk
          continue
        fi
        curl_cell "$meta" deposit "$size" "$c" "$n"
      fi
      if ((bytes > WRK_LARGEST)); then
        find "$DATA/blobs" -type f -size "${bytes}c" ! -name "$target" -delete
      fi
    done
  fi
  if [[ $ops == *fetch* ]]; then
    script=$RUN/fetch-$size.lua
    ((bytes <= WRK_LARGEST)) && fetch_lua "$script" "$EXPERIMENT" "${BEARERS[0]} $uri"
    for c in $SCALE_CONNECTIONS; do
      if ((bytes <= WRK_LARGEST)); then
        wrk_cell "$meta" fetch "$size" "$c" "$script"
      else
        n=$(curl_requests "$bytes" "$c")
        if ((n * bytes > MAX_FETCH_BYTES)); then
          skip "$meta" fetch "$size" "$c" time
          continue
        fi
        curl_cell "$meta" fetch "$size" "$c" "$n" "$uri"
      fi
    done
  fi
}

start sqlite
for size in $SCALE_SIZES; do measure_size sqlite "$size" "deposit fetch"; done
stop
PG_VERSION=""
if [[ $SCALE_PG == 1 ]]; then
  pg_schema "bench_$(random_chars 'a-z0-9' 12)"
  PG_VERSION=$(pg_version)
  note "metadata: PostgreSQL $PG_VERSION, schema $PG_SCHEMA"
  start postgres
  for size in $SCALE_PG_SIZES; do measure_size postgres "$size" deposit; done
  stop
fi
LOAD_AFTER=$(loadavg)

# ---- the table ----
skipped() { [[ -f $1 ]] && grep -q '^skipped' "$1"; }
field() { # cell-file field-number -> that field, or "–" for a cell skipped or not measured
  if [[ -f $1 ]] && ! skipped "$1"; then awk -v f="$2" '{ print $f }' "$1"; else echo "–"; fi
}
client() { # cell-file -> how it was driven, or why it was skipped
  if skipped "$1"; then cat "$1"; elif [[ -f $1 ]]; then cut -d' ' -f6- "$1"; else echo "–"; fi
}
label() { if [[ $1 =~ ^([0-9]+)([KMG]iB)$ ]]; then echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"; else echo "$1 B"; fi; }
# Numbers as in the README: 12,345 and 812 from 100 up, 1.23 below; anything else as it is.
fmt() {
  if [[ $1 =~ ^[0-9.]+$ ]]; then
    awk -v v="$1" 'BEGIN {
      if (v < 100) { printf "%.2f\n", v; exit }
      s = sprintf("%.0f", v); out = ""
      while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
      print s out }'
  else
    echo "$1"
  fi
}

echo
echo "eden-artifacts scaling, $(date -u +%Y-%m-%dT%H:%MZ), revision $REVISION, $(nproc) CPUs, load average before: $LOAD_BEFORE, after: $LOAD_AFTER"
echo "server: -Xms$HEAP -Xmx$HEAP -XX:+AlwaysPreTouch, --max-concurrent-deposits $MAX_DEPOSITS, --max-concurrent-deposits-per-worker $MAX_DEPOSITS_PER_WORKER, $WORKERS workers; SQLite metadata${PG_VERSION:+, and PostgreSQL $PG_VERSION for the last columns}"
echo
echo "| operation | size | connections | client | requests/s | MiB/s | p50 ms | p99 ms | server CPU µs/request | PostgreSQL requests/s | PostgreSQL p50 ms | PostgreSQL p99 ms |"
echo "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for op in deposit fetch; do
  for size in $SCALE_SIZES; do
    for c in $SCALE_CONNECTIONS; do
      f=$(cell_file sqlite "$op" "$size" "$c")
      pf=$(cell_file postgres "$op" "$size" "$c")
      if [[ -f $pf ]]; then
        pg="$(fmt "$(field "$pf" 1)") | $(fmt "$(field "$pf" 3)") | $(fmt "$(field "$pf" 4)")"
      elif [[ $SCALE_PG == 1 && $op == fetch && " $SCALE_PG_SIZES " == *" $size "* ]]; then
        pg="as SQLite: the row cache answers | – | –"
      else
        pg="– | – | –"
      fi
      echo "| $op | $(label "$size") | $c | $(client "$f") | $(fmt "$(field "$f" 1)") | $(fmt "$(field "$f" 2)") | $(fmt "$(field "$f" 3)") | $(fmt "$(field "$f" 4)") | $(fmt "$(field "$f" 5)") | $pg |"
    done
  done
done
