#!/usr/bin/env python3
"""Writes a schemathesis config that points every id of an OpenAPI document at
records the running mock really holds.

Without it schemathesis invents ids, nearly every request to `/things/{id}`
ends in a 404, and the response schemas of gets, updates and deletes are never
checked. The ids are read from the mock at run time (nothing here knows the
seed), so the run survives changes to the seeded data.

For each path parameter the config gets a "keep" record; a DELETE gets a
"spare" sibling instead for its last parameter, so deleting never removes the
records the other operations keep using (a record created for the run where the
mock refuses to delete one with dependants, see FRESH_SPARES). Reports get a
window of the seeded year. The ids request bodies name (client, project, task,
user, category, estimate, the users a role or a manager's teammates list) go to
a JSON file that `hooks.py` reads, so creates and updates reach their success
responses in every phase.

usage: fixtures.py API_BASE DOCUMENT OUT_TOML OUT_IDS_JSON   (API_BASE ends in /v2)
"""

import datetime
import json
import re
import sys
import urllib.parse
import urllib.request

import yaml

from hooks import STATE_RULES

HEADERS = {
    "Authorization": "Bearer schemathesis",
    "Harvest-Account-Id": "1",
    "User-Agent": "harvest-ci schemathesis fixtures (ci@example.invalid)",
}
METHODS = ("get", "post", "patch", "put", "delete")
# Records that must belong to the kept project, so deleting the spare project
# (which cascades to its time entries and expenses) leaves them alone.
OWNED_BY_PROJECT = {"/time_entries/{}", "/expenses/{}"}
# Scanning stops after this many candidates for a parent record.
MAX_CANDIDATES = 25
# Spares that must carry a field, so the DELETE that removes it finds one.
SPARE_WITH = {"/time_entries/{}": "external_reference"}
# Creates that replace their siblings (a rate without start_date replaces every rate):
# they go to the spare parent so the kept rates stay readable.
REPLACING_CREATES = {"/users/{}/billable_rates", "/users/{}/cost_rates"}
# Deletes the mock refuses while the record has dependants (a client with projects or
# invoices, a category with expenses, a task, user or assignment with time entries or
# expenses: spec `delete: block`). Their spare is a record created for the run, which has
# none, so the first delete succeeds and later ones find it gone (404, which the check
# accepts); no 422 needs allowing. Each entry: the body to create it with in its collection
# (under the kept parents); a (collection, body) value is a record created first for it.
FRESH_SPARES = {
    "/clients/{}": {"name": "schemathesis spare client"},
    "/expense_categories/{}": {"name": "schemathesis spare category"},
    "/tasks/{}": {"name": "schemathesis spare task"},
    "/users/{}": {"first_name": "Spare", "last_name": "User", "email": "spare-user@example.invalid"},
    "/projects/{}/task_assignments/{}": {"task_id": ("/tasks", {"name": "schemathesis spare assigned task"})},
    "/projects/{}/user_assignments/{}": {
        "user_id": ("/users", {"first_name": "Spare", "last_name": "Assignee", "email": "spare-assignee@example.invalid"})
    },
}
# Lists whose default page is too big to fuzz: 2000 time entries are 2.2 MB and take
# seconds per request in a debug build. Every other list keeps per_page fuzzed.
PAGE_SIZES = {"/time_entries": 100}


class Mock:
    """Reads lists from the running mock."""

    def __init__(self, base):
        self.base = base.rstrip("/")

    def list(self, path, **query):
        query.setdefault("per_page", 2000)
        url = f"{self.base}{path}?{urllib.parse.urlencode(query)}"
        with urllib.request.urlopen(urllib.request.Request(url, headers=HEADERS), timeout=30) as r:
            body = json.load(r)
        return next(v for v in body.values() if isinstance(v, list))

    def create(self, path, body):
        """POSTs `body` to a collection; the new record's id."""
        data = json.dumps(body).encode()
        headers = dict(HEADERS, **{"Content-Type": "application/json"})
        request = urllib.request.Request(f"{self.base}{path}", data=data, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=30) as r:
            return json.load(r)["id"]


def normalize(path):
    """`/projects/{projectId}/user_assignments/{id}` -> `/projects/{}/user_assignments/{}`."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def id_keys(path):
    """Each path parameter's key: the normalized path up to and including it."""
    norm = normalize(path)
    return [norm[: m.end()] for m in re.finditer(r"\{\}", norm)]


class Ids:
    """Chooses a kept and a spare record for every id key of a document."""

    def __init__(self, mock, keys):
        self.mock = mock
        self.keys = keys
        self.chosen = {}

    def url_of(self, collection):
        """A collection key with its parents' kept ids filled in."""
        out = collection
        for m in reversed(list(re.finditer(r"\{\}", collection))):
            out = out[: m.start()] + str(self.keep(collection[: m.end()])) + out[m.end() :]
        return out

    def children(self, key):
        """Collections nested under `key` that hold addressable records."""
        return sorted({k.rsplit("/", 1)[0] for k in self.keys if k.startswith(key + "/") and k.count("{}") == key.count("{}") + 1})

    def candidates(self, key):
        """Record ids for `key`, and those that may serve as its spare."""
        collection = key.rsplit("/", 1)[0]
        if key in OWNED_BY_PROJECT:
            records = self.mock.list(collection, project_id=self.keep("/projects/{}"))
        else:
            records = self.mock.list(self.url_of(collection))
        spares = [r["id"] for r in records if key not in SPARE_WITH or r.get(SPARE_WITH[key])]
        return [r["id"] for r in records], spares

    def needs(self, key, candidate):
        """How many records each dependent collection holds for a candidate parent."""
        record = f"{self.url_of(key.rsplit('/', 1)[0])}/{candidate}"
        counts = [len(self.mock.list(record + child[len(key) :])) for child in self.children(key)]
        if key == "/projects/{}":
            counts += [len(self.mock.list(c.rsplit("/", 1)[0], project_id=candidate)) for c in sorted(OWNED_BY_PROJECT)]
        return min(counts, default=2)

    def choose(self, key):
        found, spares = self.candidates(key)
        if not found:
            raise SystemExit(f"fixtures: the mock holds no record for {key}")
        keep = found[0]
        if self.children(key) or key == "/projects/{}":
            scored = [(self.needs(key, c), c) for c in found[:MAX_CANDIDATES]]
            keep = next((c for n, c in scored if n >= 2), max(scored)[1])
        spare = next((c for c in spares + found if c != keep), keep)
        return keep, spare

    def keep(self, key):
        if key not in self.chosen:
            self.chosen[key] = self.choose(key)
        return self.chosen[key][0]

    def spare(self, key):
        self.keep(key)
        return self.chosen[key][1]


