//! The spec's `access:` rules as a Markdown table for people: one row per
//! resource and one per operation whose rule is its own, one column per role
//! of the roles field's enum. `cargo xtask codegen` keeps the copy in
//! `mock-server/README.md` equal to it.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::ir::{Access, OpKind, Operation, ResourceId, Roles, Spec, TypeRef};

/// What one role may do under one rule, for one kind of use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reach {
    /// Every record.
    all: bool,
    /// The records the rule's `own` field says are the user's.
    own: bool,
    /// The records of what the user manages (the rule's `managed`).
    managed: bool,
}

/// How far a user holding only `role` gets with `roles`, and with the rule's `own` and the
/// `managed` roles for this kind of use.
fn reach(roles: &Roles, own: bool, managed: Option<&Roles>, role: &str) -> Reach {
    let all = roles.admits(std::iter::once(role));
    Reach { all, own: !all && own, managed: !all && managed.is_some_and(|m| m.admits(std::iter::once(role))) }
}

/// `letter` for every record; lower case for own records, lower case with `ᵐ` for the
/// records of what the user manages; nothing for none.
fn mark(reach: Reach, letter: char) -> Option<String> {
    if reach.all {
        return Some(letter.to_string());
    }
    let lower = letter.to_ascii_lowercase();
    let parts: Vec<String> = [(reach.own, lower.to_string()), (reach.managed, format!("{lower}ᵐ"))]
        .into_iter()
        .filter_map(|(on, m)| on.then_some(m))
        .collect();
    if parts.is_empty() { None } else { Some(parts.join(" ")) }
}

/// A rule's two marks (read, write) for `role`.
fn marks(a: &Access, role: &str) -> [Option<String>; 2] {
    let own = a.own.is_some();
    let m = a.managed.as_ref();
    [
        mark(reach(&a.read, own, m.map(|m| &m.read), role), 'R'),
        mark(reach(&a.write, own, m.map(|m| &m.write), role), 'W'),
    ]
}

/// A cell: the marks joined, or `–` when the role reaches nothing.
fn cell(marks: impl IntoIterator<Item = Option<String>>) -> String {
    let marks: Vec<String> = marks.into_iter().flatten().collect();
    if marks.is_empty() { "–".to_string() } else { marks.join(" ") }
}

/// The values of the enum the roles field (`api.roles`) lists, in declaration order.
fn role_names(spec: &Spec) -> Option<Vec<String>> {
    let field = spec.resource(spec.api.current_user?).fields.get(spec.api.roles?)?;
    let TypeRef::Array(item) = &field.ty else { return None };
    let TypeRef::Enum(id) = item.as_ref() else { return None };
    Some(spec.enum_def(*id).values.iter().map(|v| v.wire.clone()).collect())
}

/// Whether an operation of this kind reads (list, get, report) rather than writes.
fn reads(kind: OpKind) -> bool {
    matches!(kind, OpKind::List | OpKind::Get | OpKind::Report)
}

/// The name of the field `own` points at in a record of `resource`.
fn own_name(spec: &Spec, resource: Option<ResourceId>, own: usize) -> String {
    resource.and_then(|r| spec.resource(r).fields.get(own)).map_or_else(|| format!("#{own}"), |f| f.name.clone())
}

/// What a rule adds to its row's label: the `own` field, the `managed` path and who manages
/// through it, and the fields `rates` hides.
fn describe(label: &mut String, spec: &Spec, resource: Option<ResourceId>, a: &Access) {
    if let Some(own) = a.own {
        let _ = write!(label, ", own: `{}`", own_name(spec, resource, own));
    }
    if let Some(m) = &a.managed {
        let link = spec.resource(m.by.through);
        let flag = link.fields.get(m.by.flag).map_or("?", |f| f.name.as_str());
        let _ = write!(label, ", managed: `{}` (`{}.{flag}`)", own_name(spec, resource, m.via), link.name);
    }
    if let Some(rates) = &a.rates {
        let hides: Vec<String> = rates.hides.iter().map(|h| format!("`{h}`")).collect();
        let who = match &rates.roles {
            Roles::Everyone => "everyone".to_string(),
            Roles::AnyOf(names) => names.join(", "),
        };
        let _ = write!(label, "; {} only for {who}", hides.join(", "));
    }
}

/// One row of the table: its label and a cell per role.
fn row(out: &mut String, label: &str, cells: impl Iterator<Item = String>) {
    let _ = write!(out, "| {label} |");
    for c in cells {
        let _ = write!(out, " {c} |");
    }
    out.push('\n');
}

/// The row of an operation, labelled after `prefix`: the cells show only the kind of use the
/// operation is.
fn operation_row(out: &mut String, spec: &Spec, prefix: &str, op: &Operation, roles: &[String]) {
    let (read, rule) = (reads(op.kind), op.access.as_ref());
    let mut label = format!("{prefix}`{} {}` (`{}`)", op.method.as_str(), op.path.raw, op.id);
    if op.selects_current_user {
        label.push_str(", the current user: always allowed");
    } else if let Some(a) = rule {
        describe(&mut label, spec, op.resource, a);
    }
    let open = Access::open();
    let a = rule.filter(|_| !op.selects_current_user).unwrap_or(&open);
    let cells = roles.iter().map(|role| {
        let [r, w] = marks(a, role);
        cell([if read { r } else { w }])
    });
    row(out, &label, cells);
}

