//! The `api` section: settings shared by every operation.

use crate::diag::Diagnostics;
use crate::ir::{Api, Auth, ErrorBodies, Location, PerPage, RateLimit};
use crate::raw::RawApi;
use crate::read::Located;

/// Resolves the single `api` section; reports a missing or repeated one.
pub(crate) fn resolve_api(apis: &[Located<RawApi>], diags: &mut Diagnostics, first_file: &str) -> Api {
    let fallback = Location { file: first_file.to_string(), line: 1, column: 1 };
    let Some(first) = apis.first() else {
        diags.error_help(
            &fallback,
            "no document has an `api` section",
            "add `api:` with title, base_url, auth, rate_limits, pagination and errors (see spec/FORMAT.md)",
        );
        return empty_api();
    };
    for extra in &apis[1..] {
        diags.error_help(
            &extra.loc,
            format!("a second `api` section (the first is at {})", first.loc),
            "keep one `api` section and merge the other into it",
        );
    }
    let raw = &first.value;
    let loc = &first.loc;
    let need = |value: &Option<String>, key: &str, diags: &mut Diagnostics| -> String {
        value.clone().unwrap_or_else(|| {
            diags.error(loc, format!("`api` needs `{key}`"));
            String::new()
        })
    };
    let title = need(&raw.title, "title", diags);
    let base_url = need(&raw.base_url, "base_url", diags);
    if !(base_url.is_empty() || base_url.starts_with("https://") || base_url.starts_with("http://")) {
        diags.error_help(
            loc,
            format!("`base_url` `{base_url}` is not an http(s) URL"),
            "write the full URL, e.g. https://api.harvestapp.com/v2",
        );
    }
    let mut path_prefixes = Vec::new();
    for prefix in &raw.path_prefixes {
        if !prefix.value.starts_with('/') || prefix.value.ends_with('/') {
            diags.error_help(
                &prefix.loc,
                format!("path prefix `{}` must start with `/` and not end with one", prefix.value),
                "write e.g. `/v2`",
            );
        }
        path_prefixes.push(prefix.value.clone());
    }
    if path_prefixes.is_empty() {
        diags.error_help(loc, "`api` needs at least one entry in `path_prefixes`", "write `path_prefixes: [/v2]`");
    }
    let location_prefix = resolve_location_prefix(raw, &path_prefixes, diags);
    Api {
        title,
        base_url,
        path_prefixes,
        auth: resolve_auth(raw, loc, diags),
        rate_limits: resolve_rate_limits(raw, diags),
        pagination: resolve_pagination(raw, loc, diags),
        errors: resolve_errors(raw, loc, diags),
        current_user: None,
        roles: None,
        location_prefix,
    }
}

/// `location_prefix`: one of the prefixes the API is served under.
fn resolve_location_prefix(raw: &RawApi, served: &[String], diags: &mut Diagnostics) -> Option<String> {
    let prefix = raw.location_prefix.as_ref()?;
    if !served.contains(&prefix.value) {
        diags.error_help(
            &prefix.loc,
            format!("`location_prefix` `{}` is not one of `path_prefixes`", prefix.value),
            format!("write one of: {}", served.join(", ")),
        );
        return None;
    }
    Some(prefix.value.clone())
}

fn resolve_auth(raw: &RawApi, loc: &Location, diags: &mut Diagnostics) -> Auth {
    let text = |key: &str| {
        raw.auth.iter().find(|(k, _, _)| k.value == key).and_then(|(_, v, _)| v.as_ref()).map(|v| v.value.clone())
    };
    let mut need = |key: &str| {
        text(key).unwrap_or_else(|| {
            diags.error(loc, format!("`api.auth` needs `{key}`"));
            String::new()
        })
    };
    Auth {
        token_header: need("token_header"),
        account_header: need("account_header"),
        token_query: need("token_query"),
        account_query: need("account_query"),
        user_agent_required: raw
            .auth
            .iter()
            .find_map(|(k, _, b)| (k.value == "user_agent_required").then_some(*b).flatten())
            .unwrap_or(false),
    }
}

