//! Sending generated bodies through the generated client's typed input bodies and
//! request builders, one resource at a time.

use harvest_client::Client;
use harvest_client::models::{
    CreateClientBody, CreateContactBody, CreateExpenseBody, CreateProjectBody, CreateTaskBody, CreateTimeEntryBody,
    UpdateClientBody, UpdateContactBody, UpdateExpenseBody, UpdateProjectBody, UpdateTaskBody, UpdateTimeEntryBody,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Map, Value};

/// Turns any error into a failed case.
pub fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

/// A resource written through its typed client calls.
pub trait Writable {
    /// Spec name.
    const RESOURCE: &'static str;
    /// Decodes `body` into the typed create body (it must serialise back to `body`),
    /// creates through the client, and checks the typed get equals the create answer.
    /// Returns the new id.
    async fn create(c: &Client, body: &Map<String, Value>) -> Result<i64, TestCaseError>;
    /// The same for an update of `id`.
    async fn update(c: &Client, id: i64, body: &Map<String, Value>) -> Result<(), TestCaseError>;
}

/// The typed body for `body`; it must send exactly `body`.
pub fn typed<T: serde::de::DeserializeOwned + serde::Serialize>(body: &Map<String, Value>) -> Result<T, TestCaseError> {
    let value = Value::Object(body.clone());
    let typed: T = serde_json::from_value(value.clone()).map_err(fail)?;
    let sent = serde_json::to_value(&typed).map_err(fail)?;
    prop_assert_eq!(sent, value, "the typed body does not send what was generated");
    Ok(typed)
}

macro_rules! writable {
    ($name:ident, $resource:literal, $group:ident, $create:ty, $update:ty) => {
        /// Typed writes of one resource.
        pub struct $name;

        impl Writable for $name {
            const RESOURCE: &'static str = $resource;

            async fn create(c: &Client, body: &Map<String, Value>) -> Result<i64, TestCaseError> {
                let made = c.$group().create(typed::<$create>(body)?).send().await.map_err(fail)?;
                let got = c.$group().get(made.id).send().await.map_err(fail)?;
                prop_assert_eq!(&got, &made, "get differs from the create answer");
                Ok(made.id)
            }

            async fn update(c: &Client, id: i64, body: &Map<String, Value>) -> Result<(), TestCaseError> {
                let changed = c.$group().update(id, typed::<$update>(body)?).send().await.map_err(fail)?;
                let got = c.$group().get(id).send().await.map_err(fail)?;
                prop_assert_eq!(&got, &changed, "get differs from the update answer");
                Ok(())
            }
        }
    };
}

writable!(Clients, "client", clients, CreateClientBody, UpdateClientBody);
writable!(Contacts, "contact", contacts, CreateContactBody, UpdateContactBody);
writable!(Tasks, "task", tasks, CreateTaskBody, UpdateTaskBody);
writable!(Projects, "project", projects, CreateProjectBody, UpdateProjectBody);
writable!(TimeEntries, "time_entry", time_entries, CreateTimeEntryBody, UpdateTimeEntryBody);
writable!(Expenses, "expense", expenses, CreateExpenseBody, UpdateExpenseBody);
