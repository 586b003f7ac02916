#!/usr/bin/python3
"""A small, deliberately faulty DNS primary for route53d's zone transfer tests.

Serves one zone on 127.0.0.1 over UDP and TCP: SOA queries, AXFR, and IXFR (incremental when the
client's serial is one of the zone versions given with --zone, else the whole zone in AXFR form).
Each --zone FILE is one version of the zone (simple master-file syntax: $ORIGIN, $TTL, '@',
relative names, parentheses, ';' comments; types A AAAA NS CNAME PTR MX TXT SRV SOA and RFC 3597
'\\# len hex'); the last one is current. SIGHUP re-reads them.

With --key [ALG:]NAME:SECRET (as dig -y; default hmac-sha256) transfers need a signed request
(unsigned: REFUSED; unknown key: NOTAUTH/BADKEY; bad MAC: NOTAUTH/BADSIG, unsigned) and every
reply to a signed request is signed, the messages of a transfer as RFC 8945 section 5.3.1 says.

Faults (any combination):
  --cut-after N        close the connection after N messages of a transfer
  --stall-after N      send N messages of a transfer, then nothing (connection kept open)
  --bad-tsig N         corrupt the MAC of message N (1-based) of a transfer
  --unsigned-run N     leave N messages unsigned between signed ones (first and last signed)
  --bad-final-soa      the closing SOA of a full transfer carries serial + 1
  --lone-soa           answer an IXFR that needs data with the current SOA alone, then close
  --soa-serial S       answer SOA queries with serial S (e.g. older: "went backwards")
  --refuse-ixfr RCODE  answer IXFR with RCODE (NOTIMP, REFUSED, SERVFAIL, NOTAUTH, FORMERR)
  --ixfr-full          answer every IXFR with the whole zone in AXFR form
Prints "listening on 127.0.0.1:PORT" once ready, then one line per request.
Standard library only.
"""
import argparse
import base64
import hashlib
import hmac
import signal
import socket
import socketserver
import struct
import sys
import threading
import time

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28, "SRV": 33,
         "OPT": 41, "TSIG": 250, "IXFR": 251, "AXFR": 252}
TYPE_NAMES = {v: k for k, v in TYPES.items()}
RCODES = {"NOERROR": 0, "FORMERR": 1, "SERVFAIL": 2, "NXDOMAIN": 3, "NOTIMP": 4, "REFUSED": 5, "NOTAUTH": 9}
HASHES = {"hmac-md5.sig-alg.reg.int.": hashlib.md5, "hmac-sha1.": hashlib.sha1, "hmac-sha224.": hashlib.sha224,
          "hmac-sha256.": hashlib.sha256, "hmac-sha384.": hashlib.sha384, "hmac-sha512.": hashlib.sha512}
CLASS_IN, CLASS_ANY = 1, 255
BADSIG, BADKEY = 16, 17
FUDGE = 300
MAX_MESSAGE = 60000


def log(line):
    print(line, flush=True)


# --- names ---------------------------------------------------------------------------------------

def absolute(name, origin):
    if name == "@":
        return origin
    if name.endswith("."):
        return name
    return name + "." + origin if origin != "." else name + "."


def name_wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def read_name(msg, off):
    """(lower-case dotted name, offset after it); follows compression pointers."""
    labels, end, hops = [], None, 0
    while True:
        n = msg[off]
        if n & 0xC0 == 0xC0:
            if end is None:
                end = off + 2
            off = ((n & 0x3F) << 8) | msg[off + 1]
            hops += 1
            if hops > 64:
                raise ValueError("compression loop")
            continue
        off += 1
        if n == 0:
            break
        labels.append(msg[off:off + n].decode("latin-1").lower())
        off += n
    return ".".join(labels) + ".", (end if end is not None else off)


# --- zone files ----------------------------------------------------------------------------------

def tokenize(line):
    """Splits a master-file line into tokens; quoted strings stay one token (with the quotes)."""
    toks, cur, quoted, i = [], "", False, 0
    while i < len(line):
        c = line[i]
        if quoted:
            cur += c
            if c == "\\" and i + 1 < len(line):
                cur += line[i + 1]
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            cur += c
            quoted = True
        elif c == ";":
            break
        elif c in " \t":
            if cur:
                toks.append(cur)
                cur = ""
        else:
            cur += c
        i += 1
    if cur:
        toks.append(cur)
    return toks


