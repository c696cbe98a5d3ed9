//! The other services on the mock's origin: the hosted connector API (`http/hosted/`),
//! Harvest ID (`http/identity/`), the search action (`http/mod.rs`), uploaded files
//! (`http/files.rs`) and the documents (`http/docs.rs`).

use serde_json::{Map, Value, json};

use super::{add, body, json_response, object, path_param, query, schema_ref};

fn operation(id: &str, tag: &str, summary: &str, security: Value, responses: Value) -> Value {
    json!({"operationId": id, "tags": [tag], "summary": summary, "security": security, "parameters": [], "responses": responses})
}

/// The paths of these services.
pub(super) fn paths(paths: &mut Map<String, Value>) {
    let oauth = |d: &str| json_response(d, schema_ref("OAuthError"));
    let mut token = operation(
        "hostedToken",
        "hosted",
        "Trades the connector's client id and secret for a bearer token valid 15 minutes.",
        json!([{}]),
        json!({"200": json_response("The token.", schema_ref("HostedToken")), "400": oauth("No client id or secret."), "401": oauth("Unknown client.")}),
    );
    token["requestBody"] =
        body(schema_ref("HostedCredentials"), true, json!({"client_id": "connector", "client_secret": "secret"}));
    add(paths, "/api/v1/account/applications/token", "post", token);
    let mut execute = operation(
        "hostedExecute",
        "hosted",
        "Runs an action of the connector: `check`, `list`, `get` (through the API pipeline: its filters, journal and faults) or `context_store_search` (the search action below).",
        json!([{"bearer": []}]),
        json!({
            "200": json_response("The action's result.", schema_ref("Executed")),
            "400": oauth("An unknown action, or bad params."),
            "401": oauth("No token from `/api/v1/account/applications/token`, or an expired one."),
            "403": json_response("The API refused the call: the connector's user may not read this.", schema_ref("Message")),
            "404": oauth("An unknown entity."),
            "422": json_response("The API refused the call (its body).", schema_ref("Message")),
        }),
    );
    execute["parameters"] = json!([path_param("connector_id", json!({"type": "string"}), json!("harvest"))]);
    execute["requestBody"] =
        body(schema_ref("Execute"), true, json!({"entity": "clients", "action": "list", "params": {"per_page": 1}}));
    add(paths, "/api/v1/integrations/connectors/{connector_id}/execute", "post", execute);

    let mut search = operation(
        "search",
        "search",
        "Searches an entity's records: `{\"query\": {\"filter\": …, \"sort\": […]}, \"limit\": n, \"cursor\": \"…\", \"fields\": […]}`.",
        json!([{"bearer": [], "account": []}]),
        json!({
            "200": json_response("A page of records.", schema_ref("SearchPage")),
            "400": json_response("The query names an unknown field or operator (with where).", schema_ref("Message")),
            "401": json_response("No credentials.", json!({"type": "object"})),
        }),
    );
    search["parameters"] = json!([path_param("entity", json!({"type": "string"}), json!("clients"))]);
    search["requestBody"] =
        body(json!({"type": "object"}), false, json!({"query": {"filter": {"eq": {"is_active": true}}}, "limit": 1}));
    add(paths, "/v2/{entity}/search", "post", search);

    identity(paths);

    let mut file = operation(
        "receipt",
        "files",
        "An uploaded receipt's bytes, as a record's `receipt.url` names them.",
        json!([{}]),
        json!({"200": {"description": "The file.", "content": {"*/*": {}}}, "404": json_response("No such file.", schema_ref("NotFound"))}),
    );
    file["parameters"] = json!([
        path_param("account", json!({"type": "string"}), json!("1")),
        path_param("id", json!({"type": "string"}), json!("1")),
        path_param("name", json!({"type": "string"}), json!("receipt.pdf")),
    ]);
    add(paths, "/receipts/{account}/{id}/{name}", "get", file);

    for (path, id, media, what) in [
        ("/openapi.json", "apiDocument", "application/json", "The Harvest API's OpenAPI 3.1 document."),
        ("/openapi-3.0.json", "apiDocument30", "application/json", "The Harvest API's OpenAPI 3.0.3 document."),
        ("/operations.md", "operationsReference", "text/markdown", "The Harvest API's operation reference."),
        ("/admin-openapi.json", "adminDocument", "application/json", "This document."),
    ] {
        let ok = json!({"description": what, "content": {media: {}}});
        let responses = json!({"200": ok, "404": json_response("The server runs a spec of its own (`--spec`).", schema_ref("NotFound"))});
        add(paths, path, "get", operation(id, "documents", what, json!([{}]), responses));
    }
}

