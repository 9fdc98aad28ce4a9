#!/usr/bin/env bash
# Measures the runnable reference server on loopback against this machine's own baselines, in one
# run: 1 GiB deposit vs `dd conv=fsync`, 1 GiB fetch vs nginx, 4 KiB fetch under wrk vs nginx,
# 4 KiB deposits under wrk (8 and 32 connections) vs the raw durable-write limit of the same file
# system (durable-write.c, built here, at 8 and 32 threads), and the server's heap during the 1 GiB
# transfers and the 4 KiB deposits. Prints a summary table with the ratios and the targets.
#
# Builds nothing but durable-write.c: run `mvn -B -q -DskipTests package` first. Meant for a quiet
# machine; it prints the load average before and after. See benchmarks/README.md for the knobs
# (environment variables). benchmarks/scaling.sh measures how cost grows with size and concurrency.
#
# MODE=s3 benchmarks/run.sh measures the server on PostgreSQL and an S3 bucket (s3proxy) instead,
# against the AWS SDK for Java 2 talking to the same s3proxy directly: 1 GiB deposit vs PutObject,
# 1 GiB fetch vs GetObject, 4 KiB deposits and fetches under wrk vs the SDK from 8 threads
# (benchmarks/run-s3.sh, which that mode runs; its knobs are in benchmarks/README.md, "S3 mode").
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVER_JAR=${SERVER_JAR:-$ROOT/eden-artifacts-server/target/eden-artifacts-server.jar}
DRIVER_JAR=${DRIVER_JAR:-$ROOT/benchmarks/target/eden-artifacts-benchmarks.jar}
# Inputs (1 GiB of random bytes, ...) are made once and kept here; every run gets its own subdirectory.
WORK=${EDEN_BENCH_DIR:-/var/tmp/eden-artifacts-bench}
HEAP=${HEAP:-64m}                       # the server's fixed, pre-touched heap (-Xms = -Xmx)
REPEAT=${REPEAT:-3}                     # rounds of each 1 GiB measurement; the median counts
WRK_ROUNDS=${WRK_ROUNDS:-2}             # rounds of each 10 s wrk measurement; the median counts
WRK_DURATION=${WRK_DURATION:-10s}
WRK_WARMUP=${WRK_WARMUP:-10s}           # untimed wrk against each server first (JIT, caches)
SERVER_PORT=${SERVER_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
CLIENT_DRIVER=${CLIENT_DRIVER:-1}       # 1: also time the Java client SDK (StoreClient)
KEEP=${KEEP:-0}                         # 1: keep this run's data directory and dd files

SCRIPT=run.sh
# shellcheck source=benchmarks/lib.sh
source "$ROOT/benchmarks/lib.sh"

GIB=$((1024 * 1024 * 1024))
MAX_ARTIFACT_BYTES=$((2 * GIB))
SMALL_BYTES=4096
DEPOSIT_CONNECTIONS=(8 32)              # the 4 KiB deposit rows, and durable-write's thread counts
# One enrolled worker per wrk thread, at most 16 connections each (the server's default
# --max-concurrent-deposits-per-worker): -c8 runs -t2, -c32 -t4.
deposit_threads() { if (($1 <= 8)); then echo 2; else echo 4; fi; }
WORKERS=4

MODE=${MODE:-file}                      # file: everything below; s3: run-s3.sh
case $MODE in
  file) ;;
  s3) exec bash "$ROOT/benchmarks/run-s3.sh" ;;
  *) die "MODE must be file or s3" ;;
esac

check_count REPEAT "$REPEAT"
check_count WRK_ROUNDS "$WRK_ROUNDS"
check_seconds WRK_DURATION "$WRK_DURATION"
check_seconds WRK_WARMUP "$WRK_WARMUP"
[[ -f $SERVER_JAR ]] || die "no $SERVER_JAR: run 'mvn -B -q -DskipTests package' first"
require java jstat curl dd awk sort
install_missing nginx:nginx wrk:wrk cc:gcc
if [[ $CLIENT_DRIVER == 1 && ! -f $DRIVER_JAR ]]; then
  note "no $DRIVER_JAR: skipping the client SDK rows"
  CLIENT_DRIVER=0