def rdata_wire(rtype, args, origin):
    if args and args[0] == "\\#":
        return bytes.fromhex("".join(args[2:]))
    if rtype == "A":
        return socket.inet_pton(socket.AF_INET, args[0])
    if rtype == "AAAA":
        return socket.inet_pton(socket.AF_INET6, args[0])
    if rtype in ("NS", "CNAME", "PTR"):
        return name_wire(absolute(args[0], origin))
    if rtype == "MX":
        return struct.pack("!H", int(args[0])) + name_wire(absolute(args[1], origin))
    if rtype == "SRV":
        return struct.pack("!HHH", int(args[0]), int(args[1]), int(args[2])) + name_wire(absolute(args[3], origin))
    if rtype == "TXT":
        out = b""
        for a in args:
            s = a[1:-1] if a.startswith('"') else a
            b = s.replace('\\"', '"').encode()
            out += bytes([len(b)]) + b
        return out
    if rtype == "SOA":
        return (name_wire(absolute(args[0], origin)) + name_wire(absolute(args[1], origin)) +
                struct.pack("!IIIII", *(int(a) for a in args[2:7])))
    raise ValueError("unsupported type " + rtype)


class Zone:
    """One version of the zone: its SOA and every other record (owner, ttl, type, rdata)."""

    def __init__(self, path, origin):
        self.origin = origin
        self.soa = None
        self.records = []
        ttl, owner, pending = 3600, origin, ""
        with open(path) as f:
            for raw in f:
                line = pending + raw.rstrip("\n")
                if line.count("(") > line.count(")"):
                    pending = line.replace("(", " ") + " "
                    continue
                pending = ""
                line = line.replace("(", " ").replace(")", " ")
                toks = tokenize(line)
                if not toks:
                    continue
                if toks[0] == "$ORIGIN":
                    origin = absolute(toks[1], origin)
                    continue
                if toks[0] == "$TTL":
                    ttl = int(toks[1])
                    continue
                if not line[0].isspace():
                    owner = absolute(toks.pop(0), origin)
                rr_ttl, i = ttl, 0
                while toks[i] not in TYPES:
                    if toks[i].isdigit():
                        rr_ttl = int(toks[i])
                    i += 1
                rtype = toks[i]
                rr = (owner, rr_ttl, TYPES[rtype], rdata_wire(rtype, toks[i + 1:], origin))
                if rtype == "SOA":
                    self.soa = rr
                else:
                    self.records.append(rr)
        if self.soa is None:
            raise ValueError(path + ": no SOA")

    @property
    def serial(self):
        return struct.unpack("!I", self.soa[3][-20:-16])[0]


def soa_with_serial(soa, serial):
    owner, ttl, rtype, rdata = soa
    return (owner, ttl, rtype, rdata[:-20] + struct.pack("!I", serial) + rdata[-16:])


def key_of(rr):
    return (rr[0].lower(), rr[2], rr[3])


def rr_wire(rr):
    owner, ttl, rtype, rdata = rr
    return name_wire(owner) + struct.pack("!HHIH", rtype, CLASS_IN, ttl, len(rdata)) + rdata


# --- TSIG (RFC 8945) -----------------------------------------------------------------------------

class Key:
    def __init__(self, spec):
        parts = spec.split(":")
        if len(parts) == 2:
            parts = ["hmac-sha256"] + parts
        alg, name, secret = parts
        self.alg = alg.lower().rstrip(".") + "."
        if self.alg == "hmac-md5.":
            self.alg = "hmac-md5.sig-alg.reg.int."
        self.hash = HASHES[self.alg]
        self.name = name.lower().rstrip(".") + "."
        self.secret = base64.b64decode(secret)


