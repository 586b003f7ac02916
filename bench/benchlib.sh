# Shared by the bench/ scripts (sourced, bash): paths, throw-away AWS credentials, a temporary
# directory removed at exit (KEEP=1 keeps it), every started process stopped by its pid, a free
# port on 127.0.0.1 for UDP and TCP, and route53-sim / route53d start-up.
#
#   BENCH=soa_bench; . "$(dirname "$0")/benchlib.sh"    # sets TOP SIM R53D TMP PIDS
#   start_sim NAME ARGS...        -> SIMPORT       (route53-sim --listen 127.0.0.1:0 --quiet ARGS)
#   launch_r53d NAME BINARY       -> R53D_PID      (runs BINARY -c $TMP/NAME.ini, waits READY_S=60 s until ready)
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIM=${ROUTE53_SIM:-$TOP/route53-sim}
R53D=${ROUTE53D:-$TOP/route53d}
TMP=$(mktemp -d "/tmp/${BENCH//_/-}.XXXXXX")
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; [ -n "${KEEP:-}" ] && echo "files kept in $TMP" || rm -rf "$TMP"; }
trap cleanup EXIT
die() { echo "$BENCH: $*" >&2; exit 1; }
free_port() {
  /usr/bin/python3 -c 'import socket
while True:
    t=socket.socket(); t.bind(("127.0.0.1",0)); p=t.getsockname()[1]; u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
    try: u.bind(("127.0.0.1",p)); print(p); break
    except OSError: pass
    finally: u.close(); t.close()'
}
start_sim() {
  local name=$1; shift
  "$SIM" --listen 127.0.0.1:0 --quiet "$@" >"$TMP/$name.out" 2>"$TMP/$name.log" &
  PIDS+=($!)
  for _ in $(seq 200); do grep -q '^listening on' "$TMP/$name.out" && break; sleep 0.05; done
  SIMPORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$TMP/$name.out")
  [ -n "$SIMPORT" ] || die "route53-sim did not start: $(cat "$TMP/$name.log")"
}
launch_r53d() {
  chmod 600 "$TMP/$1.ini"
  : >"$TMP/$1.r53d.log"
  "$2" -c "$TMP/$1.ini" 2>"$TMP/$1.r53d.log" &
  R53D_PID=$!
  PIDS+=($R53D_PID)
  for _ in $(seq $(( ${READY_S:-60} * 20 ))); do grep -q 'route53d ready' "$TMP/$1.r53d.log" && break; sleep 0.05; done
  grep -q 'route53d ready' "$TMP/$1.r53d.log" || die "$2 did not start: $(tail -3 "$TMP/$1.r53d.log")"
}
# sim_fill PORT ZONE_ID FIRST LAST TYPE NAME_EXPR VALUE_EXPR: CREATE one record set (TTL 300) for
# each i in FIRST..LAST, 1,000 per request, straight to route53-sim (start it with --rate 0);
# NAME_EXPR and VALUE_EXPR are Python expressions of i.
sim_fill() {
  /usr/bin/python3 - "$@" <<'PY' || die "filling route53-sim failed"
import http.client, sys
from xml.sax.saxutils import escape
port, zid, first, last, rtype, name_expr, value_expr = sys.argv[1:8]
first, last = int(first), int(last)
NS = "https://route53.amazonaws.com/doc/2013-04-01/"
conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
for start in range(first, last + 1, 1000):
    parts = ['<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="%s">'
             '<ChangeBatch><Changes>' % NS]
    for i in range(start, min(last + 1, start + 1000)):
        parts.append("<Change><Action>CREATE</Action><ResourceRecordSet><Name>%s</Name><Type>%s</Type><TTL>300</TTL>"
                     "<ResourceRecords><ResourceRecord><Value>%s</Value></ResourceRecord></ResourceRecords>"
                     "</ResourceRecordSet></Change>" % (escape(eval(name_expr)), rtype, escape(eval(value_expr))))
    parts.append("</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>")
    conn.request("POST", "/2013-04-01/hostedzone/%s/rrset/" % zid, "".join(parts).encode())
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit("batch at %d: HTTP %d %s" % (start, r.status, body[:300]))
PY
}
