#!/usr/bin/env bash
# Throughput of the runnable server against this machine's baselines, measured in one run:
#   1 GiB deposit  vs  dd bs=1M conv=fsync of the same bytes
#   1 GiB fetch    vs  nginx serving the same file on loopback
#   4 KiB fetch by a steady worker under wrk -t2 -c32  vs  nginx serving a static 4 KiB file
# Needs: java 17, curl, wrk, nginx (Debian packages). Builds the jar if it is missing.
# Usage: eden-artifacts-server/bench/benchmark.sh [work-dir]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
jar="$repo/eden-artifacts-server/target/eden-artifacts-server.jar"
work="${1:-$(mktemp -d /tmp/eden-bench.XXXXXX)}"
server_port=18480
nginx_port=18481
duration="${WRK_DURATION:-10s}"

[ -f "$jar" ] || (cd "$repo" && mvn -B -q -DskipTests package)
mkdir -p "$work"
chmod 755 "$work" # nginx workers run unprivileged and must read the files
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

secs() { python3 -c "import sys; print(f'{float(sys.argv[1]):.2f}')" "$1"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.2f}')" "$1" "$2"; }

echo "== preparing $work (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
head -c 1073741824 /dev/urandom > "$work/one-gib.bin"
head -c 4096 /dev/urandom > "$work/four-kib.bin"
chmod 644 "$work/one-gib.bin" "$work/four-kib.bin"

echo "== baseline: dd bs=1M conv=fsync of the 1 GiB file"
start=$(date +%s.%N)
dd if="$work/one-gib.bin" of="$work/dd-copy.bin" bs=1M conv=fsync status=none
dd_s=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$(date +%s.%N)")
echo "dd: $(secs "$dd_s") s"

echo "== starting the server"
export EDEN_ADMIN_TOKEN="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
experiment="exp_$(python3 -c "import secrets; a='0123456789abcdefghjkmnpqrstvwxyz'; print(''.join(secrets.choice(a) for _ in range(26)))")"
bearer=$(java -jar "$jar" add-worker --data-dir "$work/data" | tail -1)
java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -jar "$jar" serve --data-dir "$work/data" --port "$server_port" \
  --experiment-id "$experiment" --max-artifact-bytes 2147483648 > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$work/server.log" && break; sleep 0.2; done
base="http://127.0.0.1:$server_port/v0/experiments/$experiment/artifacts"
auth=(-H "Authorization: Bearer $bearer" -H "X-Eden-Experiment-Id: $experiment")

# warm up the JIT and the credential cache
for _ in $(seq 1 20); do curl -s -o /dev/null "${auth[@]}" -F "file=@$work/four-kib.bin" "$base"; done

echo "== 1 GiB deposit (curl -F)"
reply=$(curl -s -w '\n%{time_total}' "${auth[@]}" -F "file=@$work/one-gib.bin;type=application/octet-stream" "$base")
deposit_s=$(echo "$reply" | tail -1)
big_uri=$(echo "$reply" | head -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["artifacts_uri"])')
echo "deposit: $(secs "$deposit_s") s; dd/deposit = $(ratio "$dd_s" "$deposit_s") (target >= 0.7)"

echo "== 1 GiB fetch (curl -o /dev/null) vs nginx"
cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  server { listen 127.0.0.1:$nginx_port; root $work; }
}
NGINX
nginx -c "$work/nginx.conf"
sleep 0.5
curl -s -o /dev/null "http://127.0.0.1:$nginx_port/one-gib.bin" # page cache warm for both
fetch_url="$base?uri=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$big_uri")"
nginx_s=$(curl -s -f -o /dev/null -w '%{time_total}' "http://127.0.0.1:$nginx_port/one-gib.bin")
curl -s -o "$work/fetched.bin" "${auth[@]}" "$fetch_url" # checked, and warms the path up
cmp "$work/fetched.bin" "$work/one-gib.bin" && echo "fetched bytes identical"
rm -f "$work/fetched.bin"
fetch_s=$(curl -s -o /dev/null -w '%{time_total}' "${auth[@]}" "$fetch_url")
echo "nginx: $(secs "$nginx_s") s; server: $(secs "$fetch_s") s; nginx/server = $(ratio "$nginx_s" "$fetch_s") (target >= 0.8)"

echo "== 4 KiB fetch, wrk -t2 -c32 -d$duration"
small_uri=$(curl -s "${auth[@]}" -F "file=@$work/four-kib.bin" "$base" | python3 -c 'import json,sys; print(json.load(sys.stdin)["artifacts_uri"])')
small_url="$base?uri=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$small_uri")"
export EDEN_BEARER="$bearer" EDEN_EXPERIMENT="$experiment"
curl -s -f -o /dev/null "http://127.0.0.1:$nginx_port/four-kib.bin" # nginx must answer 200
wrk -t2 -c32 -d2s -s "$here/fetch.lua" "$small_url" > /dev/null # warm-up
server_rps=$(wrk -t2 -c32 -d"$duration" -s "$here/fetch.lua" "$small_url" | awk '/Requests\/sec/ {print $2}')
nginx_rps=$(wrk -t2 -c32 -d"$duration" "http://127.0.0.1:$nginx_port/four-kib.bin" | awk '/Requests\/sec/ {print $2}')
echo "server: $server_rps req/s; nginx: $nginx_rps req/s; server/nginx = $(ratio "$server_rps" "$nginx_rps") (target >= 0.4)"

