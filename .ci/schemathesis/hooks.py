"""schemathesis hooks for the run against our own document (`run.sh` sets
SCHEMATHESIS_HOOKS=hooks for that run only). Two jobs, both in every phase:

1. `before_call`: a body that names other records by id names records that exist.
   A schema-valid id may name no record, which Harvest refuses (422 "Client must
   exist"); no JSON Schema can say which ids exist. So every integer id a body
   carries (`client_id`, `user_ids`, line items' `project_id` and `id`, ...) is
   rewritten to one `fixtures.py` read from the mock (ST_BODY_IDS, a JSON file)
   before the request leaves. Only integers are rewritten: a wrongly typed id,
   which a negative case sends on purpose, goes out as generated; schemathesis
   re-checks a case after this hook, so its positive/negative label stays true.
   A rate create's `start_date` after today becomes today (DATED_FROM_TODAY).
   No case is dropped.
2. `filter_failure`: `positive_data_acceptance` runs with its default statuses
   everywhere. On the few operations of STATE_RULES (a rule of the records stored
   or of the clock, which no schema can state), its failure is dropped only when
   the answer is a 422 whose Harvest message consists of that rule's messages and
   nothing else; any other 422 still fails the run. The run prints how many were
   dropped.
"""

import datetime
import json
import os
import re
import urllib.request

import schemathesis

# Why a schema-valid request of these operations may be refused, and the exact Harvest
# messages (regular expressions, whole problems) that refusal carries.
STATE_RULES = {
    "PATCH /time_entries/{time_entry_id}/restart": (
        "only a stopped timer restarts",
        [r"Time entry is already running"],
    ),
    "PATCH /time_entries/{time_entry_id}/stop": (
        "only a running timer stops",
        [r"Time entry is not running"],
    ),
    "POST /invoices/{invoice_id}/messages": (
        "an event must be allowed in the invoice's current state",
        [r"Event type [a-z_ -]+ is not allowed while the state is [a-z_]*"],
    ),
    "POST /estimates/{estimate_id}/messages": (
        "an event must be allowed in the estimate's current state",
        [r"Event type [a-z_ -]+ is not allowed while the state is [a-z_]*"],
    ),
    "POST /projects/{project_id}/task_assignments": (
        "a task is assigned to a project once; the run assigns its free task first",
        [r"Task has already been taken"],
    ),
    "POST /projects/{project_id}/user_assignments": (
        "a user is assigned to a project once; the run assigns its free user first",
        [r"User has already been taken"],
    ),
}
# A Harvest 422 joins its problems with ", " (`Client must exist, Name can't be blank`).
PROBLEM_SEPARATOR = ", "
# Body keys that name one record, by the record the fixtures pin them to.
SINGLE_IDS = ("client_id", "project_id", "task_id", "user_id", "expense_category_id", "estimate_id")
# Body keys that name several users.
USER_LISTS = ("user_ids", "teammate_ids")
# Rate creates: a start date after the server's today is refused ("Start date can't be in
# the future"), a rule of the clock. A later date becomes today, so the create is the
# meaningful one (it reaches its 201 and the response schema is checked).
DATED_FROM_TODAY = {"POST /users/{user_id}/billable_rates", "POST /users/{user_id}/cost_rates"}


def _load_ids():
    path = os.environ.get("ST_BODY_IDS")
    if not path:
        return None
    with open(path) as f:
        return json.load(f)


IDS = _load_ids()


def _is_id(value):
    """A value JSON Schema's `integer` admits: a whole number, `552` or `552.0`."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _record(path):
    """GETs a record from the mock (base and headers from the ids file)."""
    request = urllib.request.Request(IDS["api_base"] + path, headers=IDS["headers"])
    with urllib.request.urlopen(request, timeout=30) as r:
        return json.load(r)


def _existing_items(case):
    """Ids of the line items the record being updated holds now (a PATCH may have
    removed some with `_destroy`, so they are read at the time of the call); none when
    the path names no record (a negative case may break the path parameter)."""
    try:
        path = case.operation.path.format(**case.path_parameters)
        return [item["id"] for item in _record(path).get("line_items", [])]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _rewrite_items(case, items):
    existing = _existing_items(case) if case.method.upper() == "PATCH" else []
    for item in items:
        if not isinstance(item, dict):
            continue
        if _is_id(item.get("project_id")):
            item["project_id"] = IDS["single"]["project_id"]
        if _is_id(item.get("id")):
            # A new record has no items to name; an update names one it holds, each once.
            if existing:
                item["id"] = existing.pop(0)
            else:
                del item["id"]


def _rewrite(case, body):
    label = f"{case.method.upper()} {case.operation.path}"
    single = dict(IDS["single"], **IDS["per_operation"].get(label, {}))
    for key in SINGLE_IDS:
        if _is_id(body.get(key)):
            body[key] = single[key]
    for key in USER_LISTS:
        if isinstance(body.get(key), list):
            owner = case.path_parameters.get("user_id")
            users = [u for u in IDS["users"] if str(u) != str(owner)]
            body[key] = [users[i % len(users)] if _is_id(v) else v for i, v in enumerate(body[key])]
    if isinstance(body.get("line_items"), list):
        _rewrite_items(case, body["line_items"])
    imported = body.get("line_items_import")
    if isinstance(imported, dict) and isinstance(imported.get("project_ids"), list):
        imported["project_ids"] = [IDS["single"]["project_id"] if _is_id(v) else v for v in imported["project_ids"]]
    if label in DATED_FROM_TODAY and isinstance(body.get("start_date"), str):
        today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", body["start_date"]) and body["start_date"] > today:
            body["start_date"] = today


@schemathesis.hook
def before_call(context, case, kwargs):
    """Points the ids a JSON body carries at records that exist (see the module doc)."""
    if IDS is not None and isinstance(case.body, dict):
        _rewrite(case, case.body)


def _only_rule_messages(patterns, body):
    try:
        message = json.loads(body).get("message")
    except (ValueError, AttributeError):
        return False
    if not isinstance(message, str):
        return False
    problem = "(?:" + "|".join(patterns) + ")"
    return re.fullmatch(f"{problem}(?:{re.escape(PROBLEM_SEPARATOR)}{problem})*", message) is not None


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Keeps every failure but a state rule's own 422 (see the module doc)."""
    rule = STATE_RULES.get(f"{case.method.upper()} {case.operation.path}")
    if rule is None or response.status_code != 422 or failure.__class__.__name__ != "RejectedPositiveData":
        return True
    return not _only_rule_messages(rule[1], response.text)
