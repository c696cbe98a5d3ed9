"""The agent connector's own Python package, in hosted mode, against the mock.

`airbyte-agent-harvest` reads `SDK_DEV_ADP_API_HOST` and then talks to the
mock's `/api/v1` instead of the vendor's cloud: these tests run its check,
list, get and search (every operator, sort, a cursor walk, both `fields`
forms) for all 18 entities and compare what it returns with the plain API.

Run by `.ci/run` (which installs the package); locally:
    pip install --ignore-requires-python airbyte-agent-harvest==0.1.16 pytest
    cargo build -p harvest-mock && pytest tests/python
"""

import asyncio
import json
import os
import pathlib
import socket
import subprocess
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("HARVEST_MOCK_BIN", str(ROOT / "target" / "debug" / "harvest-mock"))
ENTITIES = [
    "users", "clients", "contacts", "company", "projects", "tasks", "time_entries", "invoices",
    "invoice_item_categories", "estimates", "estimate_item_categories", "expenses",
    "expense_categories", "roles", "user_assignments", "task_assignments", "time_projects", "time_tasks",
]
REPORTS = {"time_projects": "/reports/time/projects", "time_tasks": "/reports/time/tasks"}
WINDOW = {"from_": "20250101", "to": "20251231"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def mock():
    assert os.path.exists(BIN), f"build the mock first (cargo build -p harvest-mock): {BIN}"
    port = free_port()
    proc = subprocess.Popen(
        [BIN, "serve", "--addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                plain(base, "GET", "/company")
                break
            except OSError:
                assert time.time() < deadline, "the mock did not start within 60 s"
                assert proc.poll() is None, "the mock exited"
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def plain(base, method, path, body=None):
    """The plain Harvest API of the mock, as any client calls it."""
    req = urllib.request.Request(
        f"{base}/v2{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Authorization": "Bearer plain",
            "Harvest-Account-Id": "1",
            "User-Agent": "hosted-connector-test (dev@example.com)",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


@pytest.fixture(scope="module")
def connector(mock):
    os.environ["SDK_DEV_ADP_API_HOST"] = mock
    from airbyte_agent_harvest import AirbyteAuthConfig, HarvestConnector

    return HarvestConnector(
        auth_config=AirbyteAuthConfig(
            airbyte_client_id="test-client", airbyte_client_secret="test-secret", connector_id="offline"
        )
    )


# The SDK's HTTP client belongs to the event loop it first ran on: one loop for the module.
LOOP = asyncio.new_event_loop()


def run(coro):
    return LOOP.run_until_complete(coro)


def as_dict(x):
    return x.model_dump(mode="json", by_alias=True) if hasattr(x, "model_dump") else x


def ids(rows):
    return [as_dict(r)["id"] for r in rows]


def test_check_is_healthy(connector):
    result = run(connector.check())
    assert result.status == "healthy", result


@pytest.mark.parametrize("entity", ENTITIES)
def test_list_and_get_match_the_plain_api(mock, connector, entity):
    query = getattr(connector, entity)
    if entity == "company":
        record = as_dict(run(query.get()))
        assert record["name"] == plain(mock, "GET", "/company")["name"]
        return
    if entity in REPORTS:
        page = run(query.list(per_page=5, **WINDOW))
        expected = plain(mock, "GET", f"{REPORTS[entity]}?from=20250101&to=20251231&per_page=5")["results"]
        assert [as_dict(r) for r in page.data] == expected
        return
    page = run(query.list(per_page=5))
    expected = plain(mock, "GET", f"/{entity}?per_page=5")
    assert ids(page.data) == [r["id"] for r in expected[entity]]
    assert as_dict(page.meta)["next_link"] == expected["links"]["next"]
    if entity.endswith("_assignments"):
        return
    first = expected[entity][0]
    record = as_dict(run(query.get(id=str(first["id"]))))
    assert record["id"] == first["id"]
    for key in ("name", "first_name", "hours", "amount", "number"):
        if key in first:
            assert record[key] == first[key], key


def every(mock, entity):
    """All records of a plain list (one page of 2000 at the default seed)."""
    return plain(mock, "GET", f"/{entity}?per_page=2000")[entity]


def search(connector, entity, params):
    return run(connector.execute(entity, "context_store_search", params))


CONDITIONS = [
    ("clients", {"eq": {"currency": "USD"}}, lambda r: r["currency"] == "USD"),
    ("clients", {"neq": {"currency": "USD"}}, lambda r: r["currency"] != "USD"),
    ("time_entries", {"gt": {"hours": 4}}, lambda r: r["hours"] > 4),
    ("time_entries", {"gte": {"hours": 4}}, lambda r: r["hours"] >= 4),
    ("time_entries", {"lt": {"hours": 1}}, lambda r: r["hours"] < 1),
    ("time_entries", {"lte": {"hours": 1}}, lambda r: r["hours"] <= 1),
    ("projects", {"in": {"id": [7000001, 7000002, 99]}}, lambda r: r["id"] in (7000001, 7000002)),
    ("clients", {"not": {"eq": {"currency": "USD"}}}, lambda r: r["currency"] != "USD"),
    ("time_entries", {"and": [{"gte": {"hours": 2}}, {"lte": {"hours": 3}}]}, lambda r: 2 <= r["hours"] <= 3),
    ("time_entries", {"or": [{"lt": {"hours": 1}}, {"gt": {"hours": 7}}]}, lambda r: r["hours"] < 1 or r["hours"] > 7),
    ("roles", {"contains": {"user_ids": 2000002}}, lambda r: 2000002 in r["user_ids"]),
    ("roles", {"any": {"user_ids": {"gte": 2000005}}}, lambda r: any(u >= 2000005 for u in r["user_ids"])),
]


@pytest.mark.parametrize("entity,condition,holds", CONDITIONS, ids=[json.dumps(c[1]) for c in CONDITIONS])
def test_search_operators_select_what_the_plain_list_says(mock, connector, entity, condition, holds):
    got = search(connector, entity, {"query": {"filter": condition}, "limit": 10000, "fields": ["id"]})
    records = every(mock, entity)
    expected = sorted(r["id"] for r in records if holds(r))
    assert 0 < len(expected) < len(records), "the condition must split the seeded records"
    assert sorted(r["id"] for r in got["data"]) == expected
    assert got["meta"]["has_more"] is False


@pytest.mark.parametrize(
    "entity,condition",
    [
        ("clients", {"like": {"name": "%an%"}}),
        ("contacts", {"fuzzy": {"title": "directr"}}),
        ("clients", {"keyword": {"name": "group"}}),
        ("time_projects", {"gt": {"total_hours": 10}}),
        ("time_tasks", {"eq": {"currency": "USD"}}),
    ],
)
def test_text_and_report_searches_match_the_plain_search(mock, connector, entity, condition):
    body = {"query": {"filter": condition, "sort": [{"id" if "_" not in entity else "total_hours": "desc"}]}, "limit": 50}
    got = search(connector, entity, body)
    want = plain(mock, "POST", f"/{entity}/search", body)
    assert want["data"], "the condition selects some seeded records"
    assert got["data"] == want["data"]
    assert got["meta"]["has_more"] == want["meta"]["has_more"]


def test_a_cursor_walk_with_a_small_limit_sees_every_record_once_in_order(mock, connector):
    query = {"sort": [{"name": "asc"}]}
    seen, cursor = [], None
    while True:
        page = run(connector.clients.context_store_search(query=query, limit=2, cursor=cursor, fields=[["id"], ["name"]]))
        seen.extend(as_dict(r) for r in page.data)
        assert isinstance(page.meta.has_more, bool)
        if not page.meta.has_more:
            break
        cursor = page.meta.cursor
        assert isinstance(cursor, str)
    clients = every(mock, "clients")
    assert [r["id"] for r in seen] == [c["id"] for c in sorted(clients, key=lambda c: (c["name"], c["id"]))]
    assert all(set(k for k, v in r.items() if v is not None) <= {"id", "name"} for r in seen)


def test_both_field_forms_project_the_same_nested_keys(connector):
    as_lists = search(connector, "time_entries", {"query": {}, "limit": 5, "fields": [["id"], ["client", "name"]]})
    dotted = search(connector, "time_entries", {"query": {}, "limit": 5, "fields": ["id", "client.name"]})
    assert as_lists["data"] == dotted["data"]
    assert all(set(r) == {"id", "client"} and set(r["client"]) == {"name"} for r in dotted["data"])
