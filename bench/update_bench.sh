#!/bin/bash
# Benchmark of the dynamic UPDATE gateway (not a test): dnsperf in update mode sends N signed
# single-record UPDATEs to distinct names (default 10,000; -c 50 clients, -q outstanding)
# through route53d to route53-sim at Route 53's rate (--rate 5), then the same load to BIND 9
# named serving a local dynamic zone. Prints updates/s, p50/p99 latency, ChangeResourceRecordSets
# calls (from GET /_sim/stats), the route53d/named ratio, and checks that every update was
# answered NOERROR and is present in route53-sim afterwards. Also a single client, one update
# at a time below the rate limit, against route53-sim with 20 ms of latency per API call. And a
# steady stream while GetChange polling is busy (route53-sim --insync-after 60, poll-interval-min
# 200ms: the poller asks about a change all the time, through the same 5 requests/s): how many
# ChangeResourceRecordSets calls the stream costs and how long its UPDATEs wait, side by side
# with ROUTE53D_OLD=binary if set (a route53d built from an older commit in a temp dir).
# MODE=polling runs only that part.
#
#   bench/update_bench.sh [N]            env: CLIENTS=50 OUTSTANDING=2000 SINGLE=40 KEEP=1
#                                             STREAM=300 STREAM_QPS=20 ROUTE53D_OLD= MODE=all|polling PREREQ= TRUST=
#
# PREREQ gives every UPDATE a prerequisite (issue 13 item 2: what checking Route 53's actual data
# costs): nxrrset ("prohibit uN A": the batch's CREATE asserts it, no read), nxdomain ("prohibit
# uN": a ListResourceRecordSets before the batch), yxrrset ("require pN TXT "pN"": N TXT sets
# preloaded in route53-sim and named, each asserted by an identical DELETE + CREATE in the batch).
# TRUST=1 runs route53d with trust-mirror = yes (no read, no assertion).
#
# 2,000 outstanding updates keep a full 998-update batch queued behind the one in flight (the
# group commit needs about 1,000 waiting to fill a batch); 10,000 at once overflow the default
# 208 KB UDP receive buffer of the server socket (route53d and named alike) and dnsperf counts
# the dropped ones as lost.
set -u
N=${1:-10000}
CLIENTS=${CLIENTS:-50}
OUTSTANDING=${OUTSTANDING:-2000}
SINGLE=${SINGLE:-40}
STREAM=${STREAM:-300}
STREAM_QPS=${STREAM_QPS:-20}
OLD=${ROUTE53D_OLD:-}
MODE=${MODE:-all}
PREREQ=${PREREQ:-}
TRUST=${TRUST:-}
BENCH=update_bench
. "$(dirname "$0")/benchlib.sh"
start_r53d() {  # name simport [binary [extra [aws] lines...]] -> PORT
  local name=$1 simport=$2 binary=${3:-$R53D}
  shift 2; [ $# -gt 0 ] && shift
  PORT=$(free_port)
  cat >"$TMP/$name.ini" <<EOF
[server]
listen = 127.0.0.1:$PORT
key-file = $TMP/bench.key
log-level = notice
[aws]
endpoint = http://127.0.0.1:$simport
region = us-east-1
access-key-id = $AWS_ACCESS_KEY_ID
secret-access-key = $AWS_SECRET_ACCESS_KEY
requests-per-second = 5
$(for l in "$@"; do echo "$l"; done)
[zone example.com]
allow-update = key bench-key
$([ -n "$TRUST" ] && echo "trust-mirror = yes")
EOF
  launch_r53d "$name" "$binary"
}
# sim_count key -> a counter of GET /_sim/stats ("requests.OPERATION" or a top-level key)
sim_count() {
  curl -s "http://127.0.0.1:$SIMPORT/_sim/stats" | /usr/bin/python3 -c 'import json,sys
s=json.load(sys.stdin); k=sys.argv[1]
print(s["requests"].get(k[9:], 0) if k.startswith("requests.") else s[k])' "$1"
}
# run_dnsperf label port datafile clients outstanding [extra] -> $TMP/label.perf (verbose output)
run_dnsperf() {
  local label=$1 port=$2 data=$3 c=$4 q=$5; shift 5
  dnsperf -u -s 127.0.0.1 -p "$port" -d "$data" -c "$c" -q "$q" -n 1 -t 30 -b 4096 -v \
    -y "hmac-sha256:bench-key:$SECRET" "$@" >"$TMP/$label.perf" 2>&1
}
# summary label -> "qps p50_ms p99_ms noerror total other"
summary() {
  /usr/bin/python3 - "$TMP/$1.perf" <<'PY'
import re, sys
lat, rc = [], {}
qps = "?"
for line in open(sys.argv[1]):
    m = re.match(r"> (\S+) \S+ (\d+\.\d+)$", line) or re.match(r"> (\S+) (\d+\.\d+)$", line)
    if m:
        rc[m.group(1)] = rc.get(m.group(1), 0) + 1
        lat.append(float(m.group(2)) * 1000)
    elif line.startswith("> "):  # T (timed out) or I (interrupted): no latency
        rc[line.split()[1]] = rc.get(line.split()[1], 0) + 1
    m = re.search(r"(?:Queries|Updates) per second:\s+([\d.]+)", line)
    if m:
        qps = m.group(1)
lat.sort()
p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")
other = ",".join("%s:%d" % kv for kv in sorted(rc.items()) if kv[0] != "NOERROR") or "-"
print(qps, "%.1f" % p(0.50), "%.1f" % p(0.99), rc.get("NOERROR", 0), sum(rc.values()), other)
PY
}
command -v dnsperf >/dev/null || die "dnsperf not installed"
[ -x "$R53D" ] && [ -x "$SIM" ] || die "build first (make)"

tsig-keygen -a hmac-sha256 bench-key >"$TMP/bench.key"; chmod 600 "$TMP/bench.key"
SECRET=$(sed -n 's/.*secret "\(.*\)";.*/\1/p' "$TMP/bench.key")
case "$PREREQ" in
  "") pre() { :; } ;;
  nxrrset) pre() { printf 'prohibit u%d A\n' "$1"; } ;;
  nxdomain) pre() { printf 'prohibit u%d\n' "$1"; } ;;
  yxrrset) pre() { printf 'require p%d TXT "p%d"\n' "$1" "$1"; } ;;
  *) die "PREREQ is nxrrset, nxdomain or yxrrset" ;;
