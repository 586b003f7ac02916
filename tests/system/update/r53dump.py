#!/usr/bin/python3
# Prints every record set of a hosted zone of route53-sim (boto3, all pages), one per line:
# NAME TYPE TTL VALUE|VALUE... (values sorted). Usage: r53dump.py ENDPOINT ZONE_ID
import sys

import boto3
from botocore.config import Config

endpoint, zone = sys.argv[1], sys.argv[2]
client = boto3.client("route53", endpoint_url=endpoint, region_name="us-east-1",
                      config=Config(retries={"max_attempts": 20, "mode": "standard"}))
for page in client.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone):
    for rs in page["ResourceRecordSets"]:
        values = sorted(r["Value"] for r in rs.get("ResourceRecords", []))
        print(rs["Name"], rs["Type"], rs.get("TTL", "-"), "|".join(values))
