# Shared helpers of the tests/system/xfr scenarios (sourced): everything of update/updlib.sh
# (route53-sim, route53d, TAP output, Route 53 read back with boto3) plus a real BIND `named`
# primary on 127.0.0.1, a secondary-zone configuration for route53d, and the comparison of the
# primary's zone (dig AXFR) with the hosted zone after route53d's documented filtering.
. "$(dirname "${BASH_SOURCE[0]}")/../update/updlib.sh"
XFRLIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# make_xfr_key -> $TMP/xfr.key (hmac-sha256 xfr-key), XFR_SECRET
make_xfr_key() {
  [ -f "$TMP/xfr.key" ] || tsig-keygen -a hmac-sha256 xfr-key >"$TMP/xfr.key"
  chmod 600 "$TMP/xfr.key"
  XFR_SECRET=$(sed -n 's/.*secret "\(.*\)";.*/\1/p' "$TMP/xfr.key")
}

# start_named NAME ZONEFILE NOTIFY_PORT [extra zone options] -> NPORT, NAMED_PID, NAMED_DIR
# A primary for example.com from ZONEFILE (copied), dynamic (nsupdate with xfr-key; with
# NAMED_STATIC=1 not dynamic: rewrite $NAMED_DIR/example.com.db and reload_named), journal
# kept (ixfr-from-differences, IXFR whatever the size of the difference), NOTIFY only to
# 127.0.0.1#NOTIFY_PORT (a list of ports: to each) without delay and signed with xfr-key,
# transfers only with xfr-key. NAMED_OPTIONS: more lines for the options block.
start_named() {
  local name=$1 zonefile=$2 notify_port=$3 extra=${4:-}
  make_xfr_key
  NAMED_DIR="$TMP/$name"
  mkdir -p "$NAMED_DIR"
  cp "$zonefile" "$NAMED_DIR/example.com.db"
  NPORT=$(free_port)
  cat >"$NAMED_DIR/named.conf" <<CONF
options {
  directory "$NAMED_DIR";
  listen-on port $NPORT { 127.0.0.1; };
  listen-on-v6 { none; };
  pid-file "$NAMED_DIR/named.pid";
  recursion no;
  dnssec-validation no;
  notify explicit;
  notify-delay 0;
  startup-notify-rate 100;
  notify-rate 100;
  ixfr-from-differences yes;
  max-ixfr-ratio unlimited;  // else named answers IXFR with the whole zone when a test's tiny zone changes much
  ${NAMED_OPTIONS:-}
};
controls { };
$(cat "$TMP/xfr.key")
zone "example.com" {
  type primary;
  file "example.com.db";
  $([ -n "${NAMED_STATIC:-}" ] || echo 'allow-update { key xfr-key; };')
  allow-transfer { key xfr-key; };
  also-notify { $(for p in $notify_port; do echo "127.0.0.1 port $p key xfr-key;"; done) };
  $extra
};
CONF
  named -g -n 1 -c "$NAMED_DIR/named.conf" >"$NAMED_DIR/named.log" 2>&1 &
  NAMED_PID=$!
  PIDS+=("$NAMED_PID")
  for _ in $(seq 100); do
    dig +short +norec +time=1 +tries=1 -p "$NPORT" @127.0.0.1 example.com SOA >/dev/null 2>&1 && break
    sleep 0.1
  done
  dig +short +norec +time=1 +tries=1 -p "$NPORT" @127.0.0.1 example.com SOA | grep -q . ||
    { nok "named $name starts" "$(tail -20 "$NAMED_DIR/named.log")"; exit 1; }
}

# reload_named SERIAL: the zone file was rewritten; named reloads it (SIGHUP) and serves SERIAL
reload_named() { reload_zone_file named "$NAMED_PID" "$NAMED_DIR" "$1"; }

# reload_zone_file PROGRAM PID DIR SERIAL: DIR/example.com.db was rewritten; PROGRAM (named or nsd,
# logging to DIR/PROGRAM.log) re-reads it on SIGHUP and serves SERIAL within 10 s
reload_zone_file() {
  bump_mtime "$3/example.com.db"
  kill -HUP "$2"
  for _ in $(seq 100); do [ "$(primary_serial)" = "$4" ] && return 0; sleep 0.1; done
  nok "$1 re-reads the zone file (serial $4)" "$(tail -5 "$3/$1.log")"
  return 1
}

