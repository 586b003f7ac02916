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
# kept (ixfr-from-differences), NOTIFY only to 127.0.0.1#NOTIFY_PORT without delay and signed
# with xfr-key, transfers only with xfr-key.
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
};
controls { };
$(cat "$TMP/xfr.key")
zone "example.com" {
  type primary;
  file "example.com.db";
  $([ -n "${NAMED_STATIC:-}" ] || echo 'allow-update { key xfr-key; };')
  allow-transfer { key xfr-key; };
  also-notify { 127.0.0.1 port $notify_port key xfr-key; };
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
reload_named() {
  kill -HUP "$NAMED_PID"
  for _ in $(seq 100); do [ "$(primary_serial)" = "$1" ] && return 0; sleep 0.1; done
  nok "named reloads the zone file (serial $1)" "$(tail -5 "$NAMED_DIR/named.log")"
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
primary_serial() { dig +short +norec -p "$NPORT" @127.0.0.1 example.com SOA | awk '{print $3}'; }
# route53_serial -> the SOA serial Route 53 holds
route53_serial() { rrsets | awk '$2=="SOA" {print $5}'; }

# compare_zones [simport] -> prints the differences; exit 0 when the hosted zone equals the
# primary's zone after route53d's filtering (see compare.py).
compare_zones() {
  dig +norec +nocmd +nostats -y "hmac-sha256:xfr-key:$XFR_SECRET" -p "$NPORT" @127.0.0.1 example.com AXFR >"$TMP/axfr.txt"
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
sim_calls() {
  curl -s "http://127.0.0.1:${2:-$SIMPORT}/_sim/stats" |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"].get(sys.argv[1], 0))' "$1"
}
