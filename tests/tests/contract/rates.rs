//! Contracts of users' billable and cost rate histories (the same rules for both).

use chrono::Duration;
use futures_util::TryStreamExt;
use harvest_client::models::*;
use harvest_tests::Env;

use super::support::{Contract, Error, Outcome, dec, gone, ids};

/// This group's contracts.
pub fn contracts() -> Vec<Contract> {
    contracts![
        "listBillableRatesForSpecificUser" => list_billable,
        "createBillableRate" => create_billable,
        "retrieveBillableRate" => retrieve_billable,
        "listCostRatesForSpecificUser" => list_cost,
        "createCostRate" => create_cost,
        "retrieveCostRate" => retrieve_cost,
    ]
}

/// The three contracts of one rate kind: `$group` is the client group, `$body` its create body, `$ty` its record.
macro_rules! rate_contracts {
    ($list:ident, $create:ident, $retrieve:ident, $with_rates:ident, $group:ident, $body:ident, $ty:ident) => {
        /// A user with at least one rate of this kind, and those rates.
        async fn $with_rates(env: &Env) -> Result<(i64, Vec<$ty>), Error> {
            let users: Vec<User> = env.client.users().list().stream().try_collect().await?;
            for u in users {
                let rates: Vec<$ty> = env.client.$group().list(u.id).stream().try_collect().await?;
                if !rates.is_empty() {
                    return Ok((u.id, rates));
                }
            }
            Err("no user has rates".into())
        }

        async fn $list(env: &Env) -> Outcome {
            let (user, rates) = $with_rates(env).await?;
            history_is_closed(&rates)?;
            for r in &rates {
                ensure_eq!(&env.client.$group().get(user, r.id()).send().await?, r, "a listed rate read back");
            }
            let page = env.client.$group().list(user).per_page(1).send().await?;
            ensure_eq!(page.total_entries, Some(rates.len() as u64), "total_entries");
            Ok(())
        }

        async fn $create(env: &Env) -> Outcome {
            let (user, _) = $with_rates(env).await?;
            // Yesterday on the mock's clock: a start date after its today is refused.
            let start = env.server.now(1).date_naive() - Duration::days(1);
            let created = env.client.$group().create(user, $body::new(dec(12345, 2)).start_date(start)).send().await?;
            ensure_eq!((created.amount, created.start_date, created.end_date), (dec(12345, 2), Some(start), None));
            let rates: Vec<$ty> = env.client.$group().list(user).stream().try_collect().await?;
            history_is_closed(&rates)?;
            ensure_eq!(rates.last().map(RateLike::id), Some(created.id), "the newest start date is listed last");
            if rates.len() > 1 {
                let before = &rates[rates.len() - 2];
                ensure_eq!(before.end(), Some(start - Duration::days(1)), "the previous rate ends the day before");
            }
            Ok(())
        }

        async fn $retrieve(env: &Env) -> Outcome {
            let (user, rates) = $with_rates(env).await?;
            let rate = rates.first().ok_or("no rate")?;
            ensure_eq!(&env.client.$group().get(user, rate.id()).send().await?, rate, "get equals the listed rate");
            let users: Vec<User> = env.client.users().list().stream().try_collect().await?;
            let other = ids(&users).into_iter().find(|id| *id != user).ok_or("one user only")?;
            gone(env.client.$group().get(other, rate.id()).send().await, "a rate under another user")
        }
    };
}

/// What the checks read from both rate kinds.
trait RateLike {
    fn id(&self) -> i64;
    fn start(&self) -> Option<chrono::NaiveDate>;
    fn end(&self) -> Option<chrono::NaiveDate>;
}

impl RateLike for BillableRate {
    fn id(&self) -> i64 {
        self.id
    }
    fn start(&self) -> Option<chrono::NaiveDate> {
        self.start_date
    }
    fn end(&self) -> Option<chrono::NaiveDate> {
        self.end_date
    }
}

impl RateLike for CostRate {
    fn id(&self) -> i64 {
        self.id
    }
    fn start(&self) -> Option<chrono::NaiveDate> {
        self.start_date
    }
    fn end(&self) -> Option<chrono::NaiveDate> {
        self.end_date
    }
}

/// Oldest start date first; each rate ends the day before the next starts; the last is open.
fn history_is_closed<R: RateLike>(rates: &[R]) -> Outcome {
    for w in rates.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        ensure!(a.start() <= b.start(), "rate {} starts after rate {}", a.id(), b.id());
        if let Some(next) = b.start() {
            ensure_eq!(a.end(), Some(next - Duration::days(1)), "rate {} ends the day before {}", a.id(), b.id());
        }
    }
    ensure_eq!(rates.last().and_then(RateLike::end), None, "the current rate has no end date");
    Ok(())
}

rate_contracts!(
    list_billable,
    create_billable,
    retrieve_billable,
    billable_history,
    billable_rates,
    CreateBillableRateBody,
    BillableRate
);
rate_contracts!(list_cost, create_cost, retrieve_cost, cost_history, cost_rates, CreateCostRateBody, CostRate);
