# Helpers shared by run.sh, run-s3.sh and scaling.sh; sourced, never run. The sourcing script sets
# ROOT, SCRIPT (its name in messages) and, once it has one, RUN (its run directory).
# shellcheck shell=bash disable=SC2153 # the upper-case globals used here are the caller's

die() { echo "${SCRIPT:-benchmarks}: $*" >&2; exit 1; }
note() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# The measured tree: short commit hash, "-dirty" when it has changes not committed.
revision() {
  local rev
  rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) || { echo unknown; return; }
  [[ -z $(git -C "$ROOT" status --porcelain 2>/dev/null) ]] || rev+=-dirty
  echo "$rev"
}

check_count() { [[ $2 =~ ^[1-5]$ ]] || die "$1 must be 1..5"; }            # name value
check_seconds() { [[ $2 =~ ^([1-9]|[1-5][0-9]|60)s$ ]] || die "$1 must be 1s..60s"; }
require() { local tool; for tool; do command -v "$tool" >/dev/null || die "$tool is required"; done; }
# Installs Debian packages for commands that are missing, as root only.
install_missing() { # command:package...
  local pair missing=()
  for pair; do command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}"); done
  ((${#missing[@]} == 0)) && return
  note "installing Debian's ${missing[*]}"
  [[ $EUID -eq 0 ]] || die "${missing[*]} missing; run as root or: apt-get install -y ${missing[*]}"
  # nginx's package starts the system nginx on port 80; the scripts run their own copy beside it.
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
require_free_ports() { # knob-names... (variables holding ports)
  local knob
  for knob; do
    ! port_open "${!knob}" || die "port ${!knob} is already in use on 127.0.0.1 (set $knob)"
  done
}

# ---- inputs, made once and kept (the disk is slow at creating files right after deleting many) ----
make_input() { # path bytes
  local path=$1 bytes=$2
  if [[ ! -f $path || $(stat -c %s "$path") -ne $bytes ]]; then
    note "creating $path ($bytes random bytes, kept for later runs)"
    head -c "$bytes" /dev/urandom >"$path.partial"
    mv "$path.partial" "$path"
  fi
}
# tr dies of SIGPIPE once head has enough: expected, so no pipefail here.
random_chars() { (set +o pipefail; LC_ALL=C tr -dc "$1" </dev/urandom | head -c "$2"); }
new_experiment_id() { echo "exp_$(random_chars '0-9a-hjkmnp-tv-z' 26)"; }

# ---- processes ----
# TERM, then KILL after 10 s, for each pid given (empty ones skipped).
stop_processes() {
  local pid
  for pid; do
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for pid; do
    if [[ -n $pid ]]; then
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}
# Starts the server jar in the background (java options, then "--", then the jar's arguments),
# logging to $1, and waits until it listens. Sets SERVER_PID.
start_server() { # log java-options... -- serve-arguments...
  local log=$1 opts=()
  shift
  while [[ $1 != -- ]]; do opts+=("$1"); shift; done
  shift
  java "${opts[@]}" -jar "$SERVER_JAR" "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    grep -q 'listening on http://' "$log" && return
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; die "the server exited"; }
    sleep 0.2
  done
  die "the server did not start within 60 s"
}
# Enrols a worker with add-worker (its arguments) and prints its bearer (the last line it prints).
add_worker() {
  local bearer
  bearer=$(java -jar "$SERVER_JAR" add-worker "$@" | tail -n 1)
  [[ $bearer == wkr_*:* ]] || die "add-worker did not print a bearer"
  echo "$bearer"
}

# ---- arithmetic on measurements ----
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
m() { median <"$RUN/results/$1"; }           # series -> its median
all() { paste -sd/ "$RUN/results/$1"; }      # series -> every round, a/b/c

# ---- HTTP against the server (ENDPOINT, EXPERIMENT and the AUTH curl arguments set by the caller) ----
deposit() { # file -> prints "<seconds> <artifacts_uri>"
  local file=$1 start code took
  start=$(ms_now)
  code=$(curl -sS -o "$RUN/deposit.json" -w '%{http_code}' "${AUTH[@]}" \
    -F "file=@$file;type=application/octet-stream" "$ENDPOINT")
  took=$(seconds_since "$start")
  [[ $code == 201 ]] || die "deposit answered $code: $(cat "$RUN/deposit.json")"
  echo "$took $(sed -n 's/.*"artifacts_uri":"\([^"]*\)".*/\1/p' "$RUN/deposit.json")"
}
# One deposit by each worker given, so that the server has checked every bearer once (a slow hash,
# a few at a time, with at most 32 requests waiting: a cold fleet of 128 connections would get 503s).
first_deposits() { # file bearer...
  local file=$1 bearer code
  shift
  for bearer; do
    code=$(curl -sS -o "$RUN/deposit.json" -w '%{http_code}' -H "Authorization: Bearer $bearer" \
      -H "X-Eden-Experiment-Id: $EXPERIMENT" -F "file=@$file;type=application/octet-stream" "$ENDPOINT")
    [[ $code == 201 ]] || die "a worker's first deposit answered $code: $(cat "$RUN/deposit.json")"
  done
}
urlencode() { printf '%s' "$1" | sed -e 's/%/%25/g' -e 's/:/%3A/g' -e 's/\//%2F/g'; }
fetch() { # url expected-bytes [curl args...] -> prints seconds
  local url=$1 expected=$2 start out took
  shift 2
  start=$(ms_now)
  out=$(curl -sS -o /dev/null -w '%{http_code} %{size_download}' "$@" "$url")
  took=$(seconds_since "$start")
  [[ $out == "200 $expected" ]] || die "fetch of $url answered '$out', expected '200 $expected'"
  echo "$took"
}
blob_name() { local id=${1##*/}; echo "${id:0:2}/$id"; } # artifacts_uri -> its blob, relative

# ---- wrk ----
# wrk's default 2 s timeout would count a slow deposit as a socket error; 10 s does not hide one.
WRK_OPTS=(--timeout 10s)
# Prints "<requests/s> <requests> <p50 ms> <p99 ms>" (the latencies "-" unless given --latency);
# fails on any error or non-2xx answer.
wrk_run() { # wrk args...
  local out
  out=$(wrk "${WRK_OPTS[@]}" "$@")
  echo "$out" >>"$RUN/wrk.txt"
  if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then
    die "wrk saw errors: $out"
  fi
  awk '
    function ms(t) { # wrk prints 812.00us, 1.23ms, 2.01s, 1.50m
      if (t ~ /us$/) return t / 1000
      if (t ~ /ms$/) return t + 0
      if (t ~ /m$/) return t * 60000
      return t * 1000
    }
    /^Requests\/sec:/ { r = $2 }
    /requests in/ { n = $1 }
    $1 == "50%" { p50 = sprintf("%.2f", ms($2)) }
    $1 == "99%" { p99 = sprintf("%.2f", ms($2)) }
    END { print r, n, (p50 == "" ? "-" : p50), (p99 == "" ? "-" : p99) }' <<<"$out"
}
# Lua: give each wrk thread its own enrolled worker (the bearers in $2.., one a thread in turn).
lua_workers() { # experiment bearer...
  local experiment=$1 bearer
  shift
  echo 'local bearers = {'
  for bearer; do echo "  \"$bearer\","; done
  cat <<EOF
}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("bearer", bearers[(threads - 1) % #bearers + 1])
  thread:set("index", threads)
end
wrk.headers["X-Eden-Experiment-Id"] = "$experiment"
EOF
}
# A wrk script that deposits the file given, again and again (a new artifact each time), in the
# multipart body curl -F "file=@FILE;type=application/octet-stream" sends; built once per thread.
deposit_lua() { # script file experiment bearer...
  local script=$1 file=$2 experiment=$3
  shift 3
  {
    lua_workers "$experiment" "$@"
    cat <<EOF
local f = assert(io.open("$file", "rb"))
local content = f:read("*a")
f:close()
local boundary = "------------------------$(random_chars 'A-Za-z0-9' 40)"
wrk.method = "POST"
wrk.path = "/v0/experiments/$experiment/artifacts"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.body = "--" .. boundary .. "\r\n"
  .. "Content-Disposition: form-data; name=\"file\"; filename=\"$(basename "$file")\"\r\n"
  .. "Content-Type: application/octet-stream\r\n\r\n"
  .. content .. "\r\n--" .. boundary .. "--\r\n"
function init(args)
  wrk.headers["Authorization"] = "Bearer " .. bearer
end
EOF
  } >"$script"
  chmod 600 "$script"
}
# A wrk script fetching, in each thread, the artifact of that thread's worker: $3.. are
# "bearer artifacts_uri" pairs, one a worker (a worker may fetch only what it deposited).
fetch_lua() { # script experiment "bearer uri"...
  local script=$1 experiment=$2 pair bearers=() paths=()
  shift 2
  for pair; do
    bearers+=("${pair%% *}")
    paths+=("/v0/experiments/$experiment/artifacts?uri=$(urlencode "${pair#* }")")
  done
  {
    lua_workers "$experiment" "${bearers[@]}"
    echo 'local paths = {'
    for pair in "${paths[@]}"; do echo "  \"$pair\","; done
    cat <<EOF
}
wrk.method = "GET"
function init(args)
  wrk.path = paths[(index - 1) % #paths + 1]
  wrk.headers["Authorization"] = "Bearer " .. bearer
end
EOF
  } >"$script"
  chmod 600 "$script"
}

# ---- the server's heap, from jstat -gc samples and the GC log ----
# Prints "peak-used-MiB old-gen-peak-MiB allocated-MiB samples after-GC-max-MiB-or-empty pauses".
# Allocation is estimated from the growth of eden between samples (what a GC empties in between
# is not counted, so it is a lower bound when GCs happen).
heap_figures() { # jstat-file gc-log-slice
  local after_gc pauses
  after_gc=$( (grep -o '[0-9]*M->[0-9]*M' "$2" || true) | sed 's/.*->//; s/M//' | sort -n | tail -n 1)
  pauses=$(grep -c 'Pause' "$2" || true)
  # jstat -gc columns by name: used = S0U + S1U + EU + OU (KiB).
  awk -v after_gc="${after_gc:--}" -v pauses="$pauses" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $1 ~ /^[0-9.]+$/ {
      used = $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]
      if (used > peak) peak = used
      if ($col["OU"] > old) old = $col["OU"]
      if (n > 0 && $col["EU"] > eden) allocated += $col["EU"] - eden
      eden = $col["EU"]
      n++
    }
    END { printf "%.1f %.1f %.1f %d %s %d\n", peak / 1024, old / 1024, allocated / 1024, n, after_gc, pauses }' "$1"
}
# Heap sampling: heap_watch_start NAME, then the load, then heap_watch_stop NAME sets HEAP_SUMMARY
# to one line (in this shell: it waits for its own jstat).
heap_watch_start() { # name
  GC_LINES_BEFORE=$(wc -l <"$RUN/gc.log")
  # One sample every 100 ms, at most 20 minutes' worth.
  jstat -gc "$SERVER_PID" 100 12000 >"$RUN/jstat-$1.txt" &
  JSTAT_PID=$!
}
heap_watch_stop() { # name what-moved
  kill -TERM "$JSTAT_PID" 2>/dev/null || true
  wait "$JSTAT_PID" 2>/dev/null || true
  JSTAT_PID=""
  sed -n "$((GC_LINES_BEFORE + 1)),\$p" "$RUN/gc.log" >"$RUN/gc-$1.log"
  local peak old allocated samples after_gc pauses
  read -r peak old allocated samples after_gc pauses < <(heap_figures "$RUN/jstat-$1.txt" "$RUN/gc-$1.log")
  if [[ $after_gc == - ]]; then after_gc="n/a (no GC)"; else after_gc+=" MiB"; fi
  # shellcheck disable=SC2034 # for the sourcing script
  HEAP_SUMMARY="peak used $peak MiB of $HEAP, old gen peak $old MiB, after-GC max $after_gc, $pauses GC pauses, ~$allocated MiB allocated for $2 ($samples samples)"
}

# ---- PostgreSQL: a schema of this run's own, dropped at exit unless KEEP=1 ----
# Sets PG_URL (from .ci/start-postgres if empty) and PSQL_URL, and checks the connection.
pg_connect() {
  if [[ -z ${PG_URL:-} ]]; then
    [[ -f $ROOT/.ci/start-postgres ]] || die "set PG_URL to a jdbc:postgresql:// URL"
    PG_URL=$(bash "$ROOT/.ci/start-postgres" 2>/dev/null | tail -n 1)
  fi
  [[ $PG_URL == jdbc:postgresql://* ]] || die "PG_URL must be a jdbc:postgresql:// URL"
  PSQL_URL=${PG_URL#jdbc:} # libpq takes the same URL, user and password as query parameters
  psql "$PSQL_URL" -qtAc 'select 1' >/dev/null || die "cannot connect to PostgreSQL (PG_URL)"
}
# Creates the schema; sets PG_SCHEMA and SCHEMA_URL (PG_URL in that schema). After pg_connect.
pg_schema() { # schema
  psql "$PSQL_URL" -qtAc "CREATE SCHEMA $1" >/dev/null || die "cannot create schema $1"
  PG_SCHEMA=$1
  # shellcheck disable=SC2034 # for the sourcing script
  SCHEMA_URL=$PG_URL$([[ $PG_URL == *\?* ]] && echo '&' || echo '?')currentSchema=$1
}
pg_drop_schema() {
  if [[ -n ${PG_SCHEMA:-} && ${KEEP:-0} != 1 ]]; then
    psql "$PSQL_URL" -qtAc "DROP SCHEMA $PG_SCHEMA CASCADE" >/dev/null 2>&1 || true
  fi
}
pg_version() { psql "$PSQL_URL" -qtAc 'show server_version' | cut -d' ' -f1; }
