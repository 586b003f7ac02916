# A tiny hand-built DNS UPDATE/TSIG client for the tests (no dnspython on the test machine): build
# UPDATE messages, sign them with any key, name, algorithm and time, send over UDP, decode the
# reply's rcode and TSIG fields. Only what the tests need; names are never compressed.
import base64
import hashlib
import hmac
import socket
import struct
import time

# A loopback port free for both TCP and UDP (a DNS server listens on both).
def free_port():
    while True:
        t = socket.socket()
        t.bind(("127.0.0.1", 0))
        p = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", p))
            return p
        except OSError:
            pass
        finally:
            u.close()
            t.close()


CLASS_IN, CLASS_NONE, CLASS_ANY = 1, 254, 255
TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28, "ANY": 255, "TSIG": 250}
HASHES = {"hmac-md5.sig-alg.reg.int": hashlib.md5, "hmac-sha1": hashlib.sha1, "hmac-sha224": hashlib.sha224,
          "hmac-sha256": hashlib.sha256, "hmac-sha384": hashlib.sha384, "hmac-sha512": hashlib.sha512}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED", 6: "YXDOMAIN",
          7: "YXRRSET", 8: "NXRRSET", 9: "NOTAUTH", 10: "NOTZONE"}
TSIG_ERRORS = {0: "0", 16: "BADSIG", 17: "BADKEY", 18: "BADTIME", 22: "BADTRUNC"}


def name_wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rr(name, rtype, rclass, ttl, rdata=b""):
    return name_wire(name) + struct.pack("!HHIH", TYPES.get(rtype, rtype) if isinstance(rtype, str) else rtype,
                                         rclass, ttl, len(rdata)) + rdata


def a_rdata(addr):
    return socket.inet_aton(addr)


def txt_rdata(text):
    b = text.encode()
    return bytes([len(b)]) + b


def update(msg_id, zone, prereqs=(), updates=(), zone_type="SOA", zones=1):
    header = struct.pack("!HHHHHH", msg_id, 5 << 11, zones, len(prereqs), len(updates), 0)
    body = b"".join(name_wire(zone) + struct.pack("!HH", TYPES[zone_type], CLASS_IN) for _ in range(zones))
    return header + body + b"".join(prereqs) + b"".join(updates)


def sign(msg, key_name, secret_b64, alg="hmac-sha256", signed_at=None, fudge=300, mac_len=None):
    """Returns msg with a TSIG RR appended (ARCOUNT incremented)."""
    signed_at = int(time.time()) if signed_at is None else signed_at
    secret = base64.b64decode(secret_b64)
    alg_wire = name_wire(alg)
    variables = (name_wire(key_name.lower()) + struct.pack("!HI", CLASS_ANY, 0) + alg_wire +
                 struct.pack("!HIHHH", signed_at >> 32, signed_at & 0xFFFFFFFF, fudge, 0, 0))
    mac = hmac.new(secret, msg + variables, HASHES[alg]).digest()
    if mac_len is not None:
        mac = mac[:mac_len]
    msg_id = struct.unpack("!H", msg[:2])[0]
    rdata = (alg_wire + struct.pack("!HIH", signed_at >> 32, signed_at & 0xFFFFFFFF, fudge) +
             struct.pack("!H", len(mac)) + mac + struct.pack("!HHH", msg_id, 0, 0))
    arcount = struct.unpack("!H", msg[10:12])[0] + 1
    return msg[:10] + struct.pack("!H", arcount) + msg[12:] + rr(key_name, "TSIG", CLASS_ANY, 0, rdata)


def skip_name(buf, off):
    while True:
        n = buf[off]
        if n == 0:
            return off + 1
        if n & 0xC0 == 0xC0:
            return off + 2
        off += 1 + n


def decode(reply):
    """Returns dict: id, rcode (text), tsig (None or dict error/mac_len/other_len/time)."""
    msg_id, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", reply[:12])
    out = {"id": msg_id, "rcode": RCODES.get(flags & 0xF, str(flags & 0xF)), "qr": bool(flags & 0x8000),
           "tsig": None}
    off = 12
    for _ in range(qd):
        off = skip_name(reply, off) + 4
    for _ in range(an + ns + ar):
        start = off
        off = skip_name(reply, off)
        rtype, rclass, ttl, rdlen = struct.unpack("!HHIH", reply[off:off + 10])
        rd = reply[off + 10:off + 10 + rdlen]
        off += 10 + rdlen
        if rtype == 250:
            p = skip_name(rd, 0)
            hi, lo, fudge, mac_len = struct.unpack("!HIHH", rd[p:p + 10])
            p += 10 + mac_len
            orig, err, other_len = struct.unpack("!HHH", rd[p:p + 6])
            out["tsig"] = {"error": TSIG_ERRORS.get(err, str(err)), "mac_len": mac_len, "other_len": other_len,
                           "time": (hi << 32) | lo, "owner_off": start}
    return out


def send_udp(port, msg, timeout=10.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(msg, ("127.0.0.1", port))
        reply, _ = s.recvfrom(65535)
        return decode(reply)
    except socket.timeout:
        return None
    finally:
        s.close()