fi
require_free_ports SERVER_PORT NGINX_PORT

INPUTS=$WORK/inputs
mkdir -p "$INPUTS" "$WORK/runs"
SRC=$INPUTS/random-1GiB.bin
WARM=$INPUTS/random-64MiB.bin
SMALL=$INPUTS/random-4KiB.bin
make_input "$SRC" "$GIB"
make_input "$WARM" $((64 * 1024 * 1024))
make_input "$SMALL" "$SMALL_BYTES"
cat "$SRC" "$WARM" >/dev/null # into the page cache: dd, curl and the client all read it from there

RUN=$(mktemp -d "$WORK/runs/$(date -u +%Y%m%dT%H%M%SZ)-XXXX")
DATA=$RUN/data
RAW=$RUN/durable-write # durable-write's directories: beside the data directory, same file system
mkdir -p "$RUN/nginx/tmp" "$RUN/results" "$RUN/bin" "$RAW"

SERVER_PID=""
NGINX_PID=""
JSTAT_PID=""
cleanup() {
  local rc=$?
  stop_processes "$JSTAT_PID" "$NGINX_PID" "$SERVER_PID"
  # Only after measuring, and only the big files (dd copies, 1 GiB and 64 MiB blobs): deleting the
  # hundreds of thousands of 4 KiB files of the deposit rows would slow the next run's file
  # creation on this disk for minutes. The logs and results stay too.
  if [[ $KEEP != 1 ]]; then
    rm -f "$RUN"/dd-*.bin
    find "$DATA" -type f -size +1M -delete 2>/dev/null || true
  fi
  echo "run directory: $RUN"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The raw durable-write limit: durable-write.c, compiled into the run directory.
cc -O2 -Wall -Wextra -pthread -o "$RUN/bin/durable-write" "$ROOT/benchmarks/durable-write.c" \
  || die "cannot compile benchmarks/durable-write.c"
durable_write() { # threads round -> prints ops/s
  local dir=$RAW/$1-$2 out
  mkdir -p "$dir"
  out=$("$RUN/bin/durable-write" "$dir" "$1" "${WRK_DURATION%s}" "$SMALL_BYTES")
  echo "$out" >>"$RUN/durable-write.txt"
  sed -n 's/.* ops_per_s=\([0-9.]*\)$/\1/p' <<<"$out"
}

REVISION=$(revision)
LOAD_BEFORE=$(loadavg)
note "load average before: $LOAD_BEFORE"
note "revision $REVISION; HEAP=$HEAP REPEAT=$REPEAT WRK_ROUNDS=$WRK_ROUNDS WRK_DURATION=$WRK_DURATION WRK_WARMUP=$WRK_WARMUP"
note "run directory: $RUN"

# ---- the server: fixed pre-touched heap, GC log, a fresh data directory, enrolled workers ----
EXPERIMENT=$(new_experiment_id)
ADMIN_TOKEN=$(random_chars 'A-Za-z0-9' 40)
BEARERS=()
for _ in $(seq 1 "$WORKERS"); do BEARERS+=("$(add_worker --data-dir "$DATA")"); done
BEARER=${BEARERS[0]} # the steady worker of the fetch rows
EDEN_ADMIN_TOKEN=$ADMIN_TOKEN start_server "$RUN/server.log" \
  -Xms"$HEAP" -Xmx"$HEAP" -XX:+AlwaysPreTouch -Xlog:gc:file="$RUN/gc.log":uptime -- \
  serve --host 127.0.0.1 --port "$SERVER_PORT" --data-dir "$DATA" \
  --experiment-id "$EXPERIMENT" --max-artifact-bytes "$MAX_ARTIFACT_BYTES" --access-log off
BASE=http://127.0.0.1:$SERVER_PORT
ENDPOINT=$BASE/v0/experiments/$EXPERIMENT/artifacts
note "server pid $SERVER_PID on $BASE, heap -Xms$HEAP -Xmx$HEAP -XX:+AlwaysPreTouch, $WORKERS workers"
[[ $(stat -c %d "$DATA") == "$(stat -c %d "$RAW")" ]] || die "$RAW is not on the data directory's file system"

# ---- nginx: a throwaway config serving the server's own blob directory ----
NGINX_USER=""
[[ $EUID -eq 0 ]] && NGINX_USER="user root;" # the data directory is owner-only
cat >"$RUN/nginx/nginx.conf" <<NGINX
$NGINX_USER
daemon off;
worker_processes auto;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log warn;
events { worker_connections 4096; }
http {
  # Its strongest fair setup for static files: Debian's sendfile and tcp_nopush, a listening
  # socket per worker (reuseport), no access log (the server runs with --access-log off too).
  sendfile on;
  tcp_nopush on;
  access_log off;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  client_body_temp_path $RUN/nginx/tmp/body;
  proxy_temp_path $RUN/nginx/tmp/proxy;
  fastcgi_temp_path $RUN/nginx/tmp/fastcgi;
  uwsgi_temp_path $RUN/nginx/tmp/uwsgi;
  scgi_temp_path $RUN/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT reuseport;
    root $DATA/blobs;
  }
}
NGINX
nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 1 50); do port_open "$NGINX_PORT" && break; sleep 0.1; done
port_open "$NGINX_PORT" || die "nginx did not start: $(cat "$RUN/nginx/error.log")"
note "nginx $(nginx -v 2>&1 | sed 's/.*\///') pid $NGINX_PID on 127.0.0.1:$NGINX_PORT"

