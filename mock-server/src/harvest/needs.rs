//! The fields each Harvest behaviour reads or writes, by the behaviour's
//! spec name. The spec loader checks every one against the spec (that the
//! field exists where it is looked for and has the kind the rule assumes),
//! so renaming `due_amount` in the YAML fails the load at the `behavior:`
//! line that needs it.

use harvest_spec::catalog::{Kind, Need, Subject};

/// `(field, kind)` pairs on one subject.
fn on(subject: Subject, fields: &[(&str, Kind)]) -> Vec<Need> {
    fields.iter().map(|(f, k)| Need { on: subject.clone(), field: (*f).to_string(), kind: k.clone() }).collect()
}

fn res(name: &str) -> Subject {
    Subject::Resource(name.to_string())
}

fn to(name: &str) -> Kind {
    Kind::Ref(Some(name.to_string()))
}

/// What the time-entry rules and their seeding step touch.
fn time_entry(subject: Subject) -> Vec<Need> {
    use Kind::*;
    [
        on(
            subject,
            &[
                ("hours", Decimal),
                ("hours_without_timer", Decimal),
                ("rounded_hours", Decimal),
                ("is_running", Boolean),
                ("timer_started_at", DateTime),
                ("billable", Boolean),
                ("budgeted", Boolean),
                ("approval_status", String),
                ("user", to("user")),
                ("billable_rate", Decimal),
                ("cost_rate", Decimal),
                ("spent_date", Date),
                ("project", to("project")),
                ("task_assignment", to("task_assignment")),
                ("is_closed", Boolean),
                ("external_reference", Object),
            ],
        ),
        on(res("user"), &[("default_hourly_rate", Decimal), ("cost_rate", Decimal)]),
        on(res("task_assignment"), &[("billable", Boolean)]),
        on(res("project"), &[("is_billable", Boolean)]),
    ]
    .concat()
}

/// Billed work: what line-item import, rebilling and the reports read of time and expenses.
fn billed_work() -> Vec<Need> {
    use Kind::*;
    let common = |r: &str| {
        on(
            res(r),
            &[
                ("project", to("project")),
                ("client", to("client")),
                ("user", to("user")),
                ("spent_date", Date),
                ("billable", Boolean),
                ("is_billed", Boolean),
                ("is_locked", Boolean),
                ("locked_reason", String),
                ("invoice", to("invoice")),
            ],
        )
    };
    [
        common("time_entry"),
        common("expense"),
        on(res("time_entry"), &[("hours", Decimal), ("billable_rate", Decimal), ("task", to("task"))]),
        on(res("expense"), &[("total_cost", Decimal), ("expense_category", to("expense_category"))]),
        on(
            res("project"),
            &[
                ("client", to("client")),
                ("is_active", Boolean),
                ("is_fixed_fee", Boolean),
                ("budget_by", String),
                ("budget_is_monthly", Boolean),
                ("budget", Decimal),
                ("cost_budget", Decimal),
            ],
        ),
        on(res("client"), &[("currency", String)]),
    ]
    .concat()
}

/// What the totals of an invoice (`invoice`) or an estimate touch.
fn document(invoice: bool) -> Vec<Need> {
    use Kind::*;
    let item = if invoice { "invoice_line_item" } else { "estimate_line_item" };
    let mut own = vec![
        ("tax", Decimal),
        ("tax2", Decimal),
        ("discount", Decimal),
        ("tax_amount", Decimal),
        ("tax2_amount", Decimal),
        ("discount_amount", Decimal),
        ("amount", Decimal),
        ("line_items", Array),
        ("state", String),
        ("client", to("client")),
        ("currency", String),
        ("issue_date", Date),
        ("sent_at", DateTime),
    ];
    if invoice {
        own.extend([
            ("due_amount", Remaining),
            ("paid_at", DateTime),
            ("paid_date", Date),
            ("due_date", Date),
            ("payment_term", String),
            ("closed_at", DateTime),
        ]);
    } else {
        own.extend([("accepted_at", DateTime), ("declined_at", DateTime)]);
    }
    let mut out = [
        on(Subject::Own, &own),
        on(
            Subject::Type(item.to_string()),
            &[
                ("quantity", Decimal),
                ("unit_price", Decimal),
                ("amount", Decimal),
                ("taxed", Boolean),
                ("taxed2", Boolean),
                ("kind", String),
            ],
        ),
        billed_work(),
    ]
    .concat();
    if invoice {
        out.extend(on(Subject::Type(item.to_string()), &[("project", to("project"))]));
        out.extend(on(res("invoice_payment"), &[("amount", Decimal), ("paid_at", DateTime), ("paid_date", Date)]));
    }
    out
}

/// What settling an invoice after a payment touches.
fn settled_invoice() -> Vec<Need> {
    use Kind::*;
    on(Subject::Parent, &[("due_amount", Remaining), ("state", String), ("paid_at", DateTime), ("paid_date", Date)])
}

