//! Who may use a resource or an operation (`access:`), by the roles of the
//! user a request acts as (`api.roles` names the user field that lists them).

use super::ResourceId;

/// The roles a kind of use needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Roles {
    /// Any user.
    Everyone,
    /// A user holding one of these roles (values of the roles field's enum).
    AnyOf(Vec<String>),
}

impl Roles {
    /// Whether a user holding `held` qualifies.
    pub fn admits<'a>(&self, mut held: impl Iterator<Item = &'a str>) -> bool {
        match self {
            Roles::Everyone => true,
            Roles::AnyOf(wanted) => held.any(|h| wanted.iter().any(|w| w == h)),
        }
    }
}

/// Who may read and who may change records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// Who may list and get (and run reports).
    pub read: Roles,
    /// Who may create, update, delete and run actions.
    pub write: Roles,
    /// A user without the roles may still read and change the records this field says are
    /// theirs: index of a ref field to the user resource, or of the user resource's own id.
    pub own: Option<usize>,
    /// A user without the roles may still reach the records of what they manage.
    pub managed: Option<Managed>,
    /// How a user comes to manage a record of this resource (`managers:`), for the
    /// `managed` rules that lead here.
    pub managers: Option<Managers>,
    /// Response fields only some roles may see (an operation's rule).
    pub rates: Option<Rates>,
}

impl Access {
    /// A rule that admits everyone to everything.
    pub fn open() -> Access {
        Access { read: Roles::Everyone, write: Roles::Everyone, own: None, managed: None, managers: None, rates: None }
    }
}

/// `managed:`: the records whose `via` field points at something the user manages, for
/// users holding the roles `read` or `write` name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Managed {
    /// Index of the field naming the managed record: a ref to the managed resource, or the
    /// record's own id when the resource itself is the managed one.
    pub via: usize,
    /// Who reads the managed records.
    pub read: Roles,
    /// Who changes the managed records.
    pub write: Roles,
    /// How a user comes to manage the record `via` names.
    pub by: Managers,
}

/// `managers:`: a user manages a record when a record of `through` refers to both the user
/// and the record and has its boolean `flag` set (Harvest: a user assignment with
/// `is_project_manager`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Managers {
    /// The linking resource.
    pub through: ResourceId,
    /// Index of the linking resource's ref to the user resource.
    pub user: usize,
    /// Index of the linking resource's ref to the managed resource.
    pub target: usize,
    /// Index of the linking resource's boolean field that makes the user a manager.
    pub flag: usize,
}

/// `rates:`: fields of a list operation's items that only users holding `roles` see; for
/// anyone else they are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rates {
    /// Who sees the fields.
    pub roles: Roles,
    /// Names of the hidden fields, fields of the item type (all optional).
    pub hides: Vec<String>,
}
