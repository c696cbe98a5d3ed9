//! `/__admin`: health, reset and reseed, the journal, faults, tokens, accounts,
//! snapshots, the clock and imports (handlers in `http/admin*.rs`).

use serde_json::{Map, Value, json};

use super::{add, body, empty, json_response, nullable, object, path_param, query, schema_ref};

/// An admin operation: the admin token's schemes, the account it may name, and the
/// answers every admin call may get (401 without the token, 422 for a bad account id).
fn admin_op(id: &str, summary: &str, parameters: Vec<Value>, responses: Value) -> Value {
    let mut responses = responses;
    responses["401"] =
        json_response("The mock has an admin token and the call did not present it.", schema_ref("AdminTokenRequired"));
    responses["422"] = json_response(
        "The account header or parameter is not an account id, or the input is invalid.",
        schema_ref("Message"),
    );
    let mut parameters = parameters;
    parameters.push(query(
        "account_id",
        json!({"type": "string"}),
        "The account the call acts on (as `Harvest-Account-Id`).",
    ));
    json!({
        "operationId": id,
        "tags": ["admin"],
        "summary": summary,
        "security": [{}, {"admin": []}, {"adminHeader": []}],
        "parameters": parameters,
        "responses": responses,
    })
}

/// The admin paths.
pub(super) fn paths(paths: &mut Map<String, Value>) {
    let ok = |d: &str, s: &str| json_response(d, schema_ref(s));
    add(
        paths,
        "/__admin/health",
        "get",
        admin_op(
            "adminHealth",
            "Whether the mock serves, with its seed and scale.",
            vec![],
            json!({"200": ok("Serving.", "Health")}),
        ),
    );
    let scope = |name: &str| {
        query(
            name,
            json!({"type": "string"}),
            "Clear this scope (`true`, `false`, `1`, `0`, `yes`, `no`, `on`, `off`; empty is true).",
        )
    };
    let mut reset = admin_op(
        "adminReset",
        "Clears the data (back to the seed), the journal and the faults, or the scopes named true.",
        vec![scope("data"), scope("journal"), scope("faults")],
        json!({"200": ok("Cleared.", "Reset"), "400": ok("An unknown scope or value.", "Message")}),
    );
    reset["requestBody"] = body(schema_ref("ResetScopes"), false, json!({"journal": true}));
    add(paths, "/__admin/reset", "post", reset);
    let mut seed = admin_op(
        "adminSeed",
        "Replaces the account's data with a new seed and scale.",
        vec![],
        json!({"200": ok("Reseeded.", "Seeded")}),
    );
    seed["requestBody"] = body(schema_ref("SeedChange"), false, json!({"seed": 42, "scale": 1.0}));
    add(paths, "/__admin/seed", "post", seed);
    let filters = vec![
        query("method", json!({"type": "string"}), "Only this method."),
        query("path_prefix", json!({"type": "string"}), "Only paths starting with this."),
        query("account", json!({"type": "string"}), "Only requests naming this account."),
        query("status", json!({"type": "string"}), "A status (`404`) or a class (`4xx`, `4`)."),
        query("since", json!({"type": "string", "format": "date-time"}), "Only requests at or after this instant."),
        query("until", json!({"type": "string", "format": "date-time"}), "Only requests at or before this instant."),
    ];
    let requests = admin_op(
        "adminRequests",
        "The journal's entries the filters select, oldest first, and their count.",
        filters,
        json!({"200": ok("The entries.", "Requests"), "400": ok("An unknown filter or value.", "Message")}),
    );
    add(paths, "/__admin/requests", "get", requests);
    add(
        paths,
        "/__admin/requests",
        "delete",
        admin_op(
            "adminClearRequests",
            "Forgets the journal (of the account named, if any).",
            vec![],
            json!({"204": empty("Forgotten.")}),
        ),
    );
    let mut fault = admin_op(
        "adminAddFault",
        "Adds a fault rule; answers it with its id.",
        vec![],
        json!({"201": ok("Added.", "Fault"), "400": ok("Not a fault.", "Message")}),
    );
    fault["requestBody"] = body(
        schema_ref("FaultRule"),
        true,
        json!({"path_prefix": "/v2/clients", "method": "GET", "status": 503, "count": 1}),
    );
    add(paths, "/__admin/faults", "post", fault);
    add(
        paths,
        "/__admin/faults",
        "get",
        admin_op("adminFaults", "The active faults.", vec![], json!({"200": ok("The faults.", "Faults")})),
    );
    add(
        paths,
        "/__admin/faults",
        "delete",
        admin_op(
            "adminClearFaults",
            "Removes every fault (of the account named, if any).",
            vec![],
            json!({"204": empty("Removed.")}),
        ),
    );
    let id = path_param("id", json!({"type": "string"}), json!("1"));
    add(
        paths,
        "/__admin/faults/{id}",
        "delete",
        admin_op(
            "adminRemoveFault",
            "Removes one fault; answers it.",
            vec![id.clone()],
            json!({"200": ok("Removed.", "Fault"), "404": ok("No active fault has this id.", "NotFound")}),
        ),
    );
    let mut token = admin_op(
        "adminToken",
        "A personal access token acting as a user (the first administrator by default).",
        vec![],
        json!({"200": ok("The token.", "PersonalToken")}),
    );
    token["requestBody"] = body(object(json!({"user_id": {"type": "integer"}})), false, json!({}));
    add(paths, "/__admin/tokens", "post", token);
    add(
        paths,
        "/__admin/accounts",
        "get",
        admin_op(
            "adminAccounts",
            "The accounts the mock holds.",
            vec![],
            json!({"200": ok("The accounts.", "Accounts")}),
        ),
    );
    add(
        paths,
        "/__admin/snapshots",
        "post",
        admin_op(
            "adminTakeSnapshot",
            "Keeps a copy of the account's data.",
            vec![],
            json!({"201": ok("Taken.", "Snapshot")}),
        ),
    );
    add(
        paths,
        "/__admin/snapshots",
        "get",
        admin_op("adminSnapshots", "The snapshots kept.", vec![], json!({"200": ok("The snapshots.", "Snapshots")})),
    );
    let not_found = json_response("No snapshot has this id.", schema_ref("Message"));
    add(
        paths,
        "/__admin/snapshots/{id}",
        "delete",
        admin_op(
            "adminForgetSnapshot",
            "Forgets a snapshot.",
            vec![id.clone()],
            json!({"204": empty("Forgotten."), "404": not_found}),
        ),
    );
    add(
        paths,
        "/__admin/snapshots/{id}/restore",
        "post",
        admin_op(
            "adminRestoreSnapshot",
            "Puts a snapshot's data back in place of the account's.",
            vec![id],
            json!({"200": ok("Restored.", "Restored"), "404": not_found}),
        ),
    );
    add(
        paths,
        "/__admin/clock",
        "get",
        admin_op(
            "adminClock",
            "The mock's clock (the account's own, if it has one).",
            vec![],
            json!({"200": ok("The clock.", "Clock")}),
        ),
    );
    let mut clock = admin_op(
        "adminSetClock",
        "Sets, advances or releases the clock.",
        vec![],
        json!({"200": ok("The clock now.", "Clock")}),
    );
    clock["requestBody"] =
        body(schema_ref("ClockChange"), true, json!({"now": "2026-03-02T15:00:00Z", "freeze": true}));
    add(paths, "/__admin/clock", "post", clock);
    let mut import = admin_op(
        "adminImport",
        "Replaces the account's data with fixtures (`harvest-mock export` files as one object).",
        vec![],
        json!({"200": ok("Imported.", "Imported")}),
    );
    import["requestBody"] = body(
        json!({"type": "object", "description": "Resource plural → array of records, as `harvest-mock export` writes them."}),
        true,
        json!({"clients": [{"id": 1, "name": "Example", "is_active": true}]}),
    );
    add(paths, "/__admin/import", "post", import);
}

