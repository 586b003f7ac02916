#!/usr/bin/python3
# Samples two SOA serials side by side, with timestamps (time.monotonic(), seconds), for
# tests/system/update/soa_under_load.test:
#   r53 T SERIAL   the serial Route 53 (route53-sim, boto3) stores, every 0.1 s; T = when the read
#                  was sent (the answer reflects the store at T or later)
#   dns T SERIAL   the serial route53d answers (dig), every second; T = when the answer was back
# Prints "ready" once boto3 is loaded and the first reads worked, then samples for SECONDS.
#   soa_sampler.py PORT SIMENDPOINT ZONE_ID SECONDS
import subprocess
import sys
import threading
import time

import boto3
from botocore.config import Config

port, endpoint, zone_id, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
client = boto3.client("route53", endpoint_url=endpoint, region_name="us-east-1",
                      config=Config(retries={"max_attempts": 20, "mode": "standard"}))
out_lock = threading.Lock()


def emit(kind, t, serial):
    with out_lock:
        print(kind, "%.3f" % t, serial, flush=True)


def r53_serial():
    page = client.list_resource_record_sets(HostedZoneId=zone_id, StartRecordName="example.com.",
                                            StartRecordType="SOA", MaxItems="1")
    rs = page["ResourceRecordSets"][0]
    assert rs["Type"] == "SOA", rs
    return int(rs["ResourceRecords"][0]["Value"].split()[2])


def dns_serial():
    out = subprocess.run(["dig", "+short", "+norec", "+time=2", "+tries=1", "-p", port, "@127.0.0.1",
                          "example.com", "SOA"], capture_output=True, text=True).stdout.split()
    return int(out[2]) if len(out) >= 3 else -1


r53_serial()
dns_serial()
print("ready", flush=True)
end = time.monotonic() + seconds


def sample_r53():
    while time.monotonic() < end:
        t = time.monotonic()
        emit("r53", t, r53_serial())
        time.sleep(max(0.0, t + 0.1 - time.monotonic()))


th = threading.Thread(target=sample_r53)
th.start()
while time.monotonic() < end:
    t = time.monotonic()
    s = dns_serial()
    emit("dns", time.monotonic(), s)
    time.sleep(max(0.0, t + 1.0 - time.monotonic()))
th.join()