def parse_tsig(msg):
    """(offset of the TSIG RR, key name, alg, time, fudge, mac, orig id) of the last RR, or None."""
    qd, an, ns, ar = struct.unpack("!HHHH", msg[4:12])
    off = 12
    for _ in range(qd):
        _, off = read_name(msg, off)
        off += 4
    last = None
    for _ in range(an + ns + ar):
        start = off
        owner, off = read_name(msg, off)
        rtype, _, _, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        off += 10
        last = (start, owner, rtype, off, rdlen)
        off += rdlen
    if not last or last[2] != TYPES["TSIG"]:
        return None
    start, owner, _, rd, _ = last
    alg, p = read_name(msg, rd)
    hi, lo, fudge, maclen = struct.unpack("!HIHH", msg[p:p + 10])
    mac = msg[p + 10:p + 10 + maclen]
    orig_id = struct.unpack("!H", msg[p + 10 + maclen:p + 12 + maclen])[0]
    return start, owner, alg, (hi << 32) | lo, fudge, mac, orig_id


def tsig_rr(key, signed_at, mac, orig_id, error=0, alg=None, owner=None):
    rdata = (name_wire(alg or key.alg) + struct.pack("!HIH", signed_at >> 32, signed_at & 0xFFFFFFFF, FUDGE) +
             struct.pack("!H", len(mac)) + mac + struct.pack("!HHH", orig_id, error, 0))
    return name_wire(owner or key.name) + struct.pack("!HHIH", TYPES["TSIG"], CLASS_ANY, 0, len(rdata)) + rdata


def full_variables(key, signed_at, error=0):
    return (name_wire(key.name) + struct.pack("!HI", CLASS_ANY, 0) + name_wire(key.alg) +
            struct.pack("!HIHHH", signed_at >> 32, signed_at & 0xFFFFFFFF, FUDGE, error, 0))


def add_rr(msg, rr):
    ar = struct.unpack("!H", msg[10:12])[0]
    return msg[:10] + struct.pack("!H", ar + 1) + msg[12:] + rr


def check_request(msg, key):
    """(verdict, request MAC): verdict 'unsigned', 'ok', 'badkey' or 'badsig'."""
    t = parse_tsig(msg)
    if t is None:
        return "unsigned", None
    start, owner, alg, signed_at, fudge, mac, orig_id = t
    if key is None or owner != key.name or alg != key.alg:
        return "badkey", t
    ar = struct.unpack("!H", msg[10:12])[0]
    body = struct.pack("!H", orig_id) + msg[2:10] + struct.pack("!H", ar - 1) + msg[12:start]
    want = hmac.new(key.secret, body + full_variables(key, signed_at), key.hash).digest()
    if not hmac.compare_digest(want, mac) or abs(time.time() - signed_at) > fudge:
        return "badsig", t
    return "ok", t


class StreamSigner:
    """Signs the messages of one reply: the first with the request MAC and full variables, later
    ones with the prior MAC, every unsigned message since, and the timers only."""

    def __init__(self, key, request_mac):
        self.key, self.prior, self.pending, self.first = key, request_mac, b"", True

    def sign(self, msg, corrupt=False):
        now = int(time.time())
        data = struct.pack("!H", len(self.prior)) + self.prior + self.pending + msg
        if self.first:
            data += full_variables(self.key, now)
        else:
            data += struct.pack("!HIH", now >> 32, now & 0xFFFFFFFF, FUDGE)
        mac = hmac.new(self.key.secret, data, self.key.hash).digest()
        self.prior, self.pending, self.first = mac, b"", False
        if corrupt:
            mac = bytes([mac[0] ^ 0xFF]) + mac[1:]
        return add_rr(msg, tsig_rr(self.key, now, mac, struct.unpack("!H", msg[:2])[0]))

    def skip(self, msg):
        self.pending += msg
        return msg


# --- the server ----------------------------------------------------------------------------------

