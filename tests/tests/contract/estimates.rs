//! Contracts of estimates and their messages (state changes).

use futures_util::TryStreamExt;
use harvest_client::models::*;
use harvest_tests::Env;

use super::support::{Contract, Error, Outcome, date, dec, envelope_agrees, first, gone, ids};

/// This group's contracts.
pub fn contracts() -> Vec<Contract> {
    contracts![
        "listEstimates" => list_estimates,
        "createEstimate" => create_estimate,
        "retrieveEstimate" => retrieve_estimate,
        "updateEstimate" => update_estimate,
        "deleteEstimate" => delete_estimate,
        "listMessagesForEstimate" => list_messages,
        "createEstimateMessage" => create_message,
        "deleteEstimateMessage" => delete_message,
    ]
}

fn line(kind: &str, quantity: i64, unit_price: i64) -> EstimateLineItemInput {
    EstimateLineItemInput::new().kind(kind).quantity(dec(quantity, 0)).unit_price(dec(unit_price, 0))
}

/// A new draft estimate of one line for `amount`.
async fn draft(env: &Env, amount: i64) -> Result<Estimate, Error> {
    let client = first(env.client.clients().list().per_page(1).send().await?, "client")?.id;
    let body = CreateEstimateBody::new(client).line_items(vec![line("Service", 1, amount)]);
    Ok(env.client.estimates().create(body).send().await?)
}

fn event(e: EstimateMessageEvent) -> CreateEstimateMessageBody {
    CreateEstimateMessageBody::new().event_type(e)
}

async fn list_estimates(env: &Env) -> Outcome {
    let all: Vec<Estimate> = env.client.estimates().list().per_page(8).stream().try_collect().await?;
    envelope_agrees(&env.client.estimates().list().per_page(8).send().await?, all.len(), "estimates")?;
    let sample = all.iter().find(|e| e.issue_date.is_some()).ok_or("no estimate has an issue date")?;
    let (client, day) = (sample.client.id, sample.issue_date);
    let state = sample.state.clone();
    let filtered: Vec<Estimate> =
        env.client.estimates().list().client_id(client).state(state.clone()).stream().try_collect().await?;
    let expected: Vec<i64> = all.iter().filter(|e| e.client.id == client && e.state == state).map(|e| e.id).collect();
    ensure_eq!(ids(&filtered), expected, "client_id and state together");
    let day = day.ok_or("no issue date")?;
    let that_day: Vec<Estimate> = env.client.estimates().list().from(day).to(day).stream().try_collect().await?;
    let expected: Vec<i64> = all.iter().filter(|e| e.issue_date == Some(day)).map(|e| e.id).collect();
    ensure_eq!(ids(&that_day), expected, "from = to = one issue date");
    Ok(())
}

async fn create_estimate(env: &Env) -> Outcome {
    let client = first(env.client.clients().list().per_page(1).send().await?, "client")?;
    let body = CreateEstimateBody::new(client.id)
        .discount(dec(10, 0))
        .issue_date(date(2026, 5, 4)?)
        .subject("Phase 2")
        .line_items(vec![line("Design", 4, 100), line("Build", 2, 50)]);
    let created = env.client.estimates().create(body).send().await?;
    ensure_eq!(
        (created.client.id, created.currency.as_str()),
        (client.id, client.currency.as_str()),
        "client's currency"
    );
    ensure_eq!(created.line_items.iter().map(|l| l.amount).collect::<Vec<_>>(), vec![dec(400, 0), dec(100, 0)]);
    ensure_eq!((created.discount_amount, created.amount), (dec(50, 0), dec(450, 0)), "10% off 500");
    ensure_eq!((created.state.clone(), created.issue_date), (EstimateState::Draft, Some(date(2026, 5, 4)?)));
    ensure_eq!(env.client.estimates().get(created.id).send().await?, created, "read back");
    Ok(())
}

async fn retrieve_estimate(env: &Env) -> Outcome {
    let listed = first(env.client.estimates().list().per_page(2).send().await?, "estimate")?;
    ensure_eq!(env.client.estimates().get(listed.id).send().await?, listed, "get equals the listed record");
    Ok(())
}

