//! The lists walked, each with every filter the spec declares for it: how the filter is
//! sent (client builder, query pairs), how a decoded record passes it, the documented
//! order, and filter values drawn from the data.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt::Debug;

use harvest_client::Client;
use harvest_client::models::{
    ApprovalStatus, Client as ClientRecord, Contact, Expense, Invoice, InvoiceState, Project, TimeEntry,
};
use harvest_client::runtime::{Date, DateTime, ItemStream, PageStream, QueryValue};
use proptest::prelude::*;

use super::walk::{Listing, Style};

/// An id no record has: filters on it select nothing.
const NO_SUCH_ID: i64 = 987_654_321_000;

/// `None` (filter not sent) most of the time, else one of `values`.
fn maybe<T: Clone + Debug + 'static>(values: Vec<T>) -> BoxedStrategy<Option<T>> {
    if values.is_empty() {
        return Just(None).boxed();
    }
    proptest::option::weighted(0.2, proptest::sample::select(values)).boxed()
}

fn distinct<T: Ord>(values: impl Iterator<Item = T>) -> Vec<T> {
    values.collect::<BTreeSet<T>>().into_iter().collect()
}

/// The ids present, plus one that matches nothing.
fn ref_ids(values: impl Iterator<Item = i64>) -> BoxedStrategy<Option<i64>> {
    let mut ids = distinct(values);
    ids.push(NO_SUCH_ID);
    maybe(ids)
}

fn booleans() -> BoxedStrategy<Option<bool>> {
    maybe(vec![true, false])
}

fn approval_statuses() -> BoxedStrategy<Option<ApprovalStatus>> {
    maybe(vec![ApprovalStatus::Unsubmitted, ApprovalStatus::Submitted, ApprovalStatus::Approved])
}

fn newest_first(a: i64, b: i64) -> Ordering {
    b.cmp(&a)
}

/// Whether an optional filter passes.
fn passes<T>(filter: &Option<T>, check: impl FnOnce(&T) -> bool) -> bool {
    filter.as_ref().is_none_or(check)
}

/// `pages`, `stream` and `query` of a listing from the names of its filters (each the
/// query parameter, the builder setter and the field of the filter struct).
macro_rules! sent_as {
    ($group:ident, [$($f:ident),*]) => {
        fn pages<'a>(&self, c: &'a Client, per_page: u32) -> PageStream<'a, Self::Rec> {
            let mut request = c.$group().list().per_page(per_page);
            $(if let Some(v) = self.$f.clone() { request = request.$f(v); })*
            request.pages()
        }
        fn stream<'a>(&self, c: &'a Client, per_page: u32) -> ItemStream<'a, Self::Rec> {
            let mut request = c.$group().list().per_page(per_page);
            $(if let Some(v) = self.$f.clone() { request = request.$f(v); })*
            request.stream()
        }
        fn query(&self) -> Vec<(&'static str, String)> {
            let mut query = Vec::new();
            $(if let Some(v) = &self.$f { query.push((stringify!($f), QueryValue::to_query(v))); })*
            query
        }
    };
}

/// Filters of `GET /time_entries` (page style, latest spent date first).
#[derive(Debug, Clone, Default)]
pub struct TimeEntries {
    user_id: Option<i64>,
    client_id: Option<i64>,
    project_id: Option<i64>,
    task_id: Option<i64>,
    external_reference_id: Option<String>,
    is_billed: Option<bool>,
    is_running: Option<bool>,
    approval_status: Option<ApprovalStatus>,
    updated_since: Option<DateTime>,
    from: Option<Date>,
    to: Option<Date>,
}

impl Listing for TimeEntries {
    type Rec = TimeEntry;
    const PATH: &'static str = "/time_entries";
    const ENVELOPE: &'static str = "time_entries";
    const RESOURCE: &'static str = "time_entry";
    const STYLE: Style = Style::Page;

    fn matches(&self, r: &TimeEntry) -> bool {
        passes(&self.user_id, |v| r.user.id == *v)
            && passes(&self.client_id, |v| r.client.id == *v)
            && passes(&self.project_id, |v| r.project.id == *v)
            && passes(&self.task_id, |v| r.task.id == *v)
            && passes(&self.external_reference_id, |v| r.external_reference.as_ref().is_some_and(|x| &x.id == v))
            && passes(&self.is_billed, |v| r.is_billed == *v)
            && passes(&self.is_running, |v| r.is_running == *v)
            && passes(&self.approval_status, |v| r.approval_status.as_ref() == Some(v))
            && passes(&self.updated_since, |v| r.updated_at >= *v)
            && passes(&self.from, |v| r.spent_date >= *v)
            && passes(&self.to, |v| r.spent_date <= *v)
    }

