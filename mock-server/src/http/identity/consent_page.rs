//! The consent page of `--oauth-consent page`: one self-contained HTML
//! document (no scripts, no external assets) listing the account's active
//! users by name and role, one of them selected, with an "Authorize App"
//! button that posts the original request back to `POST /oauth2/authorize`.
//! Every value printed goes through [`escape`].

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::authorize::Ask;
use super::html::escape;
use super::oauth_error;
use crate::http::AppState;
use crate::plan::FieldIx;
use crate::store::{Cell, Store};

/// Where the page's form is sent.
const ACTION: &str = "/oauth2/authorize";

/// Style of the page, inline so that it needs nothing else.
const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f1ec;color:#1d1e1c;margin:0}\
main{max-width:34rem;margin:3rem auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 4px #0002}\
h1{font-size:1.4rem;margin-top:0}ul{list-style:none;padding:0}li{margin:.4rem 0}\
label{display:flex;gap:.6rem;align-items:baseline;padding:.5rem;border:1px solid #ddd;border-radius:6px;cursor:pointer}\
.role{color:#666;font-size:.9rem}fieldset{border:0;padding:0;margin:0 0 1.2rem}\
button{font-size:1rem;padding:.6rem 1.2rem;border-radius:6px;border:1px solid #fa5d00;cursor:pointer}\
.approve{background:#fa5d00;color:#fff}.deny{background:#fff;color:#fa5d00;margin-left:.5rem}";

/// A user as the page shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The user's id, sent back as `user_id`.
    pub id: i64,
    /// The display name (first and last name).
    pub name: String,
    /// The values of the user's roles field (`administrator`, `manager` and its add-ons, `member`).
    pub roles: Vec<String>,
}

/// What the page shows besides the request itself.
#[derive(Debug, Clone)]
pub struct Account {
    /// The account's display name (the company).
    pub name: String,
    /// Its active users, by name.
    pub people: Vec<Person>,
}

/// The account's name and its active users, sorted by name then id.
fn account(app: &AppState, account: i64) -> Option<Account> {
    let plan = &app.app.inner.plan;
    let users = plan.current_user?;
    let tenant = app.app.tenant(account);
    let store = tenant.store.read().ok()?;
    let table = store.tables.get(users)?;
    let mut people: Vec<Person> = table
        .rows
        .keys()
        .filter(|id| store.field(plan, users, **id, "is_active").and_then(Cell::as_bool) != Some(false))
        .map(|id| Person {
            id: *id,
            name: crate::render::display_name(plan, &store, users, *id),
            roles: roles(app, &store, *id),
        })
        .collect();
    people.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Some(Account { name: crate::render::account_name(plan, &store), people })
}

/// The values of user `id`'s roles field (the spec's `api.roles`), empty when it names none.
fn roles(app: &AppState, store: &Store, id: i64) -> Vec<String> {
    let plan = &app.app.inner.plan;
    let (Some(users), Some(ix)) = (plan.current_user, plan.spec.api.roles) else { return Vec::new() };
    match store.get(users, id).and_then(|rec| rec.get(FieldIx(ix))).and_then(Option::as_ref).map(Cell::to_value) {
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// The page for `ask`, as an HTTP answer: HTML that is never cached or framed.
pub fn respond(app: &AppState, ask: &Ask) -> Response {
    let Some(account) = account(app, ask.account) else {
        return oauth_error(400, "invalid_request", "this account has no users to consent");
    };
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
        ),
    ];
    (StatusCode::OK, headers, render(ask, &account)).into_response()
}

/// The HTML document for `ask` over `account`; `ask.user` is the selected user.
pub fn render(ask: &Ask, account: &Account) -> String {
    let client = escape(&ask.client_id);
    let mut hidden = vec![
        ("client_id", ask.client_id.clone()),
        ("response_type", ask.flow.as_str().to_string()),
        ("scope", ask.scope.clone()),
        ("account_id", ask.account.to_string()),
    ];
    if let Some(r) = &ask.redirect {
        hidden.push(("redirect_uri", r.clone()));
    }
    if let Some(s) = &ask.state {
        hidden.push(("state", s.clone()));
    }
    let mut html = String::with_capacity(4096);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str(&format!("<title>Authorize {client} – Harvest ID (mock)</title>\n<style>{STYLE}</style>\n"));
    html.push_str("</head>\n<body>\n<main>\n");
    html.push_str(&format!("<h1>Authorize <span id=\"client\">{client}</span></h1>\n"));
    html.push_str(&format!(
        "<p><strong>{client}</strong> asks to use the Harvest account <strong>{}</strong> (#{}) with the scope \
         <code>{}</code>. Choose the user it acts as:</p>\n",
        escape(&account.name),
        ask.account,
        escape(&ask.scope),
    ));
    html.push_str(&format!("<form method=\"post\" action=\"{ACTION}\">\n"));
    for (name, value) in &hidden {
        html.push_str(&format!("<input type=\"hidden\" name=\"{name}\" value=\"{}\">\n", escape(value)));
    }
    html.push_str("<fieldset>\n<legend>Users of this account</legend>\n<ul id=\"users\">\n");
    for person in &account.people {
        html.push_str(&option(person, person.id == ask.user));
    }
    html.push_str("</ul>\n</fieldset>\n");
    html.push_str("<button type=\"submit\" class=\"approve\" id=\"authorize\" name=\"decision\" value=\"approve\">Authorize App</button>");
    html.push_str("<button type=\"submit\" class=\"deny\" id=\"deny\" name=\"decision\" value=\"deny\" formnovalidate>Deny</button>\n");
    html.push_str("</form>\n</main>\n</body>\n</html>\n");
    html
}

/// One selectable user: a radio button labelled with the name and the roles.
fn option(person: &Person, checked: bool) -> String {
    let roles = escape(&person.roles.join(" "));
    let shown = escape(&person.roles.join(", "));
    format!(
        "<li data-user-id=\"{id}\" data-roles=\"{roles}\"><label><input type=\"radio\" name=\"user_id\" \
         value=\"{id}\" id=\"user-{id}\" required{checked}> <span class=\"name\">{name}</span> \
         <span class=\"role\">{shown}</span></label></li>\n",
        id = person.id,
        name = escape(&person.name),
        checked = if checked { " checked" } else { "" },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::identity::authorize::Flow;

    fn ask() -> Ask {
        Ask {
            client_id: "app\"><script>x</script>".into(),
            flow: Flow::Token,
            redirect: Some("https://app.test/cb?a=1&b=<2>".into()),
            state: Some("s'1\"".into()),
            scope: "harvest:1".into(),
            account: 1,
            user: 2,
        }
    }

    fn account() -> Account {
        Account {
            name: "Acme & <Sons>".into(),
            people: vec![
                Person { id: 2, name: "Ann <b>Lee</b>".into(), roles: vec!["administrator".into()] },
                Person { id: 3, name: "Bo O'Neil".into(), roles: vec!["manager".into(), "project_creator".into()] },
                Person { id: 4, name: "Cy Doe".into(), roles: vec!["member".into()] },
            ],
        }
    }

    #[test]
    fn every_printed_value_is_escaped() {
        let html = render(&ask(), &account());
        for raw in ["<script>", "<b>", "<Sons>", "b=<2>", "O'Neil", "s'1\""] {
            assert!(!html.contains(raw), "{raw} printed unescaped");
        }
        assert!(html.contains("Acme &amp; &lt;Sons&gt;"));
        assert!(html.contains("value=\"https://app.test/cb?a=1&amp;b=&lt;2&gt;\""));
        assert!(html.contains("name=\"state\" value=\"s&#39;1&quot;\""));
        assert!(html.contains("Bo O&#39;Neil"));
    }

    #[test]
    fn each_user_is_a_choice_with_roles_and_the_consenting_one_is_selected() {
        let html = render(&ask(), &account());
        assert_eq!(html.matches("type=\"radio\" name=\"user_id\"").count(), 3);
        assert_eq!(html.matches(" checked>").count(), 1);
        assert!(html.contains("value=\"2\" id=\"user-2\" required checked>"));
        assert!(html.contains("data-roles=\"manager project_creator\""));
        assert!(html.contains("<span class=\"role\">manager, project_creator</span>"));
        assert!(html.contains(">Authorize App</button>"));
        assert!(html.contains("<form method=\"post\" action=\"/oauth2/authorize\">"));
        assert!(html.contains("name=\"response_type\" value=\"token\""));
    }

    #[test]
    fn the_page_needs_nothing_from_elsewhere() {
        let html = render(&ask(), &account());
        for external in ["<script", "<link", "src=", "@import", "url("] {
            assert!(!html.contains(external), "{external} in the page");
        }
    }
}
