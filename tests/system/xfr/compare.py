#!/usr/bin/python3
"""Compares a primary's zone (dig AXFR output) with a Route 53 hosted zone (route53-sim, boto3)
after route53d's documented filtering (route53d(8) "Secondary zones"), and prints each difference.

  compare.py AXFR_FILE ENDPOINT ZONE_ID [--apex-ns] [--no-serial] [--soa-timers]

Filtering applied to the primary's records, as route53d does:
  - the SOA is compared by serial only (Route 53 keeps its MNAME/RNAME; timers unless
    --soa-timers), the apex NS set is Route 53's (unless --apex-ns);
  - DNSSEC types and every type Route 53 cannot hold are left out;
  - NS at a wildcard name, a CNAME beside other data (the CNAME goes), an RRset of more than 400
    records, with a value over 4,000 characters or a TTL above 2^31-1 are left out;
  - an RRset takes the lowest TTL of its records;
  - Route 53's alias and routing-policy sets are never compared, and the primary's RRsets at the
    same name and type (any, at a name whose read-only set is a CNAME; a CNAME where read-only sets
    are) are left out.
Values are compared as DNS data (dnspython, canonical form), so spelling differences (case of
names, \\DDD vs Route 53's \\ooo escapes, quoting) do not count.
Exit status 0 when equal, 1 with one line per difference.
"""
import re
import sys

import boto3
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype

SUPPORTED = {"A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV", "SSHFP",
             "SVCB", "TLSA", "TXT"}


def octal_to_decimal(text):
    """Route 53 writes \\ooo (octal); dnspython reads \\DDD (decimal)."""
    return re.sub(r"\\([0-7]{3})", lambda m: "\\%03d" % int(m.group(1), 8), text)


def canon(rtype, value, origin):
    rd = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rtype), value, origin=origin)
    return rd.to_digestable(origin)


def main():
    axfr_file, endpoint, zone_id = sys.argv[1:4]
    opts = set(sys.argv[4:])
    primary = {}  # (name, type) -> [ttls, [rdata text]]
    apex = None
    soa_serial = None
    soa_fields = None
    with open(axfr_file) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith(";"):
                continue
            parts = line.split(None, 4)
            if len(parts) < 5:
                continue
            name, ttl, cls, rtype, rdata = parts
            owner = dns.name.from_text(name)
            if rtype == "SOA":
                apex = owner
                fields = rdata.split()
                soa_serial = int(fields[2])
                soa_fields = fields[3:]
                continue
            entry = primary.setdefault((owner, rtype), [[], []])
            entry[0].append(int(ttl))
            entry[1].append(rdata)
    if apex is None:
        print("no SOA in the AXFR output (transfer failed?)")
        return 1

    r53 = boto3.client("route53", endpoint_url=endpoint)
    sets = []
    kw = {"HostedZoneId": zone_id, "MaxItems": "300"}
    while True:
        page = r53.list_resource_record_sets(**kw)
        sets += page["ResourceRecordSets"]
        if not page.get("IsTruncated"):
            break
        kw["StartRecordName"] = page["NextRecordName"]
        kw["StartRecordType"] = page["NextRecordType"]
        if page.get("NextRecordIdentifier"):
            kw["StartRecordIdentifier"] = page["NextRecordIdentifier"]
        else:
            kw.pop("StartRecordIdentifier", None)

    read_only = {}  # name -> set of types
    route53 = {}  # (name, type) -> (ttl, {canon: text})
    r53_serial = None
    r53_fields = None
    for s in sets:
        owner = dns.name.from_text(octal_to_decimal(s["Name"]))
        rtype = s["Type"]
        if "AliasTarget" in s or "SetIdentifier" in s or "HealthCheckId" in s or "TrafficPolicyInstanceId" in s:
            read_only.setdefault(owner, set()).add(rtype)
            continue
        values = [octal_to_decimal(r["Value"]) for r in s.get("ResourceRecords", [])]
        if rtype == "SOA":
            fields = values[0].split()
            r53_serial = int(fields[2])
            r53_fields = fields[3:]
            continue
        if rtype == "NS" and owner == apex and "--apex-ns" not in opts:
            continue
        route53[(owner, rtype)] = (s.get("TTL"), {canon(rtype, v, apex): v for v in values})

    want = {}
    skipped = []
    types_at = {}
    for (owner, rtype) in primary:
        types_at.setdefault(owner, set()).add(rtype)
    for (owner, rtype), (ttls, raw) in sorted(primary.items(), key=lambda kv: (kv[0][0].to_text(), kv[0][1])):
        texts = raw
        why = None
        if rtype not in SUPPORTED:
            why = "type"
        elif rtype == "NS" and owner == apex and "--apex-ns" not in opts:
            why = "apex NS"
        elif rtype == "NS" and owner.labels[0] == b"*":
            why = "wildcard NS"
        elif rtype == "CNAME" and owner == apex:
            why = "CNAME at apex"
        elif rtype in read_only.get(owner, set()) or "CNAME" in read_only.get(owner, set()):
            why = "read-only in Route 53"
        elif rtype == "CNAME" and read_only.get(owner):
            why = "CNAME beside read-only"
        elif len(texts) > 400:
            why = "more than 400 values"
        elif max(ttls) > 2147483647:
            why = "TTL above 2^31-1"
        elif rtype == "CNAME" and len(
                [t for t in types_at[owner] if t in SUPPORTED and t != "CNAME" and not (t == "NS" and owner == apex)]) > 0:
            why = "CNAME beside other data"
        if why:
            skipped.append("%s %s (%s)" % (owner, rtype, why))
            continue
        canons = {}
        for t in texts:
            canons[canon(rtype, t, apex)] = t
        if any(len(v) > 4000 for v in canons.values()):
            skipped.append("%s %s (value too long)" % (owner, rtype))
            continue
        want[(owner, rtype)] = (min(ttls), canons)

    diffs = []
    for key in sorted(set(want) | set(route53), key=lambda k: (k[0].to_text(), k[1])):
        w, h = want.get(key), route53.get(key)
        label = "%s %s" % (key[0], key[1])
        if w is None:
            diffs.append("only in Route 53: %s %s" % (label, sorted(h[1].values())))
        elif h is None:
            diffs.append("missing in Route 53: %s %s" % (label, sorted(w[1].values())))
        elif w[0] != h[0]:
            diffs.append("TTL of %s: primary %s, Route 53 %s" % (label, w[0], h[0]))
        elif set(w[1]) != set(h[1]):
            diffs.append("values of %s: primary %s, Route 53 %s" % (label, sorted(w[1].values()), sorted(h[1].values())))
    if "--no-serial" not in opts and soa_serial != r53_serial:
        diffs.append("SOA serial: primary %s, Route 53 %s" % (soa_serial, r53_serial))
    if "--soa-timers" in opts and soa_fields != r53_fields:
        diffs.append("SOA timers: primary %s, Route 53 %s" % (soa_fields, r53_fields))
    for d in diffs:
        print(d)
    if "--show-skipped" in opts:
        for s in skipped:
            print("skipped: " + s)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