/// The admin API's schemas.
pub(super) fn schemas(schemas: &mut Map<String, Value>) {
    let boolean = json!({"type": "boolean"});
    let int = json!({"type": "integer"});
    let text = json!({"type": "string"});
    let entries = [
        ("Message", object(json!({"message": text}))),
        ("NotFound", object(json!({"status": int, "error": text}))),
        ("AdminTokenRequired", object(json!({"error": {"const": "admin_token_required"}, "message": text}))),
        (
            "Health",
            object(json!({"status": {"const": "ok"}, "seed": int, "scale": {"type": "number"}, "operations": int})),
        ),
        (
            "ResetScopes",
            json!({"type": "object", "additionalProperties": false, "properties": {"data": boolean, "journal": boolean, "faults": boolean}}),
        ),
        (
            "Reset",
            object(json!({
                "status": {"const": "ok"}, "seed": int, "scale": {"type": "number"}, "account_id": nullable("integer"),
                "cleared": object(json!({"data": boolean, "journal": boolean, "faults": boolean})),
            })),
        ),
        (
            "SeedChange",
            json!({"type": "object", "properties": {"seed": {"type": "integer", "minimum": 0}, "scale": {"type": "number", "exclusiveMinimum": 0}}}),
        ),
        (
            "Seeded",
            object(
                json!({"status": {"const": "ok"}, "seed": int, "scale": {"type": "number"}, "account_id": nullable("integer")}),
            ),
        ),
        (
            "RecordedRequest",
            object(json!({
                "time": {"type": "string", "format": "date-time"}, "account": nullable("string"), "method": text, "path": text,
                "query": text, "status": int, "duration_ms": {"type": "number"},
                "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                "body": nullable("string"), "body_bytes": nullable("integer"), "body_truncated": boolean,
            })),
        ),
        (
            "Requests",
            object(
                json!({"requests": {"type": "array", "items": {"$ref": "#/components/schemas/RecordedRequest"}}, "count": int}),
            ),
        ),
        ("FaultRule", json!({"type": "object", "properties": fault_properties()})),
        ("Fault", {
            let mut fault = object(fault_properties());
            fault["properties"]["id"] = int.clone();
            fault["required"] = json!(["id"]);
            fault
        }),
        ("Faults", object(json!({"faults": {"type": "array", "items": {"$ref": "#/components/schemas/Fault"}}}))),
        ("PersonalToken", object(json!({"token": text, "user_id": int, "account_id": int}))),
        ("Accounts", object(json!({"accounts": {"type": "array", "items": int}, "default": int, "max": int}))),
        (
            "Snapshot",
            object(
                json!({"id": text, "account_id": int, "taken_at": {"type": ["string", "null"], "format": "date-time"}}),
            ),
        ),
        (
            "Snapshots",
            object(json!({"snapshots": {"type": "array", "items": {"$ref": "#/components/schemas/Snapshot"}}})),
        ),
        ("Restored", object(json!({"status": {"const": "ok"}, "id": text, "account_id": int}))),
        (
            "Clock",
            object(
                json!({"now": {"type": "string", "format": "date-time"}, "frozen": boolean, "account_id": nullable("integer"), "own": boolean}),
            ),
        ),
        (
            "ClockChange",
            json!({
                "type": "object", "additionalProperties": false,
                "description": "Exactly one of `now` (with `freeze`, default true), `advance_seconds`, or `system: true`.",
                "properties": {"now": {"type": "string", "format": "date-time"}, "freeze": boolean, "advance_seconds": int, "system": boolean},
            }),
        ),
        ("Imported", object(json!({"status": {"const": "ok"}, "account_id": int, "documents": int}))),
    ];
    for (name, schema) in entries {
        schemas.insert(name.into(), schema);
    }
}

/// A fault rule's fields (each may be null or left out when sent).
fn fault_properties() -> Value {
    json!({
        "path_prefix": {"type": ["string", "null"], "description": "Only paths starting with this (`/v2/clients`)."},
        "method": {"type": ["string", "null"], "description": "Only this method."},
        "account": {"type": ["integer", "null"], "description": "Only requests naming this account."},
        "latency_ms": {"type": ["integer", "null"], "minimum": 0, "description": "Added delay."},
        "status": {"type": ["integer", "null"], "minimum": 100, "maximum": 999, "description": "Answer with this status instead."},
        "body": {"type": ["string", "null"], "description": "The body sent with `status`."},
        "drop_connection": {"type": "boolean", "description": "Drop the connection instead of answering."},
        "count": {"type": ["integer", "null"], "minimum": 0, "description": "Apply to this many requests, then expire."},
        "fraction": {"type": ["number", "null"], "minimum": 0, "maximum": 1, "description": "Apply to this fraction of requests."},
    })
}