AUTH=(-H "Authorization: Bearer $BEARER" -H "X-Eden-Experiment-Id: $EXPERIMENT")
nginx_url() { echo "http://127.0.0.1:$NGINX_PORT/$(blob_name "$1")"; } # artifacts_uri -> URL

# ---- warm-up: JIT, connection paths and the server's first-touch memory ----
note "warming up (3 deposits and fetches of 64 MiB, $WRK_WARMUP of 4 KiB fetches per server, $WRK_WARMUP of 4 KiB deposits)"
for _ in 1 2 3; do
  res=$(deposit "$WARM")
  warm_uri=${res#* }
  fetch "$ENDPOINT?uri=$(urlencode "$warm_uri")" $((64 * 1024 * 1024)) "${AUTH[@]}" >/dev/null
  fetch "$(nginx_url "$warm_uri")" $((64 * 1024 * 1024)) >/dev/null
done
first_deposits "$SMALL" "${BEARERS[@]}"
res=$(deposit "$SMALL")
small_uri=${res#* }
fetch_lua "$RUN/fetch.lua" "$EXPERIMENT" "$BEARER $small_uri"
deposit_lua "$RUN/deposit.lua" "$SMALL" "$EXPERIMENT" "${BEARERS[@]}"
SMALL_NGINX_URL=$(nginx_url "$small_uri")
fetch "$ENDPOINT?uri=$(urlencode "$small_uri")" "$SMALL_BYTES" "${AUTH[@]}" >/dev/null
fetch "$SMALL_NGINX_URL" "$SMALL_BYTES" >/dev/null
wrk_run -t2 -c32 -d"$WRK_WARMUP" -s "$RUN/fetch.lua" "$BASE" >/dev/null
wrk_run -t2 -c32 -d"$WRK_WARMUP" "$SMALL_NGINX_URL" >/dev/null
wrk_run -t2 -c8 -d"$WRK_WARMUP" -s "$RUN/deposit.lua" "$BASE" >/dev/null

# ---- 1 GiB deposit vs dd conv=fsync, interleaved round by round (heap sampled throughout) ----
heap_watch_start 1gib
note "1 GiB deposit (curl -F) vs dd bs=1M conv=fsync, $REPEAT rounds"
for i in $(seq 1 "$REPEAT"); do
  start=$(ms_now)
  dd if="$SRC" of="$RUN/dd-$i.bin" bs=1M conv=fsync status=none
  dd_s=$(seconds_since "$start")
  cpu0=$(cpu_of "$SERVER_PID")
  res=$(deposit "$SRC")
  cpu=$(cpu_delta "$cpu0" "$(cpu_of "$SERVER_PID")")
  dep_s=${res%% *}
  big_uri=${res#* }
  record dd "$(mibps $GIB "$dd_s")"
  record deposit "$(mibps $GIB "$dep_s")"
  record deposit_cpu "$cpu"
  note "  round $i: dd $dd_s s ($(mibps $GIB "$dd_s") MiB/s), deposit $dep_s s ($(mibps $GIB "$dep_s") MiB/s, server CPU $cpu s)"
done

# ---- 1 GiB fetch vs nginx serving the same blob file ----
note "1 GiB fetch (curl -o /dev/null) vs nginx on the same blob file, $REPEAT rounds"
BIG_URL="$ENDPOINT?uri=$(urlencode "$big_uri")"
BIG_NGINX_URL=$(nginx_url "$big_uri")
for i in $(seq 1 "$REPEAT"); do
  ng_s=$(fetch "$BIG_NGINX_URL" $GIB)
  cpu0=$(cpu_of "$SERVER_PID")
  sv_s=$(fetch "$BIG_URL" $GIB "${AUTH[@]}")
  cpu=$(cpu_delta "$cpu0" "$(cpu_of "$SERVER_PID")")
  record nginx_fetch "$(mibps $GIB "$ng_s")"
  record fetch "$(mibps $GIB "$sv_s")"
  record fetch_cpu "$cpu"
  note "  round $i: nginx $ng_s s ($(mibps $GIB "$ng_s") MiB/s), server $sv_s s ($(mibps $GIB "$sv_s") MiB/s, server CPU $cpu s)"
done
heap_watch_stop 1gib "$((2 * REPEAT)) GiB moved"
HEAP_1GIB=$HEAP_SUMMARY

# ---- 4 KiB fetch by a steady worker under wrk vs nginx's static 4 KiB file ----
note "4 KiB fetch, wrk -t2 -c32 -d$WRK_DURATION, $WRK_ROUNDS rounds"
for i in $(seq 1 "$WRK_ROUNDS"); do
  res=$(wrk_run -t2 -c32 -d"$WRK_DURATION" "$SMALL_NGINX_URL")
  read -r ng _ <<<"$res"
  cpu0=$(cpu_of "$SERVER_PID")
  res=$(wrk_run -t2 -c32 -d"$WRK_DURATION" -s "$RUN/fetch.lua" "$BASE")
  read -r sv n _ <<<"$res"
  us=$(per_op_us "$(cpu_delta "$cpu0" "$(cpu_of "$SERVER_PID")")" "$n")
  record nginx_rps "$ng"
  record rps "$sv"
  record rps_cpu_us "$us"
  note "  round $i: nginx $ng req/s, server $sv req/s (server CPU $us us per request)"
done

# ---- 4 KiB durable deposits under wrk vs the raw durable-write limit, same concurrency ----
heap_watch_start small_deposits
note "4 KiB deposits (wrk POST, one worker per wrk thread) vs durable-write with as many threads as connections: ${DEPOSIT_CONNECTIONS[*]}; $WRK_DURATION each, $WRK_ROUNDS rounds"
small_deposits=0
for i in $(seq 1 "$WRK_ROUNDS"); do
  for c in "${DEPOSIT_CONNECTIONS[@]}"; do
    raw=$(durable_write "$c" "$i")
    cpu0=$(cpu_of "$SERVER_PID")
    res=$(wrk_run -t"$(deposit_threads "$c")" -c"$c" -d"$WRK_DURATION" -s "$RUN/deposit.lua" "$BASE")
    read -r dep n _ <<<"$res"
    us=$(per_op_us "$(cpu_delta "$cpu0" "$(cpu_of "$SERVER_PID")")" "$n")
    small_deposits=$((small_deposits + n))
    record "raw_$c" "$raw"
    record "small_deposit_$c" "$dep"
    record "small_deposit_${c}_cpu_us" "$us"
    note "  round $i, x$c: durable-write $raw ops/s, deposits $dep req/s (server CPU $us us per deposit)"
  done
done
heap_watch_stop small_deposits "$small_deposits deposits of 4 KiB"
HEAP_SMALL=$HEAP_SUMMARY

# ---- the Java client SDK (StoreClient) against the same server ----
if [[ $CLIENT_DRIVER == 1 ]]; then
  note "client SDK: StoreClient deposit and fetch of 1 GiB (in-JVM timing, after warm-up)"
  EDEN_BEARER=$BEARER java -Xms256m -Xmx256m -XX:+AlwaysPreTouch -jar "$DRIVER_JAR" \
    --base-url "$BASE" --experiment-id "$EXPERIMENT" --file "$SRC" --warmup-file "$WARM" \
    --repeat 2 | tee "$RUN/client.txt" | sed 's/^/  /'
  awk '$1 == "RESULT" && $2 == "client_deposit" { print $5 }' "$RUN/client.txt" >"$RUN/results/client_deposit"
  awk '$1 == "RESULT" && $2 == "client_fetch" { print $5 }' "$RUN/client.txt" >"$RUN/results/client_fetch"
fi

LOAD_AFTER=$(loadavg)
kill -0 "$SERVER_PID" 2>/dev/null || die "the server died during the run: $(tail -n 20 "$RUN/server.log")"

DD=$(m dd) DEP=$(m deposit) NGF=$(m nginx_fetch) FET=$(m fetch) NGR=$(m nginx_rps) RPS=$(m rps)
R1=$(ratio "$DEP" "$DD") R2=$(ratio "$FET" "$NGF") R3=$(ratio "$RPS" "$NGR")
row() { printf '%-36s %-22s %-30s %-6s %-7s %s\n' "$@"; }

echo
echo "eden-artifacts benchmark, $(date -u +%Y-%m-%dT%H:%MZ), revision $REVISION, $(nproc) CPUs, load average before: $LOAD_BEFORE, after: $LOAD_AFTER"
echo "server: -Xms$HEAP -Xmx$HEAP -XX:+AlwaysPreTouch; medians of $REPEAT rounds (1 GiB) and $WRK_ROUNDS rounds (wrk and durable-write, $WRK_DURATION each)"
row "measurement" "server" "baseline" "ratio" "target" "met"
row "1 GiB deposit (curl -F)" "$DEP MiB/s" "dd conv=fsync $DD MiB/s" "$R1" ">=0.9" "$(meets "$R1" 0.9)"
row "1 GiB fetch (curl -o /dev/null)" "$FET MiB/s" "nginx $NGF MiB/s" "$R2" ">=1.0" "$(meets "$R2" 1.0)"
row "4 KiB fetch (wrk -t2 -c32)" "$RPS req/s" "nginx $NGR req/s" "$R3" ">=0.7" "$(meets "$R3" 0.7)"
for c in "${DEPOSIT_CONNECTIONS[@]}"; do
  sd=$(m "small_deposit_$c") raw=$(m "raw_$c")
  r=$(ratio "$sd" "$raw")
  row "4 KiB deposits (wrk -t$(deposit_threads "$c") -c$c)" "$sd req/s" "durable-write x$c $raw ops/s" "$r" ">=0.6" "$(meets "$r" 0.6)"
done
printf '%-36s %s\n' "server heap during 1 GiB transfers" "$HEAP_1GIB"
printf '%-36s %s\n' "server heap during 4 KiB deposits" "$HEAP_SMALL"
if [[ $CLIENT_DRIVER == 1 ]]; then
  printf '%-36s %s\n' "client SDK 1 GiB deposit / fetch" "$(m client_deposit) / $(m client_fetch) MiB/s (StoreClient, in-JVM timing)"
fi
echo "rounds (MiB/s): dd $(all dd); deposit $(all deposit); nginx fetch $(all nginx_fetch); fetch $(all fetch)"
echo "rounds (/s): 4 KiB fetch: nginx $(all nginx_rps), server $(all rps)"
for c in "${DEPOSIT_CONNECTIONS[@]}"; do
  echo "rounds (/s): 4 KiB deposits x$c: durable-write $(all "raw_$c"), server $(all "small_deposit_$c")"
done
echo "server CPU: $(all deposit_cpu) s per 1 GiB deposit; $(all fetch_cpu) s per 1 GiB fetch; $(all rps_cpu_us) us per 4 KiB fetch; $(all small_deposit_8_cpu_us) us per 4 KiB deposit (x8), $(all small_deposit_32_cpu_us) us (x32)"
