//! Reading `access:` of a resource or an operation, and `api.roles`.

use crate::ir::Location;
use crate::read::{Located, Reader};
use crate::tree::{Node, Value};

/// `access: {read, write, own}` as written.
#[derive(Debug)]
pub(crate) struct RawAccess {
    pub(crate) read: Option<Vec<Located<String>>>,
    pub(crate) write: Option<Vec<Located<String>>>,
    pub(crate) own: Option<Located<String>>,
    pub(crate) loc: Location,
}

const ACCESS_KEYS: &[&str] = &["read", "write", "own"];

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

/// Reads `access: {read: [roles], write: [roles], own: field}`.
pub(crate) fn read_access(r: &mut Reader<'_>, node: &Node) -> Option<RawAccess> {
    let loc = r.loc(node);
    let m = r.map(node, "`access`", ACCESS_KEYS)?;
    Some(RawAccess {
        read: m.get("read").map(|n| roles(r, n, "`read`")),
        write: m.get("write").map(|n| roles(r, n, "`write`")),
        own: m.get("own").and_then(|n| r.string(n, "`own`")),
        loc,
    })
}
