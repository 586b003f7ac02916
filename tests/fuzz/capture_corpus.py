#!/usr/bin/python3
# Regenerates the seed corpora tests/fuzz/corpus/<target>/ from real programs on 127.0.0.1:
#   dns_request  what nsupdate, knsupdate, dig, kdig send (a silent UDP listener takes the first
#                datagram), signed with update-key (the harness's key) and unsigned, and the
#                NOTIFY named sends; byte 0 is the harness's flags (see dns_request.cc)
#   xfr_reader   AXFR and IXFR replies of named (tiny transfer-message-size: several messages),
#                read raw from TCP; 5 octets of parameters first (see xfr_reader.cc)
#   r53_xml      every response body (and request body) route53-sim exchanges with boto3, errors
#                included; byte 0 selects the parser (see r53_xml.cc)
#   config_ini   the sample configurations and configurations as the system tests write them
#   bind_keys    tsig-keygen and ddns-confgen output, and named.conf-style files
# Usage: tests/fuzz/capture_corpus.py   (needs route53-sim built, and named, nsupdate, dig, kdig,
# knsupdate, tsig-keygen, ddns-confgen, boto3: scripts/setup-deps.sh installs them). Servers it
# starts are stopped by pid before it exits.
import glob
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

import dns.message
import dns.rdatatype
import dns.rrset

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../system/update"))
from dnsmsg import free_port  # noqa: E402

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
OUT = os.path.join(TOP, "tests/fuzz/corpus")
SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ="
TMP = tempfile.mkdtemp(prefix="r53d-corpus.")
procs = []


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def capture_udp(cmd, stdin=None):
    """Runs cmd (PORT replaced) against a silent UDP listener; returns the first datagram."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.settimeout(5)
    cmd = [c.replace("PORT", str(port)) for c in cmd]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if stdin:
        p.stdin.write(stdin.replace("PORT", str(port)).encode())
    p.stdin.close()
    try:
        data, _ = s.recvfrom(65535)
    finally:
        p.kill()
        p.wait()
        s.close()
    return data


# ---- dns_request ----------------------------------------------------------------------------
UPDATES = {
    "add_a": "update add www.example.com 300 A 192.0.2.3",
    "add_several": "update add www.example.com 300 A 192.0.2.3\nupdate add www.example.com 300 AAAA 2001:db8::3\n"
                   "update add new.example.com 60 TXT \"a\" \"b\"",
    "add_mx_srv_caa": "update add example.com 300 MX 20 mx2.example.com.\n"
                      "update add _sip._tcp.example.com 300 SRV 10 5 5061 sip2.example.com.\n"
                      "update add example.com 300 CAA 0 issuewild \";\"",
    "add_cname": "update add alias2.example.com 300 CNAME www.example.com.",
    "acme_txt": "update delete _acme-challenge.example.com TXT\n"
                "update add _acme-challenge.example.com 60 TXT \"LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0\"",
    "del_rrset": "update delete www.example.com A",
    "del_name": "update delete mail.example.com",
    "del_rr": "update delete www.example.com A 192.0.2.1",
    "del_apex_ns": "update delete example.com NS",
    "soa": "update add example.com 900 SOA ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 200 7200 900 1209600 86400",
    "prereq_yxdomain": "prereq yxdomain www.example.com\nupdate add www.example.com 300 A 192.0.2.4",
    "prereq_nxdomain": "prereq nxdomain fresh.example.com\nupdate add fresh.example.com 300 A 192.0.2.5",
    "prereq_yxrrset": "prereq yxrrset www.example.com A\nupdate delete www.example.com A 192.0.2.2",
    "prereq_nxrrset": "prereq nxrrset www.example.com TXT\nupdate add www.example.com 300 TXT \"x\"",
    "prereq_value": "prereq yxrrset www.example.com A 192.0.2.1\nprereq yxrrset www.example.com A 192.0.2.2\n"
                    "update add www.example.com 300 A 192.0.2.6",
    "read_only": "update delete alias.example.com A\nupdate add geo.example.com 60 A 192.0.2.103",
    "wildcard": "update add *.wild.example.com 300 A 192.0.2.43",
    "below_b": "update add c.b.example.com 300 A 192.0.2.10",
    "other_zone": "update add www.example.org 300 A 192.0.2.1",
}


def nsupdate_script(body, zone="example.com"):
    return f"server 127.0.0.1 PORT\nzone {zone}\n{body}\nsend\n"


def dns_request():
    key = ["-y", f"hmac-sha256:update-key:{SECRET}"]
    for name, body in UPDATES.items():
        zone = "example.org" if name == "other_zone" else "example.com"
        script = nsupdate_script(body, zone)
        signed = capture_udp(["nsupdate", "-t", "2", "-u", "1", "-r", "0"] + key, script)
        unsigned = capture_udp(["nsupdate", "-t", "2", "-u", "1", "-r", "0"], script)
        write("dns_request", f"nsupdate_{name}_signed", b"\x00" + signed)
        # Unsigned: the harness signs it (flag 2), so the update paths run behind a valid MAC.
        write("dns_request", f"nsupdate_{name}", b"\x02" + unsigned)
        if name in ("acme_txt", "add_a", "del_name"):
            write("dns_request", f"nsupdate_{name}_limited_tcp", b"\x07" + unsigned)
    for alg in ("hmac-md5", "hmac-sha1", "hmac-sha512", "hmac-sha256-128"):
        m = capture_udp(["nsupdate", "-t", "2", "-u", "1", "-r", "0", "-y", f"{alg}:update-key:{SECRET}"],
                        nsupdate_script(UPDATES["add_a"]))
        write("dns_request", f"nsupdate_add_a_{alg}", b"\x00" + m)
    m = capture_udp(["knsupdate", "-t", "2", "-r", "0", "-y", f"hmac-sha256:update-key:{SECRET}"],
                    nsupdate_script(UPDATES["add_several"]))
    write("dns_request", "knsupdate_add_several_signed", b"\x00" + m)
    m = capture_udp(["knsupdate", "-t", "2", "-r", "0"], nsupdate_script(UPDATES["prereq_value"]))
    write("dns_request", "knsupdate_prereq_value", b"\x02" + m)
    queries = {
        "dig_soa": ["dig", "+tries=1", "+time=1", "-p", "PORT", "@127.0.0.1", "example.com", "SOA"],
        "dig_soa_noedns": ["dig", "+noedns", "+tries=1", "+time=1", "-p", "PORT", "@127.0.0.1", "example.com", "SOA"],
        "dig_soa_signed": ["dig", "+tries=1", "+time=1", "-p", "PORT", "@127.0.0.1", "-y",
                           f"hmac-sha256:update-key:{SECRET}", "example.com", "SOA"],
        "dig_a_nsid_do": ["dig", "+dnssec", "+nsid", "+tries=1", "+time=1", "-p", "PORT", "@127.0.0.1",
                          "www.example.com", "A"],
        "kdig_soa": ["kdig", "+retry=0", "+timeout=1", "-p", "PORT", "@127.0.0.1", "example.com", "SOA"],
        "kdig_soa_edns_padding": ["kdig", "+retry=0", "+timeout=1", "+padding=128", "-p", "PORT", "@127.0.0.1",
                                  "sub.example.com", "SOA"],
    }
    for name, cmd in queries.items():
        write("dns_request", name, b"\x00" + capture_udp(cmd))


# ---- named: NOTIFY for dns_request, AXFR/IXFR for xfr_reader -------------------------------
ZONE = """$ORIGIN example.com.
$TTL 300
@        3600 IN SOA ns1.example.net. hostmaster.example.net. 100 60 30 3600 300
@             IN NS  ns1.example.net.
@             IN MX  10 mail
www           IN A   192.0.2.1
www           IN A   192.0.2.2
www           IN AAAA 2001:db8::1
mail          IN A   192.0.2.25
ftp           IN CNAME www
txt           IN TXT "hello world" "second string"
_sip._tcp     IN SRV 10 20 5060 sip
@             IN CAA 0 issue "letsencrypt.org"
b             IN DS  12345 13 2 3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F3F
sub           IN NS  ns1.sub
ns1.sub       IN A   192.0.2.53
""" + "".join(f"host{i}         IN A   198.51.100.{i}\n" for i in range(1, 25))


def start_named(notify_port):
    d = os.path.join(TMP, "named")
    os.makedirs(d)
    with open(os.path.join(d, "example.com.db"), "w") as f:
        f.write(ZONE)
    port = free_port()
    with open(os.path.join(d, "named.conf"), "w") as f:
        f.write(f"""options {{
  directory "{d}";
  listen-on port {port} {{ 127.0.0.1; }};
  listen-on-v6 {{ none; }};
  pid-file "{d}/named.pid";
  recursion no;
  dnssec-validation no;
  notify explicit;
  notify-delay 0;
  ixfr-from-differences yes;
  transfer-message-size 512;
  max-ixfr-ratio unlimited;
}};
controls {{ }};
key "update-key" {{ algorithm hmac-sha256; secret "{SECRET}"; }};
zone "example.com" {{
  type primary;
  file "example.com.db";
  allow-update {{ key update-key; }};
  allow-transfer {{ any; }};
  also-notify {{ 127.0.0.1 port {notify_port} key update-key; }};
}};
""")
    p = subprocess.Popen(["named", "-g", "-n", "1", "-c", os.path.join(d, "named.conf")],
                         stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, "named.log"), "w"))
    procs.append(p)
    for _ in range(100):
        if subprocess.run(["dig", "+short", "+norec", "+time=1", "+tries=1", "-p", str(port), "@127.0.0.1",
                           "example.com", "SOA"], capture_output=True, text=True).stdout.strip():
            return port
        time.sleep(0.1)
    sys.exit("named did not start: " + open(os.path.join(d, "named.log")).read()[-2000:])


def tcp_stream(port, query):
    """Sends query over TCP; returns the raw reply stream (length-prefixed messages) up to the
    message that closes the transfer (the second SOA of the zone's serial, or a lone SOA)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    w = query.to_wire()
    s.sendall(struct.pack("!H", len(w)) + w)
    stream = b""
    soas = 0
    serial = None
    buf = b""
    while True:
        while len(buf) < 2 or len(buf) < 2 + struct.unpack("!H", buf[:2])[0]:
            chunk = s.recv(65536)
            if not chunk:
                s.close()
                return stream
            buf += chunk
        n = struct.unpack("!H", buf[:2])[0]
        msg_wire, buf = buf[2:2 + n], buf[2 + n:]
        stream += struct.pack("!H", n) + msg_wire
        m = dns.message.from_wire(msg_wire, one_rr_per_rrset=True)
        for rr in m.answer:
            if rr.rdtype == dns.rdatatype.SOA:
                if serial is None:
                    serial = rr[0].serial
                if rr[0].serial == serial:
                    soas += 1
        lone = len(m.answer) == 1 and soas == 1 and query.question[0].rdtype == dns.rdatatype.IXFR and \
            query.authority and query.authority[0][0].serial >= serial
        if soas >= 2 or lone or not m.answer:
            s.close()
            return stream


def ixfr_query(serial):
    q = dns.message.make_query("example.com", "IXFR")
    soa = dns.rrset.from_text("example.com.", 300, "IN", "SOA",
                              f"ns1.example.net. hostmaster.example.net. {serial} 60 30 3600 300")
    q.authority.append(soa)
    return q


def xfr_params(flags, serial):
    return bytes([flags]) + struct.pack("!I", serial)


def named_captures():
    notify_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    notify_sock.bind(("127.0.0.1", 0))
    notify_sock.settimeout(10)
    port = start_named(notify_sock.getsockname()[1])
    notify, _ = notify_sock.recvfrom(65535)  # named's startup NOTIFY, signed with update-key
    write("dns_request", "named_notify_signed", b"\x00" + notify)
    notify_sock.close()

    write("xfr_reader", "axfr", xfr_params(0, 0) + tcp_stream(port, dns.message.make_query("example.com", "AXFR")))
    write("xfr_reader", "axfr_signed", xfr_params(2, 0) + tcp_stream(port, dns.message.make_query("example.com", "AXFR")))
    # Changes at the primary, one serial each, so that IXFR has a history to send.
    changes = [
        "update add new.example.com 60 A 192.0.2.77\nupdate delete mail.example.com A",
        "update add txt.example.com 300 TXT \"third\"\nupdate add www.example.com 300 A 192.0.2.3",
        "update delete ftp.example.com CNAME\nupdate add ftp.example.com 600 A 192.0.2.21",
    ]
    for c in changes:
        r = subprocess.run(["nsupdate", "-t", "5", "-y", f"hmac-sha256:update-key:{SECRET}"],
                           input=f"server 127.0.0.1 {port}\nzone example.com\n{c}\nsend\n",
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("nsupdate at named failed: " + r.stderr)
    write("xfr_reader", "ixfr_from_100", xfr_params(1, 100) + tcp_stream(port, ixfr_query(100)))
    write("xfr_reader", "ixfr_from_101", xfr_params(1, 101) + tcp_stream(port, ixfr_query(101)))
    write("xfr_reader", "ixfr_from_100_signed_gaps", xfr_params(7, 100) + tcp_stream(port, ixfr_query(100)))
    write("xfr_reader", "ixfr_up_to_date", xfr_params(1, 103) + tcp_stream(port, ixfr_query(103)))
    # A serial named has no journal for: it answers with the whole zone.
    write("xfr_reader", "ixfr_unknown_serial_full", xfr_params(1, 50) + tcp_stream(port, ixfr_query(50)))
    write("xfr_reader", "axfr_after_changes", xfr_params(0, 0) + tcp_stream(port, dns.message.make_query("example.com", "AXFR")))
    # A zone named does not serve: REFUSED or NOTAUTH in one message.
    write("xfr_reader", "axfr_refused", xfr_params(0, 0) + tcp_stream(port, dns.message.make_query("example.org", "AXFR")))


# ---- r53_xml --------------------------------------------------------------------------------
def r53_xml():
    import boto3
    import botocore.config
    out = os.path.join(TMP, "sim.out")
    p = subprocess.Popen([os.path.join(TOP, "route53-sim"), "--listen", "127.0.0.1:0", "--credentials",
                          "AKIDFUZZ:fuzz-secret", "--rate", "0", "--insync-after", "0", "--quiet",
                          "--zone", "example.com=ZEXAMPLE", "--zone", "example.org=ZORG"],
                         stdout=open(out, "w"), stderr=subprocess.DEVNULL)
    procs.append(p)
    port = None
    for _ in range(100):
        txt = open(out).read()
        if "listening on" in txt:
            port = txt.strip().rsplit(":", 1)[1]
            break
        time.sleep(0.05)
    if not port:
        sys.exit("route53-sim did not start")
    cfg = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"})

    def client(secret="fuzz-secret"):
        return boto3.client("route53", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                            aws_access_key_id="AKIDFUZZ", aws_secret_access_key=secret, config=cfg)

    selector = {"ListHostedZones": 1, "ListHostedZonesByName": 2, "GetHostedZone": 3,
                "ListResourceRecordSets": 4, "ChangeResourceRecordSets": 5, "GetChange": 6}
    count = {}

    def keep(name, sel, body):
        count[name] = count.get(name, 0) + 1
        write("r53_xml", f"{name}_{count[name]}", bytes([sel]) + body)

    def after_call(http_response, model, **kw):
        op = model.name
        if http_response.status_code >= 400:
            keep(f"error_{op}", 0, http_response.content)
        elif op in selector:
            keep(op, selector[op], http_response.content)

    def before_send(request, **kw):
        if request.body and b"ChangeResourceRecordSetsRequest" in (request.body if isinstance(request.body, bytes) else request.body.encode()):
            keep("request", 7, request.body if isinstance(request.body, bytes) else request.body.encode())

    c = client()
    c.meta.events.register("after-call.route53", after_call)
    c.meta.events.register("before-send.route53", before_send)

    def change(changes, zone="ZEXAMPLE"):
        try:
            return c.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Comment": "fuzz seed", "Changes": changes})
        except c.exceptions.ClientError:
            return None

    def rr(name, typ, ttl, values, **extra):
        d = {"Name": name, "Type": typ, "TTL": ttl, "ResourceRecords": [{"Value": v} for v in values]}
        d.update(extra)
        return d

    r = change([{"Action": "CREATE", "ResourceRecordSet": rr("www.example.com.", "A", 300, ["192.0.2.1", "192.0.2.2"])},
                {"Action": "CREATE", "ResourceRecordSet": rr("txt.example.com.", "TXT", 300, ['"hello world" "x"'])},
                {"Action": "CREATE", "ResourceRecordSet": rr("example.com.", "MX", 300, ["10 mail.example.com"])},
                {"Action": "CREATE", "ResourceRecordSet": rr("_sip._tcp.example.com.", "SRV", 300, ["10 5 5060 sip.example.com"])},
                {"Action": "CREATE", "ResourceRecordSet": rr("\\052.wild.example.com.", "A", 60, ["192.0.2.42"])}])
    change([{"Action": "CREATE", "ResourceRecordSet": rr("geo.example.com.", "A", 60, ["192.0.2.101"],
                                                         SetIdentifier="one", Weight=10)},
            {"Action": "CREATE", "ResourceRecordSet": rr("geo.example.com.", "A", 60, ["192.0.2.102"],
                                                         SetIdentifier="two", Weight=20)},
            {"Action": "CREATE", "ResourceRecordSet": {"Name": "alias.example.com.", "Type": "A", "AliasTarget": {
                "HostedZoneId": "ZEXAMPLE", "DNSName": "www.example.com.", "EvaluateTargetHealth": False}}}])
    change([{"Action": "UPSERT", "ResourceRecordSet": rr("www.example.com.", "A", 300, ["192.0.2.3"])}])
    if r:
        c.get_change(Id=r["ChangeInfo"]["Id"])
    c.list_hosted_zones()
    c.list_hosted_zones(MaxItems="1")
    c.list_hosted_zones_by_name()
    c.list_hosted_zones_by_name(DNSName="example.org", MaxItems="1")
    c.get_hosted_zone(Id="ZEXAMPLE")
    c.list_resource_record_sets(HostedZoneId="ZEXAMPLE")
    page = c.list_resource_record_sets(HostedZoneId="ZEXAMPLE", MaxItems="2")
    c.list_resource_record_sets(HostedZoneId="ZEXAMPLE", StartRecordName=page.get("NextRecordName", "www.example.com."),
                                StartRecordType=page.get("NextRecordType", "A"), MaxItems="2")
    c.list_resource_record_sets(HostedZoneId="ZEXAMPLE", StartRecordName="geo.example.com.", StartRecordType="A",
                                StartRecordIdentifier="one", MaxItems="1")
    # Errors: a DELETE that does not match, a CREATE that exists, a bad value, an unknown zone,
    # an unknown change, a bad signature.
    change([{"Action": "DELETE", "ResourceRecordSet": rr("www.example.com.", "A", 300, ["192.0.2.9"])}])
    change([{"Action": "CREATE", "ResourceRecordSet": rr("www.example.com.", "A", 300, ["192.0.2.3"])}])
    change([{"Action": "CREATE", "ResourceRecordSet": rr("bad.example.com.", "A", 300, ["not-an-address"])},
            {"Action": "CREATE", "ResourceRecordSet": rr("bad2.example.com.", "MX", 300, ["mail"])}])
    change([{"Action": "DELETE", "ResourceRecordSet": rr("example.com.", "NS", 172800, ["ns.example."])}])
    for call in (lambda: c.get_hosted_zone(Id="ZNOSUCH"), lambda: c.get_change(Id="CNOSUCH"),
                 lambda: c.list_resource_record_sets(HostedZoneId="ZNOSUCH")):
        try:
            call()
        except c.exceptions.ClientError:
            pass
    bad = client("wrong-secret")
    bad.meta.events.register("after-call.route53", after_call)
    try:
        bad.list_hosted_zones()
    except bad.exceptions.ClientError:
        pass
    # Error shapes route53-sim does not send but route53-api.md §6 lists.
    write("r53_xml", "error_json", b"\x00" + b'{"__type":"com.amazon.coral.service#ThrottlingException","message":"Rate exceeded"}')
    write("r53_xml", "error_html", b"\x00" + b"<html><body><h1>503 Service Unavailable</h1></body></html>")
    write("r53_xml", "error_bare", b"\x00" + b"<Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error>")
    write("r53_xml", "error_invalid_change_batch", b"\x00" +
          b'<?xml version="1.0"?><InvalidChangeBatch xmlns="https://route53.amazonaws.com/doc/2013-04-01/">'
          b"<Messages><Message>Tried to delete resource record set [name='a.example.com.', type='A'] but it was not found"
          b"</Message><Message>second</Message></Messages><RequestId>b25f48e8-84fd-11e6-80d9-574e0c4664cb</RequestId>"
          b"</InvalidChangeBatch>")


# ---- config_ini and bind_keys ---------------------------------------------------------------
def text_files():
    for f in ("route53d.ini.sample", "route53d-minimal.ini.sample"):
        shutil.copy(os.path.join(TOP, f), os.path.join(OUT, "config_ini", f.replace(".ini.sample", "_sample.ini")))
    dynamic = f"""[server]
listen = 127.0.0.1:5353
listen = [::1]:5353
key-file = update.key
key-file = other.key
log-level = debug
user = nobody

[aws]
endpoint = http://127.0.0.1:8053
region = us-east-1
access-key-id = AKIDUPDATETEST
secret-access-key = update-test-secret
requests-per-second = 5
poll-interval-min = 200ms
poll-interval-max = 1s

[zone example.com]
mode = dynamic
allow-update = key update-key
allow-update = key other-key names _acme-challenge.example.com,*.dyn.example.com types TXT,A
allow-update = address 192.0.2.0/24
allow-update = address 2001:db8::/32 names *.example.com
"""
    secondary = """[server]
listen = 127.0.0.1:5354
key-file = update.key

[aws]
profile = route53d
region = eu-west-1

[zone example.org]
mode = secondary
primaries = 127.0.0.1:5300 key update-key
primaries = [::1]:53
allow-notify = 127.0.0.1/32
"""
    broken = """[server]
listen = 127.0.0.1:99999
key-file = /nonexistent/key
log-level = loud
[zone example.com]
mode = dynamik
allow-update = key nosuch-key names ..bad
[zone example.com]
mode = secondary
unknown-key = 1
[aws
"""
    creds = """[default]
aws_access_key_id = AKIDEXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY

[profile route53d]
region = us-west-2
aws_session_token =
  FQoGZXIvYXdzEPT//////////wEaDMnK
role_arn = arn:aws:iam::123456789012:role/route53d ; comment
"""
    for name, text in (("dynamic.ini", dynamic), ("secondary.ini", secondary), ("broken.ini", broken),
                       ("aws_credentials.ini", creds)):
        write("config_ini", name, text.encode())
    for alg in ("hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512"):
        out = subprocess.run(["tsig-keygen", "-a", alg, f"{alg}-key"], capture_output=True, check=True).stdout
        write("bind_keys", f"tsig-keygen_{alg}", out)
    out = subprocess.run(["ddns-confgen", "-k", "ddns-key.example.com", "-z", "example.com"],
                         capture_output=True, check=True).stdout
    write("bind_keys", "ddns-confgen", out)
    write("bind_keys", "named_conf_mixed", b"""// keys for route53d
options { directory "/var/cache/bind"; listen-on { any; }; };
/* the update key */
key "update-key" {
\tsecret "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=";
\talgorithm HMAC-SHA256;
};
# a second key, truncated MAC
key other.key. { algorithm hmac-sha512-256; secret "b3RoZXItc2VjcmV0"; };
zone "example.com" { type primary; file "db.example"; allow-update { key "update-key"; }; };
""")
    write("bind_keys", "broken", b'key "k" { algorithm hmac-sha256; secret "not base64!"; };\nkey {\n')


def main():
    for target in ("dns_request", "xfr_reader", "r53_xml", "config_ini", "bind_keys"):
        d = os.path.join(OUT, target)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    try:
        dns_request()
        named_captures()
        r53_xml()
        text_files()
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        shutil.rmtree(TMP, ignore_errors=True)
    for target in sorted(os.listdir(OUT)):
        print(f"{target}: {len(os.listdir(os.path.join(OUT, target)))} seeds")


if __name__ == "__main__":
    main()
