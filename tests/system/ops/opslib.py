# Shared helpers of the tests/system/ops scenarios (imported, not run): route53-sim and route53d
# on free loopback ports, TSIG keys from tsig-keygen, signed UPDATEs over UDP (dnsmsg.py of the
# update tests), Route 53 read back with boto3, TAP output.
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "update"))
import dnsmsg as d  # noqa: E402,F401
from dnsmsg import free_port  # noqa: E402,F401  (the tests import it from here)

TOP = os.environ.get("R53D_TOP", os.path.abspath(os.path.join(HERE, "..", "..", "..")))
ROUTE53D = os.environ.get("ROUTE53D", os.path.join(TOP, "route53d"))
SIM = os.environ.get("ROUTE53_SIM", os.path.join(TOP, "route53-sim"))
TMP = os.environ.get("TEST_TMP") or subprocess.check_output(["mktemp", "-d"], text=True).strip()
os.makedirs(TMP, exist_ok=True)
AKID, SECRET = "AKIDOPSTEST", "ops-test-secret"
ENV = dict(os.environ, AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="us-east-1",
           AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_PAGER="")
for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ROUTE_53", "NOTIFY_SOCKET",
          "WATCHDOG_USEC", "WATCHDOG_PID"):
    ENV.pop(k, None)

failed = False
_procs = []


def check(cond, what, detail=""):
    global failed
    print(("ok - " if cond else "not ok - ") + what, flush=True)
    if not cond:
        failed = True
        for line in str(detail).splitlines()[-25:]:
            print("#   " + line, flush=True)
    return cond


def finish():
    for p in _procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    sys.exit(1 if failed else 0)


def start_sim(name="sim", zones=(("example.com", "ZEXAMPLE"),), args=()):
    out = open(os.path.join(TMP, name + ".out"), "w")
    err = open(os.path.join(TMP, name + ".log"), "w")
    cmd = [SIM, "--listen", "127.0.0.1:0", "--credentials", AKID + ":" + SECRET, "--quiet"]
    for z, i in zones:
        cmd += ["--zone", "%s=%s" % (z, i)]
    p = subprocess.Popen(cmd + list(args), stdout=out, stderr=err, env=ENV)
    _procs.append(p)
    for _ in range(200):
        text = open(os.path.join(TMP, name + ".out")).read()
        m = re.search(r"^listening on .*:(\d+)$", text, re.M)
        if m:
            return int(m.group(1))
        time.sleep(0.05)
    raise SystemExit("route53-sim did not start: " + open(os.path.join(TMP, name + ".log")).read())


def make_key(name, alg="hmac-sha256"):
    """tsig-keygen NAME into TMP/NAME.key (0600); returns (path, base64 secret)."""
    path = os.path.join(TMP, name + ".key")
    if not os.path.exists(path):
        with open(path, "w") as f:
            subprocess.run(["tsig-keygen", "-a", alg, name], stdout=f, check=True)
        os.chmod(path, 0o600)
    secret = re.search(r'secret "([^"]+)"', open(path).read()).group(1)
    return path, secret


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)
    return path


def server_section(port, simport, extra=""):
    return """[server]
listen = 127.0.0.1:%d
log-level = info
control-socket = %s/ctl.sock
%s
[aws]
endpoint = http://127.0.0.1:%d
region = us-east-1
access-key-id = %s
secret-access-key = %s
requests-per-second = 20
poll-interval-min = 200ms
poll-interval-max = 1s
""" % (port, TMP, extra, simport, AKID, SECRET)


class Daemon:
    def __init__(self, config, name="r53d", env=None):
        self.config, self.name = config, name
        self.log_path = os.path.join(TMP, name + ".log")
        self.proc = subprocess.Popen([ROUTE53D, "-c", config], stdout=subprocess.DEVNULL,
                                     stderr=open(self.log_path, "w"), env=env or ENV)
        _procs.append(self.proc)

    def log(self):
        return open(self.log_path).read()

    def wait_ready(self, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            if "route53d ready" in self.log():
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def wait_log(self, pattern, timeout=20, count=1):
        end = time.time() + timeout
        while time.time() < end:
            if len(re.findall(pattern, self.log(), re.M)) >= count:
                return True
            time.sleep(0.05)
        return False

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def run(self, *args, timeout=60):
        r = subprocess.run([ROUTE53D, "-c", self.config] + list(args), capture_output=True, text=True,
                           timeout=timeout, env=ENV)
        return r.returncode, r.stdout, r.stderr


def add_txt(msg_id, zone, name, text, key, secret):
    """A signed UPDATE adding TXT `text` at `name`."""
    m = d.update(msg_id, zone, updates=[d.rr(name, "TXT", d.CLASS_IN, 300, d.txt_rdata(text))])
    return d.sign(m, key, secret)


class UdpClient:
    """One client socket (a fixed source port, as the daemon's log names it)."""

    def __init__(self, port):
        self.port = port
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.src = self.sock.getsockname()[1]

    def ask(self, msg, timeout=10.0):
        """Sends msg, returns the decoded reply for its ID or None on timeout."""
        msg_id = struct.unpack("!H", msg[:2])[0]
        self.sock.settimeout(timeout)
        self.sock.sendto(msg, ("127.0.0.1", self.port))
        end = time.time() + timeout
        while True:
            left = end - time.time()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                reply, _ = self.sock.recvfrom(65535)
            except socket.timeout:
                return None
            r = d.decode(reply)
            if r["id"] == msg_id:
                return r

    def close(self):
        self.sock.close()


def rrsets(simport, zone_id="ZEXAMPLE"):
    out = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "..", "update", "r53dump.py"),
                          "http://127.0.0.1:%d" % simport, zone_id], capture_output=True, text=True, env=ENV)
    return out.stdout


def soa_serial(port, zone="example.com"):
    out = subprocess.run(["dig", "+short", "+norec", "+time=2", "+tries=1", "-p", str(port), "@127.0.0.1", zone, "SOA"],
                         capture_output=True, text=True)
    parts = out.stdout.split()
    return int(parts[2]) if len(parts) >= 3 else None