/// The Markdown table of who may do what, with its legend; one sentence when the spec
/// declares no roles.
pub fn permission_table(spec: &Spec) -> String {
    let Some(roles) = role_names(spec) else {
        return "The spec declares no roles field (`api.roles`), so every user may do everything.\n".to_string();
    };
    let mut out = String::new();
    out.push_str(
        "Generated from the spec's `access:` rules by `cargo xtask codegen`. A row is a resource (its rule \
         covers all its operations) or, below it, an operation with a rule of its own, which replaces the \
         resource's. A column is a role held alone; a user holding several roles (a manager with add-ons) may \
         do what any of them allows. **R** reads (list, get, report) and **W** writes (create, update, delete, \
         actions) every record; **r** and **w** only the user's own records (the `own` field names the user); \
         **rᵐ** and **wᵐ** only the records of what the user manages (`managed`: the field named leads to a \
         record the user manages when the linking record in brackets has its flag set); **–** is Harvest's \
         403. A report counts only the records the rows above let the user read; the fields listed after a \
         semicolon are left out of its rows for everyone but the roles named.\n\n",
    );
    row(&mut out, "resource / operation", roles.iter().cloned());
    row(&mut out, "---", roles.iter().map(|_| "---".to_string()));
    for (i, resource) in spec.resources.iter().enumerate() {
        if resource.operations.is_empty() {
            continue;
        }
        let rule = resource.access.as_ref();
        let mut label = format!("`{}`", resource.name);
        let open = Access::open();
        let a = rule.unwrap_or(&open);
        describe(&mut label, spec, Some(ResourceId(i)), a);
        let cells = roles.iter().map(|role| cell(marks(a, role)));
        row(&mut out, &label, cells);
        for op in resource.operations.iter().map(|id| spec.operation(*id)) {
            if op.access.is_some() || op.selects_current_user {
                operation_row(&mut out, spec, "↳ ", op, &roles);
            }
        }
    }
    // Operations no resource lists (groups such as `reports`) follow, each with its rule.
    let listed: HashSet<usize> = spec.resources.iter().flat_map(|r| r.operations.iter().map(|id| id.0)).collect();
    for op in spec.operations.iter().enumerate().filter(|(i, _)| !listed.contains(i)).map(|(_, op)| op) {
        let prefix = format!("`{}`: ", spec.group(op.group).name);
        operation_row(&mut out, spec, &prefix, op, &roles);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::permission_table;

    fn harvest_table() -> String {
        match crate::harvest() {
            Ok(spec) => permission_table(&spec),
            Err(d) => panic!("the embedded spec loads: {d}"),
        }
    }

    /// The cells of the row whose label starts with `label`.
    fn cells<'a>(table: &'a str, label: &str) -> Vec<&'a str> {
        let line = table.lines().find(|l| l.starts_with(&format!("| {label}"))).unwrap_or_default();
        line.split('|').map(str::trim).filter(|c| !c.is_empty()).skip(1).collect()
    }

    #[test]
    fn a_column_per_role_of_the_roles_enum() {
        let table = harvest_table();
        let header = cells(&table, "resource / operation");
        assert_eq!(header.len(), 10, "{header:?}");
        assert_eq!(header[..3], ["administrator", "manager", "member"]);
        assert!(header.contains(&"client_and_task_manager"));
    }

    #[test]
    fn resource_rules_read_write_and_own_per_role() {
        let table = harvest_table();
        let client = cells(&table, "`client` |");
        assert_eq!(client[..3], ["R W", "R", "–"], "{table}");
        assert_eq!(client[7], "W", "client_and_task_manager writes clients");
        let entries =
            cells(&table, "`time_entry`, own: `user`, managed: `project` (`user_assignment.is_project_manager`)");
        assert_eq!(entries[..3], ["R W", "r rᵐ w", "r w"], "members reach their own time entries: {table}");
        assert_eq!(entries[8], "r w wᵐ", "time_and_expenses_manager writes time of managed projects");
    }

    #[test]
    fn managed_rules_mark_the_roles_they_admit() {
        let table = harvest_table();
        let projects = cells(&table, "`project`, managed: `id` (`user_assignment.is_project_manager`)");
        assert_eq!(projects[..3], ["R W", "rᵐ", "–"], "{table}");
        assert_eq!(projects[3], "wᵐ", "project_creator edits the projects it manages");
        let create = cells(&table, "↳ `POST /projects` (`createProject`)");
        assert_eq!(create[..4], ["W", "–", "–", "W"], "project_creator creates any project");
    }

    #[test]
    fn operations_with_their_own_rule_or_the_current_user_get_a_row() {
        let table = harvest_table();
        let mine = cells(&table, "↳ `GET /users/me/project_assignments`");
        assert!(mine.iter().all(|c| *c == "R"), "open to everyone: {mine:?}");
        let me = cells(&table, "↳ `GET /users/me` (`retrieveTheCurrentlyAuthenticatedUser`), the current user");
        assert!(me.iter().all(|c| *c == "R"), "{me:?}");
        let teammates = cells(&table, "↳ `PATCH /users/{user_id}/teammates`");
        assert_eq!(teammates[..3], ["W", "–", "–"]);
        let report = cells(
            &table,
            "`reports`: `GET /reports/time/clients` (`clientsTimeReport`); `currency`, `billable_amount` only for \
             administrator, billable_rates_manager",
        );
        assert_eq!(report[..3], ["R", "R", "R"], "{table}");
        let uninvoiced = cells(&table, "`reports`: `GET /reports/uninvoiced`");
        assert_eq!(uninvoiced[..3], ["R", "R", "–"], "{table}");
        assert!(!table.contains("`GET /clients`"), "an operation following its resource has no row");
    }

    #[test]
    fn rows_are_well_formed_markdown() {
        let table = harvest_table();
        let rows: Vec<&str> = table.lines().filter(|l| l.starts_with('|')).collect();
        assert!(rows.len() > 20);
        assert!(rows.iter().all(|r| r.matches('|').count() == 12), "11 columns everywhere");
    }
}
