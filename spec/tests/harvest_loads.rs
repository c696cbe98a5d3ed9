//! The embedded Harvest spec loads without a single diagnostic, with the rules it declares.

use harvest_spec::catalog::{Catalog, Kind, Need};
use harvest_spec::ir::{Compute, FieldRole, Minimum, Resource, Spec};

#[test]
fn embedded_harvest_spec_is_valid() {
    let spec = harvest_spec::harvest().unwrap_or_else(|d| panic!("{d}"));
    assert!(!spec.operations.is_empty());
}

fn resource<'s>(spec: &'s Spec, name: &str) -> &'s Resource {
    spec.resource_named(name).map(|id| spec.resource(id)).unwrap_or_else(|| panic!("no resource `{name}`"))
}

#[test]
fn every_stored_timestamp_has_its_role() {
    let spec = harvest_spec::harvest().unwrap_or_else(|d| panic!("{d}"));
    for res in &spec.resources {
        for (name, role) in [("created_at", FieldRole::CreatedAt), ("updated_at", FieldRole::UpdatedAt)] {
            let declared = res.fields.iter().position(|f| f.name == name);
            assert_eq!(res.field_with_role(role), declared, "{}.{name}", res.name);
        }
    }
    let users = resource(&spec, "user");
    assert!(users.field_with_role(FieldRole::CreatedAt).is_some());
}

#[test]
fn a_payment_amount_must_be_greater_than_zero() {
    let spec = harvest_spec::harvest().unwrap_or_else(|d| panic!("{d}"));
    let amount = resource(&spec, "invoice_payment").field("amount").map(|f| f.minimum);
    assert_eq!(amount, Some(Some(Minimum { value: 0.0, exclusive: true })));
    let bounded: Vec<_> = spec.resources.iter().flat_map(|r| &r.fields).filter(|f| f.minimum.is_some()).collect();
    assert_eq!(bounded.len(), 1, "only the payment's amount declares a bound");
}

#[test]
fn a_message_needs_recipients_unless_it_is_an_event() {
    let spec = harvest_spec::harvest().unwrap_or_else(|d| panic!("{d}"));
    for name in ["invoice_message", "estimate_message"] {
        let recipients = resource(&spec, name).field("recipients").and_then(|f| f.required_unless.clone());
        assert_eq!(recipients.as_deref(), Some("event_type"), "{name}");
    }
}

#[test]
fn the_current_user_is_declared_and_selected_by_users_me() {
    let spec = harvest_spec::harvest().unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(spec.api.current_user, spec.resource_named("user"));
    let me = spec.operation_named("retrieveTheCurrentlyAuthenticatedUser").map(|id| spec.operation(id));
    let me = me.unwrap_or_else(|| panic!("no GET /users/me"));
    assert!(me.selects_current_user);
    assert_eq!(me.behavior, None, "the current user is a spec construct, not a behaviour");
    assert_eq!(spec.operations.iter().filter(|op| op.selects_current_user).count(), 1);
}

#[test]
fn invoice_and_estimate_state_machines_follow_the_mock_rules() {
    let spec = harvest_spec::harvest().unwrap_or_else(|d| panic!("{d}"));
    let invoice = resource(&spec, "invoice");
    let machine = invoice.states.as_ref().unwrap_or_else(|| panic!("invoices have states"));
    assert_eq!(invoice.fields[machine.field].name, "state");
    let to = |event: &str, state: &str| machine.next(event, state).map(|t| t.to.as_deref());
    let names = |ixs: &[usize]| ixs.iter().map(|i| invoice.fields[*i].name.as_str()).collect::<Vec<_>>();
    assert_eq!(to("close", "open"), Some(Some("closed")));
    assert_eq!(to("re-open", "draft"), None);
    assert_eq!(to("send", "draft"), Some(Some("open")));
    assert_eq!(to("send", "paid"), Some(None));
    assert_eq!(to("draft", "closed"), None);
    let send = machine.next("send", "draft").map(|t| names(&t.stamp));
    assert_eq!(send, Some(vec!["sent_at"]));
    assert_eq!(machine.next("send", "open").map(|t| t.stamp.len()), Some(0), "no sent_at unless from draft");
    assert_eq!(machine.next("draft", "open").map(|t| names(&t.clear)), Some(vec!["sent_at"]));
    assert_eq!(machine.next("re-open", "closed").map(|t| names(&t.clear)), Some(vec!["closed_at"]));

    let estimate = resource(&spec, "estimate");
    let machine = estimate.states.as_ref().unwrap_or_else(|| panic!("estimates have states"));
    let to = |event: &str, state: &str| machine.next(event, state).map(|t| t.to.as_deref());
    assert_eq!(to("accept", "sent"), Some(Some("accepted")));
    assert_eq!(to("accept", "declined"), None);
    assert_eq!(to("re-open", "declined"), Some(Some("sent")));
    assert_eq!(to("view", "accepted"), Some(None));
    assert_eq!(to("invoice", "draft"), Some(None));
    assert_eq!(to("send", "accepted"), Some(None));
    let clear = machine.next("re-open", "accepted").map(|t| t.clear.len());
    assert_eq!(clear, Some(2), "re-open clears accepted_at and declined_at");
}

