#!/bin/bash
# Benchmark of the recovery from a lost compare-and-swap (not a test; issue 13 item 2): a zone of
# BIG record sets (default 100,000, h000000.hosts.example.com ...) and a zone of 10 side by side,
# each behind its own route53-sim (--rate 5) and route53d (requests-per-second = 5). dnsperf sends
# N single-record UPDATEs to distinct names (default 30,000, about 6 s of load; -c 50, -q 2000, as update_bench.sh)
# and, AT seconds into the load, the AWS CLI changes the SOA behind route53d (UPSERT, serial +
# 1000), so the next batch loses its compare-and-swap. Prints, per zone: the stall (from the
# failed request's "compare-and-swap lost" log line to the next accepted batch), the
# ListResourceRecordSets calls from the SOA change to the end, UPDATEs answered NOERROR / timed
# out, and updates/s. Target: stall < 2 s and a handful of listings on either zone.
#
#   bench/cas_recovery_bench.sh [N]      env: BIG=100000 AT=1 CLIENTS=50 OUTSTANDING=2000 KEEP=1
set -u
N=${1:-30000}
BIG=${BIG:-100000}
AT=${AT:-1}
CLIENTS=${CLIENTS:-50}
OUTSTANDING=${OUTSTANDING:-2000}
BENCH=cas_recovery_bench
. "$(dirname "$0")/benchlib.sh"
command -v dnsperf >/dev/null || die "dnsperf not installed"
command -v aws >/dev/null || die "the AWS CLI is not installed"
[ -x "$R53D" ] && [ -x "$SIM" ] || die "build first (make)"

tsig-keygen -a hmac-sha256 bench-key >"$TMP/bench.key"; chmod 600 "$TMP/bench.key"
SECRET=$(sed -n 's/.*secret "\(.*\)";.*/\1/p' "$TMP/bench.key")
for i in $(seq 1 "$N"); do printf 'example.com\nadd u%d 300 A 192.0.2.%d\nsend\n' "$i" $((i % 250 + 1)); done >"$TMP/updates.txt"

# stat simport action
stat() {
  curl -s "http://127.0.0.1:$1/_sim/stats" |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"].get(sys.argv[1],0))' "$2"
}
# soa_json simport zone_id -> $TMP/soa.json: an UPSERT of the SOA with serial + 1000 (as Terraform
# changes it), read with the AWS CLI before the load. soa_change simport zone_id sends it.
soa_json() {
  local soa
  soa=$(aws --endpoint-url "http://127.0.0.1:$1" route53 list-resource-record-sets --hosted-zone-id "$2" \
          --start-record-name example.com. --start-record-type SOA --max-items 1 \
          --query "ResourceRecordSets[0].ResourceRecords[0].Value" --output text)
  set -- $soa
  cat >"$TMP/soa.json" <<EOF
{"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {"Name": "example.com.", "Type": "SOA", "TTL": 900,
  "ResourceRecords": [{"Value": "$1 $2 $(( $3 + 1000 )) $4 $5 $6 $7"}]}}]}
EOF
}
soa_change() {
  aws --endpoint-url "http://127.0.0.1:$1" route53 change-resource-record-sets --hosted-zone-id "$2" \
    --change-batch "file://$TMP/soa.json" >/dev/null || die "the AWS CLI could not change the SOA"
}
# run label zone_size -> one result line
run() {
  local label=$1 size=$2 port
  start_sim "$label-fill" --rate 0 --zone example.com=ZCAS --state "$TMP/$label.state"
  [ "$size" -gt 3 ] && sim_fill "$SIMPORT" ZCAS 0 $((size - 4)) A '"h%06d.hosts.example.com." % i' \
    '"10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255)'
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null
  start_sim "$label" --rate 5 --insync-after 2 --state "$TMP/$label.state"
  port=$(free_port)
  cat >"$TMP/$label.ini" <<EOF
[server]
listen = 127.0.0.1:$port
key-file = $TMP/bench.key
log-level = info
[aws]
endpoint = http://127.0.0.1:$SIMPORT
region = us-east-1
access-key-id = $AWS_ACCESS_KEY_ID
secret-access-key = $AWS_SECRET_ACCESS_KEY
requests-per-second = 5
[zone example.com]
allow-update = key bench-key
EOF
  READY_S=$(( size / 1000 + 60 )) launch_r53d "$label" "$R53D"  # 300 sets a page, 5 pages a second
  soa_json "$SIMPORT" ZCAS
  dnsperf -u -s 127.0.0.1 -p "$port" -d "$TMP/updates.txt" -c "$CLIENTS" -q "$OUTSTANDING" -n 1 -t 30 -b 4096 -v \
    -y "hmac-sha256:bench-key:$SECRET" >"$TMP/$label.perf" 2>&1 &
  local perf=$!
  sleep "$AT"
  local lists0; lists0=$(stat "$SIMPORT" ListResourceRecordSets)
  soa_change "$SIMPORT" ZCAS
  wait $perf
  sleep 1
  local lists1; lists1=$(stat "$SIMPORT" ListResourceRecordSets)
  /usr/bin/python3 - "$TMP/$label.r53d.log" "$TMP/$label.perf" "$label" "$size" $((lists1 - lists0)) <<'PY'
import re, sys, datetime
log, perf, label, size, lists = sys.argv[1:6]
def ts(line):
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z", line)
    return datetime.datetime.fromisoformat(m.group(1)).timestamp() if m else None
lost, stall, rereads = None, None, []
for line in open(log):
    if lost is None and "compare-and-swap lost" in line:
        lost = ts(line)
    elif lost is not None and stall is None and "Route 53 accepted" in line:
        stall = ts(line) - lost
    if "re-reading" in line and lost is not None and stall is None:
        rereads.append(line.split(": ", 2)[-1].strip()[:100])
rc, qps = {}, "?"
for line in open(perf):
    m = re.match(r"> (\S+) ", line)
    if m:
        rc[m.group(1)] = rc.get(m.group(1), 0) + 1
    m = re.search(r"(?:Queries|Updates) per second:\s+([\d.]+)", line)
    if m:
        qps = m.group(1)
print("%-6s %8s sets  stall %6s s  ListResourceRecordSets %4s  NOERROR %5d  timed out %5d  other %s  updates/s %s"
      % (label, size, "%.2f" % stall if stall is not None else "none", lists, rc.get("NOERROR", 0), rc.get("T", 0),
         ",".join("%s:%d" % kv for kv in sorted(rc.items()) if kv[0] not in ("NOERROR", "T")) or "-", qps))
for r in rereads[:3]:
    print("       " + r)
PY
}
echo "cas_recovery_bench: $N UPDATEs (dnsperf -c $CLIENTS -q $OUTSTANDING), one SOA change with the AWS CLI ${AT}s in"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
run big "$BIG"
run small 10