/// Harvest ID: consent, the token endpoint and the account list.
fn identity(paths: &mut Map<String, Value>) {
    let oauth = |d: &str| json_response(d, schema_ref("OAuthError"));
    let redirect = json!({"description": "To `redirect_uri` with `code`, `scope` and `state` (or the token in the fragment).", "headers": {"Location": {"schema": {"type": "string"}}}});
    let granted = json_response(
        "Without a `redirect_uri`: the values the redirect would carry.",
        json!({"type": "object", "additionalProperties": {"type": "string"}}),
    );
    let mut show = operation(
        "authorize",
        "identity",
        "OAuth2 consent: automatic (as the first administrator, or `user_id`), or an HTML page with `--oauth-consent page`.",
        json!([{}]),
        json!({"200": {"description": "The values (JSON), or the consent page (HTML).", "content": {"application/json": {"schema": {"type": "object", "additionalProperties": {"type": "string"}}}, "text/html": {}}}, "302": redirect.clone(), "400": oauth("A bad or missing parameter.")}),
    );
    show["parameters"] = json!([
        {"name": "client_id", "in": "query", "required": true, "schema": {"type": "string"}, "example": "app"},
        query("response_type", json!({"enum": ["code", "token"]}), "`code` (default) or `token` (implicit flow)."),
        query("redirect_uri", json!({"type": "string"}), "Where the answer goes; JSON instead when left out."),
        query("state", json!({"type": "string"}), "Handed back unchanged."),
        query("scope", json!({"type": "string"}), "Handed back unchanged."),
        query("user_id", json!({"type": "string"}), "The user who consents (a mock extension)."),
    ]);
    add(paths, "/oauth2/authorize", "get", show);
    let mut answer = operation(
        "authorizeAnswer",
        "identity",
        "The consent page's answer (a form post).",
        json!([{}]),
        json!({"200": granted, "302": redirect, "400": oauth("A bad or missing field.")}),
    );
    answer["requestBody"] = json!({"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "additionalProperties": {"type": "string"}}}}});
    add(paths, "/oauth2/authorize", "post", answer);
    let mut token = operation(
        "oauthToken",
        "identity",
        "The `authorization_code` and `refresh_token` grants, form-encoded or JSON.",
        json!([{}]),
        json!({"200": json_response("The tokens.", schema_ref("OAuthTokens")), "400": oauth("A bad grant."), "401": oauth("An unknown client.")}),
    );
    let form = schema_ref("TokenRequest");
    token["requestBody"] = json!({"required": true, "content": {
        "application/x-www-form-urlencoded": {"schema": form},
        "application/json": {"schema": form, "example": {"grant_type": "refresh_token", "client_id": "app", "client_secret": "secret", "refresh_token": "unknown"}},
    }});
    add(paths, "/api/v2/oauth2/token", "post", token);
    let accounts = operation(
        "accounts",
        "identity",
        "The token's user and the accounts it reaches.",
        json!([{"bearer": []}]),
        json!({"200": json_response("The user and accounts.", schema_ref("IdentityAccounts")), "401": json_response("No token, or an expired one.", json!({"type": "object"}))}),
    );
    add(paths, "/api/v2/accounts", "get", accounts);
}

/// These services' schemas.
pub(super) fn schemas(schemas: &mut Map<String, Value>) {
    let text = json!({"type": "string"});
    let int = json!({"type": "integer"});
    let entries = [
        ("OAuthError", object(json!({"error": text, "error_description": text}))),
        (
            "HostedCredentials",
            object(
                json!({"client_id": {"type": "string", "minLength": 1}, "client_secret": {"type": "string", "minLength": 1}}),
            ),
        ),
        ("HostedToken", object(json!({"access_token": text, "token_type": {"const": "Bearer"}, "expires_in": int}))),
        ("Execute", {
            let mut e = object(json!({
                "entity": {"type": "string", "description": "The entity (`clients`, `time_entries`, …; `*` for `check`)."},
                "action": {"enum": ["check", "list", "get", "context_store_search"]},
                "params": {"type": ["object", "null"], "description": "`list`: the list's query parameters; `get`: `id`; search: the search body."},
            }));
            e["required"] = json!(["entity", "action"]);
            e
        }),
        ("Executed", object(json!({"result": {}, "connector_metadata": {"type": "object"}}))),
        (
            "SearchPage",
            object(json!({
                "data": {"type": "array", "items": {"type": "object"}},
                "meta": object(json!({"has_more": {"type": "boolean"}, "cursor": {"type": ["string", "null"]}, "took_ms": {"type": "number"}})),
            })),
        ),
        ("TokenRequest", {
            let mut t = object(json!({
                "grant_type": {"enum": ["authorization_code", "refresh_token"]},
                "client_id": text, "client_secret": text, "code": text, "redirect_uri": text, "refresh_token": text,
            }));
            t["required"] = json!(["grant_type", "client_id", "client_secret"]);
            t
        }),
        (
            "OAuthTokens",
            object(
                json!({"access_token": text, "refresh_token": text, "token_type": {"const": "bearer"}, "expires_in": int}),
            ),
        ),
        (
            "IdentityAccounts",
            object(json!({
                "user": object(json!({"id": int, "first_name": {"type": ["string", "null"]}, "last_name": {"type": ["string", "null"]}, "email": {"type": ["string", "null"]}})),
                "accounts": {"type": "array", "items": object(json!({"id": int, "name": text, "product": {"const": "harvest"}}))},
            })),
        ),
    ];
    for (name, schema) in entries {
        schemas.insert(name.into(), schema);
    }
}