esac
for i in $(seq 1 "$N"); do
  p=$(pre "$i")
  printf 'example.com\n%s%sadd u%d 300 A 192.0.2.%d\nsend\n' "$p" "${p:+$'\n'}" "$i" $((i % 250 + 1))
done >"$TMP/updates.txt"
for i in $(seq 1 "$SINGLE"); do printf 'example.com\nadd s%d 300 A 192.0.2.1\nsend\n' "$i"; done >"$TMP/single.txt"
[ "$MODE" = polling ] || echo "update_bench: $N single-record UPDATEs to distinct names${PREREQ:+, each with a $PREREQ prerequisite}${TRUST:+, trust-mirror = yes}, dnsperf -c $CLIENTS -q $OUTSTANDING, TSIG hmac-sha256"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"

# 4. (Defined here so that MODE=polling can run it alone; runs last.)
# A steady stream (STREAM_QPS UPDATEs/s from 5 clients) while GetChange polling is busy: Route 53
# keeps every change PENDING for 60 s, so the pinned change is polled every 200 ms .. 1 s through
# the whole run, sharing the 5 requests/s with the change requests.
# run_stream label binary -> ROW="calls getchange throttled p50 p99 noerror/all"
run_stream() {
  start_sim "stream-$1" --credentials "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" --zone example.com=ZBENCH --rate 5 --insync-after 60
  start_r53d "stream-$1" "$SIMPORT" "$2" "poll-interval-min = 200ms" "poll-interval-max = 1s"
  run_dnsperf "stream-$1" "$PORT" "$TMP/stream.txt" 5 20 -Q "$STREAM_QPS"
  local qps p50 p99 ok all other
  read -r qps p50 p99 ok all other < <(summary "stream-$1")
  ROW="$(sim_count requests.ChangeResourceRecordSets) $(sim_count requests.GetChange) $(sim_count throttled) $p50 $p99 $ok/$all"
  kill "$R53D_PID"
}
polling_part() {
  for i in $(seq 1 "$STREAM"); do printf 'example.com\nadd t%d 300 A 192.0.2.%d\nsend\n' "$i" $((i % 250 + 1)); done >"$TMP/stream.txt"
  echo "steady stream with GetChange polling busy: $STREAM UPDATEs at $STREAM_QPS/s (dnsperf -c 5 -q 20 -Q $STREAM_QPS)," \
    "route53-sim --rate 5 --insync-after 60, requests-per-second 5, poll-interval-min 200ms, max 1s"
  local cols=("route53d") rows=()
  run_stream new "$R53D"; rows+=("$ROW")
  if [ -n "$OLD" ]; then run_stream old "$OLD"; cols+=("ROUTE53D_OLD"); rows+=("$ROW"); fi
  local labels=("ChangeResourceRecordSets calls" "GetChange calls" "throttled by the sim" "latency p50 (ms)" "latency p99 (ms)" "answered NOERROR / sent")
  printf '%-34s' ""; for c in "${cols[@]}"; do printf ' %14s' "$c"; done; echo
  for k in "${!labels[@]}"; do
    printf '%-34s' "${labels[$k]}"
    for r in "${rows[@]}"; do read -ra f <<<"$r"; printf ' %14s' "${f[$k]}"; done
    echo
  done
  if [ -n "$OLD" ]; then echo "ROUTE53D_OLD=$OLD"; fi
}
if [ "$MODE" = polling ]; then
  polling_part
  exit 0
