#!/usr/bin/python3
# Drives a real kea-dhcp-ddns (D2) with NameChangeRequests and checks what route53d answered it
# and what Route 53 then holds (kea_ddns.test). An NCR is JSON with a 2-octet length prefix, sent
# over UDP to D2's listener (ncr-protocol UDP, ncr-format JSON: Kea's NameChangeRequest::toFormat).
# D2 answers nothing on that socket: the outcome is its log line "DHCP_DDNS_ADD_SUCCEEDED" /
# "_ADD_FAILED" / "_REMOVE_SUCCEEDED" / "_REMOVE_FAILED". D2 talks to route53d through a UDP
# relay here (PROXY_PORT -> R53D_PORT), which records every UPDATE's rcode and the time route53d
# took to answer it. The data is read back with boto3.
#
# Usage: kea_ncr.py D2_PORT D2_LOG PROXY_PORT R53D_PORT ENDPOINT ZONE_ID ROUND
#   ROUND "plain": conflict resolution on and off in a dhcid = txt zone, and a dhcid = refuse zone;
#   ROUND "latency": conflict resolution on and off (route53-sim adds latency to every call).
# Prints TAP lines and "# ..." timings; exits 1 if a check failed.
import base64
import json
import os
import socket
import struct
import sys
import threading
import time

import boto3
from botocore.config import Config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import check, failed  # noqa: E402

d2_port, d2_log = int(sys.argv[1]), sys.argv[2]
proxy_port, r53d_port = int(sys.argv[3]), int(sys.argv[4])
endpoint, zone, round_name = sys.argv[5:8]
r53 = boto3.client("route53", endpoint_url=endpoint, region_name="us-east-1",
                   config=Config(retries={"max_attempts": 10, "mode": "standard"}))
OUTCOMES = ("DHCP_DDNS_ADD_SUCCEEDED", "DHCP_DDNS_ADD_FAILED", "DHCP_DDNS_REMOVE_SUCCEEDED", "DHCP_DDNS_REMOVE_FAILED")
ADD, REMOVE = 0, 1


def dhcid(client):
    """A DHCID RDATA as Kea makes it (RFC 4701: identifier type 2 = DUID, digest type 1 = SHA-256)."""
    return bytes([0, 2, 1]) + bytes((client * 37 + i) % 256 for i in range(32))


RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED", 6: "YXDOMAIN",
          7: "YXRRSET", 8: "NXRRSET", 9: "NOTAUTH", 10: "NOTZONE"}
answers = []  # (rcode, seconds route53d took), in the order the answers came
answers_lock = threading.Lock()


def relay():
    """D2 -> route53d and back, one thread per UPDATE; records each answer's rcode and time."""
    front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    front.bind(("127.0.0.1", proxy_port))

    def one(msg, client):
        back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        back.settimeout(30)
        start = time.monotonic()
        back.sendto(msg, ("127.0.0.1", r53d_port))
        try:
            reply = back.recv(65535)
        except socket.timeout:
            return
        finally:
            back.close()
        with answers_lock:
            answers.append((RCODES.get(reply[3] & 0x0F, str(reply[3] & 0x0F)), time.monotonic() - start))
        front.sendto(reply, client)

    while True:
        msg, client = front.recvfrom(65535)
        threading.Thread(target=one, args=(msg, client), daemon=True).start()


threading.Thread(target=relay, daemon=True).start()


def size(path):
    return os.path.getsize(path) if os.path.exists(path) else 0


def read_from(path, offset):
    with open(path, "rb") as f:
        f.seek(offset)
        return f.read().decode(errors="replace")


def outcome_lines(path, offset):
    return [l for l in read_from(path, offset).splitlines() if any(o + " " in l for o in OUTCOMES)]


def ncr(change, fqdn, ip, client, conflict_resolution=True, lease_s=3600):
    """Sends one NCR to D2 and waits for its outcome. Returns (outcome, [rcodes route53d gave], seconds)."""
    d2_at = size(d2_log)
    with answers_lock:
        answers_at = len(answers)
    msg = json.dumps({"change-type": change, "forward-change": True, "reverse-change": False, "fqdn": fqdn,
                      "ip-address": ip, "dhcid": dhcid(client).hex(), "lease-expires-on": "20991231235959",
                      "lease-length": lease_s, "use-conflict-resolution": conflict_resolution}).encode()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    start = time.monotonic()
    s.sendto(struct.pack("!H", len(msg)) + msg, ("127.0.0.1", d2_port))
    s.close()
    deadline = start + 30
    lines = []
    while time.monotonic() < deadline:
        lines = outcome_lines(d2_log, d2_at)
        if lines:
            break
        time.sleep(0.02)
    took = time.monotonic() - start
    outcome = next((o for o in OUTCOMES if lines and o + " " in lines[0]), "no outcome in 30 s")
    with answers_lock:
        rcodes = [rcode for rcode, _ in answers[answers_at:]]
    return outcome.replace("DHCP_DDNS_", ""), rcodes, took