    fn order(a: &TimeEntry, b: &TimeEntry) -> Ordering {
        b.spent_date.cmp(&a.spent_date).then(newest_first(a.id, b.id))
    }

    fn strategy(all: &[TimeEntry]) -> BoxedStrategy<Self> {
        let dates = distinct(all.iter().map(|r| r.spent_date));
        (
            (
                ref_ids(all.iter().map(|r| r.user.id)),
                ref_ids(all.iter().map(|r| r.client.id)),
                ref_ids(all.iter().map(|r| r.project.id)),
                ref_ids(all.iter().map(|r| r.task.id)),
                maybe(distinct(all.iter().filter_map(|r| r.external_reference.as_ref().map(|x| x.id.clone())))),
            ),
            (booleans(), booleans(), approval_statuses()),
            (maybe(distinct(all.iter().map(|r| r.updated_at))), maybe(dates.clone()), maybe(dates)),
        )
            .prop_map(
                |(
                    (user_id, client_id, project_id, task_id, external_reference_id),
                    (is_billed, is_running, approval_status),
                    (updated_since, from, to),
                )| TimeEntries {
                    user_id,
                    client_id,
                    project_id,
                    task_id,
                    external_reference_id,
                    is_billed,
                    is_running,
                    approval_status,
                    updated_since,
                    from,
                    to,
                },
            )
            .boxed()
    }

    sent_as!(
        time_entries,
        [
            user_id,
            client_id,
            project_id,
            task_id,
            external_reference_id,
            is_billed,
            is_running,
            approval_status,
            updated_since,
            from,
            to
        ]
    );
}

/// Filters of `GET /expenses` (page style, latest spent date first).
#[derive(Debug, Clone, Default)]
pub struct Expenses {
    user_id: Option<i64>,
    client_id: Option<i64>,
    project_id: Option<i64>,
    is_billed: Option<bool>,
    approval_status: Option<ApprovalStatus>,
    updated_since: Option<DateTime>,
    from: Option<Date>,
    to: Option<Date>,
}

impl Listing for Expenses {
    type Rec = Expense;
    const PATH: &'static str = "/expenses";
    const ENVELOPE: &'static str = "expenses";
    const RESOURCE: &'static str = "expense";
    const STYLE: Style = Style::Page;

    fn matches(&self, r: &Expense) -> bool {
        passes(&self.user_id, |v| r.user.id == *v)
            && passes(&self.client_id, |v| r.client.id == *v)
            && passes(&self.project_id, |v| r.project.id == *v)
            && passes(&self.is_billed, |v| r.is_billed == *v)
            && passes(&self.approval_status, |v| r.approval_status.as_ref() == Some(v))
            && passes(&self.updated_since, |v| r.updated_at >= *v)
            && passes(&self.from, |v| r.spent_date >= *v)
            && passes(&self.to, |v| r.spent_date <= *v)
    }

    fn order(a: &Expense, b: &Expense) -> Ordering {
        b.spent_date.cmp(&a.spent_date).then(newest_first(a.id, b.id))
    }

    fn strategy(all: &[Expense]) -> BoxedStrategy<Self> {
        let dates = distinct(all.iter().map(|r| r.spent_date));
        (
            ref_ids(all.iter().map(|r| r.user.id)),
            ref_ids(all.iter().map(|r| r.client.id)),
            ref_ids(all.iter().map(|r| r.project.id)),
            booleans(),
            approval_statuses(),
            maybe(distinct(all.iter().map(|r| r.updated_at))),
            maybe(dates.clone()),
            maybe(dates),
        )
            .prop_map(|(user_id, client_id, project_id, is_billed, approval_status, updated_since, from, to)| {
                Expenses { user_id, client_id, project_id, is_billed, approval_status, updated_since, from, to }
            })
            .boxed()
    }

    sent_as!(expenses, [user_id, client_id, project_id, is_billed, approval_status, updated_since, from, to]);
}

/// Filters of `GET /invoices` (page style, latest issue date first).
#[derive(Debug, Clone, Default)]
pub struct Invoices {
    client_id: Option<i64>,
    project_id: Option<i64>,
    updated_since: Option<DateTime>,
    from: Option<Date>,
    to: Option<Date>,
    state: Option<InvoiceState>,
}

impl Listing for Invoices {
    type Rec = Invoice;
    const PATH: &'static str = "/invoices";
    const ENVELOPE: &'static str = "invoices";
    const RESOURCE: &'static str = "invoice";
    const STYLE: Style = Style::Page;

    fn matches(&self, r: &Invoice) -> bool {
        passes(&self.client_id, |v| r.client.id == *v)
            && passes(&self.project_id, |v| r.line_items.iter().any(|l| l.project.as_ref().is_some_and(|p| p.id == *v)))
            && passes(&self.updated_since, |v| r.updated_at >= *v)
            && passes(&self.from, |v| r.issue_date >= *v)
            && passes(&self.to, |v| r.issue_date <= *v)
            && passes(&self.state, |v| r.state == *v)
    }

