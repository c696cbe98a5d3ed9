//! Contracts of invoices, their messages (state changes) and payments.

use futures_util::TryStreamExt;
use harvest_client::models::*;
use harvest_tests::Env;

use super::support::{Contract, Error, Outcome, dec, envelope_agrees, first, gone, ids};

/// This group's contracts.
pub fn contracts() -> Vec<Contract> {
    contracts![
        "listInvoices" => list_invoices,
        "createInvoice" => create_invoice,
        "retrieveInvoice" => retrieve_invoice,
        "updateInvoice" => update_invoice,
        "deleteInvoice" => delete_invoice,
        "listMessagesForInvoice" => list_messages,
        "createInvoiceMessage" => create_message,
        "retrieveInvoiceMessageSubjectAndBodyForSpecificInvoice" => message_template,
        "deleteInvoiceMessage" => delete_message,
        "listPaymentsForInvoice" => list_payments,
        "createInvoicePayment" => create_payment,
        "deleteInvoicePayment" => delete_payment,
    ]
}

fn line(kind: &str, quantity: i64, unit_price: i64) -> InvoiceLineItemInput {
    InvoiceLineItemInput::new().kind(kind).quantity(dec(quantity, 0)).unit_price(dec(unit_price, 0))
}

/// A new draft invoice of one line for `amount`.
async fn draft(env: &Env, amount: i64) -> Result<Invoice, Error> {
    let client = first(env.client.clients().list().per_page(1).send().await?, "client")?.id;
    let body = CreateInvoiceBody::new(client).line_items(vec![line("Service", 1, amount)]);
    Ok(env.client.invoices().create(body).send().await?)
}

/// A new open (sent) invoice of one line for `amount`.
async fn open(env: &Env, amount: i64) -> Result<Invoice, Error> {
    let invoice = draft(env, amount).await?;
    let send = CreateInvoiceMessageBody::new().event_type(InvoiceMessageEvent::Send);
    env.client.invoice_messages().create(invoice.id, send).send().await?;
    Ok(env.client.invoices().get(invoice.id).send().await?)
}

async fn list_invoices(env: &Env) -> Outcome {
    let all: Vec<Invoice> = env.client.invoices().list().per_page(25).stream().try_collect().await?;
    envelope_agrees(&env.client.invoices().list().per_page(25).send().await?, all.len(), "invoices")?;
    let order = all.windows(2).find(|w| (w[0].issue_date, w[0].id) <= (w[1].issue_date, w[1].id));
    ensure!(order.is_none(), "not latest issue date first: {:?}", order.map(|w| (w[0].id, w[1].id)));
    let drafts: Vec<Invoice> = env.client.invoices().list().state(InvoiceState::Draft).stream().try_collect().await?;
    let expected: Vec<i64> = all.iter().filter(|i| i.state == InvoiceState::Draft).map(|i| i.id).collect();
    ensure_eq!(ids(&drafts), expected, "state=draft");
    let client = all.first().ok_or("no invoices")?.client.id;
    let theirs: Vec<Invoice> = env.client.invoices().list().client_id(client).stream().try_collect().await?;
    let expected: Vec<i64> = all.iter().filter(|i| i.client.id == client).map(|i| i.id).collect();
    ensure_eq!(ids(&theirs), expected, "client_id");
    Ok(())
}

async fn create_invoice(env: &Env) -> Outcome {
    let client = first(env.client.clients().list().per_page(1).send().await?, "client")?;
    let lines = vec![line("Service", 2, 100).taxed(true), line("Product", 1, 50)];
    let body = CreateInvoiceBody::new(client.id).tax(dec(10, 0)).subject("March").line_items(lines);
    let created = env.client.invoices().create(body).send().await?;
    ensure_eq!(
        (created.client.id, created.currency.as_str()),
        (client.id, client.currency.as_str()),
        "client's currency"
    );
    ensure_eq!(created.line_items.iter().map(|l| l.amount).collect::<Vec<_>>(), vec![dec(200, 0), dec(50, 0)]);
    ensure_eq!((created.tax_amount, created.amount), (dec(20, 0), dec(270, 0)), "10% tax on the taxed 200");
    ensure_eq!((created.due_amount, created.state.clone()), (dec(270, 0), InvoiceState::Draft));
    ensure_eq!(created.subject.as_deref(), Some("March"));
    ensure!(!created.number.is_empty(), "no number was assigned");
    ensure_eq!(env.client.invoices().get(created.id).send().await?, created, "read back");
    Ok(())
}

