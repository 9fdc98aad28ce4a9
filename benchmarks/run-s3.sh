#!/usr/bin/env bash
# The S3 mode of run.sh (MODE=s3 benchmarks/run.sh, which runs this file): the runnable reference
# server with its metadata on PostgreSQL and its blobs in a bucket of s3proxy (filesystem storage),
# against the same bytes sent straight to the same s3proxy with the AWS SDK for Java 2
# (S3Baseline, a client configured like the server's S3 backend), in one run:
#   1 GiB deposit (curl -F)           vs one PutObject of the file (and a multipart upload, 8 MiB parts)
#   1 GiB fetch (curl -o /dev/null)   vs GetObject of the very object the server wrote
#   4 KiB deposits (wrk POST)         vs PutObject of 4 KiB from 8 threads
#   4 KiB fetches (wrk GET)           vs GetObject of the server's 4 KiB object from 8 threads
# plus the server's heap during the 1 GiB transfers and the CPU time of the server and of s3proxy
# per operation. Prints a summary table with the ratios; any non-2xx answer fails the run.
#
# Builds nothing: run `mvn -B -q -DskipTests package` first (it also copies s3proxy into
# benchmarks/target/s3-test-server). Meant for a quiet machine; it prints the load average before
# and after. See benchmarks/README.md ("S3 mode") for the knobs (environment variables).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVER_JAR=${SERVER_JAR:-$ROOT/eden-artifacts-server/target/eden-artifacts-server.jar}
DRIVER_JAR=${DRIVER_JAR:-$ROOT/benchmarks/target/eden-artifacts-benchmarks.jar}
S3PROXY_JAR=${S3PROXY_JAR:-$ROOT/benchmarks/target/s3-test-server/s3proxy.jar}
WORK=${EDEN_BENCH_DIR:-/var/tmp/eden-artifacts-bench}
HEAP=${HEAP:-64m}                       # the server's fixed, pre-touched heap (-Xms = -Xmx)
S3PROXY_HEAP=${S3PROXY_HEAP:-512m}      # s3proxy's fixed, pre-touched heap
REPEAT=${REPEAT:-3}                     # rounds of each 1 GiB measurement; the median counts
WRK_ROUNDS=${WRK_ROUNDS:-2}             # rounds of each small-object measurement; the median counts
WRK_DURATION=${WRK_DURATION:-10s}
WRK_WARMUP=${WRK_WARMUP:-10s}           # untimed load first (server: once; each SDK driver run: its own)
SERVER_PORT=${SERVER_PORT:-19080}
S3_PORT=${S3_PORT:-19081}
PG_URL=${PG_URL:-}                      # jdbc:postgresql://…?user=…&password=…; default: .ci/start-postgres
KEEP=${KEEP:-0}                         # 1: keep this run's objects and database schema
SERVER_OPTS=${SERVER_OPTS:-}            # extra JVM options for the server, split on spaces

GIB=$((1024 * 1024 * 1024))
MAX_ARTIFACT_BYTES=$((2 * GIB))
PART_SIZE=$((8 * 1024 * 1024))          # the server's default part size, and the baseline's
BLOB_PREFIX=blobs                       # serve --blob-store s3://<bucket>/blobs

die() { echo "run.sh (s3): $*" >&2; exit 1; }
note() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

[[ $REPEAT =~ ^[1-5]$ ]] || die "REPEAT must be 1..5"
[[ $WRK_ROUNDS =~ ^[1-5]$ ]] || die "WRK_ROUNDS must be 1..5"
[[ $WRK_DURATION =~ ^([1-9]|[1-5][0-9]|60)s$ ]] || die "WRK_DURATION must be 1s..60s"
[[ $WRK_WARMUP =~ ^([1-9]|[1-5][0-9]|60)s$ ]] || die "WRK_WARMUP must be 1s..60s"
[[ $S3PROXY_HEAP =~ ^[0-9]+[mg]$ ]] || die "S3PROXY_HEAP must look like 512m"
[[ -f $SERVER_JAR ]] || die "no $SERVER_JAR: run 'mvn -B -q -DskipTests package' first"
[[ -f $DRIVER_JAR ]] || die "no $DRIVER_JAR: run 'mvn -B -q -DskipTests package' first"
if [[ ! -f $S3PROXY_JAR && -f $ROOT/eden-artifacts-s3/target/s3-test-server/s3proxy.jar ]]; then
  S3PROXY_JAR=$ROOT/eden-artifacts-s3/target/s3-test-server/s3proxy.jar
