//! State machines: which events move a resource's records between the values of its state enum.

use super::Resolver;
use super::records::unknown_field;
use super::rules::ty_name;
use crate::diag::did_you_mean;
use crate::ir::{Field, Resource, StateMachine, Transition, TypeRef};
use crate::raw::{RawResource, RawStates};
use crate::read::Located;

/// Resolves the `states` of every resource.
pub(crate) fn resolve_states(r: &mut Resolver<'_>, raw: &[RawResource], resources: &mut [Resource]) {
    for (i, res) in raw.iter().enumerate() {
        let Some(states) = &res.states else { continue };
        let fields = resources[i].fields.clone();
        let machine = resolve_machine(r, &res.name.value, states, &fields, resources);
        resources[i].states = machine;
    }
}

fn resolve_machine(
    r: &mut Resolver<'_>,
    holder: &str,
    raw: &RawStates,
    fields: &[Field],
    resources: &[Resource],
) -> Option<StateMachine> {
    let Some(name) = &raw.field else {
        r.diags.error_help(
            &raw.loc,
            format!("`states` of `{holder}` has no `field`"),
            "write `field: state` (an enum-typed field whose values are the states)",
        );
        return None;
    };
    let Some(field) = fields.iter().position(|f| f.name == name.value) else {
        unknown_field(r, holder, fields, &name.value, &name.loc, "`states`");
        return None;
    };
    let (enum_name, values) = match &fields[field].ty {
        TypeRef::Enum(id) => match r.enums.get(id.0) {
            Some(e) => (e.name.clone(), e.values.iter().map(|v| v.wire.clone()).collect::<Vec<_>>()),
            None => return None,
        },
        other => {
            let ty = ty_name(r, other, resources);
            r.diags.error_help(
                &name.loc,
                format!("the state field `{}` of `{holder}` is {ty}, not an enum", name.value),
                "give the field an enum type whose values are the states",
            );
            return None;
        }
    };
    if raw.transitions.is_empty() {
        r.diags.error_help(
            &raw.loc,
            format!("`states` of `{holder}` has no `transitions`"),
            "list them: `transitions: [{event: send, from: [draft], to: open}]`",
        );
    }
    let mut transitions = Vec::new();
    for t in &raw.transitions {
        let Some(event) = &t.event else {
            r.diags.error_help(
                &t.loc,
                "a transition needs an `event`",
                "write e.g. `{event: send, from: [draft], to: open}`",
            );
            continue;
        };
        let mut known = |state: &Located<String>, message: String| {
            if values.contains(&state.value) {
                return;
            }
            let help = match did_you_mean(&state.value, values.iter().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("the states are the values of enum `{enum_name}`: {}", values.join(", ")),
            };
            r.diags.error_help(&state.loc, message, help);
        };
        for from in &t.from {
            known(from, format!("unknown state `{}` in `from` of event `{}`", from.value, event.value));
        }
        if let Some(to) = &t.to {
            known(to, format!("transition to a missing state `{}` (event `{}`)", to.value, event.value));
        }
        transitions.push(Transition {
            event: event.value.clone(),
            from: t.from.iter().map(|s| s.value.clone()).collect(),
            to: t.to.as_ref().map(|s| s.value.clone()),
            stamp: timestamps(r, holder, fields, &t.stamp, "stamp", resources),
            clear: timestamps(r, holder, fields, &t.clear, "clear", resources),
        });
    }
    Some(StateMachine { field, transitions })
}

/// The indexes of `stamp` or `clear` fields: datetimes, nullable for `clear`.
fn timestamps(
    r: &mut Resolver<'_>,
    holder: &str,
    fields: &[Field],
    names: &[Located<String>],
    key: &str,
    resources: &[Resource],
) -> Vec<usize> {
    let mut out = Vec::new();
    for name in names {
        let Some(ix) = fields.iter().position(|f| f.name == name.value) else {
            unknown_field(r, holder, fields, &name.value, &name.loc, &format!("`{key}`"));
            continue;
        };
        if fields[ix].ty != TypeRef::DateTime {
            let ty = ty_name(r, &fields[ix].ty, resources);
            r.diags.error_help(
                &name.loc,
                format!("`{key}` field `{}` of `{holder}` is {ty}, not datetime", name.value),
                "name a datetime field",
            );
        } else if key == "clear" && !fields[ix].nullable {
            r.diags.error_help(
                &name.loc,
                format!("`clear` field `{}` of `{holder}` is not nullable", name.value),
                "clearing sets the field to null; mark it `nullable: true`",
            );
        }
        out.push(ix);
    }
    out
}
