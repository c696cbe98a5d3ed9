//! Contracts of expenses and expense categories.

use futures_util::TryStreamExt;
use harvest_client::models::*;
use harvest_tests::Env;

use super::support::{
    Contract, Error, Outcome, date, dec, envelope_agrees, first, gone, ids, my_project_and_task, newest_first, refused,
};

/// This group's contracts.
pub fn contracts() -> Vec<Contract> {
    contracts![
        "listExpenses" => list_expenses,
        "createExpense" => create_expense,
        "retrieveExpense" => retrieve_expense,
        "updateExpense" => update_expense,
        "deleteExpense" => delete_expense,
        "listExpenseCategories" => list_categories,
        "createExpenseCategory" => create_category,
        "retrieveExpenseCategory" => retrieve_category,
        "updateExpenseCategory" => update_category,
        "deleteExpenseCategory" => delete_category,
    ]
}

/// A new expense of the authenticated user in a new category without a unit price.
async fn new_expense(env: &Env, notes: &str) -> Result<Expense, Error> {
    let (project, _) = my_project_and_task(env).await?;
    let category = env.client.expense_categories().create(CreateExpenseCategoryBody::new("Travel")).send().await?;
    let body = CreateExpenseBody::new(project, category.id, date(2026, 2, 10)?).total_cost(dec(4200, 2)).notes(notes);
    Ok(env.client.expenses().create(body).send().await?)
}

async fn list_expenses(env: &Env) -> Outcome {
    let all: Vec<Expense> = env.client.expenses().list().per_page(40).stream().try_collect().await?;
    envelope_agrees(&env.client.expenses().list().per_page(40).send().await?, all.len(), "expenses")?;
    let order = all.windows(2).find(|w| (w[0].spent_date, w[0].id) <= (w[1].spent_date, w[1].id));
    ensure!(order.is_none(), "not latest spent date first: {:?}", order.map(|w| (w[0].id, w[1].id)));
    let sample = all.get(all.len() / 3).ok_or("no expenses")?;
    let (client, day) = (sample.client.id, sample.spent_date);
    let filtered: Vec<Expense> = env
        .client
        .expenses()
        .list()
        .client_id(client)
        .is_billed(sample.is_billed)
        .to(day)
        .stream()
        .try_collect()
        .await?;
    let expected: Vec<i64> = all
        .iter()
        .filter(|e| e.client.id == client && e.is_billed == sample.is_billed && e.spent_date <= day)
        .map(|e| e.id)
        .collect();
    ensure_eq!(ids(&filtered), expected, "client_id, is_billed and to together");
    ensure!(ids(&filtered).contains(&sample.id), "the sample itself was filtered out");
    Ok(())
}

async fn create_expense(env: &Env) -> Outcome {
    let (project, _) = my_project_and_task(env).await?;
    let me = env.client.users().me().send().await?;
    let category = env.client.expense_categories().create(CreateExpenseCategoryBody::new("Meals")).send().await?;
    let body = CreateExpenseBody::new(project, category.id, date(2026, 2, 11)?)
        .total_cost(dec(1999, 2))
        .notes("Taxi")
        .billable(false);
    let created = env.client.expenses().create(body).send().await?;
    ensure_eq!((created.project.id, created.user.id), (project, me.id), "project, and the authenticated user");
    ensure_eq!((created.expense_category.id, created.expense_category.name.as_str()), (category.id, "Meals"));
    ensure_eq!((created.total_cost, created.notes.as_deref(), created.billable), (dec(1999, 2), Some("Taxi"), false));
    ensure_eq!((created.spent_date, created.is_billed), (date(2026, 2, 11)?, false));
    ensure_eq!(env.client.expenses().get(created.id).send().await?, created, "read back");
    Ok(())
}

async fn retrieve_expense(env: &Env) -> Outcome {
    let listed = first(env.client.expenses().list().per_page(2).send().await?, "expense")?;
    ensure_eq!(env.client.expenses().get(listed.id).send().await?, listed, "get equals the listed record");
    Ok(())
}

