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

SCRIPT="run.sh (s3)"
# shellcheck source=benchmarks/lib.sh
source "$ROOT/benchmarks/lib.sh"

GIB=$((1024 * 1024 * 1024))
MAX_ARTIFACT_BYTES=$((2 * GIB))
PART_SIZE=$((8 * 1024 * 1024))          # the server's default part size, and the baseline's
BLOB_PREFIX=blobs                       # serve --blob-store s3://<bucket>/blobs

check_count REPEAT "$REPEAT"
check_count WRK_ROUNDS "$WRK_ROUNDS"
check_seconds WRK_DURATION "$WRK_DURATION"
check_seconds WRK_WARMUP "$WRK_WARMUP"
[[ $S3PROXY_HEAP =~ ^[0-9]+[mg]$ ]] || die "S3PROXY_HEAP must look like 512m"
[[ -f $SERVER_JAR ]] || die "no $SERVER_JAR: run 'mvn -B -q -DskipTests package' first"
[[ -f $DRIVER_JAR ]] || die "no $DRIVER_JAR: run 'mvn -B -q -DskipTests package' first"
if [[ ! -f $S3PROXY_JAR && -f $ROOT/eden-artifacts-s3/target/s3-test-server/s3proxy.jar ]]; then
  S3PROXY_JAR=$ROOT/eden-artifacts-s3/target/s3-test-server/s3proxy.jar
fi
[[ -f $S3PROXY_JAR ]] || die "no $S3PROXY_JAR: run 'mvn -B -q -DskipTests package' first"
require java jstat curl awk sort psql
install_missing wrk:wrk
require_free_ports SERVER_PORT S3_PORT
pg_connect

INPUTS=$WORK/inputs
mkdir -p "$INPUTS" "$WORK/runs"
SRC=$INPUTS/random-1GiB.bin
WARM=$INPUTS/random-64MiB.bin
SMALL=$INPUTS/random-4KiB.bin
make_input "$SRC" "$GIB"
make_input "$WARM" $((64 * 1024 * 1024))
make_input "$SMALL" 4096
cat "$SRC" "$WARM" >/dev/null # into the page cache: curl and the SDK both read it from there

RUN=$(mktemp -d "$WORK/runs/$(date -u +%Y%m%dT%H%M%SZ)-s3-XXXX")
mkdir -p "$RUN/s3" "$RUN/results"

SCHEMA=bench_$(random_chars 'a-z0-9' 12)
BUCKET=eden-bench-$(random_chars 'a-z0-9' 12)
# s3proxy accepts this one identity; the server and the SDK driver get it from the environment.
AWS_ACCESS_KEY_ID=bench-$(random_chars 'a-z0-9' 12)
AWS_SECRET_ACCESS_KEY=$(random_chars 'A-Za-z0-9' 40)
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
export AWS_EC2_METADATA_DISABLED=true # never look for an instance role on loopback runs
S3_ENDPOINT=http://127.0.0.1:$S3_PORT

