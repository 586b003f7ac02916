#!/usr/bin/python3
"""Samples a hosted zone of route53-sim during a multi-request push, for the xfr system tests.

  push_sampler.py ENDPOINT ZONE_ID OLD_SERIAL NEW_SERIAL NEW_PREFIX NEW_COUNT STOP_FILE KEY:SECRET...

Each sample lists the whole zone (all pages; the SOA, at the apex, comes first, so everything read
after it landed before it did) and prints one line:
  sample T SERIAL EXPIRE NEW OLD
T: seconds since start; NEW: record sets whose name starts with NEW_PREFIX; OLD: the others that
are neither SOA nor NS. The push lock's mark is an SOA EXPIRE of 0x5D000000 | token (zone/soa.h).
Checks each sample (a violation line starts with "violation"):
  - the SOA serial is NEW_SERIAL: all NEW_COUNT new sets are there and no old one is left;
  - the SOA carries a mark: its serial is still OLD_SERIAL.
Requests rotate over the access keys given (route53-sim limits the rate per key). Runs until
STOP_FILE exists, then prints "done SAMPLES MARKED NEWSEEN VIOLATIONS".
"""
import os
import sys
import time

import boto3
from botocore.config import Config

MARK_LO, MARK_HI = 0x5D000000, 0x5DFFFFFF


def main():
    endpoint, zone_id, old, new, prefix, count, stop = sys.argv[1:8]
    old, new, count = int(old), int(new), int(count)
    clients = []
    for cred in sys.argv[8:]:
        akid, secret = cred.split(":", 1)
        clients.append(boto3.client("route53", endpoint_url=endpoint, region_name="us-east-1",
                                    aws_access_key_id=akid, aws_secret_access_key=secret,
                                    config=Config(retries={"max_attempts": 30, "mode": "standard"})))
    turn = 0
    start = time.monotonic()
    samples = marked = newseen = violations = 0
    print("ready", flush=True)
    while not os.path.exists(stop):
        sets, kw = [], {"HostedZoneId": zone_id, "MaxItems": "300"}
        while True:
            page = clients[turn % len(clients)].list_resource_record_sets(**kw)
            turn += 1
            sets += page["ResourceRecordSets"]
            if not page.get("IsTruncated"):
                break
            kw["StartRecordName"] = page["NextRecordName"]
            kw["StartRecordType"] = page["NextRecordType"]
        soa = [s for s in sets if s["Type"] == "SOA"][0]
        fields = soa["ResourceRecords"][0]["Value"].split()
        serial, expire = int(fields[2]), int(fields[5])
        n_new = sum(1 for s in sets if s["Name"].startswith(prefix))
        n_old = sum(1 for s in sets if not s["Name"].startswith(prefix) and s["Type"] not in ("SOA", "NS"))
        samples += 1
        print("sample %.2f %d %d %d %d" % (time.monotonic() - start, serial, expire, n_new, n_old), flush=True)
        is_marked = MARK_LO <= expire <= MARK_HI
        if is_marked:
            marked += 1
            if serial != old:
                violations += 1
                print("violation: the SOA carries a push lock's mark with serial %d, not the old %d" % (serial, old),
                      flush=True)
        if serial == new:
            newseen += 1
            if n_new != count or n_old != 0:
                violations += 1
                print("violation: serial %d with %d of %d new sets and %d old ones" % (serial, n_new, count, n_old),
                      flush=True)
    print("done %d %d %d %d" % (samples, marked, newseen, violations), flush=True)


if __name__ == "__main__":
    main()