class Primary:
    def __init__(self, args):
        self.args = args
        self.key = Key(args.key) if args.key else None
        self.lock = threading.Lock()
        self.load()

    def load(self):
        versions = [Zone(p, self.args.origin) for p in self.args.zone]
        with self.lock:
            self.versions = versions

    def header(self, qid, rcode=0, qd=1, an=0, ar=0):
        return struct.pack("!HHHHHH", qid, 0x8400 | rcode, qd, an, 0, ar)

    def message(self, qid, question, rrs, first=True, rcode=0):
        body = b"".join(rr_wire(r) for r in rrs)
        return self.header(qid, rcode, 1 if first else 0, len(rrs)) + (question if first else b"") + body

    def answer(self, msg, peer, tcp):
        """The list of reply messages for one request (maybe empty: stay silent)."""
        if len(msg) < 12 or msg[2] & 0x80:
            return [], {}
        qid, flags, qd = struct.unpack("!HHH", msg[:6])
        qname, off = read_name(msg, 12)
        qtype, qclass = struct.unpack("!HH", msg[off:off + 4])
        question = msg[12:off + 4]
        verdict, t = check_request(msg, self.key)
        what = "%s %s from %s (%s)" % (TYPE_NAMES.get(qtype, str(qtype)), qname, peer, verdict)
        if verdict in ("badkey", "badsig"):
            log(what + ": NOTAUTH")
            reply = self.header(qid, RCODES["NOTAUTH"])[:12] + question
            now = int(time.time())
            return [add_rr(reply, tsig_rr(None, now, b"", t[6], BADKEY if verdict == "badkey" else BADSIG,
                                          alg=t[2], owner=t[1]))], {}
        signer = StreamSigner(self.key, t[5]) if verdict == "ok" else None
        with self.lock:
            versions = self.versions
        zone = versions[-1]
        if qname != self.args.origin.lower() or qclass != CLASS_IN:
            log(what + ": REFUSED (not our zone)")
            return self.sign_all([self.message(qid, question, [], rcode=RCODES["REFUSED"])], signer), {}
        if qtype == TYPES["SOA"]:
            soa = zone.soa if self.args.soa_serial is None else soa_with_serial(zone.soa, self.args.soa_serial)
            log(what + ": SOA %d" % struct.unpack("!I", soa[3][-20:-16])[0])
            return self.sign_all([self.message(qid, question, [soa])], signer), {}
        if qtype not in (TYPES["AXFR"], TYPES["IXFR"]):
            return self.sign_all([self.message(qid, question, [])], signer), {}
        if not tcp:
            log(what + ": over UDP, answered with the SOA alone")
            return self.sign_all([self.message(qid, question, [zone.soa])], signer), {}
        if self.key and verdict != "ok":
            log(what + ": REFUSED (unsigned)")
            return [self.message(qid, question, [], rcode=RCODES["REFUSED"])], {}
        if qtype == TYPES["IXFR"] and self.args.refuse_ixfr:
            log(what + ": " + self.args.refuse_ixfr)
            return self.sign_all([self.message(qid, question, [], rcode=RCODES[self.args.refuse_ixfr])], signer), {}
        rrs, shape = self.transfer(msg, qtype, versions)
        msgs = self.split(qid, question, rrs)
        faults = {}
        if self.args.cut_after is not None:
            faults["cut"] = self.args.cut_after
        if self.args.stall_after is not None:
            faults["stall"] = self.args.stall_after
        if shape == "lone SOA":
            faults["cut"] = 1  # and then the end of the stream
        out = []
        last = len(msgs) - 1
        for i, m in enumerate(msgs):
            if signer is None:
                out.append(m)
            elif self.args.unsigned_run and 0 < i < last and i % (self.args.unsigned_run + 1) != 0:
                out.append(signer.skip(m))
            else:
                out.append(signer.sign(m, corrupt=(self.args.bad_tsig == i + 1)))
        log(what + ": %s, %d messages, %d records%s" % (shape, len(out), len(rrs),
                                                         "".join(", %s %d" % kv for kv in faults.items())))
        return out, faults

    def transfer(self, msg, qtype, versions):
        zone = versions[-1]
        cur = zone.soa
        if qtype == TYPES["IXFR"]:
            client = self.client_serial(msg)
            if client is not None and not serial_gt(zone.serial, client):
                return [cur], "up to date"
            if self.args.lone_soa:
                return [cur], "lone SOA"
            older = [i for i, v in enumerate(versions) if v.serial == client]
            if older and not self.args.ixfr_full:
                rrs = [cur]
                for a, b in zip(versions[older[0]:], versions[older[0] + 1:]):
                    ka, kb = {key_of(r) for r in a.records}, {key_of(r) for r in b.records}
                    rrs += [a.soa] + [r for r in a.records if key_of(r) not in kb]
                    rrs += [b.soa] + [r for r in b.records if key_of(r) not in ka]
                return rrs + [cur], "incremental"
        closing = soa_with_serial(cur, zone.serial + 1) if self.args.bad_final_soa else cur
        return [cur] + zone.records + [closing], "full"

    def client_serial(self, msg):
        qd, an, ns = struct.unpack("!HHH", msg[4:10])
        if ns < 1:
            return None
        off = 12
        for _ in range(qd):
            _, off = read_name(msg, off)
            off += 4
        _, off = read_name(msg, off)
        rtype, _, _, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        rd = msg[off + 10:off + 10 + rdlen]
        return struct.unpack("!I", rd[-20:-16])[0] if rtype == TYPES["SOA"] else None

    def split(self, qid, question, rrs):
        msgs, chunk, size = [], [], 0
        for r in rrs:
            w = len(rr_wire(r))
            if chunk and (len(chunk) >= self.args.rrs_per_message or size + w > MAX_MESSAGE):
                msgs.append(self.message(qid, question, chunk, first=not msgs))
                chunk, size = [], 0
            chunk.append(r)
            size += w
        msgs.append(self.message(qid, question, chunk, first=not msgs))
        return msgs

    def sign_all(self, msgs, signer):
        return [signer.sign(m) for m in msgs] if signer else msgs


