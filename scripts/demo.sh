#!/bin/bash
# The demo: starts route53-sim (a local Route 53) with hosted zone example.com and route53d in
# front of it (the DNS UPDATE gateway, with a TSIG key made by tsig-keygen), prints how to reach
# them with nsupdate, dig and the AWS CLI, and stays in the foreground until Ctrl-C.
#
#   ./scripts/demo.sh                    # ports 8053 (HTTP) and 5353 (DNS) if free, else free ports
#   DEMO_PORT=9053 DEMO_DNS_PORT=5354 ./scripts/demo.sh     # 0: any free port
#   DEMO_SIM_ONLY=1 ./scripts/demo.sh    # route53-sim alone
#   DEMO_NO_BUILD=1 ./scripts/demo.sh    # use the programs already built; no setup, no build
#
# State is kept in ${ROUTE53D_DEMO_DIR:-~/.route53d-demo}: route53-sim.json (records created
# during the demo survive a restart), demo.key (the TSIG key, kept across runs), route53d.ini,
# route53d.log and route53-sim.log. First installs the Debian packages it needs
# (scripts/setup-deps.sh, a no-op when they are there) and builds the programs if needed.
set -eu
cd "$(dirname "$0")/.."
TOP=$(pwd)

DEMO_DIR=${ROUTE53D_DEMO_DIR:-${HOME:-/tmp}/.route53d-demo}
DEMO_PORT=${DEMO_PORT:-8053}
DEMO_DNS_PORT=${DEMO_DNS_PORT:-5353}
DEMO_SIM_ONLY=${DEMO_SIM_ONLY:-}
DEMO_NO_BUILD=${DEMO_NO_BUILD:-}
ZONE_NAME=example.com
ZONE_ID=Z0DEMOEXAMPLE0COM
AKID=AKIDROUTE53DEMO
SECRET=demo-secret-not-an-aws-key
SIM_PID=
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
      --zone "$ZONE_NAME=$ZONE_ID" --state "$DEMO_DIR/route53-sim.json" >"$out" \
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

start_route53d() {
  local key="$DEMO_DIR/demo.key" ini="$DEMO_DIR/route53d.ini" log="$DEMO_DIR/route53d.log"
  if [ ! -s "$key" ]; then
    tsig-keygen -a hmac-sha256 demo-key >"$key"
  fi
  chmod 600 "$key"
  DNS_PORT=$DEMO_DNS_PORT
  if [ "$DNS_PORT" = 0 ]; then
    DNS_PORT=$(free_dns_port)
  elif ! dns_port_free "$DNS_PORT"; then
    echo "demo: DNS port $DNS_PORT is busy, using a free port instead"
    DNS_PORT=$(free_dns_port)
  fi
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
[ -n "$DEMO_SIM_ONLY" ] || start_route53d

cat <<EOF

route53-sim (a local Amazon Route 53) is running on http://$SIM_ADDR
hosted zone: $ZONE_NAME  (ID $ZONE_ID)
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

route53d (the DNS UPDATE gateway to this hosted zone) is listening on 127.0.0.1:$DNS_PORT (UDP, TCP)
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

Press Ctrl-C to stop. route53d's log follows (route53-sim's requests: $DEMO_DIR/route53-sim.log):

EOF

tail -n +1 -f "$DEMO_DIR/route53d.log" &
TAIL_PID=$!
wait "$R53D_PID" || true