SERVER_PID=""
S3PROXY_PID=""
JSTAT_PID=""
cleanup() {
  local rc=$?
  stop_processes "$JSTAT_PID" "$SERVER_PID" "$S3PROXY_PID"
  if [[ $KEEP != 1 ]]; then
    # Only after measuring, and only the big objects: deleting the many small ones would slow the
    # next run's file creation on this disk for minutes (the logs and results stay too).
    find "$RUN/s3" -type f -size +1M -delete 2>/dev/null || true
  fi
  pg_drop_schema
  echo "run directory: $RUN"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

iso() { echo "PT${1%s}S"; } # 10s -> PT10S

REVISION=$(revision)
LOAD_BEFORE=$(loadavg)
note "load average before: $LOAD_BEFORE"
note "revision $REVISION; MODE=s3 HEAP=$HEAP SERVER_OPTS='$SERVER_OPTS' S3PROXY_HEAP=$S3PROXY_HEAP REPEAT=$REPEAT WRK_ROUNDS=$WRK_ROUNDS WRK_DURATION=$WRK_DURATION WRK_WARMUP=$WRK_WARMUP"
note "run directory: $RUN"

# ---- PostgreSQL: a fresh schema for this run ----
pg_schema "$SCHEMA"
note "metadata: PostgreSQL $(pg_version), schema $SCHEMA"

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
  port_open "$S3_PORT" && break
  kill -0 "$S3PROXY_PID" 2>/dev/null || { tail -n 20 "$RUN/s3proxy.log" >&2; die "s3proxy exited"; }
  sleep 0.2
done
port_open "$S3_PORT" || die "s3proxy did not start within 60 s"
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
EXPERIMENT=$(new_experiment_id)
ADMIN_TOKEN=$(random_chars 'A-Za-z0-9' 40)
BEARER=$(add_worker --db "$SCHEMA_URL")
read -r -a SERVER_JVM_OPTS <<<"$SERVER_OPTS"
EDEN_ADMIN_TOKEN=$ADMIN_TOKEN start_server "$RUN/server.log" -Xms"$HEAP" -Xmx"$HEAP" -XX:+AlwaysPreTouch \
  -Xlog:gc:file="$RUN/gc.log":uptime ${SERVER_JVM_OPTS[@]+"${SERVER_JVM_OPTS[@]}"} -- \
  serve --host 127.0.0.1 --port "$SERVER_PORT" --data-dir "$RUN/server-data" \
  --db "$SCHEMA_URL" --blob-store "s3://$BUCKET/$BLOB_PREFIX" --s3-endpoint "$S3_ENDPOINT" \
  --s3-path-style --s3-region us-east-1 \
  --experiment-id "$EXPERIMENT" --max-artifact-bytes "$MAX_ARTIFACT_BYTES" --access-log off
BASE=http://127.0.0.1:$SERVER_PORT
ENDPOINT=$BASE/v0/experiments/$EXPERIMENT/artifacts
note "server pid $SERVER_PID on $BASE, heap -Xms$HEAP -Xmx$HEAP -XX:+AlwaysPreTouch, blobs s3://$BUCKET/$BLOB_PREFIX"

AUTH=(-H "Authorization: Bearer $BEARER" -H "X-Eden-Experiment-Id: $EXPERIMENT")

object_key() { echo "$BLOB_PREFIX/$(blob_name "$1")"; } # artifacts_uri -> its key in the bucket

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
fetch_lua "$RUN/fetch.lua" "$EXPERIMENT" "$BEARER $small_uri"
# Every request the same multipart body (the 4 KiB input as the part "file"); the server makes a
# new artifact of each.
deposit_lua "$RUN/deposit.lua" "$SMALL" "$EXPERIMENT" "$BEARER"
fetch "$ENDPOINT?uri=$(urlencode "$small_uri")" 4096 "${AUTH[@]}" >/dev/null
wrk_run -t2 -c8 -d"$WRK_WARMUP" -s "$RUN/deposit.lua" "$BASE" >/dev/null
wrk_run -t2 -c32 -d"$WRK_WARMUP" -s "$RUN/fetch.lua" "$BASE" >/dev/null

heap_watch_start 1gib

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

heap_watch_stop 1gib "$((2 * REPEAT)) GiB moved"
HEAP_1GIB=$HEAP_SUMMARY

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
  read -r rps n _ <<<"$res"
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
  read -r rps n _ <<<"$res"
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

DEP=$(m deposit) PUT=$(m sdk_put) MPU=$(m sdk_multipart) FET=$(m fetch) GET=$(m sdk_get)
SDEP=$(m small_deposit) SPUT=$(m sdk_small_put) SFET=$(m small_fetch) SGET=$(m sdk_small_get)
R1=$(ratio "$DEP" "$PUT") R1M=$(ratio "$DEP" "$MPU") R2=$(ratio "$FET" "$GET")
R3=$(ratio "$SDEP" "$SPUT") R4=$(ratio "$SFET" "$SGET")

echo
echo "eden-artifacts benchmark, S3 mode, $(date -u +%Y-%m-%dT%H:%MZ), revision $REVISION, $(nproc) CPUs, load average before: $LOAD_BEFORE, after: $LOAD_AFTER"
echo "server: -Xms$HEAP -Xmx$HEAP -XX:+AlwaysPreTouch${SERVER_OPTS:+ $SERVER_OPTS}, PostgreSQL metadata, blobs on s3proxy ${S3PROXY_VERSION:-?} (filesystem); baseline: AWS SDK for Java 2 straight to that s3proxy"
echo "medians of $REPEAT rounds (1 GiB) and $WRK_ROUNDS rounds (4 KiB, $WRK_DURATION each)"
printf '%-34s %-16s %-36s %-6s %-8s %s\n' "measurement" "server" "baseline" "ratio" "target" "met"
printf '%-34s %-16s %-36s %-6s %-8s %s\n' "1 GiB deposit (curl -F)" "$DEP MiB/s" "PutObject $PUT MiB/s" "$R1" ">=0.8" "$(meets "$R1" 0.8)"
printf '%-34s %-16s %-36s %-6s %-8s %s\n' "" "" "multipart, 8 MiB parts $MPU MiB/s" "$R1M" "-" "-"
printf '%-34s %-16s %-36s %-6s %-8s %s\n' "1 GiB fetch (curl -o /dev/null)" "$FET MiB/s" "GetObject $GET MiB/s" "$R2" ">=0.8" "$(meets "$R2" 0.8)"
printf '%-34s %-16s %-36s %-6s %-8s %s\n' "4 KiB deposit (wrk POST -t2 -c8)" "$SDEP req/s" "PutObject x8 threads $SPUT ops/s" "$R3" "context" "-"
printf '%-34s %-16s %-36s %-6s %-8s %s\n' "4 KiB fetch (wrk GET -t2 -c32)" "$SFET req/s" "GetObject x8 threads $SGET ops/s" "$R4" "context" "-"
printf '%-34s %s\n' "server heap during 1 GiB transfers" "$HEAP_1GIB"
echo "rounds (MiB/s): deposit $(all deposit); PutObject $(all sdk_put); multipart $(all sdk_multipart); fetch $(all fetch); GetObject $(all sdk_get)"
echo "rounds (/s): deposit $(all small_deposit) vs PutObject $(all sdk_small_put); fetch $(all small_fetch) vs GetObject $(all sdk_small_get)"
echo "CPU s per 1 GiB deposit: server $(all deposit_cpu), s3proxy $(all deposit_s3cpu); PutObject: SDK $(all sdk_put_drivercpu), s3proxy $(all sdk_put_s3cpu); multipart: SDK $(all sdk_multipart_drivercpu), s3proxy $(all sdk_multipart_s3cpu)"
echo "CPU s per 1 GiB fetch: server $(all fetch_cpu), s3proxy $(all fetch_s3cpu); GetObject: SDK $(all sdk_get_drivercpu), s3proxy $(all sdk_get_s3cpu)"
echo "CPU us per 4 KiB deposit: server $(all small_deposit_cpu_us), s3proxy $(all small_deposit_s3cpu_us); per PutObject: s3proxy $(all sdk_small_put_s3cpu_us)"
echo "CPU us per 4 KiB fetch: server $(all small_fetch_cpu_us), s3proxy $(all small_fetch_s3cpu_us); per GetObject: s3proxy $(all sdk_small_get_s3cpu_us)"