    fn order(a: &Invoice, b: &Invoice) -> Ordering {
        b.issue_date.cmp(&a.issue_date).then(newest_first(a.id, b.id))
    }

    fn strategy(all: &[Invoice]) -> BoxedStrategy<Self> {
        let dates = distinct(all.iter().map(|r| r.issue_date));
        let states = vec![InvoiceState::Draft, InvoiceState::Open, InvoiceState::Paid, InvoiceState::Closed];
        (
            ref_ids(all.iter().map(|r| r.client.id)),
            ref_ids(all.iter().flat_map(|r| r.line_items.iter().filter_map(|l| l.project.as_ref().map(|p| p.id)))),
            maybe(distinct(all.iter().map(|r| r.updated_at))),
            maybe(dates.clone()),
            maybe(dates),
            maybe(states),
        )
            .prop_map(|(client_id, project_id, updated_since, from, to, state)| Invoices {
                client_id,
                project_id,
                updated_since,
                from,
                to,
                state,
            })
            .boxed()
    }

    sent_as!(invoices, [client_id, project_id, updated_since, from, to, state]);
}

/// Filters of `GET /projects` (cursor style, newest first).
#[derive(Debug, Clone, Default)]
pub struct Projects {
    is_active: Option<bool>,
    client_id: Option<i64>,
    updated_since: Option<DateTime>,
}

impl Listing for Projects {
    type Rec = Project;
    const PATH: &'static str = "/projects";
    const ENVELOPE: &'static str = "projects";
    const RESOURCE: &'static str = "project";
    const STYLE: Style = Style::Cursor;

    fn matches(&self, r: &Project) -> bool {
        passes(&self.is_active, |v| r.is_active == *v)
            && passes(&self.client_id, |v| r.client.id == *v)
            && passes(&self.updated_since, |v| r.updated_at >= *v)
    }

    fn order(a: &Project, b: &Project) -> Ordering {
        newest_first(a.id, b.id)
    }

    fn strategy(all: &[Project]) -> BoxedStrategy<Self> {
        (booleans(), ref_ids(all.iter().map(|r| r.client.id)), maybe(distinct(all.iter().map(|r| r.updated_at))))
            .prop_map(|(is_active, client_id, updated_since)| Projects { is_active, client_id, updated_since })
            .boxed()
    }

    sent_as!(projects, [is_active, client_id, updated_since]);
}

/// Filters of `GET /contacts` (cursor style, newest first).
#[derive(Debug, Clone, Default)]
pub struct Contacts {
    client_id: Option<i64>,
    updated_since: Option<DateTime>,
}

impl Listing for Contacts {
    type Rec = Contact;
    const PATH: &'static str = "/contacts";
    const ENVELOPE: &'static str = "contacts";
    const RESOURCE: &'static str = "contact";
    const STYLE: Style = Style::Cursor;

    fn matches(&self, r: &Contact) -> bool {
        passes(&self.client_id, |v| r.client.id == *v) && passes(&self.updated_since, |v| r.updated_at >= *v)
    }

    fn order(a: &Contact, b: &Contact) -> Ordering {
        newest_first(a.id, b.id)
    }

    fn strategy(all: &[Contact]) -> BoxedStrategy<Self> {
        (ref_ids(all.iter().map(|r| r.client.id)), maybe(distinct(all.iter().map(|r| r.updated_at))))
            .prop_map(|(client_id, updated_since)| Contacts { client_id, updated_since })
            .boxed()
    }

    sent_as!(contacts, [client_id, updated_since]);
}

/// Filters of `GET /clients` (cursor style, newest first).
#[derive(Debug, Clone, Default)]
pub struct Clients {
    is_active: Option<bool>,
    updated_since: Option<DateTime>,
}

impl Listing for Clients {
    type Rec = ClientRecord;
    const PATH: &'static str = "/clients";
    const ENVELOPE: &'static str = "clients";
    const RESOURCE: &'static str = "client";
    const STYLE: Style = Style::Cursor;

    fn matches(&self, r: &ClientRecord) -> bool {
        passes(&self.is_active, |v| r.is_active == *v) && passes(&self.updated_since, |v| r.updated_at >= *v)
    }

    fn order(a: &ClientRecord, b: &ClientRecord) -> Ordering {
        newest_first(a.id, b.id)
    }

    fn strategy(all: &[ClientRecord]) -> BoxedStrategy<Self> {
        (booleans(), maybe(distinct(all.iter().map(|r| r.updated_at))))
            .prop_map(|(is_active, updated_since)| Clients { is_active, updated_since })
            .boxed()
    }

    sent_as!(clients, [is_active, updated_since]);
}
