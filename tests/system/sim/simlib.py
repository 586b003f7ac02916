# Helpers for the route53-sim system tests: start/stop the simulator on a free port, boto3
# clients, TAP output ("ok - what" / "not ok - what"). Imported by the *.test scripts here.
import atexit
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import boto3
import botocore.config
import botocore.exceptions

TOP = os.environ.get("R53D_TOP", os.path.abspath(os.path.join(os.path.dirname(__file__), "../../..")))
SIM = os.environ.get("ROUTE53_SIM", os.path.join(TOP, "route53-sim"))
TMP = os.environ.get("TEST_TMP") or "/tmp"

AKID = "AKIDSIMTEST"
SECRET = "sim-test-secret"  # a test value, never a real key

# No user configuration may leak into the tests.
os.environ["AWS_CONFIG_FILE"] = "/dev/null"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS"):
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
            for line in str(detail).splitlines() or [""]:
                print("#   " + line, flush=True)
    return bool(cond)


def equal(got, want, what):
    return check(got == want, what, "got:  %r\nwant: %r" % (got, want))


def finish():
    print("# %d checks, %d failed" % (_count, _failed), flush=True)
    sys.exit(1 if _failed else 0)


class Sim:
    """A route53-sim process on 127.0.0.1:<free port>; stopped by pid at exit."""

    def __init__(self, *args, credentials=True, name="sim"):
        self.args = list(args)
        if credentials:
            self.args += ["--credentials", "%s:%s" % (AKID, SECRET)]
        self.log_path = os.path.join(TMP, name + ".log")
        self.proc = None
        self.port = None
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

    def stop(self, sig=signal.SIGTERM):
        """Stops the process; returns its exit status (None if it was not running)."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.log.close()
        return rc

    def client(self, retries=False, akid=AKID, secret=SECRET, region="us-west-2", **cfg):
        """A boto3 Route 53 client; retries=False makes exactly one attempt per call."""
        if retries:
            config = botocore.config.Config(**cfg)
        else:
            config = botocore.config.Config(retries={"total_max_attempts": 1}, **cfg)
        return boto3.client("route53", endpoint_url=self.endpoint, region_name=region,
                            aws_access_key_id=akid, aws_secret_access_key=secret, config=config)

    def stats(self):
        with urllib.request.urlopen(self.endpoint + "/_sim/stats", timeout=10) as r:
            return json.loads(r.read().decode())

    def raw(self, method, path, body=None, headers=None):
        """Unsigned HTTP request: (status, headers, body text)."""
        req = urllib.request.Request(self.endpoint + path, data=body, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, dict(r.headers), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode()


def client_error(fn, *args, **kwargs):
    """Calls fn; returns (code, message, http status) of the ClientError, or None on success."""
    try:
        fn(*args, **kwargs)
    except botocore.exceptions.ClientError as e:
        err = e.response.get("Error", {})
        return (err.get("Code"), err.get("Message"),
                e.response.get("ResponseMetadata", {}).get("HTTPStatusCode"))
    return None


def rrset(name, rtype, values, ttl=300, **extra):
    rs = {"Name": name, "Type": rtype, "TTL": ttl,
          "ResourceRecords": [{"Value": v} for v in values]}
    rs.update(extra)
    return rs


def change(action, rs):
    return {"Action": action, "ResourceRecordSet": rs}


def batch(*changes, comment=None):
    b = {"Changes": list(changes)}
    if comment is not None:
        b["Comment"] = comment
    return b


def list_all(client, zone_id, page=300):
    """Every record set of a zone through the boto3 paginator."""
    out = []
    for p in client.get_paginator("list_resource_record_sets").paginate(
            HostedZoneId=zone_id, PaginationConfig={"PageSize": page}):
        out.extend(p["ResourceRecordSets"])
    return out