def stored(name):
    """{type: (ttl, sorted values)} of every record set at `name` in Route 53."""
    out = {}
    rs = r53.list_resource_record_sets(HostedZoneId=zone, StartRecordName=name, MaxItems="20")
    for s in rs["ResourceRecordSets"]:
        if s["Name"].lower() == name.lower():
            out[s["Type"]] = (s.get("TTL"), sorted(r["Value"] for r in s.get("ResourceRecords", [])))
    return out


def all_types():
    types = set()
    for page in r53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone):
        types.update(s["Type"] for s in page["ResourceRecordSets"])
    return types


def txt_of(client):
    return '"' + base64.b64encode(dhcid(client)).decode() + '"'


times = []


def step(what, change, fqdn, ip, client, want_outcome, want_rcodes, cr=True):
    outcome, rcodes, took = ncr(change, fqdn, ip, client, cr)
    times.append(took)
    check(outcome == want_outcome and rcodes == want_rcodes,
          f"{what}: D2 {want_outcome}, route53d answered {' then '.join(want_rcodes)}",
          f"got {outcome}, {rcodes} after {took:.2f} s\n" + "\n".join(outcome_lines(d2_log, 0)[-3:]))


A, B = 1, 2  # two DHCP clients
h1, h1d = "host1.example.com.", "_dhcid.host1.example.com."
h2, h2d = "host2.example.com.", "_dhcid.host2.example.com."

# ---- conflict resolution on (RFC 4703): add, renew, conflict, remove ----
step("add, conflict resolution on", ADD, h1, "192.0.2.10", A, "ADD_SUCCEEDED", ["NOERROR"])
check(stored(h1) == {"A": (3600, ["192.0.2.10"])} and stored(h1d) == {"TXT": (3600, [txt_of(A)])},
      "the A is at the name, the DHCID is a TXT at _dhcid.NAME (base64, lease TTL)", f"{stored(h1)} {stored(h1d)}")
step("renew by the same client", ADD, h1, "192.0.2.11", A, "ADD_SUCCEEDED", ["YXDOMAIN", "NOERROR"])
check(stored(h1) == {"A": (3600, ["192.0.2.11"])} and stored(h1d) == {"TXT": (3600, [txt_of(A)])},
      "renew: the address replaced, the DHCID kept", f"{stored(h1)} {stored(h1d)}")
step("another client asks for the same name", ADD, h1, "192.0.2.99", B, "ADD_FAILED", ["YXDOMAIN", "NXRRSET"])
# Its address removal fails on the DHCID; its second message asserts the DHCID and "no A, no
# AAAA left", and RFC 2136 evaluates value prerequisites last: the A there answers YXRRSET.
step("another client removes the name", REMOVE, h1, "192.0.2.11", B, "REMOVE_FAILED", ["NXRRSET", "YXRRSET"])
check(stored(h1) == {"A": (3600, ["192.0.2.11"])} and stored(h1d) == {"TXT": (3600, [txt_of(A)])},
      "the other client changed nothing", f"{stored(h1)} {stored(h1d)}")
step("remove by the owner", REMOVE, h1, "192.0.2.11", A, "REMOVE_SUCCEEDED", ["NOERROR", "NOERROR"])
check(stored(h1) == {} and stored(h1d) == {}, "remove: the A and the TXT are gone (no orphan)",
      f"{stored(h1)} {stored(h1d)}")
step("the freed name goes to the other client", ADD, h1, "192.0.2.99", B, "ADD_SUCCEEDED", ["NOERROR"])
step("and back out", REMOVE, h1, "192.0.2.99", B, "REMOVE_SUCCEEDED", ["NOERROR", "NOERROR"])

# ---- conflict resolution off: no prerequisites, the last client wins ----
step("add, conflict resolution off", ADD, h2, "192.0.2.20", A, "ADD_SUCCEEDED", ["NOERROR"], cr=False)
step("another client takes the name", ADD, h2, "192.0.2.21", B, "ADD_SUCCEEDED", ["NOERROR"], cr=False)
check(stored(h2) == {"A": (3600, ["192.0.2.21"])} and stored(h2d) == {"TXT": (3600, [txt_of(B)])},
      "conflict resolution off: the last client's address and DHCID", f"{stored(h2)} {stored(h2d)}")
step("remove, conflict resolution off", REMOVE, h2, "192.0.2.21", B, "REMOVE_SUCCEEDED", ["NOERROR"], cr=False)
check(stored(h2) == {} and stored(h2d) == {}, "remove: the A and the TXT are gone", f"{stored(h2)} {stored(h2d)}")

if round_name == "plain":
    # A zone left at dhcid = refuse: what every Kea add got before the emulation.
    step("dhcid = refuse zone: add", ADD, "host1.example.net.", "192.0.2.30", A, "ADD_FAILED", ["REFUSED"])
check("DHCID" not in all_types(), "Route 53 holds no record set of type DHCID", all_types())

print("# answers: " + " ".join(f"{r}:{t * 1000:.0f}" for r, t in answers))
took = sorted(t for _, t in answers)
print(f"# {len(times)} NCRs, {len(took)} UPDATEs; route53d answered an UPDATE in {took[len(took) // 2] * 1000:.0f} ms "
      f"(median), {took[-1] * 1000:.0f} ms (slowest); NCR to D2's outcome at most {max(times) * 1000:.0f} ms")
sys.exit(1 if failed() else 0)
