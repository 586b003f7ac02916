#!/bin/bash
# Secondary mode at scale: a named primary with a generated zone (bench/gen_zone.py, fixed seed)
# and route53d pushing it into route53-sim at Route 53's rate.
#
#   bench/xfr_bench.sh [RECORDS]            env: RATE=5 KEEP=1 SEED=1
#
# 1. First push: RECORDS records into an empty hosted zone. Prints ChangeResourceRecordSets calls
#    against the lower bound max(ceil(records/1000), ceil(characters/32000)) of the diff (every
#    Change element and value character, as route53d counted them), route53d's CPU seconds and
#    peak RSS, and the wall time.
# 2. One record changed at the primary (nsupdate): the time from the NOTIFY reaching route53d to
#    its change request going out (route53d's own log, debug level; route53-sim's latency is not
#    in it), the ChangeResourceRecordSets and ListResourceRecordSets calls it cost, and beside it
#    what a full re-read of the hosted zone costs (the way dnsnotify2route53 syncs: one AXFR plus
#    every ListResourceRecordSets page).
# 3. A restart with the zone in sync: time to serving and to the end of the start-up comparison,
#    ListResourceRecordSets calls, change calls.
set -u
BENCH=xfr_bench
. "$(dirname "$0")/benchlib.sh"
N=${1:-100000}
RATE=${RATE:-5}
SEED=${SEED:-1}
command -v named >/dev/null || die "named not installed (scripts/setup-deps.sh)"
[ -x "$R53D" ] && [ -x "$SIM" ] || die "build first (make)"

echo "xfr_bench: $N records (seed $SEED), route53-sim --rate $RATE"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"

# ---- the primary ------------------------------------------------------------------------------
python3 "$TOP/bench/gen_zone.py" example.com "$N" "$SEED" >"$TMP/example.com.db"
tsig-keygen -a hmac-sha256 xfr-key >"$TMP/xfr.key"
chmod 600 "$TMP/xfr.key"
NPORT=$(free_port)
PORT=$(free_port)
cat >"$TMP/named.conf" <<EOF
options {
  directory "$TMP"; listen-on port $NPORT { 127.0.0.1; }; listen-on-v6 { none; };
  pid-file "$TMP/named.pid"; recursion no; dnssec-validation no;
  notify explicit; notify-delay 0; ixfr-from-differences yes;
  check-names primary ignore; check-integrity no; check-mx ignore; check-wildcard no;
};
controls { };
$(cat "$TMP/xfr.key")
zone "example.com" {
  type primary; file "example.com.db"; allow-update { key xfr-key; }; allow-transfer { key xfr-key; };
  also-notify { 127.0.0.1 port $PORT key xfr-key; };
};
EOF
named -g -n 1 -c "$TMP/named.conf" >"$TMP/named.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 600); do dig +short +norec -p "$NPORT" @127.0.0.1 example.com SOA 2>/dev/null | grep -q . && break; sleep 0.1; done
dig +short +norec -p "$NPORT" @127.0.0.1 example.com SOA | grep -q . || die "named did not load the zone: $(tail -3 "$TMP/named.log")"

start_sim sim --credentials "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" --zone example.com=ZXFRBENCH --rate "$RATE" \
  --insync-after 2 $("$SIM" --help 2>&1 | grep -q max-rrsets-per-zone && echo --max-rrsets-per-zone 1000000)
cat >"$TMP/push.ini" <<EOF
[server]
listen = 127.0.0.1:$PORT
key-file = $TMP/xfr.key
log-level = debug
[aws]
endpoint = http://127.0.0.1:$SIMPORT
region = us-east-1
access-key-id = $AWS_ACCESS_KEY_ID
secret-access-key = $AWS_SECRET_ACCESS_KEY
requests-per-second = $RATE
[zone example.com]
mode = secondary
primary = 127.0.0.1:$NPORT key xfr-key
record-set-quota = 1000000
EOF
stats() {  # operation -> calls so far
  curl -s "http://127.0.0.1:$SIMPORT/_sim/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"].get(sys.argv[1], 0))' "$1"
}
cpu_s() {  # pid -> user+system CPU seconds
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"
}
rss_mb() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b - a}'; }
wait_log() {  # name pattern seconds
  for _ in $(seq $(($3 * 10))); do grep -qE "$2" "$TMP/$1.r53d.log" && return 0; sleep 0.1; done
  die "timed out waiting for /$2/ in $1's log: $(tail -3 "$TMP/$1.r53d.log")"
}

