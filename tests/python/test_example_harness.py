"""An example for Python test suites: harvest-mock as a process.

Starts the built binary on a free port (`--addr 127.0.0.1:0`), waits for the
one JSON line it prints on stdout once it serves, calls the API as any Harvest
client would, uses the admin API (a fault, the journal, a reset) and stops the
process with SIGTERM. Only the standard library and pytest; copy the
`HarvestMock` class into your own suite.

Run by `.ci/run` through `tests/python/run.sh`; locally:
    cargo build -p harvest-mock && pytest tests/python/test_example_harness.py
(`HARVEST_MOCK_BIN` names another binary, such as `~/.cargo/bin/harvest-mock`.)
"""

import json
import os
import pathlib
import select
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("HARVEST_MOCK_BIN", str(ROOT / "target" / "debug" / "harvest-mock"))
API_HEADERS = {
    "Authorization": "Bearer example-token",
    "Harvest-Account-Id": "1",
    "User-Agent": "python example (dev@example.com)",
}


class HarvestMock:
    """One `harvest-mock serve` process; `start()` returns once it serves."""

    def __init__(self, *args):
        self.args = [BIN, "serve", "--addr", "127.0.0.1:0", *args]
        self.proc = None
        self.ready = None

    def start(self, timeout=60):
        assert os.path.exists(BIN), f"build the mock first (cargo build -p harvest-mock): {BIN}"
        # stderr (the logs) is inherited, so pytest shows it when a test fails.
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE)
        try:
            self.ready = self._ready_line(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _ready_line(self, timeout):
        """The first stdout line, parsed: {"event":"ready","url":…,"api":…,"admin":…,"pid":…}."""
        deadline = time.monotonic() + timeout
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            readable, _, _ = select.select([self.proc.stdout], [], [], max(left, 0))
            if not readable:
                raise TimeoutError(f"no ready line within {timeout} s")
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError(f"the mock exited before it was ready (status {self.proc.wait()})")
            line += chunk
        ready = json.loads(line)
        assert ready["event"] == "ready", ready
        return ready

    def stop(self, timeout=10):
        """SIGTERM, then the exit status (0 on a graceful stop); killed if it does not stop in time."""
        if self.proc is None:
            return None
        try:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        finally:
            self.proc.stdout.close()

    def request(self, method, url, body=None, headers=None):
        """(status, decoded JSON body or None) of one request; error statuses do not raise."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, method=method, data=data, headers=dict(headers or {}))
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        return status, (json.loads(raw) if raw.strip() else None)

    def api(self, method, path, body=None):
        return self.request(method, self.ready["api"] + path, body, API_HEADERS)

    def admin(self, method, path, body=None):
        return self.request(method, self.ready["admin"] + path, body)


@pytest.fixture(scope="module")
def mock():
    server = HarvestMock().start()
    yield server
    assert server.stop() == 0


@pytest.fixture(autouse=True)
def clean(mock):
    """Every test starts on the seeded data, an empty journal and no faults."""
    status, answer = mock.admin("POST", "/reset")
    assert status == 200 and answer["cleared"] == {"data": True, "journal": True, "faults": True}


def test_the_ready_line_names_the_port_and_the_api(mock):
    url = mock.ready["url"]
    assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")
    assert mock.ready["api"] == url + "/v2"
    assert mock.ready["pid"] == mock.proc.pid


def test_lists_users_with_a_token_and_an_account(mock):
    status, page = mock.api("GET", "/users?per_page=2")
    assert status == 200, page
    assert len(page["users"]) == 2
    assert page["total_entries"] >= 2
    status, me = mock.api("GET", "/users/me")
    assert status == 200 and isinstance(me["id"], int) and me["email"], me


def test_an_injected_fault_is_answered_then_removed(mock):
    status, fault = mock.admin("POST", "/faults", {"path_prefix": "/v2/clients", "status": 503})
    assert status == 201 and isinstance(fault["id"], int)
    assert mock.api("GET", "/clients")[0] == 503
    assert mock.api("GET", "/tasks")[0] == 200
    status, listed = mock.admin("GET", "/faults")
    assert [f["id"] for f in listed["faults"]] == [fault["id"]]
    assert mock.admin("DELETE", f"/faults/{fault['id']}")[0] == 200
    assert mock.api("GET", "/clients")[0] == 200
    status, missing = mock.admin("DELETE", f"/faults/{fault['id']}")
    assert (status, missing) == (404, {"status": 404, "error": "Not Found"})


def test_the_journal_shows_what_was_sent(mock):
    mock.api("GET", "/users?per_page=1")
    mock.api("POST", "/clients", {"name": "From Python"})
    mock.api("GET", "/users/0")
    query = urllib.parse.urlencode({"path_prefix": "/v2/clients", "method": "POST"})
    status, journal = mock.admin("GET", f"/requests?{query}")
    assert status == 200 and journal["count"] == 1, journal
    [entry] = journal["requests"]
    assert entry["status"] == 201
    assert entry["account"] == "1"
    assert json.loads(entry["body"]) == {"name": "From Python"}
    assert entry["headers"]["authorization"] == "[redacted]"
    assert entry["headers"]["user-agent"] == API_HEADERS["User-Agent"]
    assert entry["duration_ms"] >= 0 and entry["time"].endswith("Z")
    status, users = mock.admin("GET", "/requests?path_prefix=/v2/users&status=4xx")
    assert [(e["path"], e["status"]) for e in users["requests"]] == [("/v2/users/0", 404)]


def test_sigterm_stops_it_with_status_zero():
    server = HarvestMock().start()
    assert server.api("GET", "/company")[0] == 200
    started = time.monotonic()
    assert server.stop() == 0
    assert time.monotonic() - started < 10