fi
[[ -f $S3PROXY_JAR ]] || die "no $S3PROXY_JAR: run 'mvn -B -q -DskipTests package' first"
for tool in java jstat curl awk sort psql; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
if ! command -v wrk >/dev/null; then
  note "installing Debian's wrk"
  [[ $EUID -eq 0 ]] || die "wrk is missing; run as root or: apt-get install -y wrk"
  DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null
fi
for port in "$SERVER_PORT" "$S3_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is already in use on 127.0.0.1 (set SERVER_PORT / S3_PORT)"
  fi
done
if [[ -z $PG_URL ]]; then
  [[ -x $ROOT/.ci/start-postgres || -f $ROOT/.ci/start-postgres ]] || die "set PG_URL to a jdbc:postgresql:// URL"
  PG_URL=$(bash "$ROOT/.ci/start-postgres" 2>/dev/null | tail -n 1)
fi
[[ $PG_URL == jdbc:postgresql://* ]] || die "PG_URL must be a jdbc:postgresql:// URL"
PSQL_URL=${PG_URL#jdbc:} # libpq takes the same URL, user and password as query parameters
psql "$PSQL_URL" -qtAc 'select 1' >/dev/null || die "cannot connect to PostgreSQL (PG_URL)"

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
cat "$SRC" "$WARM" >/dev/null # into the page cache: curl and the SDK both read it from there

RUN=$(mktemp -d "$WORK/runs/$(date -u +%Y%m%dT%H%M%SZ)-s3-XXXX")
mkdir -p "$RUN/s3" "$RUN/results"

# tr dies of SIGPIPE once head has enough: expected, so no pipefail here.
random_chars() { (set +o pipefail; LC_ALL=C tr -dc "$1" </dev/urandom | head -c "$2"); }
SCHEMA=bench_$(random_chars 'a-z0-9' 12)
BUCKET=eden-bench-$(random_chars 'a-z0-9' 12)
# s3proxy accepts this one identity; the server and the SDK driver get it from the environment.
export AWS_ACCESS_KEY_ID=bench-$(random_chars 'a-z0-9' 12)
export AWS_SECRET_ACCESS_KEY=$(random_chars 'A-Za-z0-9' 40)
export AWS_EC2_METADATA_DISABLED=true # never look for an instance role on loopback runs
DB_URL=$PG_URL$([[ $PG_URL == *\?* ]] && echo '&' || echo '?')currentSchema=$SCHEMA
S3_ENDPOINT=http://127.0.0.1:$S3_PORT

SERVER_PID=""
S3PROXY_PID=""
JSTAT_PID=""
SCHEMA_CREATED=0
cleanup() {
  local rc=$?
  for pid in "$JSTAT_PID" "$SERVER_PID" "$S3PROXY_PID"; do
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for pid in "$JSTAT_PID" "$SERVER_PID" "$S3PROXY_PID"; do
    if [[ -n $pid ]]; then
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  if [[ $KEEP != 1 ]]; then
    # Only after measuring, and only the big objects: deleting the many small ones would slow the
    # next run's file creation on this disk for minutes (the logs and results stay too).
    find "$RUN/s3" -type f -size +1M -delete 2>/dev/null || true
    if [[ $SCHEMA_CREATED == 1 ]]; then
      psql "$PSQL_URL" -qtAc "DROP SCHEMA $SCHEMA CASCADE" >/dev/null 2>&1 || true
    fi
  fi
  echo "run directory: $RUN"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ms_now() { date +%s%N; }
CLK_TCK=$(getconf CLK_TCK)
# CPU seconds (user + system) a process has used so far; the name field may hold spaces.
cpu_of() { sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$CLK_TCK" '{ printf "%.2f", ($12 + $13) / hz }'; }
cpu_delta() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
seconds_since() { awk -v a="$1" -v b="$(ms_now)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
mibps() { awk -v bytes="$1" -v s="$2" 'BEGIN { printf "%.1f", bytes / 1048576 / s }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan" } else if (NR % 2) { print v[(NR + 1) / 2] } else { printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 } }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }
meets() { awk -v r="$1" -v t="$2" 'BEGIN { print (r + 0 >= t + 0) ? "yes" : "NO" }'; }
per_op_us() { awk -v c="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.0f", c * 1e6 / n; else print "nan" }'; }
record() { echo "$2" >>"$RUN/results/$1"; } # series value
iso() { echo "PT${1%s}S"; } # 10s -> PT10S

note "load average before: $(loadavg)"
note "revision $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown); MODE=s3 HEAP=$HEAP SERVER_OPTS='$SERVER_OPTS' S3PROXY_HEAP=$S3PROXY_HEAP REPEAT=$REPEAT WRK_ROUNDS=$WRK_ROUNDS WRK_DURATION=$WRK_DURATION WRK_WARMUP=$WRK_WARMUP"
note "run directory: $RUN"

# ---- PostgreSQL: a fresh schema for this run ----
psql "$PSQL_URL" -qtAc "CREATE SCHEMA $SCHEMA" >/dev/null || die "cannot create schema $SCHEMA"
SCHEMA_CREATED=1
note "metadata: PostgreSQL $(psql "$PSQL_URL" -qtAc 'show server_version' | cut -d' ' -f1), schema $SCHEMA"

# ---- s3proxy: filesystem storage under the run directory, signatures checked ----
cat >"$RUN/s3proxy.properties" <<EOF
s3proxy.endpoint=$S3_ENDPOINT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$AWS_ACCESS_KEY_ID
s3proxy.credential=$AWS_SECRET_ACCESS_KEY
jclouds.provider=filesystem
jclouds.identity=$AWS_ACCESS_KEY_ID
jclouds.credential=$AWS_SECRET_ACCESS_KEY
jclouds.filesystem.basedir=$RUN/s3
EOF
chmod 600 "$RUN/s3proxy.properties"
java -Xms"$S3PROXY_HEAP" -Xmx"$S3PROXY_HEAP" -XX:+AlwaysPreTouch -jar "$S3PROXY_JAR" \
  --properties "$RUN/s3proxy.properties" >"$RUN/s3proxy.log" 2>&1 &
S3PROXY_PID=$!
for _ in $(seq 1 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$S3_PORT") 2>/dev/null && break
  kill -0 "$S3PROXY_PID" 2>/dev/null || { tail -n 20 "$RUN/s3proxy.log" >&2; die "s3proxy exited"; }
  sleep 0.2
done
(exec 3<>"/dev/tcp/127.0.0.1/$S3_PORT") 2>/dev/null || die "s3proxy did not start within 60 s"
S3PROXY_VERSION=$( (unzip -p "$S3PROXY_JAR" META-INF/MANIFEST.MF 2>/dev/null || true) | sed -n 's/^Implementation-Version: *//p' | tr -d '\r')
note "s3proxy ${S3PROXY_VERSION:-?} pid $S3PROXY_PID on $S3_ENDPOINT, heap -Xms$S3PROXY_HEAP -Xmx$S3PROXY_HEAP -XX:+AlwaysPreTouch"

# The SDK driver: a fixed pre-touched heap like the file mode's client driver; it reports the CPU
# time s3proxy spends during its timed part. Output goes to driver.txt, the RESULT/RATE/CPU lines
# also to stdout of this function.
driver() {
  local out rc=0
  out=$(java -Xms256m -Xmx256m -XX:+AlwaysPreTouch -cp "$DRIVER_JAR" dev.eden.artifacts.benchmarks.S3Baseline \
    --endpoint "$S3_ENDPOINT" --region us-east-1 --bucket "$BUCKET" \
    --watch-pid "$S3PROXY_PID" --clock-ticks "$CLK_TCK" "$@" 2>>"$RUN/driver.log") || rc=$?
  echo "# $*" >>"$RUN/driver.txt"
  echo "$out" >>"$RUN/driver.txt"
  [[ $rc == 0 ]] || die "the SDK driver failed ($*): $(tail -n 5 "$RUN/driver.log")"
  echo "$out"
}
field() { # output kind label field-number -> that field of the line "<kind> <label> …"
  awk -v k="$2" -v l="$3" -v f="$4" '$1 == k && $2 == l { print $f }' <<<"$1"
}
driver create-bucket >/dev/null
note "bucket $BUCKET"

# ---- the server: fixed pre-touched heap, GC log, PostgreSQL metadata, blobs in the bucket ----
EXPERIMENT=exp_$(random_chars '0-9a-hjkmnp-tv-z' 26)
ADMIN_TOKEN=$(random_chars 'A-Za-z0-9' 40)
BEARER=$(java -jar "$SERVER_JAR" add-worker --db "$DB_URL" | tail -n 1)
[[ $BEARER == wkr_*:* ]] || die "add-worker did not print a bearer"
read -r -a SERVER_JVM_OPTS <<<"$SERVER_OPTS"
EDEN_ADMIN_TOKEN=$ADMIN_TOKEN java -Xms"$HEAP" -Xmx"$HEAP" -XX:+AlwaysPreTouch \
  -Xlog:gc:file="$RUN/gc.log":uptime ${SERVER_JVM_OPTS[@]+"${SERVER_JVM_OPTS[@]}"} \
  -jar "$SERVER_JAR" serve --host 127.0.0.1 --port "$SERVER_PORT" --data-dir "$RUN/server-data" \
  --db "$DB_URL" --blob-store "s3://$BUCKET/$BLOB_PREFIX" --s3-endpoint "$S3_ENDPOINT" \
  --s3-path-style --s3-region us-east-1 \
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
note "server pid $SERVER_PID on $BASE, heap -Xms$HEAP -Xmx$HEAP -XX:+AlwaysPreTouch, blobs s3://$BUCKET/$BLOB_PREFIX"

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
object_key() { # artifacts_uri -> the key of its object in the bucket
  local id=${1##*/}
  echo "$BLOB_PREFIX/${id:0:2}/$id"
}

# ---- warm-up: JIT, connection paths and first-touch memory of the server and s3proxy ----
note "warming up (3 deposits and fetches of 64 MiB, $WRK_WARMUP each of 4 KiB deposits and fetches)"
for _ in 1 2 3; do
  res=$(deposit "$WARM")
  warm_uri=${res#* }
  fetch "$ENDPOINT?uri=$(urlencode "$warm_uri")" $((64 * 1024 * 1024)) "${AUTH[@]}" >/dev/null
done
WARM_KEY=$(object_key "$warm_uri")
res=$(deposit "$SMALL")
small_uri=${res#* }
SMALL_KEY=$(object_key "$small_uri")
cat >"$RUN/fetch.lua" <<EOF
wrk.method = "GET"
wrk.path = "/v0/experiments/$EXPERIMENT/artifacts?uri=$(urlencode "$small_uri")"
wrk.headers["Authorization"] = "Bearer $BEARER"
wrk.headers["X-Eden-Experiment-Id"] = "$EXPERIMENT"
EOF
# Every request the same multipart body (the 4 KiB input as the part "file"); the server makes a
# new artifact of each.
cat >"$RUN/deposit.lua" <<EOF
local f = assert(io.open("$SMALL", "rb"))
local content = f:read("*a")
f:close()
local boundary = "eden-bench-$(random_chars 'a-z0-9' 16)"
wrk.method = "POST"
wrk.path = "/v0/experiments/$EXPERIMENT/artifacts"
wrk.headers["Authorization"] = "Bearer $BEARER"
wrk.headers["X-Eden-Experiment-Id"] = "$EXPERIMENT"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.body = "--" .. boundary .. "\r\n"
  .. "Content-Disposition: form-data; name=\"file\"; filename=\"small.bin\"\r\n"
  .. "Content-Type: application/octet-stream\r\n\r\n"
  .. content .. "\r\n--" .. boundary .. "--\r\n"
EOF
chmod 600 "$RUN/fetch.lua" "$RUN/deposit.lua"
fetch "$ENDPOINT?uri=$(urlencode "$small_uri")" 4096 "${AUTH[@]}" >/dev/null
# wrk's default 2 s timeout would count a slow deposit as a socket error; 10 s does not hide one.
WRK_OPTS=(--timeout 10s)
wrk_run() { # wrk args... -> prints "<requests/s> <requests>"; fails on any error or non-2xx answer
  local out
  out=$(wrk "${WRK_OPTS[@]}" "$@")
  echo "$out" >>"$RUN/wrk.txt"
  if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then
    die "wrk saw errors: $out"
  fi
  awk '/^Requests\/sec:/ { r = $2 } /requests in/ { n = $1 } END { print r, n }' <<<"$out"
}
wrk_run -t2 -c8 -d"$WRK_WARMUP" -s "$RUN/deposit.lua" "$BASE" >/dev/null
wrk_run -t2 -c32 -d"$WRK_WARMUP" -s "$RUN/fetch.lua" "$BASE" >/dev/null

# ---- heap sampling across the 1 GiB transfers ----
GC_LINES_BEFORE=$(wc -l <"$RUN/gc.log")
jstat -gc "$SERVER_PID" 100 12000 >"$RUN/jstat.txt" &
JSTAT_PID=$!

# ---- 1 GiB deposit vs PutObject (and a multipart upload) of the same file, round by round ----
note "1 GiB deposit (curl -F) vs SDK PutObject and multipart (8 MiB parts), $REPEAT rounds"
for i in $(seq 1 "$REPEAT"); do
  out=$(driver put --file "$SRC" --key-prefix "baseline/round-$i/" --part-size "$PART_SIZE" \
    --warmup-file "$WARM" --warmups 2)
  put=$(field "$out" RESULT s3_put 5)
  mpu=$(field "$out" RESULT s3_multipart 5)
  record sdk_put "$put"
  record sdk_multipart "$mpu"
  record sdk_put_s3cpu "$(field "$out" CPU s3_put_server 3)"
  record sdk_multipart_s3cpu "$(field "$out" CPU s3_multipart_server 3)"
  record sdk_put_drivercpu "$(field "$out" CPU s3_put_driver 3)"
  record sdk_multipart_drivercpu "$(field "$out" CPU s3_multipart_driver 3)"
  cpu0=$(cpu_of "$SERVER_PID")
  s3cpu0=$(cpu_of "$S3PROXY_PID")
  res=$(deposit "$SRC")
  cpu=$(cpu_delta "$cpu0" "$(cpu_of "$SERVER_PID")")
  s3cpu=$(cpu_delta "$s3cpu0" "$(cpu_of "$S3PROXY_PID")")
  dep_s=${res%% *}
  big_uri=${res#* }
  record deposit "$(mibps $GIB "$dep_s")"
  record deposit_cpu "$cpu"
  record deposit_s3cpu "$s3cpu"
  note "  round $i: PutObject $put MiB/s, multipart $mpu MiB/s; deposit $dep_s s ($(mibps $GIB "$dep_s") MiB/s, CPU server $cpu s, s3proxy $s3cpu s)"
done

# ---- 1 GiB fetch vs GetObject of the object the server wrote ----
BIG_KEY=$(object_key "$big_uri")
BIG_URL="$ENDPOINT?uri=$(urlencode "$big_uri")"
note "1 GiB fetch (curl -o /dev/null) vs SDK GetObject of the same object ($BIG_KEY), $REPEAT rounds"
for i in $(seq 1 "$REPEAT"); do
  out=$(driver get --key "$BIG_KEY" --expect-bytes "$GIB" --warmup-key "$WARM_KEY" --warmups 3)
  get=$(field "$out" RESULT s3_get 5)
  record sdk_get "$get"
  record sdk_get_s3cpu "$(field "$out" CPU s3_get_server 3)"
  record sdk_get_drivercpu "$(field "$out" CPU s3_get_driver 3)"
  cpu0=$(cpu_of "$SERVER_PID")
  s3cpu0=$(cpu_of "$S3PROXY_PID")
  sv_s=$(fetch "$BIG_URL" $GIB "${AUTH[@]}")
  cpu=$(cpu_delta "$cpu0" "$(cpu_of "$SERVER_PID")")
  s3cpu=$(cpu_delta "$s3cpu0" "$(cpu_of "$S3PROXY_PID")")
  record fetch "$(mibps $GIB "$sv_s")"
  record fetch_cpu "$cpu"
  record fetch_s3cpu "$s3cpu"
  note "  round $i: GetObject $get MiB/s; fetch $sv_s s ($(mibps $GIB "$sv_s") MiB/s, CPU server $cpu s, s3proxy $s3cpu s)"
done

kill -TERM "$JSTAT_PID" 2>/dev/null || true
wait "$JSTAT_PID" 2>/dev/null || true
JSTAT_PID=""
sed -n "$((GC_LINES_BEFORE + 1)),\$p" "$RUN/gc.log" >"$RUN/gc-1gib.log"
# jstat -gc columns by name: used = S0U + S1U + EU + OU (KiB); allocation estimated from the
# growth of eden between samples (a lower bound when GCs happen), as in the file mode.
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
AFTER_GC_MAX=$( (grep -o '[0-9]*M->[0-9]*M' "$RUN/gc-1gib.log" || true) | sed 's/.*->//; s/M//' | sort -n | tail -n 1)
GC_COUNT=$(grep -c 'Pause' "$RUN/gc-1gib.log" || true)

# ---- 4 KiB deposits and fetches under wrk vs the SDK from 8 threads ----
note "4 KiB: SDK PutObject x8 threads vs wrk POST -t2 -c8, SDK GetObject x8 threads vs wrk GET -t2 -c32, $WRK_DURATION each, $WRK_ROUNDS rounds"
for i in $(seq 1 "$WRK_ROUNDS"); do
  out=$(driver small-put --file "$SMALL" --key-prefix "baseline/small-$i/" --threads 8 \
    --duration "$(iso "$WRK_DURATION")" --warmup "$(iso "$WRK_WARMUP")")
  sput=$(field "$out" RATE s3_small_put 5)
  record sdk_small_put "$sput"
  record sdk_small_put_s3cpu_us "$(per_op_us "$(field "$out" CPU s3_small_put_server 3)" "$(field "$out" RATE s3_small_put 3)")"
  cpu0=$(cpu_of "$SERVER_PID")
  s3cpu0=$(cpu_of "$S3PROXY_PID")
  res=$(wrk_run -t2 -c8 -d"$WRK_DURATION" -s "$RUN/deposit.lua" "$BASE")
  read -r rps n <<<"$res"
  us=$(per_op_us "$(cpu_delta "$cpu0" "$(cpu_of "$SERVER_PID")")" "$n")
  s3us=$(per_op_us "$(cpu_delta "$s3cpu0" "$(cpu_of "$S3PROXY_PID")")" "$n")
  record small_deposit "$rps"
  record small_deposit_cpu_us "$us"
  record small_deposit_s3cpu_us "$s3us"
  note "  round $i: PutObject x8 $sput ops/s; deposit $rps req/s (CPU per request: server $us us, s3proxy $s3us us)"

  out=$(driver small-get --key "$SMALL_KEY" --expect-bytes 4096 --threads 8 \
    --duration "$(iso "$WRK_DURATION")" --warmup "$(iso "$WRK_WARMUP")")
  sget=$(field "$out" RATE s3_small_get 5)
  record sdk_small_get "$sget"
  record sdk_small_get_s3cpu_us "$(per_op_us "$(field "$out" CPU s3_small_get_server 3)" "$(field "$out" RATE s3_small_get 3)")"
  cpu0=$(cpu_of "$SERVER_PID")
  s3cpu0=$(cpu_of "$S3PROXY_PID")
  res=$(wrk_run -t2 -c32 -d"$WRK_DURATION" -s "$RUN/fetch.lua" "$BASE")
  read -r rps n <<<"$res"
  us=$(per_op_us "$(cpu_delta "$cpu0" "$(cpu_of "$SERVER_PID")")" "$n")
  s3us=$(per_op_us "$(cpu_delta "$s3cpu0" "$(cpu_of "$S3PROXY_PID")")" "$n")
  record small_fetch "$rps"
  record small_fetch_cpu_us "$us"
  record small_fetch_s3cpu_us "$s3us"
  note "  round $i: GetObject x8 $sget ops/s; fetch $rps req/s (CPU per request: server $us us, s3proxy $s3us us)"
done

LOAD_AFTER=$(loadavg)
kill -0 "$SERVER_PID" 2>/dev/null || die "the server died during the run: $(tail -n 20 "$RUN/server.log")"
kill -0 "$S3PROXY_PID" 2>/dev/null || die "s3proxy died during the run: $(tail -n 20 "$RUN/s3proxy.log")"

m() { median <"$RUN/results/$1"; }
all() { paste -sd/ "$RUN/results/$1"; }
DEP=$(m deposit) PUT=$(m sdk_put) MPU=$(m sdk_multipart) FET=$(m fetch) GET=$(m sdk_get)
SDEP=$(m small_deposit) SPUT=$(m sdk_small_put) SFET=$(m small_fetch) SGET=$(m sdk_small_get)
R1=$(ratio "$DEP" "$PUT") R1M=$(ratio "$DEP" "$MPU") R2=$(ratio "$FET" "$GET")
R3=$(ratio "$SDEP" "$SPUT") R4=$(ratio "$SFET" "$SGET")

echo
echo "eden-artifacts benchmark, S3 mode, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average after: $LOAD_AFTER"
echo "server: -Xms$HEAP -Xmx$HEAP -XX:+AlwaysPreTouch${SERVER_OPTS:+ $SERVER_OPTS}, PostgreSQL metadata, blobs on s3proxy ${S3PROXY_VERSION:-?} (filesystem); baseline: AWS SDK for Java 2 straight to that s3proxy"
echo "medians of $REPEAT rounds (1 GiB) and $WRK_ROUNDS rounds (4 KiB, $WRK_DURATION each)"
printf '%-34s %-16s %-36s %-6s %-8s %s\n' "measurement" "server" "baseline" "ratio" "target" "met"
printf '%-34s %-16s %-36s %-6s %-8s %s\n' "1 GiB deposit (curl -F)" "$DEP MiB/s" "PutObject $PUT MiB/s" "$R1" ">=0.8" "$(meets "$R1" 0.8)"
printf '%-34s %-16s %-36s %-6s %-8s %s\n' "" "" "multipart, 8 MiB parts $MPU MiB/s" "$R1M" "-" "-"
printf '%-34s %-16s %-36s %-6s %-8s %s\n' "1 GiB fetch (curl -o /dev/null)" "$FET MiB/s" "GetObject $GET MiB/s" "$R2" ">=0.8" "$(meets "$R2" 0.8)"
printf '%-34s %-16s %-36s %-6s %-8s %s\n' "4 KiB deposit (wrk POST -t2 -c8)" "$SDEP req/s" "PutObject x8 threads $SPUT ops/s" "$R3" "context" "-"
printf '%-34s %-16s %-36s %-6s %-8s %s\n' "4 KiB fetch (wrk GET -t2 -c32)" "$SFET req/s" "GetObject x8 threads $SGET ops/s" "$R4" "context" "-"
printf '%-34s %s\n' "server heap during 1 GiB transfers" \
  "peak used ${PEAK_USED_MIB} MiB of ${HEAP}, old gen peak ${PEAK_OLD_MIB} MiB, after-GC max ${AFTER_GC_MAX:-n/a (no GC)} MiB, $GC_COUNT GC pauses, ~${ALLOCATED_MIB} MiB allocated for $((2 * REPEAT)) GiB moved ($SAMPLES samples)"
echo "rounds (MiB/s): deposit $(all deposit); PutObject $(all sdk_put); multipart $(all sdk_multipart); fetch $(all fetch); GetObject $(all sdk_get)"
echo "rounds (/s): deposit $(all small_deposit) vs PutObject $(all sdk_small_put); fetch $(all small_fetch) vs GetObject $(all sdk_small_get)"
echo "CPU s per 1 GiB deposit: server $(all deposit_cpu), s3proxy $(all deposit_s3cpu); PutObject: SDK $(all sdk_put_drivercpu), s3proxy $(all sdk_put_s3cpu); multipart: SDK $(all sdk_multipart_drivercpu), s3proxy $(all sdk_multipart_s3cpu)"
echo "CPU s per 1 GiB fetch: server $(all fetch_cpu), s3proxy $(all fetch_s3cpu); GetObject: SDK $(all sdk_get_drivercpu), s3proxy $(all sdk_get_s3cpu)"
echo "CPU us per 4 KiB deposit: server $(all small_deposit_cpu_us), s3proxy $(all small_deposit_s3cpu_us); per PutObject: s3proxy $(all sdk_small_put_s3cpu_us)"
echo "CPU us per 4 KiB fetch: server $(all small_fetch_cpu_us), s3proxy $(all small_fetch_s3cpu_us); per GetObject: s3proxy $(all sdk_small_get_s3cpu_us)"
