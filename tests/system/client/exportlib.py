# Helpers for the route53d one-shot mode tests (export_*, listzones_*, check_*): route53-sim on a
# free port, route53d runs, zone-file canonicalisation with named-compilezone, TAP output.
import atexit
import os
import signal
import subprocess
import sys
import tempfile
import time

TOP = os.environ.get("R53D_TOP", os.path.abspath(os.path.join(os.path.dirname(__file__), "../../..")))
ROUTE53D = os.environ.get("ROUTE53D", os.path.join(TOP, "route53d"))
SIM = os.environ.get("ROUTE53_SIM", os.path.join(TOP, "route53-sim"))
TMP = os.environ.get("TEST_TMP") or tempfile.mkdtemp(prefix="r53d-client-")

AKID = "AKIDEXPORTTEST"
SECRET = "export-test-secret"  # a test value, never a real key

# No user configuration may leak into the tests.
os.environ["AWS_CONFIG_FILE"] = "/dev/null"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ROUTE_53",
          "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS",
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
    os.environ.pop(k, None)

_failed = 0
_count = 0


def check(cond, what, detail=None):
    """Prints one TAP line; returns cond."""
    global _failed, _count
    _count += 1
    if cond:
        print("ok - " + what, flush=True)
    else:
        _failed += 1
        print("not ok - " + what, flush=True)
        if detail is not None:
            for line in str(detail).splitlines()[:40] or [""]:
                print("#   " + line, flush=True)
    return bool(cond)


def equal(got, want, what):
    return check(got == want, what, "got:  %r\nwant: %r" % (got, want))


def finish():
    print("# %d checks, %d failed" % (_count, _failed), flush=True)
    sys.exit(1 if _failed else 0)


class Sim:
    """A route53-sim process on 127.0.0.1:<free port>; stopped by pid at exit."""

    def __init__(self, *args, name="sim"):
        self.args = list(args) + ["--credentials", "%s:%s" % (AKID, SECRET), "--quiet"]
        self.log_path = os.path.join(TMP, name + ".log")
        self.proc = None
        self.start()
        atexit.register(self.stop)

    def start(self):
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen([SIM, "--listen", "127.0.0.1:0"] + self.args,
                                     stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening on "):
            raise RuntimeError("route53-sim did not start: %r (log %s)" % (line, self.log_path))
        self.port = int(line.strip().rsplit(":", 1)[1])
        self.endpoint = "http://127.0.0.1:%d" % self.port

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def stats(self):
        """The simulator's /_sim/stats counters (JSON)."""
        import json
        import urllib.request
        with urllib.request.urlopen(self.endpoint + "/_sim/stats", timeout=10) as r:
            return json.loads(r.read().decode())

    def client(self):
        import boto3
        import botocore.config
        return boto3.client("route53", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=AKID, aws_secret_access_key=SECRET,
                            config=botocore.config.Config(retries={"total_max_attempts": 1}))

    def aws_cli(self, *args):
        """Runs /usr/bin/aws route53 ... against the simulator; returns (rc, stdout, stderr)."""
        env = dict(os.environ, AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET,
                   AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")
        p = subprocess.run(["/usr/bin/aws", "--endpoint-url", self.endpoint, "route53"] + list(args),
                           env=env, capture_output=True, text=True, timeout=120)
        return p.returncode, p.stdout, p.stderr


def write(path, text, mode=0o600):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def config(name, sim=None, extra=""):
    """A route53d.ini pointing at sim; returns its path."""
    text = ""
    if sim is not None:
        text = "[aws]\nendpoint = %s\naccess-key-id = %s\nsecret-access-key = %s\n" % (
            sim.endpoint, AKID, SECRET)
    return write(os.path.join(TMP, name), text + extra)


def route53d(*args, timeout=300):
    """Runs route53d; returns (rc, stdout, stderr, seconds)."""
    t0 = time.monotonic()
    p = subprocess.run([ROUTE53D] + list(args), capture_output=True, timeout=timeout)
    return (p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"),
            time.monotonic() - t0)


def canonical_zone(origin, text, name="zone"):
    """Parses a zone file with named-compilezone; returns (sorted list of normalised RR lines, error).

    Each line becomes "owner ttl class type rdata" with single spaces, so two files that mean the
    same records compare equal whatever their spelling (escapes, case of hex, relative names)."""
    path = write(os.path.join(TMP, name + ".in"), text)
    p = subprocess.run(["named-compilezone", "-q", "-i", "none", "-s", "full", "-k", "ignore",
                        "-f", "text", "-F", "text", "-o", "-", origin, path],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stdout + p.stderr
    lines = []
    for line in p.stdout.splitlines():
        if not line.strip() or line.startswith(";"):
            continue
        lines.append(" ".join(line.split()))
    return sorted(lines), None


def checkzone(origin, path):
    """named-checkzone and kzonecheck on a file; returns [(tool, rc, output)]."""
    out = []
    for cmd in (["named-checkzone", origin, path], ["kzonecheck", "-o", origin, path]):
        p = subprocess.run(cmd, capture_output=True, text=True)
        out.append((cmd[0], p.returncode, p.stdout + p.stderr))
    return out