# ---- 1. first push ------------------------------------------------------------------------------
T0=$(now)
launch_r53d push "$R53D"
wait_log push 'AXFR serial 1 from .*: pushed' 3600
T1=$(now)
C1=$(stats ChangeResourceRecordSets)
CPU1=$(cpu_s "$R53D_PID")
RSS1=$(rss_mb "$R53D_PID")
line=$(grep -oE '[0-9]+ owner names changed \([0-9]+ records, [0-9]+ characters\): [0-9]+ requests' "$TMP/push.r53d.log" | head -1)
RECS=$(echo "$line" | sed -E 's/.*\(([0-9]+) records, ([0-9]+) characters.*/\1/')
CHARS=$(echo "$line" | sed -E 's/.*\(([0-9]+) records, ([0-9]+) characters.*/\2/')
LB=$(awk -v r="$RECS" -v c="$CHARS" 'BEGIN {a = int((r + 999) / 1000); b = int((c + 31999) / 32000); print (a > b ? a : b)}')
SETS=$(grep -oE 'pushed [0-9]+ new' "$TMP/push.r53d.log" | head -1 | awk '{print $2}')
SKIPPED=$(grep -oE 'skipped: [^ ]+' "$TMP/push.r53d.log" | head -1)
echo
echo "1. first push of $SETS record sets ($RECS records, $CHARS characters of values; $SKIPPED):"
printf '   %-44s %s (lower bound %s, +1 for the SOA allowed: %s)\n' "ChangeResourceRecordSets calls" "$C1" "$LB" \
  "$(awk -v c="$C1" -v lb="$LB" 'BEGIN {printf "%+.1f%%", (c - lb) * 100 / lb}')"
printf '   %-44s %s s\n' "route53d CPU (start to pushed)" "$CPU1"
printf '   %-44s %s MB\n' "route53d peak RSS" "$RSS1"
printf '   %-44s %s s\n' "wall time (start to pushed)" "$(secs "$T0" "$T1")"

# ---- 2. one record changed ------------------------------------------------------------------------
sleep 3  # let GetChange polling and the rate limiter settle: a token is available
L0=$(stats ListResourceRecordSets)
C0=$(stats ChangeResourceRecordSets)
printf 'server 127.0.0.1 %s\nzone example.com\nupdate add bench-change.example.com. 60 A 192.0.2.200\nsend\n' "$NPORT" |
  nsupdate -k "$TMP/xfr.key"
wait_log push 'IXFR 1 -> 2 from .*: pushed' 60
sleep 1
C2=$(( $(stats ChangeResourceRecordSets) - C0 ))
L2=$(( $(stats ListResourceRecordSets) - L0 ))
notify_ts=$(grep 'NOTIFY: client .* serial 2: accepted' "$TMP/push.r53d.log" | head -1 | cut -c1-24)
send_ts=$(grep 'sending request 1/1' "$TMP/push.r53d.log" | tail -1 | cut -c1-24)
LAT=$(python3 -c 'import sys, datetime as d
f = lambda s: d.datetime.strptime(s.rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f")
print("%.1f" % ((f(sys.argv[2]) - f(sys.argv[1])).total_seconds() * 1000))' "$notify_ts" "$send_ts")
PAGES=$(( (SETS + 2 + 299) / 300 ))
echo
echo "2. one record changed at the primary:"
printf '   %-44s %s ms\n' "NOTIFY received -> change request sent" "$LAT"
printf '   %-44s %s\n' "ChangeResourceRecordSets calls" "$C2"
printf '   %-44s %s\n' "ListResourceRecordSets calls" "$L2"
printf '   %-44s 1 AXFR + %s ListResourceRecordSets (%s s at %s requests/s)\n' "a full re-read instead would cost" "$PAGES" \
  "$(awk -v p="$PAGES" -v r="$RATE" 'BEGIN {printf "%.0f", p / r}')" "$RATE"

# ---- 3. restart in sync ----------------------------------------------------------------------------
kill "$R53D_PID"; wait "$R53D_PID" 2>/dev/null
cp "$TMP/push.ini" "$TMP/restart.ini"
L0=$(stats ListResourceRecordSets)
C0=$(stats ChangeResourceRecordSets)
T0=$(now)
launch_r53d restart "$R53D"
T1=$(now)
wait_log restart 'AXFR serial 2 from .*: Route 53 already equal' 600
T2=$(now)
echo
echo "3. restart with the zone in sync:"
printf '   %-44s %s s\n' "start -> serving (listeners up)" "$(secs "$T0" "$T1")"
printf '   %-44s %s s\n' "start -> start-up comparison done" "$(secs "$T0" "$T2")"
printf '   %-44s %s (%s pages of 300)\n' "ListResourceRecordSets calls" "$(( $(stats ListResourceRecordSets) - L0 ))" "$PAGES"
printf '   %-44s %s\n' "ChangeResourceRecordSets calls" "$(( $(stats ChangeResourceRecordSets) - C0 ))"
printf '   %-44s %s s, peak RSS %s MB\n' "route53d CPU" "$(cpu_s "$R53D_PID")" "$(rss_mb "$R53D_PID")"