# bump_mtime FILE: a rewritten zone file gets an mtime past any earlier one (named and nsd re-read
# a file only if its mtime moved past their last load, which a rewrite in the same second may not)
bump_mtime() {
  RELOADS=$(( ${RELOADS:-0} + 1 ))
  touch -d "@$(( $(date +%s) + RELOADS ))" "$1"
}

# start_nsd NAME ZONEFILE NOTIFY_PORT -> NPORT, NSD_PID, NSD_DIR: NSD as a primary for example.com
# from ZONEFILE (copied), IXFR made from each changed file it reads (create-ixfr), NOTIFY to
# 127.0.0.1#NOTIFY_PORT and transfers, both with xfr-key. Rewrite $NSD_DIR/example.com.db and
# reload_nsd to change it.
start_nsd() {
  local name=$1 zonefile=$2 notify_port=$3
  command -v nsd >/dev/null || { echo "ok - # SKIP nsd is not installed (scripts/setup-deps.sh)"; exit 0; }
  make_xfr_key
  NSD_DIR="$TMP/$name"
  mkdir -p "$NSD_DIR"
  cp "$zonefile" "$NSD_DIR/example.com.db"
  NPORT=$(free_port)
  cat >"$NSD_DIR/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$NPORT
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$NSD_DIR"
  database: ""
  zonelistfile: "$NSD_DIR/zone.list"
  xfrdfile: "$NSD_DIR/xfrd.state"
  xfrdir: "$NSD_DIR"
  pidfile: "$NSD_DIR/nsd.pid"
  logfile: "$NSD_DIR/nsd.log"
  server-count: 1
  verbosity: 2
remote-control:
  control-enable: no
key:
  name: xfr-key
  algorithm: hmac-sha256
  secret: "$XFR_SECRET"
zone:
  name: example.com
  zonefile: "$NSD_DIR/example.com.db"
  provide-xfr: 127.0.0.1 xfr-key
  notify: 127.0.0.1@$notify_port xfr-key
  notify-retry: 1
  store-ixfr: yes
  create-ixfr: yes
CONF
  nsd -d -c "$NSD_DIR/nsd.conf" >"$NSD_DIR/nsd.out" 2>&1 &
  NSD_PID=$!
  PIDS+=("$NSD_PID")
  for _ in $(seq 100); do
    dig +short +norec +time=1 +tries=1 -p "$NPORT" @127.0.0.1 example.com SOA 2>/dev/null | grep -q . && break
    sleep 0.1
  done
  dig +short +norec +time=1 +tries=1 -p "$NPORT" @127.0.0.1 example.com SOA | grep -q . ||
    { nok "nsd $name starts" "$(cat "$NSD_DIR/nsd.out"; tail -20 "$NSD_DIR/nsd.log")"; exit 1; }
}

# reload_nsd SERIAL: the zone file was rewritten ($NSD_DIR/example.com.db); nsd re-reads it
# (SIGHUP) and serves SERIAL
reload_nsd() { reload_zone_file nsd "$NSD_PID" "$NSD_DIR" "$1"; }

# start_faulty NAME faultyprimary.py options... -> FPORT, FP_PID: tests/system/xfr/faultyprimary.py
# for example.com, keyed with xfr-key (--port P to take a given port again).
start_faulty() {
  local name=$1; shift
  make_xfr_key
  /usr/bin/python3 "$XFRLIB/faultyprimary.py" --origin example.com --key "xfr-key:$XFR_SECRET" "$@" \
    >"$TMP/$name.log" 2>&1 &
  FP_PID=$!
  PIDS+=("$FP_PID")
  FPORT=
  for _ in $(seq 100); do
    FPORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$TMP/$name.log")
    [ -n "$FPORT" ] && break
    sleep 0.05
  done
  [ -n "$FPORT" ] || { nok "faultyprimary $name starts" "$(cat "$TMP/$name.log")"; exit 1; }
}

