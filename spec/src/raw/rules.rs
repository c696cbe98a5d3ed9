//! Reading the rule constructs: state machines, computed fields and delete side effects.

use crate::ir::Location;
use crate::read::{Located, Reader};
use crate::tree::Node;

/// `states:` of a resource, as written.
#[derive(Debug)]
pub(crate) struct RawStates {
    pub(crate) field: Option<Located<String>>,
    pub(crate) transitions: Vec<RawTransition>,
    pub(crate) loc: Location,
}

/// One entry of `states.transitions`.
#[derive(Debug)]
pub(crate) struct RawTransition {
    pub(crate) event: Option<Located<String>>,
    pub(crate) from: Vec<Located<String>>,
    pub(crate) to: Option<Located<String>>,
    pub(crate) stamp: Vec<Located<String>>,
    pub(crate) clear: Vec<Located<String>>,
    pub(crate) loc: Location,
}

/// `compute:` of a field: the operation (`product` or `remaining`) and its operand field names.
#[derive(Debug)]
pub(crate) struct RawCompute {
    pub(crate) op: Located<String>,
    pub(crate) operands: Vec<Located<String>>,
}

const STATES_KEYS: &[&str] = &["field", "transitions"];
const TRANSITION_KEYS: &[&str] = &["event", "from", "to", "stamp", "clear"];
const COMPUTE_KEYS: &[&str] = &["product", "remaining"];

fn list(r: &mut Reader<'_>, m: &crate::read::Entries<'_>, key: &str, what: &str) -> Vec<Located<String>> {
    m.get(key).map(|n| r.strings(n, what)).unwrap_or_default()
}

fn located(r: &mut Reader<'_>, m: &crate::read::Entries<'_>, key: &str) -> Option<Located<String>> {
    m.get(key).and_then(|n| r.string(n, &format!("`{key}`")))
}

/// Reads `states: {field, transitions: [...]}`.
pub(crate) fn read_states(r: &mut Reader<'_>, node: &Node) -> Option<RawStates> {
    let loc = r.loc(node);
    let m = r.map(node, "`states`", STATES_KEYS)?;
    let mut transitions = Vec::new();
    if let Some(items) = m.get("transitions") {
        for item in r.list(items, "`transitions`") {
            let loc = r.loc(item);
            let Some(t) = r.map(item, "a transition", TRANSITION_KEYS) else { continue };
            transitions.push(RawTransition {
                event: located(r, &t, "event"),
                from: list(r, &t, "from", "`from` states"),
                to: located(r, &t, "to"),
                stamp: list(r, &t, "stamp", "`stamp` fields"),
                clear: list(r, &t, "clear", "`clear` fields"),
                loc,
            });
        }
    }
    Some(RawStates { field: located(r, &m, "field"), transitions, loc })
}

/// Reads `compute: {product: [a, b]}` or `compute: {remaining: [a, resource.b]}`.
pub(crate) fn read_compute(r: &mut Reader<'_>, node: &Node) -> Option<RawCompute> {
    let loc = r.loc(node);
    let m = r.map(node, "`compute`", COMPUTE_KEYS)?;
    let given: Vec<&str> = COMPUTE_KEYS.iter().copied().filter(|k| m.get(k).is_some()).collect();
    let [op] = given.as_slice() else {
        let message = if given.is_empty() {
            "`compute` names no computation"
        } else {
            "`compute` names more than one computation"
        };
        r.diags.error_help(
            &loc,
            message,
            "write one of `compute: {product: [quantity, unit_price]}` or `compute: {remaining: [amount, invoice_payment.amount]}`",
        );
        return None;
    };
    let operands = m.get(op).map(|n| r.strings(n, &format!("`{op}` operands"))).unwrap_or_default();
    Some(RawCompute { op: Located { value: (*op).into(), loc }, operands })
}

/// Reads `also: {field: value, ...}` of a delete rule: each field name with its JSON value.
pub(crate) fn read_also(r: &mut Reader<'_>, node: &Node) -> Vec<(Located<String>, serde_json::Value)> {
    let Some(entries) = r.entries(node, "`also`") else { return Vec::new() };
    entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()
}
