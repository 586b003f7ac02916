#!/bin/bash
# The demo: starts route53-sim (a local Route 53) with hosted zones example.com and example.org,
# a local BIND `named` as the primary of example.org, and route53d in front of them: example.com
# is a dynamic zone (DNS UPDATEs with a TSIG key made by tsig-keygen), example.org a secondary zone
# that follows the named primary. Prints how to reach them with nsupdate, dig and the AWS CLI, and
# stays in the foreground until Ctrl-C.
#
#   ./scripts/demo.sh                    # ports 8053 (HTTP), 5353 (route53d), 5354 (named) if free
#   DEMO_PORT=9053 DEMO_DNS_PORT=5355 DEMO_PRIMARY_PORT=5356 ./scripts/demo.sh   # 0: any free port
#   DEMO_SIM_ONLY=1 ./scripts/demo.sh    # route53-sim alone
#   DEMO_NO_BUILD=1 ./scripts/demo.sh    # use the programs already built; no setup, no build
#
# State is kept in ${ROUTE53D_DEMO_DIR:-~/.route53d-demo}: route53-sim.json (records created
# during the demo survive a restart), demo.key (the TSIG key, kept across runs), route53d.ini,
# route53d.log, route53-sim.log, and primary/ (named's configuration, the example.org zone file and
# its journal: changes made at the primary survive a restart too). First installs the Debian packages it needs
# (scripts/setup-deps.sh, a no-op when they are there) and builds the programs if needed.
set -eu
cd "$(dirname "$0")/.."
TOP=$(pwd)

DEMO_DIR=${ROUTE53D_DEMO_DIR:-${HOME:-/tmp}/.route53d-demo}
DEMO_PORT=${DEMO_PORT:-8053}
DEMO_DNS_PORT=${DEMO_DNS_PORT:-5353}
DEMO_PRIMARY_PORT=${DEMO_PRIMARY_PORT:-5354}
DEMO_SIM_ONLY=${DEMO_SIM_ONLY:-}
DEMO_NO_BUILD=${DEMO_NO_BUILD:-}
ZONE_NAME=example.com
ZONE_ID=Z0DEMOEXAMPLE0COM
SEC_ZONE=example.org
SEC_ZONE_ID=Z0DEMOEXAMPLE0ORG
AKID=AKIDROUTE53DEMO
SECRET=demo-secret-not-an-aws-key
SIM_PID=
NAMED_PID=
R53D_PID=
TAIL_PID=