# stop_pid PID: stops one process this test started and waits for it.
stop_pid() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# send_notify R53D_PORT [dig options...] -> dig's output: a NOTIFY for example.com (signed with
# xfr-key unless options are given) to route53d.
send_notify() {
  local port=$1; shift
  [ $# -eq 0 ] && set -- -y "hmac-sha256:xfr-key:$XFR_SECRET"
  dig +opcode=notify +norec +time=2 +tries=1 -p "$port" @127.0.0.1 "$@" example.com SOA 2>&1
}

# sim_stat KEY [simport] -> a counter of route53-sim's /_sim/stats ("changes_accepted",
# "requests.ListResourceRecordSets"...; 0 when absent)
sim_stat() {
  curl -s "http://127.0.0.1:${2:-$SIMPORT}/_sim/stats" | /usr/bin/python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k, 0) if isinstance(v, dict) else 0
print(v)' "$1"
}

# wait_log FILE PATTERN [seconds] -> 0 once grep -E finds PATTERN in FILE
wait_log() {
  for _ in $(seq $(( ${3:-10} * 10 ))); do grep -qE -- "$2" "$1" && return 0; sleep 0.1; done
  return 1
}

# write_secondary_config NAME SIMPORT NPORT [extra zone lines...] -> $TMP/NAME.ini; PORT must be set.
write_secondary_config() {
  local name=$1 simport=$2 nport=$3; shift 3
  make_xfr_key
  cat >"$TMP/$name.ini" <<EOF2
[server]
listen = 127.0.0.1:$PORT
key-file = $TMP/xfr.key
log-level = ${R53D_LOG_LEVEL:-info}
control-socket = $TMP/$name.ctl

[aws]
endpoint = http://127.0.0.1:$simport
region = us-east-1
access-key-id = $AWS_ACCESS_KEY_ID
secret-access-key = $AWS_SECRET_ACCESS_KEY
requests-per-second = ${R53D_RPS:-5}
poll-interval-min = 200ms
poll-interval-max = 1s

[zone example.com]
mode = secondary
primary = 127.0.0.1:$nport key xfr-key
refresh-min = 1s
retry-min = 1s
expire-min = 1s
EOF2
  for l in "$@"; do echo "$l"; done >>"$TMP/$name.ini"
  chmod 600 "$TMP/$name.ini"
}

# nsup_primary "update ..." lines -> output; changes the primary with nsupdate and xfr-key
nsup_primary() {
  printf 'server 127.0.0.1 %s\nzone example.com\n%s\nsend\n' "$NPORT" "$1" | nsupdate -k "$TMP/xfr.key" 2>&1
}

# primary_serial -> the primary's SOA serial
primary_serial() { dig +short +norec -p "${AXFR_FROM:-$NPORT}" @127.0.0.1 example.com SOA | awk '{print $3}'; }
# route53_serial -> the SOA serial Route 53 holds
route53_serial() { rrsets | awk '$2=="SOA" {print $6}'; }

# compare_zones [simport] -> prints the differences; exit 0 when the hosted zone equals the
# primary's zone after route53d's filtering (see compare.py). The primary is 127.0.0.1:$NPORT, or
# 127.0.0.1:$AXFR_FROM when set.
compare_zones() {
  dig +norec +nocmd +nostats -y "hmac-sha256:xfr-key:$XFR_SECRET" -p "${AXFR_FROM:-$NPORT}" @127.0.0.1 example.com AXFR \
    >"$TMP/axfr.txt"
  /usr/bin/python3 "$XFRLIB/compare.py" "$TMP/axfr.txt" "http://127.0.0.1:${1:-$SIMPORT}" "$ZONE_ID" ${COMPARE_OPTS:-}
}

# wait_equal WHAT [seconds] -> ok/nok: the hosted zone equals the primary within the time
wait_equal() {
  local what=$1 secs=${2:-15} diff=""
  for _ in $(seq $((secs * 5))); do
    if diff=$(compare_zones 2>&1); then ok "$what"; return 0; fi
    sleep 0.2
  done
  nok "$what" "$diff"
  return 1
}

# sim_calls OPERATION [simport] -> how many requests of that operation route53-sim has answered
sim_calls() { sim_stat "requests.$1" "${2:-}"; }