async fn retrieve_invoice(env: &Env) -> Outcome {
    let listed = first(env.client.invoices().list().per_page(2).send().await?, "invoice")?;
    ensure_eq!(env.client.invoices().get(listed.id).send().await?, listed, "get equals the listed record");
    Ok(())
}

async fn update_invoice(env: &Env) -> Outcome {
    let client = first(env.client.clients().list().per_page(1).send().await?, "client")?.id;
    let body = CreateInvoiceBody::new(client).line_items(vec![line("Service", 1, 100), line("Product", 2, 30)]);
    let created = env.client.invoices().create(body).send().await?;
    let dropped = created.line_items.first().ok_or("no line items")?.id;
    let kept = created.line_items.get(1).ok_or("one line item")?.id;
    let lines = vec![InvoiceLineItemInput::new().id(dropped).destroy(true), line("Service", 3, 10)];
    let body = UpdateInvoiceBody::new().subject("Revised").line_items(lines);
    let updated = env.client.invoices().update(created.id, body).send().await?;
    ensure_eq!(updated.subject.as_deref(), Some("Revised"));
    let left: Vec<(bool, rust_decimal::Decimal)> =
        updated.line_items.iter().map(|l| (l.id == kept, l.amount)).collect();
    ensure_eq!(left, vec![(true, dec(60, 0)), (false, dec(30, 0))], "one line removed, one kept, one added");
    ensure_eq!((updated.amount, updated.due_amount), (dec(90, 0), dec(90, 0)), "totals follow the lines");
    ensure_eq!(env.client.invoices().get(created.id).send().await?, updated, "stored");
    Ok(())
}

async fn delete_invoice(env: &Env) -> Outcome {
    let invoice = open(env, 120).await?;
    env.client.invoice_payments().create(invoice.id, CreateInvoicePaymentBody::new(dec(20, 0))).send().await?;
    env.client.invoices().delete(invoice.id).send().await?;
    gone(env.client.invoices().get(invoice.id).send().await, "deleted invoice")?;
    gone(env.client.invoice_payments().list(invoice.id).send().await, "payments of a deleted invoice")
}

async fn list_messages(env: &Env) -> Outcome {
    let invoice = draft(env, 75).await?;
    let other = draft(env, 25).await?;
    let c = env.client.invoice_messages();
    let sent =
        c.create(invoice.id, CreateInvoiceMessageBody::new().event_type(InvoiceMessageEvent::Send)).send().await?;
    let closed =
        c.create(invoice.id, CreateInvoiceMessageBody::new().event_type(InvoiceMessageEvent::Close)).send().await?;
    c.create(other.id, CreateInvoiceMessageBody::new().event_type(InvoiceMessageEvent::Send)).send().await?;
    let listed: Vec<InvoiceMessage> = c.list(invoice.id).per_page(1).stream().try_collect().await?;
    ensure_eq!(ids(&listed), vec![closed.id, sent.id], "this invoice's messages, newest first");
    ensure_eq!(listed.first().and_then(|m| m.event_type.clone()), Some(InvoiceMessageEvent::Close));
    Ok(())
}

async fn create_message(env: &Env) -> Outcome {
    let invoice = draft(env, 300).await?;
    let to = MessageRecipientInput::new().name("Pat Payer").email("pat@client.test");
    let body = CreateInvoiceMessageBody::new().recipients(vec![to]).subject("Your invoice").attach_pdf(true);
    let message = env.client.invoice_messages().create(invoice.id, body).send().await?;
    let recipients: Vec<(Option<&str>, &str)> =
        message.recipients.iter().map(|r| (r.name.as_deref(), r.email.as_str())).collect();
    ensure_eq!(recipients, vec![(Some("Pat Payer"), "pat@client.test")]);
    ensure_eq!(
        (message.subject.as_deref(), message.attach_pdf, message.event_type.clone()),
        (Some("Your invoice"), true, None)
    );
    let sent = env.client.invoices().get(invoice.id).send().await?;
    ensure_eq!(sent.state, InvoiceState::Open, "e-mailing a draft opens it");
    ensure!(sent.sent_at.is_some(), "sent_at is not set");
    let close = CreateInvoiceMessageBody::new().event_type(InvoiceMessageEvent::Close);
    let event = env.client.invoice_messages().create(invoice.id, close).send().await?;
    ensure_eq!((event.event_type, event.subject), (Some(InvoiceMessageEvent::Close), None), "a state-change message");
    let closed = env.client.invoices().get(invoice.id).send().await?;
    ensure_eq!(closed.state, InvoiceState::Closed);
    ensure!(closed.closed_at.is_some(), "closed_at is not set");
    Ok(())
}