stop_pid() {  # pid
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}
cleanup() {
  trap - INT TERM EXIT
  stop_pid "$R53D_PID"
  stop_pid "$NAMED_PID"
  stop_pid "$SIM_PID"
  stop_pid "$TAIL_PID"
  echo
  echo "demo stopped (state kept in $DEMO_DIR)"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

build_if_needed() {
  if [ -n "$DEMO_NO_BUILD" ]; then
    local p
    for p in route53-sim $([ -n "$DEMO_SIM_ONLY" ] || echo route53d); do
      [ -x "$TOP/$p" ] || { echo "demo: DEMO_NO_BUILD is set but $TOP/$p is not built" >&2; exit 1; }
    done
    return 0
  fi
  sh scripts/setup-deps.sh
  if [ ! -f Makefile ]; then
    echo "demo: configuring the build (first run)..."
    autoreconf -fi >/dev/null && ./configure --quiet
  fi
  if [ ! -x route53-sim ] || ! make -q route53-sim 2>/dev/null; then
    echo "demo: building route53-sim..."
    make -s -j2 route53-sim
  fi
  if [ -z "$DEMO_SIM_ONLY" ] && { [ ! -x route53d ] || ! make -q route53d 2>/dev/null; }; then
    echo "demo: building route53d..."
    make -s -j2 route53d
  fi
}

port_in_use() {  # port -> true if something accepts connections on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

dns_port_free() {  # port -> true if both UDP and TCP 127.0.0.1:port can be bound
  /usr/bin/python3 -c '
import socket, sys
for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", int(sys.argv[1])))
    s.close()' "$1" 2>/dev/null
}

free_dns_port() {  # a port free for both UDP and TCP
  /usr/bin/python3 -c '
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        u.close(); t.close()'
}

start_sim() {
  mkdir -p "$DEMO_DIR"
  local port=$DEMO_PORT
  if [ "$port" != 0 ] && port_in_use "$port"; then
    echo "demo: port $port is busy, using a free port instead"
    port=0
  fi
  local out="$DEMO_DIR/route53-sim.out"
  : >"$out"
  "$TOP/route53-sim" --listen "127.0.0.1:$port" --credentials "$AKID:$SECRET" \
      --zone "$ZONE_NAME=$ZONE_ID" --zone "$SEC_ZONE=$SEC_ZONE_ID" --state "$DEMO_DIR/route53-sim.json" >"$out" \
      2> >(if [ -n "$DEMO_SIM_ONLY" ]; then cat >&2; else cat >"$DEMO_DIR/route53-sim.log"; fi) &
  SIM_PID=$!
  local i
  for i in $(seq 1 100); do
    if grep -q '^listening on ' "$out"; then break; fi
    if ! kill -0 "$SIM_PID" 2>/dev/null; then echo "demo: route53-sim failed to start" >&2; exit 1; fi
    sleep 0.05
  done
  SIM_ADDR=$(sed -n 's/^listening on //p' "$out" | head -1)
  [ -n "$SIM_ADDR" ] || { echo "demo: route53-sim did not report its address" >&2; exit 1; }
}

pick_dns_port() {  # wanted -> a free port (the wanted one if free; 0: any)
  if [ "$1" = 0 ]; then
    free_dns_port
  elif ! dns_port_free "$1"; then
    echo "demo: DNS port $1 is busy, using a free port instead" >&2
    free_dns_port
  else
    echo "$1"
  fi
}

# named as the primary of example.org: dynamic (nsupdate with demo-key), NOTIFY to route53d
# signed with demo-key, transfers only with demo-key. Needs DNS_PORT (route53d's) first.
start_primary() {
  local dir="$DEMO_DIR/primary"
  mkdir -p "$dir"
  PRIMARY_PORT=$(pick_dns_port "$DEMO_PRIMARY_PORT")
  if [ ! -f "$dir/$SEC_ZONE.db" ]; then
    cat >"$dir/$SEC_ZONE.db" <<EOF
\$ORIGIN $SEC_ZONE.
\$TTL 300
@     3600 IN SOA ns1.$SEC_ZONE. hostmaster.$SEC_ZONE. 1 60 30 3600 300
@          IN NS  ns1.$SEC_ZONE.
ns1        IN A   192.0.2.53
@          IN MX  10 mail.$SEC_ZONE.
mail       IN A   192.0.2.25
www        IN A   192.0.2.80
www        IN TXT "served by the primary, copied to Route 53 by route53d"
EOF
  fi
  cat >"$dir/named.conf" <<EOF
// written by scripts/demo.sh
options {
  directory "$dir";
  listen-on port $PRIMARY_PORT { 127.0.0.1; };
  listen-on-v6 { none; };
  pid-file "$dir/named.pid";
  recursion no;
  dnssec-validation no;
  notify explicit;
  notify-delay 0;
};
controls { };
$(cat "$DEMO_DIR/demo.key")
zone "$SEC_ZONE" {
  type primary;
  file "$SEC_ZONE.db";
  allow-update { key demo-key; };
  allow-transfer { key demo-key; };
  also-notify { 127.0.0.1 port $DNS_PORT key demo-key; };
};
EOF
  named -g -n 1 -c "$dir/named.conf" >"$dir/named.log" 2>&1 &
  NAMED_PID=$!
  local i
  for i in $(seq 1 100); do
    if dig +short +norec +time=1 +tries=1 -p "$PRIMARY_PORT" @127.0.0.1 "$SEC_ZONE" SOA 2>/dev/null | grep -q .; then return 0; fi
    if ! kill -0 "$NAMED_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "demo: named (the primary of $SEC_ZONE) failed to start:" >&2
  tail -20 "$dir/named.log" >&2
  exit 1
}

start_route53d() {
  local ini="$DEMO_DIR/route53d.ini" log="$DEMO_DIR/route53d.log"
  cat >"$ini" <<EOF
; written by scripts/demo.sh
[server]
listen = 127.0.0.1:$DNS_PORT
key-file = demo.key

[aws]
endpoint = http://$SIM_ADDR
region = us-east-1
access-key-id = $AKID
secret-access-key = $SECRET
poll-interval-min = 500ms
poll-interval-max = 2s

[zone $ZONE_NAME]
hosted-zone-id = $ZONE_ID
allow-update = key demo-key

[zone $SEC_ZONE]
hosted-zone-id = $SEC_ZONE_ID
mode = secondary
primary = 127.0.0.1:$PRIMARY_PORT key demo-key
refresh-min = 60s
retry-min = 10s
EOF
  chmod 600 "$ini"
  : >"$log"
  "$TOP/route53d" -c "$ini" 2>"$log" &
  R53D_PID=$!
  local i
  for i in $(seq 1 200); do
    if grep -q 'route53d ready' "$log"; then return 0; fi
    if ! kill -0 "$R53D_PID" 2>/dev/null; then break; fi
    sleep 0.05
  done
  echo "demo: route53d failed to start:" >&2
  cat "$log" >&2
  exit 1
}

build_if_needed
start_sim
if [ -z "$DEMO_SIM_ONLY" ]; then
  mkdir -p "$DEMO_DIR"
  [ -s "$DEMO_DIR/demo.key" ] || tsig-keygen -a hmac-sha256 demo-key >"$DEMO_DIR/demo.key"
  chmod 600 "$DEMO_DIR/demo.key"
  DNS_PORT=$(pick_dns_port "$DEMO_DNS_PORT")
  start_primary
  start_route53d
fi

cat <<EOF

route53-sim (a local Amazon Route 53) is running on http://$SIM_ADDR
hosted zone: $ZONE_NAME  (ID $ZONE_ID)
hosted zone: $SEC_ZONE  (ID $SEC_ZONE_ID)
state file:  $DEMO_DIR/route53-sim.json (survives a restart)

Reach it with the AWS CLI:

  export AWS_ACCESS_KEY_ID=$AKID AWS_SECRET_ACCESS_KEY=$SECRET AWS_DEFAULT_REGION=us-east-1
  /usr/bin/aws --endpoint-url http://$SIM_ADDR route53 list-hosted-zones
  /usr/bin/aws --endpoint-url http://$SIM_ADDR route53 list-resource-record-sets --hosted-zone-id $ZONE_ID
  /usr/bin/aws --endpoint-url http://$SIM_ADDR route53 change-resource-record-sets --hosted-zone-id $ZONE_ID \\
      --change-batch '{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"www.$ZONE_NAME","Type":"A","TTL":300,"ResourceRecords":[{"Value":"192.0.2.10"}]}}]}'

Counters: curl -s http://$SIM_ADDR/_sim/stats
EOF

if [ -n "$DEMO_SIM_ONLY" ]; then
  printf '\nPress Ctrl-C to stop. Request log follows:\n\n'
  wait "$SIM_PID"
  exit 0
fi

cat <<EOF

route53d (the DNS UPDATE gateway to $ZONE_NAME, the secondary of $SEC_ZONE) is listening on 127.0.0.1:$DNS_PORT (UDP, TCP)
TSIG key:    $DEMO_DIR/demo.key (demo-key, hmac-sha256, made by tsig-keygen)
config, log: $DEMO_DIR/route53d.ini, $DEMO_DIR/route53d.log

Change the zone with nsupdate (NOERROR once Route 53 has accepted the change):

  nsupdate -k $DEMO_DIR/demo.key <<'END'
  server 127.0.0.1 $DNS_PORT
  zone $ZONE_NAME
  update add www.$ZONE_NAME 300 A 192.0.2.10
  update add www.$ZONE_NAME 300 TXT "hello from nsupdate"
  send
  END

The serial Route 53 has confirmed (moves once the change is INSYNC):

  dig +norec -p $DNS_PORT @127.0.0.1 $ZONE_NAME SOA

$SEC_ZONE is a secondary zone: named on 127.0.0.1:$PRIMARY_PORT is its primary (zone file and
log in $DEMO_DIR/primary). Change the zone at the primary; route53d gets the NOTIFY, pulls the
change by IXFR and pushes it to Route 53 within a second or two:

  nsupdate -k $DEMO_DIR/demo.key <<'END'
  server 127.0.0.1 $PRIMARY_PORT
  zone $SEC_ZONE
  update add shop.$SEC_ZONE 300 A 192.0.2.88
  send
  END

Watch the hosted zone follow, and the serial Route 53 has confirmed move:

  /usr/bin/aws --endpoint-url http://$SIM_ADDR route53 list-resource-record-sets --hosted-zone-id $SEC_ZONE_ID
  dig +norec -p $DNS_PORT @127.0.0.1 $SEC_ZONE SOA

Press Ctrl-C to stop. route53d's log follows (route53-sim's requests: $DEMO_DIR/route53-sim.log):

EOF

tail -n +1 -f "$DEMO_DIR/route53d.log" &
TAIL_PID=$!
wait "$R53D_PID" || true