/// The needs of the behaviour registered under `name`.
pub fn of(name: &str) -> Vec<Need> {
    use Kind::*;
    match name {
        "time_entry_timer" => [time_entry(Subject::Own), billed_work()].concat(),
        "time_entry_restart" | "time_entry_stop" | "time_entry_delete_external_reference" => time_entry(Subject::Own),
        "invoice_totals" => document(true),
        "estimate_totals" => document(false),
        "invoice_message" | "estimate_message" => [
            on(
                Subject::Own,
                &[
                    ("sent_by", String),
                    ("sent_from", String),
                    ("sent_by_email", String),
                    ("sent_from_email", String),
                    ("subject", String),
                    ("body", String),
                    ("event_type", String),
                ],
            ),
            on(res("user"), &[("email", String), ("access_roles", Array), ("is_active", Boolean)]),
        ]
        .concat(),
        "invoice_message_template" => [
            on(Subject::Parent, &[("number", String)]),
            on(res("company"), &[("base_uri", String), ("full_domain", String)]),
        ]
        .concat(),
        "invoice_payment_create" => [
            on(
                Subject::Own,
                &[
                    ("amount", Decimal),
                    ("paid_at", DateTime),
                    ("paid_date", Date),
                    ("recorded_by", String),
                    ("recorded_by_email", String),
                ],
            ),
            settled_invoice(),
        ]
        .concat(),
        "invoice_payment_delete" => settled_invoice(),
        "rate_create" => on(Subject::Own, &[("start_date", Date), ("end_date", Date)]),
        "expense_receipt" => on(Subject::Own, &[("receipt", Object), ("delete_receipt", Boolean)]),
        "user_project_assignments" | "current_user_project_assignments" => [
            on(
                res("user_assignment"),
                &[("user", to("user")), ("project", to("project")), ("is_active", Boolean), ("updated_at", DateTime)],
            ),
            on(res("task_assignment"), &[("project", to("project"))]),
        ]
        .concat(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// Calls that read or write a stored field by name, and which argument names it.
    const ACCESSORS: &[(&str, usize)] = &[
        ("store.field(", 3),
        ("store.num(", 3),
        ("store.ref_of(", 3),
        ("stored_money(", 4),
        ("put(", 4),
        ("set(", 3),
        ("get(", 3),
        (".ix(", 0),
    ];

    /// The top-level arguments of the call whose `(` ends `text[..start]`.
    fn arguments(text: &str) -> Vec<&str> {
        let (mut depth, mut from, mut out) = (0usize, 0, Vec::new());
        for (i, c) in text.char_indices() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => {
                    out.push(text[from..i].trim());
                    return out;
                }
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(text[from..i].trim());
                    from = i + 1;
                }
                _ => {}
            }
        }
        out
    }

    /// Field names the Harvest module reads or writes through a stored-field accessor.
    fn accessed() -> BTreeSet<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/harvest");
        let mut out = BTreeSet::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.file_name().is_some_and(|n| n == "needs.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (call, arg) in ACCESSORS {
                for (at, _) in code.match_indices(call) {
                    let before = code[..at].chars().last();
                    if !call.starts_with('.') && before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let args = arguments(&code[at + call.len()..]);
                    let Some(name) = args.get(*arg).and_then(|a| a.strip_prefix('"')?.strip_suffix('"')) else {
                        continue;
                    };
                    out.insert(name.to_string());
                }
            }
        }
        out
    }

    #[test]
    fn every_field_the_harvest_module_touches_is_a_declared_need() {
        let (registry, _) = super::super::rules();
        let declared: BTreeSet<String> =
            registry.catalog().behaviors.iter().flat_map(|b| &b.needs).map(|n| n.field.clone()).collect();
        let used = accessed();
        assert!(used.len() > 40 && used.contains("tax_amount"), "the scan found too little: {used:?}");
        let missing: Vec<_> = used.difference(&declared).collect();
        assert!(missing.is_empty(), "fields used but declared by no behaviour: {missing:?}");
    }

    #[test]
    fn the_argument_splitter_respects_nesting() {
        assert_eq!(arguments(r#"plan, store, r, id, "due_amount", money(x, y))"#)[4], r#""due_amount""#);
        assert_eq!(arguments(r#"plan, r, [a, b], "f")"#), ["plan", "r", "[a, b]", r#""f""#]);
    }

    #[test]
    fn renaming_a_needed_field_in_the_yaml_is_a_located_load_error() {
        let (registry, _) = super::super::rules();
        let mut sources = harvest_spec::harvest_sources();
        for s in &mut sources {
            s.text = s.text.replace("due_amount", "due");
        }
        // Renamed everywhere, the spec is consistent on its own: only the behaviours' needs catch it.
        if let Err(d) = harvest_spec::load_sources(&sources) {
            panic!("the renamed spec should load without a catalog:\n{d}");
        }
        let Err(diags) = harvest_spec::load_sources_with(&sources, &registry.catalog()) else {
            panic!("the spec loaded without due_amount");
        };
        insta::assert_snapshot!(diags.to_string());
    }

    #[test]
    fn a_needed_remaining_field_that_is_not_computed_is_a_located_load_error() {
        let (registry, _) = super::super::rules();
        let mut sources = harvest_spec::harvest_sources();
        for s in &mut sources {
            s.text = s.text.replace(" compute: {remaining: [amount, invoice_payment.amount]},", "");
        }
        let Err(diags) = harvest_spec::load_sources_with(&sources, &registry.catalog()) else {
            panic!("the spec loaded with a due_amount nothing computes");
        };
        insta::assert_snapshot!(diags.to_string());
    }

    #[test]
    fn the_embedded_spec_meets_every_behaviour() {
        let (registry, _) = super::super::rules();
        if let Err(d) = harvest_spec::harvest_with(&registry.catalog()) {
            panic!("{d}");
        }
    }
}