fn resolve_rate_limits(raw: &RawApi, diags: &mut Diagnostics) -> Vec<RateLimit> {
    let mut out = Vec::new();
    for rl in &raw.rate_limits {
        match (&rl.name, &rl.path_prefix, rl.requests, rl.per_seconds) {
            (Some(name), Some(prefix), Some(requests), Some(per_seconds)) if requests > 0 && per_seconds > 0 => {
                out.push(RateLimit { name: name.clone(), path_prefix: prefix.clone(), requests, per_seconds });
            }
            _ => diags.error_help(
                &rl.loc,
                "a rate limit needs `name`, `path_prefix`, and `requests` and `per_seconds` above zero",
                "write `{name: general, path_prefix: \"\", requests: 100, per_seconds: 15}`",
            ),
        }
    }
    out
}

fn resolve_pagination(raw: &RawApi, loc: &Location, diags: &mut Diagnostics) -> PerPage {
    let (Some(default), Some(max)) = (&raw.default_per_page, &raw.max_per_page) else {
        diags.error_help(
            loc,
            "`api` needs `pagination` with `default_per_page` and `max_per_page`",
            "write `pagination: {default_per_page: 2000, max_per_page: 2000}`",
        );
        return PerPage { default: 1, max: 1 };
    };
    if default.value == 0 || default.value > max.value {
        diags.error_help(
            &default.loc,
            format!("`default_per_page` {} must be between 1 and `max_per_page` {}", default.value, max.value),
            "lower `default_per_page` or raise `max_per_page`",
        );
    }
    PerPage { default: default.value, max: max.value }
}

const ERROR_KEYS: &[&str] =
    &["unauthorized", "www_authenticate", "forbidden", "not_found", "missing_user_agent", "retry_after_seconds"];

fn resolve_errors(raw: &RawApi, loc: &Location, diags: &mut Diagnostics) -> ErrorBodies {
    for (key, _) in &raw.errors {
        if !ERROR_KEYS.contains(&key.value.as_str()) {
            diags.error_help(
                &key.loc,
                format!("unknown key `{}` in `api.errors`", key.value),
                format!("allowed keys: {}", ERROR_KEYS.join(", ")),
            );
        }
    }
    let get = |key: &str| raw.errors.iter().find(|(k, _)| k.value == key).map(|(_, v)| v);
    let body = |key: &str, must_be_json: bool, diags: &mut Diagnostics| -> String {
        match get(key) {
            Some(serde_json::Value::String(text)) => {
                if must_be_json && serde_json::from_str::<serde_json::Value>(text).is_err() {
                    diags.error_help(
                        loc,
                        format!("`api.errors.{key}` is not valid JSON"),
                        "write the body as a JSON string or as a YAML mapping",
                    );
                }
                text.clone()
            }
            Some(value @ serde_json::Value::Object(_)) if must_be_json => value.to_string(),
            _ => {
                diags.error(
                    loc,
                    format!("`api.errors` needs `{key}` ({})", if must_be_json { "a JSON body" } else { "a string" }),
                );
                String::new()
            }
        }
    };
    let unauthorized = body("unauthorized", true, diags);
    let www_authenticate = body("www_authenticate", false, diags);
    let forbidden = body("forbidden", true, diags);
    let not_found = body("not_found", true, diags);
    let missing_user_agent = body("missing_user_agent", true, diags);
    let retry_after_seconds =
        match get("retry_after_seconds").and_then(serde_json::Value::as_u64).and_then(|n| u32::try_from(n).ok()) {
            Some(n) => n,
            None => {
                diags.error(loc, "`api.errors` needs `retry_after_seconds` (a whole number)");
                0
            }
        };
    ErrorBodies { unauthorized, www_authenticate, forbidden, not_found, missing_user_agent, retry_after_seconds }
}

fn empty_api() -> Api {
    Api {
        title: String::new(),
        base_url: String::new(),
        path_prefixes: Vec::new(),
        auth: Auth {
            token_header: String::new(),
            account_header: String::new(),
            token_query: String::new(),
            account_query: String::new(),
            user_agent_required: false,
        },
        rate_limits: Vec::new(),
        pagination: PerPage { default: 1, max: 1 },
        errors: ErrorBodies {
            unauthorized: String::new(),
            www_authenticate: String::new(),
            forbidden: String::new(),
            not_found: String::new(),
            missing_user_agent: String::new(),
            retry_after_seconds: 0,
        },
        current_user: None,
        roles: None,
        location_prefix: None,
    }
}
