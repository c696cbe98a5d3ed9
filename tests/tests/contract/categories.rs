//! Contracts of invoice and estimate item categories (the same shape and rules).

use futures_util::TryStreamExt;
use harvest_client::models::*;
use harvest_tests::Env;

use super::support::{Contract, Outcome, envelope_agrees, first, gone, ids, newest_first};

/// This group's contracts.
pub fn contracts() -> Vec<Contract> {
    contracts![
        "listInvoiceItemCategories" => list_invoice_categories,
        "createInvoiceItemCategory" => create_invoice_category,
        "retrieveInvoiceItemCategory" => retrieve_invoice_category,
        "updateInvoiceItemCategory" => update_invoice_category,
        "deleteInvoiceItemCategory" => delete_invoice_category,
        "listEstimateItemCategories" => list_estimate_categories,
        "createEstimateItemCategory" => create_estimate_category,
        "retrieveEstimateItemCategory" => retrieve_estimate_category,
        "updateEstimateItemCategory" => update_estimate_category,
        "deleteEstimateItemCategory" => delete_estimate_category,
    ]
}

/// The five contracts of one item-category kind.
macro_rules! category_contracts {
    ($group:ident, $ty:ident, $create:ident, $update:ident, [$list:ident, $new:ident, $get:ident, $patch:ident, $delete:ident]) => {
        async fn $list(env: &Env) -> Outcome {
            let made = env.client.$group().create($create::new("Listed")).send().await?;
            let all: Vec<$ty> = env.client.$group().list().per_page(2).stream().try_collect().await?;
            newest_first(&ids(&all), stringify!($group))?;
            envelope_agrees(&env.client.$group().list().per_page(2).send().await?, all.len(), stringify!($group))?;
            ensure_eq!(all.first().map(|c| c.id), Some(made.id), "the newest category leads");
            let recent: Vec<$ty> =
                env.client.$group().list().updated_since(made.updated_at).stream().try_collect().await?;
            ensure!(ids(&recent).contains(&made.id), "updated_since misses the newest change");
            ensure!(recent.iter().all(|c| c.updated_at >= made.updated_at), "updated_since lets older records through");
            Ok(())
        }

        async fn $new(env: &Env) -> Outcome {
            let created = env.client.$group().create($create::new("Consulting")).send().await?;
            ensure_eq!(created.name, "Consulting");
            ensure_eq!(env.client.$group().get(created.id).send().await?, created, "read back");
            Ok(())
        }

        async fn $get(env: &Env) -> Outcome {
            let listed = first(env.client.$group().list().per_page(2).send().await?, stringify!($group))?;
            ensure_eq!(env.client.$group().get(listed.id).send().await?, listed, "get equals the listed record");
            Ok(())
        }

        async fn $patch(env: &Env) -> Outcome {
            let created = env.client.$group().create($create::new("Hardware")).send().await?;
            let updated = env.client.$group().update(created.id, $update::new().name("Equipment")).send().await?;
            ensure_eq!((updated.id, updated.name.as_str()), (created.id, "Equipment"));
            ensure!(updated.updated_at >= created.updated_at, "updated_at went back");
            ensure_eq!(env.client.$group().get(created.id).send().await?, updated, "stored");
            Ok(())
        }

        async fn $delete(env: &Env) -> Outcome {
            let created = env.client.$group().create($create::new("Temporary")).send().await?;
            env.client.$group().delete(created.id).send().await?;
            gone(env.client.$group().get(created.id).send().await, "deleted category")?;
            let all: Vec<$ty> = env.client.$group().list().stream().try_collect().await?;
            ensure!(!ids(&all).contains(&created.id), "the deleted category is still listed");
            Ok(())
        }
    };
}

category_contracts!(
    invoice_item_categories,
    InvoiceItemCategory,
    CreateInvoiceItemCategoryBody,
    UpdateInvoiceItemCategoryBody,
    [
        list_invoice_categories,
        create_invoice_category,
        retrieve_invoice_category,
        update_invoice_category,
        delete_invoice_category
    ]
);

category_contracts!(
    estimate_item_categories,
    EstimateItemCategory,
    CreateEstimateItemCategoryBody,
    UpdateEstimateItemCategoryBody,
    [
        list_estimate_categories,
        create_estimate_category,
        retrieve_estimate_category,
        update_estimate_category,
        delete_estimate_category
    ]
);