async fn message_template(env: &Env) -> Outcome {
    let invoice = first(env.client.invoices().list().per_page(1).send().await?, "invoice")?;
    let plain = env.client.invoice_messages().template(invoice.id).send().await?;
    ensure_eq!((plain.invoice_id, plain.thank_you, plain.reminder), (invoice.id, false, false));
    ensure!(plain.subject.contains(&invoice.number), "{:?} does not name invoice {}", plain.subject, invoice.number);
    ensure!(plain.body.contains(&invoice.number), "the body does not name the invoice");
    let thanks = env.client.invoice_messages().template(invoice.id).thank_you(true).send().await?;
    ensure_eq!((thanks.invoice_id, thanks.thank_you), (invoice.id, true));
    ensure!(thanks.subject != plain.subject, "the thank-you wording is the plain one");
    Ok(())
}

async fn delete_message(env: &Env) -> Outcome {
    let invoice = draft(env, 40).await?;
    let to = MessageRecipientInput::new().email("ap@client.test");
    let message = env
        .client
        .invoice_messages()
        .create(invoice.id, CreateInvoiceMessageBody::new().recipients(vec![to]))
        .send()
        .await?;
    env.client.invoice_messages().delete(invoice.id, message.id).send().await?;
    let left: Vec<InvoiceMessage> = env.client.invoice_messages().list(invoice.id).stream().try_collect().await?;
    ensure!(!ids(&left).contains(&message.id), "the deleted message is still listed");
    Ok(())
}

async fn list_payments(env: &Env) -> Outcome {
    let invoice = open(env, 90).await?;
    let c = env.client.invoice_payments();
    let a = c.create(invoice.id, CreateInvoicePaymentBody::new(dec(40, 0))).send().await?;
    let b = c.create(invoice.id, CreateInvoicePaymentBody::new(dec(10, 0))).send().await?;
    let listed: Vec<InvoicePayment> = c.list(invoice.id).per_page(1).stream().try_collect().await?;
    ensure_eq!(ids(&listed), vec![b.id, a.id], "this invoice's payments, newest first");
    ensure_eq!(listed.iter().map(|p| p.amount).collect::<Vec<_>>(), vec![dec(10, 0), dec(40, 0)]);
    envelope_agrees(&c.list(invoice.id).per_page(1).send().await?, 2, "payments")
}

async fn create_payment(env: &Env) -> Outcome {
    let invoice = open(env, 300).await?;
    ensure_eq!(invoice.state, InvoiceState::Open);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).ok_or("date")?;
    let body = CreateInvoicePaymentBody::new(dec(100, 0)).paid_date(day).notes("Wire");
    let paid = env.client.invoice_payments().create(invoice.id, body).send().await?;
    ensure_eq!((paid.amount, paid.paid_date, paid.notes.as_deref()), (dec(100, 0), day, Some("Wire")));
    ensure_eq!(env.client.invoices().get(invoice.id).send().await?.due_amount, dec(200, 0), "due after a part payment");
    env.client.invoice_payments().create(invoice.id, CreateInvoicePaymentBody::new(dec(200, 0))).send().await?;
    let settled = env.client.invoices().get(invoice.id).send().await?;
    ensure_eq!((settled.due_amount, settled.state), (dec(0, 0), InvoiceState::Paid), "settled");
    Ok(())
}

async fn delete_payment(env: &Env) -> Outcome {
    let invoice = open(env, 80).await?;
    let paid =
        env.client.invoice_payments().create(invoice.id, CreateInvoicePaymentBody::new(dec(80, 0))).send().await?;
    ensure_eq!(env.client.invoices().get(invoice.id).send().await?.state, InvoiceState::Paid);
    env.client.invoice_payments().delete(invoice.id, paid.id).send().await?;
    let after = env.client.invoices().get(invoice.id).send().await?;
    ensure_eq!((after.due_amount, after.state), (dec(80, 0), InvoiceState::Open), "the payment is undone");
    let left = env.client.invoice_payments().list(invoice.id).send().await?;
    ensure_eq!(left.total_entries, Some(0), "payments left");
    Ok(())
}
