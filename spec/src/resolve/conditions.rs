//! `required_unless: OTHER`: a create must send the field (not empty) unless it sends
//! the sibling `OTHER` (not null). Checked once at load: both take input on create, and
//! they differ.

use super::Resolver;
use crate::ir::{Field, Presence};
use crate::raw::RawField;

/// Sets `required_unless` on the resolved fields of one holder, reporting every misuse.
pub(super) fn required_unless(r: &mut Resolver<'_>, raw: &[RawField], fields: &mut [Field]) {
    for f in raw {
        let Some(other) = &f.required_unless else { continue };
        let sends = |name: &str| fields.iter().find(|x| x.name == name).map(|x| x.input.create != Presence::Absent);
        let problem = match (sends(&f.name.value), sends(&other.value)) {
            _ if other.value == f.name.value => Some("names the field itself"),
            (_, None) => Some("names no sibling field"),
            (Some(false), _) | (_, Some(false)) => Some("needs both fields to take input on create"),
            (Some(true), Some(true)) => None,
            (None, _) => continue,
        };
        if let Some(problem) = problem {
            r.diags.error_help(
                &other.loc,
                format!("`required_unless: {}` of field `{}` {problem}", other.value, f.name.value),
                "name another field of the same holder; give both `input: create` (or optional)",
            );
            continue;
        }
        if let Some(field) = fields.iter_mut().find(|x| x.name == f.name.value) {
            field.required_unless = Some(other.value.clone());
        }
    }
}
