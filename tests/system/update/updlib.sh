# Shared helpers of the tests/system/update scenarios (sourced, not run): start route53-sim and
# route53d on free ports, TAP output, nsupdate wrappers, read Route 53 back with boto3.
TOP=${R53D_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
SIM=${ROUTE53_SIM:-$TOP/route53-sim}
R53D=${ROUTE53D:-$TOP/route53d}
TMP=${TEST_TMP:-$(mktemp -d)}
LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$TMP"
export AWS_ACCESS_KEY_ID=AKIDUPDATETEST AWS_SECRET_ACCESS_KEY=update-test-secret AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_ROUTE_53 AWS_RETRY_MODE
ZONE_ID=ZEXAMPLE
failed=0
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null' EXIT

ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; failed=1; shift; for l in "$@"; do echo "$l" | sed 's/^/#   /'; done; }
expect() {  # what, output, grep -E pattern
  if echo "$2" | grep -qE -- "$3"; then ok "$1"; else nok "$1" "want /$3/" "got: $2"; fi
}
expect_not() {  # what, output, grep -E pattern that must not match
  if echo "$2" | grep -qE -- "$3"; then nok "$1" "must not match /$3/" "got: $2"; else ok "$1"; fi
}
free_port() {  # a port free for both UDP and TCP on 127.0.0.1
  /usr/bin/python3 - <<'PY'
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        u.close(); t.close()
PY
}

start_sim() {  # name, extra args... -> SIMPORT (and SIM_PID)
  local name=$1; shift
  "$SIM" --listen 127.0.0.1:0 --credentials "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" --quiet \
    --zone "example.com=$ZONE_ID" "$@" >"$TMP/$name.out" 2>"$TMP/$name.log" &
  SIM_PID=$!
  PIDS+=("$SIM_PID")
  for _ in $(seq 200); do grep -q '^listening on' "$TMP/$name.out" && break; sleep 0.05; done
  SIMPORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$TMP/$name.out")
  [ -n "$SIMPORT" ] || { nok "route53-sim $name starts" "$(cat "$TMP/$name.log")"; exit 1; }
}

# write_config name simport [extra zone lines...] -> $TMP/name.ini, PORT set; key files
# $TMP/update.key (hmac-sha256 update-key) and $TMP/other.key (other-key) are made once.
make_keys() {
  [ -f "$TMP/update.key" ] || tsig-keygen -a hmac-sha256 update-key >"$TMP/update.key"
  [ -f "$TMP/other.key" ] || tsig-keygen -a hmac-sha512 other-key >"$TMP/other.key"
  [ -f "$TMP/acme.key" ] || tsig-keygen -a hmac-sha256 acme >"$TMP/acme.key"
  chmod 600 "$TMP"/*.key
  SECRET=$(sed -n 's/.*secret "\(.*\)";.*/\1/p' "$TMP/update.key")
}
write_config() {
  local name=$1 simport=$2; shift 2
  make_keys
  PORT=$(free_port)
  {
    cat <<EOF
[server]
listen = 127.0.0.1:$PORT
key-file = $TMP/update.key
key-file = $TMP/other.key
key-file = $TMP/acme.key
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
mode = dynamic
allow-update = key update-key
EOF
    for l in "$@"; do echo "$l"; done
  } >"$TMP/$name.ini"
  chmod 600 "$TMP/$name.ini"
}
start_r53d() {  # name -> R53D_PID; config $TMP/name.ini, log $TMP/name.log
  local name=$1
  "$R53D" -c "$TMP/$name.ini" 2>"$TMP/$name.log" &
  R53D_PID=$!
  PIDS+=("$R53D_PID")
  for _ in $(seq 400); do grep -q 'route53d ready' "$TMP/$name.log" && break
    kill -0 "$R53D_PID" 2>/dev/null || break; sleep 0.05; done
  grep -q 'route53d ready' "$TMP/$name.log" || { nok "route53d $name starts" "$(tail -20 "$TMP/$name.log")"; exit 1; }
}

# Route 53 read back with boto3 (faster than one AWS CLI start per check). Prints one line per
# record set: NAME TYPE TTL VALUE[|VALUE...] (values sorted).
rrsets() {  # [simport]
  /usr/bin/python3 "$LIBDIR/r53dump.py" "http://127.0.0.1:${1:-$SIMPORT}" "$ZONE_ID"
}
soa_serial() {  # port
  dig +short +norec +time=2 +tries=1 -p "$1" @127.0.0.1 example.com SOA | awk '{print $3}'
}