fi

# 1. route53d -> route53-sim --rate 5 (preloaded without a rate limit through a --state file).
if [ "$PREREQ" = yxrrset ]; then
  start_sim fill --zone example.com=ZBENCH --rate 0 --max-rrsets-per-zone $((N + 2)) --state "$TMP/sim.state"
  sim_fill "$SIMPORT" ZBENCH 1 "$N" TXT '"p%d.example.com." % i' '"\"p%d\"" % i'
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null
fi
STATE=()
[ "$PREREQ" = yxrrset ] && STATE=(--state "$TMP/sim.state")
start_sim sim --credentials "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" --zone example.com=ZBENCH --rate 5 --insync-after 2 \
  --max-rrsets-per-zone $((N + 2)) "${STATE[@]}"  # N names plus SOA and NS: above the default quota
start_r53d main "$SIMPORT"
run_dnsperf r53d "$PORT" "$TMP/updates.txt" "$CLIENTS" "$OUTSTANDING"
read -r R_QPS R_P50 R_P99 R_OK R_ALL R_OTHER < <(summary r53d)
STATS=$(curl -s "http://127.0.0.1:$SIMPORT/_sim/stats")
CALLS=$(echo "$STATS" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"].get("ChangeResourceRecordSets",0))')
THROTTLED=$(echo "$STATS" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["throttled"])')
PRESENT=$(/usr/bin/python3 - "http://127.0.0.1:$SIMPORT" "$N" <<'PY'
import sys, boto3
from botocore.config import Config
c = boto3.client("route53", endpoint_url=sys.argv[1], region_name="us-east-1",
                 config=Config(retries={"max_attempts": 30, "mode": "standard"}))
names = set()
for page in c.get_paginator("list_resource_record_sets").paginate(HostedZoneId="ZBENCH"):
    names |= {r["Name"] for r in page["ResourceRecordSets"] if r["Type"] == "A"}
print(sum(1 for i in range(1, int(sys.argv[2]) + 1) if "u%d.example.com." % i in names))
PY
)

# 2. single client, one at a time, below the rate limit, sim adding 20 ms to every call.
start_sim single --credentials "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" --zone example.com=ZBENCH --rate 5 --insync-after 2 --fault latency=20
start_r53d single "$SIMPORT"
run_dnsperf single "$PORT" "$TMP/single.txt" 1 1 -Q 4
read -r S_QPS S_P50 S_P99 S_OK S_ALL S_OTHER < <(summary single)

# 3. BIND 9 named with a local dynamic zone, same load.
NPORT=$(free_port)
mkdir -p "$TMP/named"
cat >"$TMP/named/example.com.zone" <<EOF
\$TTL 300
@ IN SOA ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 86400
@ IN NS ns1.example.com.
ns1 IN A 192.0.2.53
EOF
[ "$PREREQ" = yxrrset ] && for i in $(seq 1 "$N"); do printf 'p%d IN TXT "p%d"\n' "$i" "$i"; done >>"$TMP/named/example.com.zone"
cat >"$TMP/named/named.conf" <<EOF
$(cat "$TMP/bench.key")
options {
  directory "$TMP/named";
  listen-on port $NPORT { 127.0.0.1; };
  listen-on-v6 { none; };
  pid-file "$TMP/named/named.pid";
  recursion no;
  notify no;
};
zone "example.com" { type primary; file "example.com.zone"; allow-update { key bench-key; }; };
EOF
named -g -n 2 -c "$TMP/named/named.conf" >"$TMP/named/named.log" 2>&1 &
NAMED_PID=$!; PIDS+=($NAMED_PID)
for _ in $(seq 200); do grep -q 'running$' "$TMP/named/named.log" && break; sleep 0.05; done
grep -q 'running$' "$TMP/named/named.log" || die "named did not start: $(tail "$TMP/named/named.log")"
run_dnsperf named "$NPORT" "$TMP/updates.txt" "$CLIENTS" "$OUTSTANDING"
read -r N_QPS N_P50 N_P99 N_OK N_ALL N_OTHER < <(summary named)

pass() { if eval "$1"; then echo "met"; else echo "MISSED"; fi; }
echo
printf '%-34s %14s %14s %8s\n' "" "route53d" "BIND named" "ratio"
printf '%-34s %14s %14s %8s\n' "updates/s" "$R_QPS" "$N_QPS" "$(awk -v a="$R_QPS" -v b="$N_QPS" 'BEGIN{printf "%.2f", a/b}')"
printf '%-34s %14s %14s %8s\n' "latency p50 (ms)" "$R_P50" "$N_P50" "$(awk -v a="$R_P50" -v b="$N_P50" 'BEGIN{printf "%.1f", a/b}')"
printf '%-34s %14s %14s %8s\n' "latency p99 (ms)" "$R_P99" "$N_P99" "$(awk -v a="$R_P99" -v b="$N_P99" 'BEGIN{printf "%.1f", a/b}')"
printf '%-34s %14s %14s\n' "answered NOERROR / sent" "$R_OK/$R_ALL" "$N_OK/$N_ALL"
printf '%-34s %14s %14s\n' "other answers" "$R_OTHER" "$N_OTHER"
echo
LISTS=$(echo "$STATS" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"].get("ListResourceRecordSets",0))')
echo "route53d: ListResourceRecordSets calls: $LISTS (start-up included)"
echo "route53d: ChangeResourceRecordSets calls: $CALLS (lower bound $(( (N + 997) / 998 ))), throttled by the sim: $THROTTLED"
echo "route53d: updates present in route53-sim afterwards: $PRESENT/$N"
echo "single client (1 outstanding, 4 updates/s, sim latency 20 ms): p50 $S_P50 ms, p99 $S_P99 ms, NOERROR $S_OK/$S_ALL"
echo
echo "targets: all NOERROR and present: $(pass "[ $R_OK -eq $N ] && [ $PRESENT -eq $N ]")," \
  ">= 4000 updates/s: $(pass "awk -v q=$R_QPS 'BEGIN{exit !(q >= 4000)}'")," \
  "<= 16 calls: $(pass "[ $CALLS -le 16 ]")," \
  "single p50 <= 25 ms: $(pass "awk -v p=$S_P50 'BEGIN{exit !(p <= 25)}'")"
echo
polling_part
