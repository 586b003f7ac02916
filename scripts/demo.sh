#!/bin/bash
# The demo: starts route53-sim (a local Route 53) with hosted zone example.com, prints how to
# reach it with the AWS CLI, and stays in the foreground until Ctrl-C.
#
#   ./scripts/demo.sh              # port 8053 if free, else any free port
#   DEMO_PORT=9053 ./scripts/demo.sh
#
# State is kept in ${ROUTE53D_DEMO_DIR:-~/.route53d-demo}/route53-sim.json, so records created
# during the demo survive a restart. Builds the programs first if needed.
set -eu
cd "$(dirname "$0")/.."
TOP=$(pwd)

DEMO_DIR=${ROUTE53D_DEMO_DIR:-${HOME:-/tmp}/.route53d-demo}
DEMO_PORT=${DEMO_PORT:-8053}
ZONE_NAME=example.com
ZONE_ID=Z0DEMOEXAMPLE0COM
AKID=AKIDROUTE53DEMO
SECRET=demo-secret-not-an-aws-key
SIM_PID=

cleanup() {
  trap - INT TERM EXIT
  if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
    kill "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
  fi
  echo
  echo "demo stopped (state kept in $DEMO_DIR)"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

build_if_needed() {
  if [ ! -f Makefile ]; then
    echo "demo: configuring the build (first run)..."
    autoreconf -fi >/dev/null && ./configure --quiet
  fi
  if [ ! -x route53-sim ] || ! make -q route53-sim 2>/dev/null; then
    echo "demo: building route53-sim..."
    make -s -j2 route53-sim
  fi
}

port_in_use() {  # port -> true if something accepts connections on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_sim() {
  mkdir -p "$DEMO_DIR"
  local port=$DEMO_PORT
  if port_in_use "$port"; then
    echo "demo: port $port is busy, using a free port instead"
    port=0
  fi
  local out="$DEMO_DIR/route53-sim.out"
  : >"$out"
  "$TOP/route53-sim" --listen "127.0.0.1:$port" --credentials "$AKID:$SECRET" \
      --zone "$ZONE_NAME=$ZONE_ID" --state "$DEMO_DIR/route53-sim.json" >"$out" &
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

build_if_needed
start_sim

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
Press Ctrl-C to stop. Request log follows:

EOF

wait "$SIM_PID"
