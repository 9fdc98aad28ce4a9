#!/usr/bin/env bash
# Measures the runnable reference server on loopback against this machine's own baselines, in one
# run: 1 GiB deposit vs `dd conv=fsync`, 1 GiB fetch vs nginx, 4 KiB fetch under wrk vs nginx, and
# the server's heap during the 1 GiB transfers. Prints a summary table with the ratios.
#
# Builds nothing: run `mvn -B -q -DskipTests package` first. Meant for a quiet machine; it prints
# the load average before and after. See benchmarks/README.md for the knobs (environment variables).
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

GIB=$((1024 * 1024 * 1024))
MAX_ARTIFACT_BYTES=$((2 * GIB))

die() { echo "run.sh: $*" >&2; exit 1; }
note() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

MODE=${MODE:-file}                      # file: everything below; s3: run-s3.sh
case $MODE in
  file) ;;
  s3) exec bash "$ROOT/benchmarks/run-s3.sh" ;;
  *) die "MODE must be file or s3" ;;
esac

[[ $REPEAT =~ ^[1-5]$ ]] || die "REPEAT must be 1..5"
[[ $WRK_ROUNDS =~ ^[1-5]$ ]] || die "WRK_ROUNDS must be 1..5"
[[ $WRK_DURATION =~ ^([1-9]|[1-5][0-9]|60)s$ ]] || die "WRK_DURATION must be 1s..60s"
[[ $WRK_WARMUP =~ ^([1-9]|[1-5][0-9]|60)s$ ]] || die "WRK_WARMUP must be 1s..60s"
[[ -f $SERVER_JAR ]] || die "no $SERVER_JAR: run 'mvn -B -q -DskipTests package' first"
for tool in java jstat curl dd awk sort; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  note "installing Debian's nginx and wrk"
  [[ $EUID -eq 0 ]] || die "nginx and wrk are missing; run as root or: apt-get install -y nginx wrk"
  DEBIAN_FRONTEND=noninteractive apt-get install -y nginx wrk >/dev/null
  # The package starts the system nginx on port 80; we run our own copy and leave that one alone.
fi
if [[ $CLIENT_DRIVER == 1 && ! -f $DRIVER_JAR ]]; then
  note "no $DRIVER_JAR: skipping the client SDK rows"
  CLIENT_DRIVER=0
fi
for port in "$SERVER_PORT" "$NGINX_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is already in use on 127.0.0.1 (set SERVER_PORT / NGINX_PORT)"
  fi
done

# ---- inputs, made once and kept (the disk is slow at creating files right after deleting many) ----
INPUTS=$WORK/inputs
mkdir -p "$INPUTS" "$WORK/runs"
make_input() { # path bytes
  local path=$1 bytes=$2
  if [[ ! -f $path || $(stat -c %s "$path") -ne $bytes ]]; then
    note "creating $path ($bytes random bytes, kept for later runs)"
    head -c "$bytes" /dev/urandom >"$path.partial"
    mv "$path.partial" "$path"
  fi
}
SRC=$INPUTS/random-1GiB.bin
WARM=$INPUTS/random-64MiB.bin
SMALL=$INPUTS/random-4KiB.bin
make_input "$SRC" "$GIB"
make_input "$WARM" $((64 * 1024 * 1024))
make_input "$SMALL" 4096
cat "$SRC" "$WARM" >/dev/null # into the page cache: dd, curl and the client all read it from there

RUN=$(mktemp -d "$WORK/runs/$(date -u +%Y%m%dT%H%M%SZ)-XXXX")
DATA=$RUN/data
mkdir -p "$RUN/nginx/tmp" "$RUN/results"

