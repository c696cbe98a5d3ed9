//! Reading `access:` of a resource or an operation, and `api.roles`.

use crate::ir::Location;
use crate::read::{Located, Reader};
use crate::tree::{Node, Value};

/// `access: {read, write, own, managed, managers, rates}` as written.
#[derive(Debug)]
pub(crate) struct RawAccess {
    pub(crate) read: Option<Vec<Located<String>>>,
    pub(crate) write: Option<Vec<Located<String>>>,
    pub(crate) own: Option<Located<String>>,
    pub(crate) managed: Option<RawManaged>,
    pub(crate) managers: Option<RawManagers>,
    pub(crate) rates: Option<RawRates>,
    pub(crate) loc: Location,
}

/// `managed: {via, read, write}`: records of something the user manages.
#[derive(Debug)]
pub(crate) struct RawManaged {
    pub(crate) via: Option<Located<String>>,
    pub(crate) read: Option<Vec<Located<String>>>,
    pub(crate) write: Option<Vec<Located<String>>>,
    pub(crate) loc: Location,
}

/// `managers: {through, flag}`: who manages a record of this resource.
#[derive(Debug)]
pub(crate) struct RawManagers {
    pub(crate) through: Option<Located<String>>,
    pub(crate) flag: Option<Located<String>>,
    pub(crate) loc: Location,
}

/// `rates: {roles, hides}`: response fields only some roles may see.
#[derive(Debug)]
pub(crate) struct RawRates {
    pub(crate) roles: Option<Vec<Located<String>>>,
    pub(crate) hides: Vec<Located<String>>,
    pub(crate) loc: Location,
}

const ACCESS_KEYS: &[&str] = &["read", "write", "own", "managed", "managers", "rates"];
const MANAGED_KEYS: &[&str] = &["via", "read", "write"];
const MANAGERS_KEYS: &[&str] = &["through", "flag"];
const RATES_KEYS: &[&str] = &["roles", "hides"];

/// A role list: `everyone`, one role, or a list of roles.
fn roles(r: &mut Reader<'_>, node: &Node, what: &str) -> Vec<Located<String>> {
    match &node.value {
        Value::Seq(_) | Value::Str(_) => r.strings(node, what),
        _ => {
            let loc = r.loc(node);
            r.diags.error_help(&loc, format!("{what} must be roles"), "write `everyone`, a role, or a list of roles");
            Vec::new()
        }
    }
}

/// Reads `access: {read: [roles], write: [roles], own: field, managed: {..}, managers: {..}, rates: {..}}`.
pub(crate) fn read_access(r: &mut Reader<'_>, node: &Node) -> Option<RawAccess> {
    let loc = r.loc(node);
    let m = r.map(node, "`access`", ACCESS_KEYS)?;
    Some(RawAccess {
        read: m.get("read").map(|n| roles(r, n, "`read`")),
        write: m.get("write").map(|n| roles(r, n, "`write`")),
        own: m.get("own").and_then(|n| r.string(n, "`own`")),
        managed: m.get("managed").and_then(|n| managed(r, n)),
        managers: m.get("managers").and_then(|n| managers(r, n)),
        rates: m.get("rates").and_then(|n| rates(r, n)),
        loc,
    })
}

fn managed(r: &mut Reader<'_>, node: &Node) -> Option<RawManaged> {
    let loc = r.loc(node);
    let m = r.map(node, "`managed`", MANAGED_KEYS)?;
    Some(RawManaged {
        via: m.get("via").and_then(|n| r.string(n, "`via`")),
        read: m.get("read").map(|n| roles(r, n, "`managed.read`")),
        write: m.get("write").map(|n| roles(r, n, "`managed.write`")),
        loc,
    })
}

fn managers(r: &mut Reader<'_>, node: &Node) -> Option<RawManagers> {
    let loc = r.loc(node);
    let m = r.map(node, "`managers`", MANAGERS_KEYS)?;
    Some(RawManagers {
        through: m.get("through").and_then(|n| r.string(n, "`through`")),
        flag: m.get("flag").and_then(|n| r.string(n, "`flag`")),
        loc,
    })
}

fn rates(r: &mut Reader<'_>, node: &Node) -> Option<RawRates> {
    let loc = r.loc(node);
    let m = r.map(node, "`rates`", RATES_KEYS)?;
    Some(RawRates {
        roles: m.get("roles").map(|n| roles(r, n, "`rates.roles`")),
        hides: m.get("hides").map(|n| r.strings(n, "`hides`")).unwrap_or_default(),
        loc,
    })
}
