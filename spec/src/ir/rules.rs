//! Rules the server applies to records: timestamp roles, computed fields,
//! state machines and what deleting a record does to its dependants.

use serde_json::Value;

use super::*;

/// A timestamp the server maintains in a resource field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldRole {
    /// Set once, when the record is created.
    CreatedAt,
    /// Set on creation and on every change.
    UpdatedAt,
    /// The day the record describes (`spent_date`): seeded records are created on it.
    RecordedOn,
}

/// A field computed from other fields of the same resource or type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Compute {
    /// The product of these factors.
    Product(Vec<Operand>),
    /// What is left of a sibling once the records pointing at this one have
    /// taken their share: `from` − Σ `less`, never below zero (`due_amount` =
    /// `amount` − the invoice's payments). Only on resource fields.
    Remaining {
        /// Index of the numeric sibling the shares are taken from.
        from: usize,
        /// The records whose shares are summed.
        less: Share,
    },
}

/// The shares a [`Compute::Remaining`] subtracts: a numeric field of every
/// record of another resource whose ref points at the computed record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Share {
    /// The resource holding the shares (`invoice_payment`).
    pub resource: ResourceId,
    /// Index of its ref field to the computed record's resource (`invoice`).
    pub via: usize,
    /// Index of its numeric field that is summed (`amount`).
    pub field: usize,
}

/// A field read from a record: a sibling (`quantity`), or a field of the
/// record a sibling ref points at (`expense_category.unit_price`). The
/// factors of computed fields and the paths of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operand {
    /// Index of the sibling in the holder's `fields`.
    pub field: usize,
    /// When the sibling is a ref: index of the field in the referenced resource's `fields`.
    pub through: Option<usize>,
}

/// Which states an event moves a record between (`states:` on a resource).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateMachine {
    /// Index of the enum-typed state field in the resource's `fields`.
    pub field: usize,
    /// Transitions in declaration order; the first that matches wins.
    pub transitions: Vec<Transition>,
}

impl StateMachine {
    /// The transition `event` takes from `state`: the first whose event matches and whose `from`
    /// is empty or lists the state. `None` means the event is not allowed in that state.
    pub fn next(&self, event: &str, state: &str) -> Option<&Transition> {
        self.transitions.iter().find(|t| t.event == event && (t.from.is_empty() || t.from.iter().any(|s| s == state)))
    }
}

/// One allowed move of a state machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The event name (`send`, `re-open`).
    pub event: String,
    /// States it applies in; empty = any state.
    pub from: Vec<String>,
    /// The state it moves to; `None` = the state is unchanged.
    pub to: Option<String>,
    /// Datetime fields (indexes into the resource's `fields`) set to the current time.
    pub stamp: Vec<usize>,
    /// Nullable datetime fields (indexes into the resource's `fields`) set to null.
    pub clear: Vec<usize>,
}

/// A rule applied when a record is deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteRule {
    /// Resource whose records point at the deleted one.
    pub resource: ResourceId,
    /// Their ref field.
    pub field: String,
    /// What to do.
    pub action: DeleteAction,
    /// For `nullify`: other fields of the dependants (indexes into that resource's `fields`) set
    /// to these values at the same time (`also: {is_billed: false}`).
    pub also: Vec<(usize, Value)>,
}

/// What happens to dependants on delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteAction {
    /// Refuse with 422 and this message.
    Block(String),
    /// Delete the dependants too.
    Cascade,
    /// Set the dependants' reference to null.
    Nullify,
}