SERVER_PID=""
NGINX_PID=""
JSTAT_PID=""
cleanup() {
  local rc=$?
  for pid in "$JSTAT_PID" "$NGINX_PID" "$SERVER_PID"; do
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for pid in "$JSTAT_PID" "$NGINX_PID" "$SERVER_PID"; do
    if [[ -n $pid ]]; then
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  # Only after measuring: this run's big files go (logs and results stay).
  if [[ $KEEP != 1 ]]; then
    rm -rf "$DATA" "$RUN"/dd-*.bin
  fi
  echo "run directory: $RUN"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ms_now() { date +%s%N; }
# CPU seconds (user + system) the server process has used so far.
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$SERVER_PID/stat"; }
cpu_delta() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
seconds_since() { awk -v a="$1" -v b="$(ms_now)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
mibps() { awk -v bytes="$1" -v s="$2" 'BEGIN { printf "%.1f", bytes / 1048576 / s }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan" } else if (NR % 2) { print v[(NR + 1) / 2] } else { printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 } }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }
meets() { awk -v r="$1" -v t="$2" 'BEGIN { print (r + 0 >= t + 0) ? "yes" : "NO" }'; }
record() { echo "$2" >>"$RUN/results/$1"; } # series value

note "load average before: $(loadavg)"
note "revision $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown); HEAP=$HEAP REPEAT=$REPEAT WRK_ROUNDS=$WRK_ROUNDS WRK_DURATION=$WRK_DURATION WRK_WARMUP=$WRK_WARMUP"
note "run directory: $RUN"

# ---- the server: fixed pre-touched heap, GC log, a fresh data directory ----
# tr dies of SIGPIPE once head has enough: expected, so no pipefail here.
random_chars() { (set +o pipefail; LC_ALL=C tr -dc "$1" </dev/urandom | head -c "$2"); }
EXPERIMENT=exp_$(random_chars '0-9a-hjkmnp-tv-z' 26)
ADMIN_TOKEN=$(random_chars 'A-Za-z0-9' 40)
BEARER=$(java -jar "$SERVER_JAR" add-worker --data-dir "$DATA" | tail -n 1)
[[ $BEARER == wkr_*:* ]] || die "add-worker did not print a bearer"
EDEN_ADMIN_TOKEN=$ADMIN_TOKEN java -Xms"$HEAP" -Xmx"$HEAP" -XX:+AlwaysPreTouch \
  -Xlog:gc:file="$RUN/gc.log":uptime \
  -jar "$SERVER_JAR" serve --host 127.0.0.1 --port "$SERVER_PORT" --data-dir "$DATA" \
  --experiment-id "$EXPERIMENT" --max-artifact-bytes "$MAX_ARTIFACT_BYTES" --access-log off \
  >"$RUN/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
  grep -q 'listening on http://' "$RUN/server.log" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$RUN/server.log" >&2; die "the server exited"; }
  sleep 0.2
done
grep -q 'listening on http://' "$RUN/server.log" || die "the server did not start within 60 s"
BASE=http://127.0.0.1:$SERVER_PORT
ENDPOINT=$BASE/v0/experiments/$EXPERIMENT/artifacts
note "server pid $SERVER_PID on $BASE, heap -Xms$HEAP -Xmx$HEAP -XX:+AlwaysPreTouch"

# ---- nginx: a throwaway config serving the server's own blob directory ----
NGINX_USER=""
[[ $EUID -eq 0 ]] && NGINX_USER="user root;" # the data directory is owner-only
cat >"$RUN/nginx/nginx.conf" <<EOF
$NGINX_USER
daemon off;
worker_processes auto;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log warn;
events { worker_connections 1024; }
http {
  # Debian's defaults, minus the access log (the server runs with --access-log off too).
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
    listen 127.0.0.1:$NGINX_PORT;
    root $DATA/blobs;
  }
}
EOF
nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null && break
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null || die "nginx did not start: $(cat "$RUN/nginx/error.log")"
note "nginx $(nginx -v 2>&1 | sed 's/.*\///') pid $NGINX_PID on 127.0.0.1:$NGINX_PORT"

AUTH=(-H "Authorization: Bearer $BEARER" -H "X-Eden-Experiment-Id: $EXPERIMENT")

deposit() { # file -> prints "<seconds> <artifacts_uri>"
  local file=$1 start code
  start=$(ms_now)
  code=$(curl -sS -o "$RUN/deposit.json" -w '%{http_code}' "${AUTH[@]}" \
    -F "file=@$file;type=application/octet-stream" "$ENDPOINT")
  local took
  took=$(seconds_since "$start")
  [[ $code == 201 ]] || die "deposit answered $code: $(cat "$RUN/deposit.json")"
  echo "$took $(sed -n 's/.*"artifacts_uri":"\([^"]*\)".*/\1/p' "$RUN/deposit.json")"
}
urlencode() { printf '%s' "$1" | sed -e 's/%/%25/g' -e 's/:/%3A/g' -e 's/\//%2F/g'; }
fetch() { # url expected-bytes [curl args...] -> prints seconds
  local url=$1 expected=$2 start out
  shift 2
  start=$(ms_now)
  out=$(curl -sS -o /dev/null -w '%{http_code} %{size_download}' "$@" "$url")
  local took
  took=$(seconds_since "$start")
  [[ $out == "200 $expected" ]] || die "fetch of $url answered '$out', expected '200 $expected'"
  echo "$took"
}
blob_path() { # artifacts_uri -> the path of its blob under the nginx root
  local id=${1##*/}
  echo "/${id:0:2}/$id"
}

# ---- warm-up: JIT, connection paths and the server's first-touch memory ----
note "warming up (3 deposits and fetches of 64 MiB, $WRK_WARMUP of 4 KiB fetches per server)"
for _ in 1 2 3; do
  res=$(deposit "$WARM")
  warm_uri=${res#* }
  fetch "$ENDPOINT?uri=$(urlencode "$warm_uri")" $((64 * 1024 * 1024)) "${AUTH[@]}" >/dev/null
  fetch "http://127.0.0.1:$NGINX_PORT$(blob_path "$warm_uri")" $((64 * 1024 * 1024)) >/dev/null
done
res=$(deposit "$SMALL")
small_uri=${res#* }
cat >"$RUN/fetch.lua" <<EOF
wrk.method = "GET"
wrk.path = "/v0/experiments/$EXPERIMENT/artifacts?uri=$(urlencode "$small_uri")"
wrk.headers["Authorization"] = "Bearer $BEARER"
wrk.headers["X-Eden-Experiment-Id"] = "$EXPERIMENT"
EOF
chmod 600 "$RUN/fetch.lua"
SMALL_NGINX_URL=http://127.0.0.1:$NGINX_PORT$(blob_path "$small_uri")
fetch "$BASE/v0/experiments/$EXPERIMENT/artifacts?uri=$(urlencode "$small_uri")" 4096 "${AUTH[@]}" >/dev/null
fetch "$SMALL_NGINX_URL" 4096 >/dev/null
wrk -t2 -c32 -d"$WRK_WARMUP" -s "$RUN/fetch.lua" "$BASE" >/dev/null
wrk -t2 -c32 -d"$WRK_WARMUP" "$SMALL_NGINX_URL" >/dev/null

# ---- heap sampling across the 1 GiB transfers ----
GC_LINES_BEFORE=$(wc -l <"$RUN/gc.log")
# One sample every 100 ms, at most 20 minutes' worth; stopped right after the 1 GiB phases.
jstat -gc "$SERVER_PID" 100 12000 >"$RUN/jstat.txt" &
JSTAT_PID=$!

# ---- 1 GiB deposit vs dd conv=fsync, interleaved round by round ----
note "1 GiB deposit (curl -F) vs dd bs=1M conv=fsync, $REPEAT rounds"
for i in $(seq 1 "$REPEAT"); do
  start=$(ms_now)
  dd if="$SRC" of="$RUN/dd-$i.bin" bs=1M conv=fsync status=none
  dd_s=$(seconds_since "$start")
  cpu0=$(server_cpu)
  res=$(deposit "$SRC")
  cpu=$(cpu_delta "$cpu0" "$(server_cpu)")
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
BIG_NGINX_URL=http://127.0.0.1:$NGINX_PORT$(blob_path "$big_uri")
for i in $(seq 1 "$REPEAT"); do
  ng_s=$(fetch "$BIG_NGINX_URL" $GIB)
  cpu0=$(server_cpu)
  sv_s=$(fetch "$BIG_URL" $GIB "${AUTH[@]}")
  cpu=$(cpu_delta "$cpu0" "$(server_cpu)")
  record nginx_fetch "$(mibps $GIB "$ng_s")"
  record fetch "$(mibps $GIB "$sv_s")"
  record fetch_cpu "$cpu"
  note "  round $i: nginx $ng_s s ($(mibps $GIB "$ng_s") MiB/s), server $sv_s s ($(mibps $GIB "$sv_s") MiB/s, server CPU $cpu s)"
done

kill -TERM "$JSTAT_PID" 2>/dev/null || true
wait "$JSTAT_PID" 2>/dev/null || true
JSTAT_PID=""
sed -n "$((GC_LINES_BEFORE + 1)),\$p" "$RUN/gc.log" >"$RUN/gc-1gib.log"
# jstat -gc columns by name: used = S0U + S1U + EU + OU (KiB).
# Allocation is estimated from the growth of eden between samples (what a GC empties in between
# is not counted, so it is a lower bound when GCs happen).
read -r PEAK_USED_MIB PEAK_OLD_MIB ALLOCATED_MIB SAMPLES < <(awk '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  $1 ~ /^[0-9.]+$/ {
    used = $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]
    if (used > peak) peak = used
    if ($col["OU"] > old) old = $col["OU"]
    if (n > 0 && $col["EU"] > eden) allocated += $col["EU"] - eden
    eden = $col["EU"]
    n++
  }
  END { printf "%.1f %.1f %.1f %d\n", peak / 1024, old / 1024, allocated / 1024, n }' "$RUN/jstat.txt")
# Heap after each collection during those transfers: what the server really holds on to.
AFTER_GC_MAX=$( (grep -o '[0-9]*M->[0-9]*M' "$RUN/gc-1gib.log" || true) | sed 's/.*->//; s/M//' | sort -n | tail -n 1)
GC_COUNT=$(grep -c 'Pause' "$RUN/gc-1gib.log" || true)

# ---- 4 KiB fetch by a steady worker under wrk vs nginx's static 4 KiB file ----
wrk_rps() { # wrk args... -> prints requests/s; fails on any error or non-2xx answer
  local out
  out=$(wrk "$@")
  echo "$out" >>"$RUN/wrk.txt"
  if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then
    die "wrk saw errors: $out"
  fi
  awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}
note "4 KiB fetch, wrk -t2 -c32 -d$WRK_DURATION, $WRK_ROUNDS rounds"
for i in $(seq 1 "$WRK_ROUNDS"); do
  ng=$(wrk_rps -t2 -c32 -d"$WRK_DURATION" "$SMALL_NGINX_URL")
  cpu0=$(server_cpu)
  sv=$(wrk_rps -t2 -c32 -d"$WRK_DURATION" -s "$RUN/fetch.lua" "$BASE")
  cpu=$(cpu_delta "$cpu0" "$(server_cpu)")
  requests=$(awk '/requests in/ { n = $1 } END { print n }' "$RUN/wrk.txt")
  us=$(awk -v c="$cpu" -v n="$requests" 'BEGIN { printf "%.0f", c * 1e6 / n }')
  record nginx_rps "$ng"
  record rps "$sv"
  record rps_cpu_us "$us"
  note "  round $i: nginx $ng req/s, server $sv req/s (server CPU $us us per request)"
done

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

m() { median <"$RUN/results/$1"; }
DD=$(m dd) DEP=$(m deposit) NGF=$(m nginx_fetch) FET=$(m fetch) NGR=$(m nginx_rps) RPS=$(m rps)
R1=$(ratio "$DEP" "$DD") R2=$(ratio "$FET" "$NGF") R3=$(ratio "$RPS" "$NGR")
all() { paste -sd/ "$RUN/results/$1"; }

echo
echo "eden-artifacts benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average after: $LOAD_AFTER"
echo "server: -Xms$HEAP -Xmx$HEAP -XX:+AlwaysPreTouch; medians of $REPEAT rounds (1 GiB) and $WRK_ROUNDS rounds (wrk)"
printf '%-34s %-22s %-26s %-6s %-7s %s\n' "measurement" "server" "baseline" "ratio" "target" "met"
printf '%-34s %-22s %-26s %-6s %-7s %s\n' "1 GiB deposit (curl -F)" "$DEP MiB/s" "dd conv=fsync $DD MiB/s" "$R1" ">=0.7" "$(meets "$R1" 0.7)"
printf '%-34s %-22s %-26s %-6s %-7s %s\n' "1 GiB fetch (curl -o /dev/null)" "$FET MiB/s" "nginx $NGF MiB/s" "$R2" ">=0.8" "$(meets "$R2" 0.8)"
printf '%-34s %-22s %-26s %-6s %-7s %s\n' "4 KiB fetch (wrk -t2 -c32 -d$WRK_DURATION)" "$RPS req/s" "nginx $NGR req/s" "$R3" ">=0.4" "$(meets "$R3" 0.4)"
printf '%-34s %s\n' "server heap during 1 GiB transfers" \
  "peak used ${PEAK_USED_MIB} MiB of ${HEAP}, old gen peak ${PEAK_OLD_MIB} MiB, after-GC max ${AFTER_GC_MAX:-n/a (no GC)} MiB, $GC_COUNT GC pauses, ~${ALLOCATED_MIB} MiB allocated for $((2 * REPEAT)) GiB moved ($SAMPLES samples)"
if [[ $CLIENT_DRIVER == 1 ]]; then
  printf '%-34s %s\n' "client SDK 1 GiB deposit / fetch" "$(m client_deposit) / $(m client_fetch) MiB/s (StoreClient, in-JVM timing)"
fi
echo "rounds (MiB/s): dd $(all dd); deposit $(all deposit); nginx fetch $(all nginx_fetch); fetch $(all fetch)"
echo "rounds (req/s): nginx $(all nginx_rps); server $(all rps)"
echo "server CPU: $(all deposit_cpu) s per 1 GiB deposit; $(all fetch_cpu) s per 1 GiB fetch; $(all rps_cpu_us) us per 4 KiB fetch"
