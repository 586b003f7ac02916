#!/usr/bin/python3
"""Samples a hosted zone of route53-sim during pushes of several requests, for the xfr system tests.

  push_sampler.py --endpoint URL --zone-id ID --stop FILE --key AKID:SECRET [--key ...]
                  --version SERIAL:PREFIX:COUNT [--version ...] --marked-serial SERIAL [...]

Each sample lists the whole zone (all pages; the SOA, at the apex, comes first, so everything read
after it landed before it did) and prints one line:
  sample T SERIAL EXPIRE COUNTS
T: seconds since start; COUNTS: PREFIX=N for each --version, and other=N for the record sets that
match no prefix and are neither SOA nor NS. The push lock's mark is an SOA EXPIRE of
0x5D000000 | token (zone/soa.h). Checks each sample (a violation line starts with "violation"):
  - the SOA is not marked and its serial is a --version's: exactly its COUNT sets with its PREFIX
    are there and no other set (the version in full, nothing of another);
  - the SOA carries a mark: its serial is one of the --marked-serial values (the serials a push
    may start from; never the version being pushed).
Requests rotate over the access keys given (route53-sim limits the rate per key). Runs until
the --stop file exists, then prints "done SAMPLES MARKED COMPLETE VIOLATIONS" (COMPLETE: unmarked
samples whose serial was one of the versions).
"""
import argparse
import os
import time

import boto3
from botocore.config import Config

MARK_LO, MARK_HI = 0x5D000000, 0x5DFFFFFF


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--zone-id", required=True)
    p.add_argument("--stop", required=True)
    p.add_argument("--key", action="append", required=True)
    p.add_argument("--version", action="append", required=True)
    p.add_argument("--marked-serial", action="append", type=int, required=True)
    a = p.parse_args()
    versions = {}
    for v in a.version:
        serial, prefix, count = v.split(":")
        versions[int(serial)] = (prefix, int(count))
    prefixes = [pv[0] for pv in versions.values()]
    clients = []
    for cred in a.key:
        akid, secret = cred.split(":", 1)
        clients.append(boto3.client("route53", endpoint_url=a.endpoint, region_name="us-east-1",
                                    aws_access_key_id=akid, aws_secret_access_key=secret,
                                    config=Config(retries={"max_attempts": 30, "mode": "standard"})))
    turn = 0
    start = time.monotonic()
    samples = marked = complete = violations = 0
    print("ready", flush=True)

    def violation(text):
        nonlocal violations
        violations += 1
        print("violation: " + text, flush=True)

    while not os.path.exists(a.stop):
        sets, kw = [], {"HostedZoneId": a.zone_id, "MaxItems": "300"}
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
        counts = {pr: 0 for pr in prefixes}
        other = 0
        for s in sets:
            if s["Type"] in ("SOA", "NS"):
                continue
            for pr in prefixes:
                if s["Name"].startswith(pr):
                    counts[pr] += 1
                    break
            else:
                other += 1
        samples += 1
        print("sample %.2f %d %d %s other=%d" % (time.monotonic() - start, serial, expire,
                                                 " ".join("%s=%d" % kv for kv in counts.items()), other), flush=True)
        if MARK_LO <= expire <= MARK_HI:
            marked += 1
            if serial not in a.marked_serial:
                violation("the SOA carries a push lock's mark with serial %d, not one of %s" % (serial, a.marked_serial))
        elif serial in versions:
            complete += 1
            prefix, count = versions[serial]
            stray = other + sum(n for pr, n in counts.items() if pr != prefix)
            if counts[prefix] != count or stray:
                violation("serial %d with %d of its %d sets and %d others" % (serial, counts[prefix], count, stray))
    print("done %d %d %d %d" % (samples, marked, complete, violations), flush=True)


if __name__ == "__main__":
    main()
