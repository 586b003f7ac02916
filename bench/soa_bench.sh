#!/bin/bash
# Benchmark of SOA queries (not a test): the monitoring and zone-finding query that certbot,
# nsupdate and dig send. route53-sim holds a zone of N record sets (default 100,000) below an
# empty non-terminal (h000001.hosts.example.com ...); route53d mirrors it; dnsperf then sends,
# for DURATION seconds each, SOA queries at the apex (answer), at the empty non-terminal
# hosts.example.com (NODATA) and at distinct missing names (NXDOMAIN), first to route53d, then
# to BIND 9 named serving the same zone from a file. Prints queries/s, the rcodes seen and the
# route53d/named ratio. ROUTE53D_OLD=path adds a column for another route53d binary (before/after).
#
#   bench/soa_bench.sh [N]          env: DURATION=5 CLIENTS=10 OUTSTANDING=100 KEEP=1 ROUTE53D_OLD=
set -u
OLD=${ROUTE53D_OLD:-}
N=${1:-100000}
DURATION=${DURATION:-5}
CLIENTS=${CLIENTS:-10}
OUTSTANDING=${OUTSTANDING:-100}
BENCH=soa_bench
. "$(dirname "$0")/benchlib.sh"
command -v dnsperf >/dev/null || die "dnsperf not installed"
[ -x "$R53D" ] && [ -x "$SIM" ] || die "build first (make)"

# route53-sim without rate limiting, loaded with N A records in batches of 1,000.
start_sim sim --rate 0 --max-rrsets-per-zone 0 --zone example.com=ZSOABENCH  # N can pass 10,000
sim_fill "$SIMPORT" ZSOABENCH 0 $((N - 1)) A '"h%06d.hosts.example.com." % i' '"10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255)'
/usr/bin/python3 - "$N" "$TMP/named.zone" <<'PY' || die "writing the zone file failed"
import sys
n, zone_file = int(sys.argv[1]), sys.argv[2]
with open(zone_file, "w") as f:
    f.write("$TTL 300\n@ IN SOA ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 86400\n"
            "@ IN NS ns1.example.com.\nns1 IN A 192.0.2.53\n")
    for i in range(n):
        f.write("h%06d.hosts IN A 10.%d.%d.%d\n" % (i, i >> 16, (i >> 8) & 255, i & 255))
PY

printf 'example.com SOA\n' >"$TMP/apex.txt"
printf 'hosts.example.com SOA\n' >"$TMP/ent.txt"
for i in $(seq 1 20000); do printf 'm%d.example.com SOA\n' "$i"; done >"$TMP/missing.txt"

start_r53d() {  # name binary -> PORT
  PORT=$(free_port)
  cat >"$TMP/$1.ini" <<EOF
[server]
listen = 127.0.0.1:$PORT
log-level = notice
[aws]
endpoint = http://127.0.0.1:$SIMPORT
region = us-east-1
access-key-id = $AWS_ACCESS_KEY_ID
secret-access-key = $AWS_SECRET_ACCESS_KEY
requests-per-second = 50
[zone example.com]
EOF
  launch_r53d "$1" "$2"
}
# perf port datafile -> "qps rcodes"
perf() {
  dnsperf -s 127.0.0.1 -p "$1" -d "$2" -c "$CLIENTS" -q "$OUTSTANDING" -l "$DURATION" >"$TMP/perf.out" 2>&1
  local qps rc
  qps=$(sed -n 's/.*Queries per second: *\([0-9.]*\).*/\1/p' "$TMP/perf.out")
  rc=$(sed -n 's/.*Response codes: *//p' "$TMP/perf.out" | sed 's/ ([0-9.%]*)//g; s/, /,/g')
  printf '%.0f %s\n' "${qps:-0}" "${rc:-none}"
}
declare -A Q RC
run_set() {  # column port
  local k
  for k in apex ent missing; do
    read -r Q[$1.$k] RC[$1.$k] < <(perf "$2" "$TMP/$k.txt")
  done
}

echo "soa_bench: SOA queries against a zone of $N record sets, dnsperf -c $CLIENTS -q $OUTSTANDING, $DURATION s each"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
COLS=(r53d)
start_r53d new "$R53D"
run_set r53d "$PORT"
kill "$R53D_PID"; wait "$R53D_PID" 2>/dev/null
if [ -n "$OLD" ]; then
  COLS+=(old)
  start_r53d old "$OLD"
  run_set old "$PORT"
  kill "$R53D_PID"; wait "$R53D_PID" 2>/dev/null
fi

NPORT=$(free_port)
mkdir -p "$TMP/named"
mv "$TMP/named.zone" "$TMP/named/example.com.zone"
cat >"$TMP/named/named.conf" <<EOF
options {
  directory "$TMP/named";
  listen-on port $NPORT { 127.0.0.1; };
  listen-on-v6 { none; };
  pid-file "$TMP/named/named.pid";
  recursion no;
  notify no;
};
zone "example.com" { type primary; file "example.com.zone"; };
EOF
named -g -n 2 -c "$TMP/named/named.conf" >"$TMP/named/named.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 600); do grep -q 'running$' "$TMP/named/named.log" && break; sleep 0.05; done
grep -q 'running$' "$TMP/named/named.log" || die "named did not start: $(tail -3 "$TMP/named/named.log")"
COLS+=(named)
run_set named "$NPORT"

echo
declare -A TITLE=([r53d]=route53d [old]="ROUTE53D_OLD" [named]="BIND named")
printf '%-28s' "queries/s"; for c in "${COLS[@]}"; do printf ' %14s' "${TITLE[$c]}"; done; printf ' %16s\n' "route53d/named"
for k in apex ent missing; do
  case $k in apex) t="apex (answer)";; ent) t="empty non-terminal (NODATA)";; missing) t="missing name (NXDOMAIN)";; esac
  printf '%-28s' "$t"; for c in "${COLS[@]}"; do printf ' %14s' "${Q[$c.$k]}"; done
  printf ' %16s\n' "$(awk -v a="${Q[r53d.$k]}" -v b="${Q[named.$k]}" 'BEGIN{printf "%.2f", (b > 0 ? a/b : 0)}')"
done
echo
for c in "${COLS[@]}"; do
  echo "${TITLE[$c]} rcodes: apex ${RC[$c.apex]}; empty non-terminal ${RC[$c.ent]}; missing ${RC[$c.missing]}"
done
