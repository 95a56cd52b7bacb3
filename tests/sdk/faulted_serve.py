"""A `regmock serve` of its own with fault rules, for the SDK checks' retry cases.

The main server of run_sdk.sh serves every other check; a throttle schedule counts calls per rule, so each retry case
gets a fresh server whose first calls are the case's own. REGMOCK_BIN is the binary run_sdk.sh built.
"""

import json
import os
import subprocess
import time
import urllib.request


class FaultedServe:
    """`with FaultedServe("throttle,first=2") as srv:` starts `regmock serve` on a free loopback port with those
    --fault specs and a journal (srv.base is its URL, srv.requests() what it answered), and stops it afterwards.
    `args` adds other `serve` flags (e.g. `args=["--rate-limit", "5"]`)."""

    def __init__(self, *specs, args=()):
        self.specs = specs
        self.args = list(args)
        self.proc = None
        self.base = None

    def __enter__(self):
        binary = os.environ.get("REGMOCK_BIN", "target/debug/regmock")
        args = [binary, "serve", "--addr", "127.0.0.1:0", "--journal", "100", "--quiet"]
        for spec in self.specs:
            args += ["--fault", spec]
        args += self.args
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        seen = []
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if line.startswith("regmock serving on "):
                self.base = line[len("regmock serving on "):].strip().rstrip("/")
                return self
        self.proc.kill()
        raise AssertionError("regmock serve with faults did not start:\n" + "".join(seen))

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        return False

    def requests(self):
        """The journal: every request the server answered, oldest first (admin paths are not in it)."""
        with urllib.request.urlopen(f"{self.base}/__regmock/requests", timeout=30) as resp:
            return json.load(resp)["requests"]


def header(entry, name):
    """A header of a journal entry, matched case-insensitively."""
    return next((h["value"] for h in entry["headers"] if h["name"].lower() == name.lower()), None)
