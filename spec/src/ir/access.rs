//! Who may use a resource or an operation (`access:`), by the roles of the
//! user a request acts as (`api.roles` names the user field that lists them).

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
}
