#!/usr/bin/python3
# Concurrent load through route53d, then the guarantees checked in Route 53 (TAP output):
# every update answered, every NOERROR one present, none applied twice.
#   loadcheck.py PORT SIMENDPOINT ZONE_ID SECRET KEYFILE UDP_NSUPDATES TCP_NSUPDATES PY_CLIENTS PER_CLIENT
# nsupdate clients (real tool, one session each) send PER_CLIENT UPDATEs, each adding TXT "vI" at
# its own name cN-I.example.com, and print every answer. Python clients send PER_CLIENT
# signed UPDATEs "prereq nxdomain pN-I; add pN-I TXT" over UDP, each sent TWICE (a
# retransmission with the same ID and bytes): both answers must be NOERROR (applied once); a
# YXDOMAIN would mean the retransmission was applied as a second UPDATE.
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnsmsg as d  # noqa: E402
from tap import check, failed  # noqa: E402

port, endpoint, zone_id, secret, keyfile = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
n_udp, n_tcp, n_py, per = (int(x) for x in sys.argv[6:10])
t0 = time.time()
procs = []
for c in range(n_udp + n_tcp):
    lines = ["server 127.0.0.1 %d" % port, "zone example.com"]
    for i in range(per):
        lines += ['update add c%d-%d.example.com 300 TXT "v%d"' % (c, i, i), "send", "answer"]
    args = ["nsupdate", "-k", keyfile, "-t", "300", "-u", "5", "-r", "10"]
    if c >= n_udp:
        args.insert(1, "-v")
    p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    procs.append((c, p, "\n".join(lines) + "\n"))
outputs = {}


def feed(c, p, script):
    outputs[c] = p.communicate(script, timeout=600)[0]


threads = [threading.Thread(target=feed, args=x) for x in procs]

py_results = {}  # (client, i) -> list of rcodes of the answers received


def py_client(c):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    for i in range(per):
        msg_id = (c * per + i) % 65536
        name = "p%d-%d.example.com" % (c, i)
        msg = d.update(msg_id, "example.com",
                       prereqs=[d.rr(name, "ANY", d.CLASS_NONE, 0)],
                       updates=[d.rr(name, "TXT", d.CLASS_IN, 300, d.txt_rdata("p%d-%d" % (c, i)))])
        msg = d.sign(msg, "update-key", secret)
        got = []
        s.sendto(msg, ("127.0.0.1", port))
        s.sendto(msg, ("127.0.0.1", port))  # the retransmission
        deadline = time.time() + 120
        last = time.time()
        while len(got) < 2 and time.time() < deadline:
            try:
                r = d.decode(s.recvfrom(65535)[0])
                if r["id"] == msg_id:
                    got.append(r["rcode"])
            except socket.timeout:
                if got and time.time() - last > 1.0:
                    break  # one answer for both copies is fine too
                if not got and time.time() - last > 5.0:
                    s.sendto(msg, ("127.0.0.1", port))
                    last = time.time()
        py_results[(c, i)] = got
    s.close()


threads += [threading.Thread(target=py_client, args=(c,)) for c in range(n_py)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.time() - t0
total = (n_udp + n_tcp + n_py) * per

# nsupdate answers, in order.
answered = 0
noerror_ns = {}
bad = []
for c, p, _ in procs:
    statuses = re.findall(r"opcode: UPDATE, status: ([A-Z]+)", outputs.get(c, ""))
    answered += len(statuses)
    noerror_ns[c] = {i for i, s in enumerate(statuses) if s == "NOERROR"}
    if len(statuses) != per:
        bad.append("client %d: %d answers, exit %s: %s" % (c, len(statuses), p.returncode, outputs.get(c, "")[-300:]))
py_answered = sum(1 for v in py_results.values() if v)
answered += py_answered
rate = total / elapsed if elapsed else 0
print("# %d updates from %d clients in %.1f s (%.0f updates/s)" % (total, n_udp + n_tcp + n_py, elapsed, rate))
check(answered == total, "every one of the %d updates was answered (%d)" % (total, answered), "\n".join(bad))
ns_ok = sum(len(v) for v in noerror_ns.values())
py_ok = sum(1 for v in py_results.values() if v and v[0] == "NOERROR")
print("# NOERROR: %d of %d nsupdate updates, %d of %d python updates" % (ns_ok, (n_udp + n_tcp) * per, py_ok, n_py * per))
twice = [k for k, v in py_results.items() if "YXDOMAIN" in v]
check(not twice, "no retransmitted UPDATE was applied twice (no YXDOMAIN among %d duplicated sends)" % (n_py * per),
      twice[:10])
mixed = [k for k, v in py_results.items() if len(set(v)) > 1]
check(not mixed, "both copies of a retransmitted UPDATE get the same answer", mixed[:10])

# Route 53 afterwards.
import json  # noqa: E402
import urllib.request  # noqa: E402

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402


def list_calls():
    # ListResourceRecordSets requests route53-sim has seen so far (throttled ones included).
    with urllib.request.urlopen(endpoint + "/_sim/stats", timeout=10) as r:
        return json.load(r).get("requests", {}).get("ListResourceRecordSets", 0)


# route53d's own reads (zone load at start, re-reads after a lost compare-and-swap): the
# calling test may bound them.
before = list_calls()
print("# ListResourceRecordSets calls before the read-back: %d" % before)
client = boto3.client("route53", endpoint_url=endpoint, region_name="us-east-1",
                      config=Config(retries={"max_attempts": 30, "mode": "standard"}))
sets = {}
# Pages of 300 (the API's maximum; without MaxItems Route 53 sends 100) at 4 per second, below the
# simulator's 5/s per key that route53d shares: each page is one call, none throttled.
pages = client.get_paginator("list_resource_record_sets").paginate(
    HostedZoneId=zone_id, PaginationConfig={"PageSize": 300})
for n, page in enumerate(pages):
    if n:
        time.sleep(0.25)
    for rs in page["ResourceRecordSets"]:
        sets[(rs["Name"], rs["Type"])] = [r["Value"] for r in rs.get("ResourceRecords", [])]
print("# read-back: %d record sets in %d ListResourceRecordSets calls" % (len(sets), list_calls() - before))
missing, extra, dup = [], [], []
for c in range(n_udp + n_tcp):
    have = set()
    for i in range(per):
        vals = sets.get(("c%d-%d.example.com." % (c, i), "TXT"))
        if vals is not None:
            if vals != ['"v%d"' % i]:
                dup.append((c, i, vals))
            have.add(i)
    missing += ["c%d v%d" % (c, i) for i in sorted(noerror_ns[c] - have)]
    extra += ["c%d v%d" % (c, i) for i in sorted(have - set(range(per)))]
for (c, i), v in py_results.items():
    rs = sets.get(("p%d-%d.example.com." % (c, i), "TXT"))
    if v and v[0] == "NOERROR" and rs != ['"p%d-%d"' % (c, i)]:
        missing.append("p%d-%d: %r" % (c, i, rs))
check(not missing, "every NOERROR update is present in Route 53", "\n".join(missing[:20]))
check(not extra and not dup, "no value appears twice or out of nowhere", "\n".join(extra[:10]) + str(dup[:10]))
print("# SOA after the load: %s" % sets.get(("example.com.", "SOA")))
sys.exit(1 if failed() else 0)