async fn update_expense(env: &Env) -> Outcome {
    let created = new_expense(env, "Train").await?;
    let body = UpdateExpenseBody::new().notes("Hotel").total_cost(dec(180, 0)).billable(false);
    let updated = env.client.expenses().update(created.id, body).send().await?;
    ensure_eq!(updated.id, created.id);
    ensure_eq!((updated.notes.as_deref(), updated.total_cost, updated.billable), (Some("Hotel"), dec(180, 0), false));
    ensure_eq!(
        (updated.project.id, updated.spent_date),
        (created.project.id, created.spent_date),
        "unsent fields stay"
    );
    ensure_eq!(env.client.expenses().get(created.id).send().await?, updated, "stored");
    Ok(())
}

async fn delete_expense(env: &Env) -> Outcome {
    let created = new_expense(env, "Refunded").await?;
    env.client.expenses().delete(created.id).send().await?;
    gone(env.client.expenses().get(created.id).send().await, "deleted expense")?;
    let left = env
        .client
        .expenses()
        .list()
        .project_id(created.project.id)
        .from(created.spent_date)
        .to(created.spent_date)
        .send()
        .await?;
    ensure!(!ids(&left.items).contains(&created.id), "the deleted expense is still listed");
    Ok(())
}

async fn list_categories(env: &Env) -> Outcome {
    let archived =
        env.client.expense_categories().create(CreateExpenseCategoryBody::new("Old").is_active(false)).send().await?;
    let all: Vec<ExpenseCategory> = env.client.expense_categories().list().per_page(3).stream().try_collect().await?;
    newest_first(&ids(&all), "expense categories")?;
    envelope_agrees(
        &env.client.expense_categories().list().per_page(3).send().await?,
        all.len(),
        "expense categories",
    )?;
    let inactive: Vec<ExpenseCategory> =
        env.client.expense_categories().list().is_active(false).stream().try_collect().await?;
    let expected: Vec<i64> = all.iter().filter(|c| !c.is_active).map(|c| c.id).collect();
    ensure_eq!(ids(&inactive), expected, "is_active=false keeps exactly the archived categories");
    ensure!(expected.contains(&archived.id), "the archived category is missing");
    Ok(())
}

async fn create_category(env: &Env) -> Outcome {
    let body = CreateExpenseCategoryBody::new("Mileage").unit_name("mile").unit_price(dec(58, 2));
    let created = env.client.expense_categories().create(body).send().await?;
    ensure_eq!(
        (created.name.as_str(), created.unit_name.as_deref(), created.unit_price),
        ("Mileage", Some("mile"), Some(dec(58, 2)))
    );
    ensure!(created.is_active, "a new category is active");
    ensure_eq!(env.client.expense_categories().get(created.id).send().await?, created, "read back");
    Ok(())
}

async fn retrieve_category(env: &Env) -> Outcome {
    let listed = first(env.client.expense_categories().list().per_page(2).send().await?, "expense category")?;
    ensure_eq!(env.client.expense_categories().get(listed.id).send().await?, listed, "get equals the listed record");
    Ok(())
}

async fn update_category(env: &Env) -> Outcome {
    let created = env.client.expense_categories().create(CreateExpenseCategoryBody::new("Lodging")).send().await?;
    let body = UpdateExpenseCategoryBody::new().name("Hotels").is_active(false);
    let updated = env.client.expense_categories().update(created.id, body).send().await?;
    ensure_eq!((updated.id, updated.name.as_str(), updated.is_active), (created.id, "Hotels", false));
    ensure_eq!(updated.unit_price, created.unit_price, "unsent fields stay");
    ensure_eq!(env.client.expense_categories().get(created.id).send().await?, updated, "stored");
    Ok(())
}

async fn delete_category(env: &Env) -> Outcome {
    let created = env.client.expense_categories().create(CreateExpenseCategoryBody::new("Unused")).send().await?;
    env.client.expense_categories().delete(created.id).send().await?;
    gone(env.client.expense_categories().get(created.id).send().await, "deleted category")?;
    let used = first(env.client.expenses().list().per_page(1).send().await?, "expense")?.expense_category.id;
    refused(env.client.expense_categories().delete(used).send().await, "a category with expenses")?;
    env.client.expense_categories().get(used).send().await?;
    Ok(())
}