async fn update_estimate(env: &Env) -> Outcome {
    let created = draft(env, 100).await?;
    let item = created.line_items.first().ok_or("no line item")?.id;
    let lines = vec![EstimateLineItemInput::new().id(item).quantity(dec(3, 0)), line("Support", 1, 20)];
    let body = UpdateEstimateBody::new().notes("Three units").line_items(lines);
    let updated = env.client.estimates().update(created.id, body).send().await?;
    let got: Vec<_> = updated.line_items.iter().map(|l| (l.quantity, l.amount)).collect();
    ensure_eq!(got, vec![(dec(3, 0), dec(300, 0)), (dec(1, 0), dec(20, 0))], "the line changed and one was added");
    ensure_eq!((updated.amount, updated.notes.as_deref()), (dec(320, 0), Some("Three units")));
    ensure_eq!(env.client.estimates().get(created.id).send().await?, updated, "stored");
    Ok(())
}

async fn delete_estimate(env: &Env) -> Outcome {
    let created = draft(env, 60).await?;
    env.client.estimate_messages().create(created.id, event(EstimateMessageEvent::Send)).send().await?;
    env.client.estimates().delete(created.id).send().await?;
    gone(env.client.estimates().get(created.id).send().await, "deleted estimate")?;
    gone(env.client.estimate_messages().list(created.id).send().await, "messages of a deleted estimate")
}

async fn list_messages(env: &Env) -> Outcome {
    let estimate = draft(env, 70).await?;
    let other = draft(env, 80).await?;
    let c = env.client.estimate_messages();
    let sent = c.create(estimate.id, event(EstimateMessageEvent::Send)).send().await?;
    let accepted = c.create(estimate.id, event(EstimateMessageEvent::Accept)).send().await?;
    c.create(other.id, event(EstimateMessageEvent::Send)).send().await?;
    let listed: Vec<EstimateMessage> = c.list(estimate.id).per_page(1).stream().try_collect().await?;
    ensure_eq!(ids(&listed), vec![accepted.id, sent.id], "this estimate's messages, newest first");
    envelope_agrees(&c.list(estimate.id).per_page(1).send().await?, 2, "estimate messages")
}

async fn create_message(env: &Env) -> Outcome {
    let estimate = draft(env, 500).await?;
    let to = MessageRecipientInput::new().name("Buyer").email("buyer@client.test");
    let body = CreateEstimateMessageBody::new().recipients(vec![to]).subject("Our quote").send_me_a_copy(true);
    let message = env.client.estimate_messages().create(estimate.id, body).send().await?;
    ensure_eq!(message.recipients.iter().map(|r| r.email.as_str()).collect::<Vec<_>>(), vec!["buyer@client.test"]);
    ensure_eq!((message.subject.as_deref(), message.send_me_a_copy), (Some("Our quote"), true));
    let sent = env.client.estimates().get(estimate.id).send().await?;
    ensure_eq!(sent.state, EstimateState::Sent, "e-mailing a draft sends it");
    let accept = env.client.estimate_messages().create(estimate.id, event(EstimateMessageEvent::Accept)).send().await?;
    ensure_eq!(accept.event_type, Some(EstimateMessageEvent::Accept));
    let accepted = env.client.estimates().get(estimate.id).send().await?;
    ensure_eq!(accepted.state, EstimateState::Accepted);
    ensure!(accepted.accepted_at.is_some(), "accepted_at is not set");
    Ok(())
}

async fn delete_message(env: &Env) -> Outcome {
    let estimate = draft(env, 90).await?;
    let message = env.client.estimate_messages().create(estimate.id, event(EstimateMessageEvent::Send)).send().await?;
    env.client.estimate_messages().delete(estimate.id, message.id).send().await?;
    let left = env.client.estimate_messages().list(estimate.id).send().await?;
    ensure!(!ids(&left.items).contains(&message.id), "the deleted message is still listed");
    ensure_eq!(left.total_entries, Some(0), "messages left");
    Ok(())
}