def serial_gt(a, b):
    d = (a - b) & 0xFFFFFFFF
    return d != 0 and d < 0x80000000


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--origin", required=True, help="the zone, e.g. example.com")
    p.add_argument("--zone", action="append", required=True, help="zone file; repeat for older versions first")
    p.add_argument("--address", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--key", help="[ALG:]NAME:SECRET as for dig -y")
    p.add_argument("--rrs-per-message", type=int, default=50)
    p.add_argument("--cut-after", type=int)
    p.add_argument("--stall-after", type=int)
    p.add_argument("--bad-tsig", type=int)
    p.add_argument("--unsigned-run", type=int, default=0)
    p.add_argument("--bad-final-soa", action="store_true")
    p.add_argument("--lone-soa", action="store_true")
    p.add_argument("--soa-serial", type=int)
    p.add_argument("--refuse-ixfr", choices=["NOTIMP", "REFUSED", "SERVFAIL", "NOTAUTH", "FORMERR"])
    p.add_argument("--ixfr-full", action="store_true")
    args = p.parse_args()
    args.origin = args.origin.lower().rstrip(".") + "."
    primary = Primary(args)

    class Tcp(socketserver.BaseRequestHandler):
        def handle(self):
            s = self.request
            s.settimeout(30)
            try:
                while True:
                    hdr = recv_exact(s, 2)
                    if not hdr:
                        return
                    msg = recv_exact(s, struct.unpack("!H", hdr)[0])
                    if not msg:
                        return
                    replies, faults = primary.answer(msg, "%s#%d" % self.client_address, True)
                    for i, r in enumerate(replies):
                        if faults.get("cut") == i or faults.get("stall") == i:
                            break
                        s.sendall(struct.pack("!H", len(r)) + r)
                    if "stall" in faults:
                        time.sleep(3600)
                    if "cut" in faults:
                        return
            except (OSError, ValueError, IndexError, struct.error):
                return

    class Udp(socketserver.BaseRequestHandler):
        def handle(self):
            data, s = self.request
            try:
                replies, _ = primary.answer(data, "%s#%d" % self.client_address, False)
            except (ValueError, IndexError, struct.error):
                return
            for r in replies:
                s.sendto(r, self.client_address)

    class TcpServer(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True

    class UdpServer(socketserver.ThreadingUDPServer):
        daemon_threads = True

    tcp = TcpServer((args.address, args.port), Tcp)
    port = tcp.server_address[1]
    udp = UdpServer((args.address, port), Udp)
    signal.signal(signal.SIGHUP, lambda *_: (primary.load(), log("reloaded: serial %d" % primary.versions[-1].serial)))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    threading.Thread(target=udp.serve_forever, daemon=True).start()
    log("listening on %s:%d" % (args.address, port))
    tcp.serve_forever()


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


if __name__ == "__main__":
    main()