#[test]
fn line_item_amounts_are_computed_and_invoice_deletes_reset_is_billed() {
    let spec = harvest_spec::harvest().unwrap_or_else(|d| panic!("{d}"));
    for name in ["invoice_line_item", "estimate_line_item"] {
        let t = spec.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type `{name}`"));
        let amount = t.fields.iter().find(|f| f.name == "amount").unwrap_or_else(|| panic!("no {name}.amount"));
        let Some(Compute::Product(operands)) = &amount.compute else { panic!("{name}.amount is not computed") };
        assert!(operands.iter().all(|o| o.through.is_none()), "{name}: line items multiply their own fields");
        let operands: Vec<&str> = operands.iter().map(|o| t.fields[o.field].name.as_str()).collect();
        assert_eq!(operands, ["quantity", "unit_price"]);
    }
    let invoice = resource(&spec, "invoice");
    let due = invoice.fields.iter().find(|f| f.name == "due_amount").unwrap_or_else(|| panic!("no due_amount"));
    let Some(Compute::Remaining { from, less }) = &due.compute else { panic!("due_amount is not computed") };
    let payments = spec.resource(less.resource);
    assert_eq!(
        (invoice.fields[*from].name.as_str(), payments.name.as_str(), payments.fields[less.via].name.as_str()),
        ("amount", "invoice_payment", "invoice")
    );
    assert_eq!(payments.fields[less.field].name, "amount");
    for dependant in ["time_entry", "expense"] {
        let rule = invoice.delete_rules.iter().find(|r| spec.resource(r.resource).name == dependant);
        let rule = rule.unwrap_or_else(|| panic!("no delete rule for {dependant}"));
        let fields = &spec.resource(rule.resource).fields;
        let also: Vec<_> = rule.also.iter().map(|(i, v)| (fields[*i].name.as_str(), v.clone())).collect();
        assert_eq!(also, [("is_billed", serde_json::Value::Bool(false))], "{dependant}");
    }
    assert!(spec.types.iter().flat_map(|t| &t.fields).filter(|f| f.compute.is_some()).count() == 2);
}

#[test]
fn the_harvest_spec_meets_a_catalog_of_its_behaviours() {
    let plain = harvest_spec::harvest().unwrap_or_else(|d| panic!("{d}"));
    let mut names: Vec<String> = plain.operations.iter().filter_map(|op| op.behavior.clone()).collect();
    names.sort();
    names.dedup();
    let mut catalog = Catalog::default();
    for name in names {
        catalog = catalog.with(name, Vec::new());
    }
    let needs = |name: &str| catalog.behaviors.iter().position(|b| b.name == name).unwrap_or(usize::MAX);
    let (totals, message) = (needs("invoice_totals"), needs("invoice_message"));
    catalog.behaviors[totals].needs = vec![
        Need::own("due_amount", Kind::Decimal),
        Need::own("line_items", Kind::Array),
        Need::own("line_items_import", Kind::Object),
        Need::of_type("invoice_line_item", "unit_price", Kind::Number),
    ];
    catalog.behaviors[message].needs = vec![
        Need::parent("state", Kind::String),
        Need::parent("sent_at", Kind::DateTime),
        Need::own("event_type", Kind::String),
        Need::resource("time_entry", "invoice", Kind::Ref(Some("invoice".into()))),
    ];
    let spec = harvest_spec::harvest_with(&catalog).unwrap_or_else(|d| panic!("{d}"));
    let op = spec.operation_named("createInvoiceMessage").map(|id| spec.operation(id));
    let op = op.unwrap_or_else(|| panic!("no createInvoiceMessage"));
    assert_eq!(op.behavior.as_deref(), Some("invoice_message"));
    assert!(op.behavior_location.as_ref().is_some_and(|l| l.file.ends_with("17_invoices.yaml")));

    catalog.behaviors.retain(|b| b.name != "rate_create");
    let Err(diags) = harvest_spec::harvest_with(&catalog) else { panic!("rate_create is not in the catalog") };
    assert_eq!(diags.len(), 2, "two rate creates: {diags}");
}