def body_ids(mock, ids, base):
    """What `hooks.py` points the ids of request bodies at: one record per id key (a user
    and task assigned to the kept project, so time entries and expenses may name them),
    the users a list of users may name, and the user and task an assignment create may
    still take."""
    project = ids.keep("/projects/{}")
    users = [a["user"]["id"] for a in mock.list(f"/projects/{project}/user_assignments")]
    tasks = [a["task"]["id"] for a in mock.list(f"/projects/{project}/task_assignments")]
    everyone = [u["id"] for u in mock.list("/users")]
    free_user = next((u for u in everyone if u not in users), users[0])
    free_task = next((t["id"] for t in mock.list("/tasks") if t["id"] not in tasks), tasks[0])
    return {
        "api_base": base.rstrip("/"),
        "headers": HEADERS,
        "single": {
            "client_id": ids.keep("/clients/{}"),
            "project_id": project,
            "task_id": tasks[0],
            "user_id": users[0],
            "expense_category_id": ids.keep("/expense_categories/{}"),
            "estimate_id": ids.keep("/estimates/{}"),
        },
        "users": everyone[:10],
        "per_operation": {
            "POST /projects/{project_id}/user_assignments": {"user_id": free_user},
            "POST /projects/{project_id}/task_assignments": {"task_id": free_task},
        },
    }


def fresh_spares(mock, ids):
    """A record created for each delete in FRESH_SPARES (see there), by id key."""
    made = {}
    for key, body in FRESH_SPARES.items():
        body = {k: mock.create(*v) if isinstance(v, tuple) else v for k, v in body.items()}
        made[key] = mock.create(ids.url_of(key.rsplit("/", 1)[0]), body)
    return made


def report_window(mock):
    """The year up to the newest time entry: reports refuse more than a year."""
    newest = datetime.date.fromisoformat(mock.list("/time_entries", per_page=1)[0]["spent_date"])
    return {"query.from": (newest - datetime.timedelta(days=364)).isoformat(), "query.to": newest.isoformat()}


def toml(value):
    """A TOML value (ids, dates and operation names need no more than JSON's quoting)."""
    return json.dumps(value)


def operations(doc):
    """(path, method) of every operation in the document."""
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method


def operation_params(path, method, ids, window, fresh):
    """The fixed parameters of one operation."""
    params = {}
    names = re.findall(r"\{([^}]+)\}", path)
    keys = id_keys(path)
    replacing = method == "post" and normalize(path) in REPLACING_CREATES
    for i, (name, key) in enumerate(zip(names, keys)):
        deleted = method == "delete" and i == len(keys) - 1
        if deleted and key in fresh:
            params[f"path.{name}"] = fresh[key]
        else:
            params[f"path.{name}"] = ids.spare(key) if deleted or replacing else ids.keep(key)
    if method == "get" and path in PAGE_SIZES:
        params["query.per_page"] = PAGE_SIZES[path]
    if path.startswith("/reports/") and path != "/reports/project_budget":
        params.update(window)
    return params


def main():
    base, document, out, ids_out = sys.argv[1:5]
    with open(document) as f:
        doc = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    mock = Mock(base)
    ids = Ids(mock, sorted({k for path, _ in operations(doc) for k in id_keys(path)}))
    bodies = body_ids(mock, ids, base)
    window = report_window(mock)
    fresh = fresh_spares(mock, ids)
    # No crash cache: every run, local or CI, sends exactly the cases its seed draws.
    lines = ["[cache]", "enabled = false"]
    for path, method in operations(doc):
        params = operation_params(path, method, ids, window, fresh)
        if params:
            inline = ", ".join(f"{toml(k)} = {toml(v)}" for k, v in params.items())
            lines += ["", "[[operations]]", f"include-name = {toml(method.upper() + ' ' + path)}", f"parameters = {{ {inline} }}"]
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(ids_out, "w") as f:
        json.dump(bodies, f, indent=1)
    chosen = ", ".join(f"{k}={v[0]}/{v[1]}" for k, v in sorted(ids.chosen.items()))
    print(f"fixtures: kept/spare ids {chosen}; bodies {bodies['single']}; reports {window['query.from']}..{window['query.to']}")
    print(f"fixtures: spares created for deletes refused while dependants exist: {fresh}")
    rules = "; ".join(f"{op} ({reason})" for op, (reason, _) in STATE_RULES.items())
    print(f"fixtures: {len(STATE_RULES)} operations may answer a schema-valid request with their state rule's own 422: {rules}")


if __name__ == "__main__":
    main()
