//! The platform seed's expense receipts: create and update an expense with a receipt sent
//! as `multipart/form-data` (from bytes, from a file), read the file back from the
//! receipt's URL, and "Delete receipt".

use harvest_client::Upload;
use harvest_client::models::{CreateExpenseBody, UpdateExpenseBody};
use harvest_tests::{TestResult, http_client, start};
use rust_decimal::Decimal;

use super::{day, expense_category, project_and_task};

/// The bytes at `url` and the status they came with.
async fn download(url: &str) -> Result<(u16, Vec<u8>), Box<dyn std::error::Error + Send + Sync>> {
    let answer = http_client().get(url).send().await?;
    let status = answer.status().as_u16();
    Ok((status, answer.bytes().await?.to_vec()))
}

#[tokio::test]
async fn expenses_receipts_upload_replace_and_delete() -> TestResult {
    let env = start().await?;
    let (project, _) = project_and_task(&env).await?;
    let category = expense_category(&env).await?;

    // Create with a receipt from bytes: binary content, and text that looks like a boundary.
    let pdf = b"%PDF-1.4\r\n--harvest-client-lookalike\r\n\x00\x01\xfe\xff receipt".to_vec();
    let body = CreateExpenseBody::new(project, category, day("2026-11-06")?)
        .total_cost(Decimal::new(1250, 2))
        .billable(false)
        .notes("Lunch with \"the client\"");
    let upload = Upload::new("lunch receipt.pdf", "application/pdf", pdf.clone());
    let created = env.client.expenses().create(body).receipt(upload).send().await?;
    assert_eq!(
        (created.project.id, created.expense_category.id),
        (project, category),
        "the fields went as form fields"
    );
    assert_eq!((created.total_cost, created.billable), (Decimal::new(1250, 2), false));
    assert_eq!(created.notes.as_deref(), Some("Lunch with \"the client\""));
    let receipt = created.receipt.ok_or("the expense has no receipt")?;
    assert_eq!(
        (receipt.file_name.as_str(), receipt.content_type.as_str(), receipt.file_size),
        ("lunch receipt.pdf", "application/pdf", i64::try_from(pdf.len())?)
    );
    assert_eq!(download(&receipt.url).await?, (200, pdf), "the URL serves the same bytes");

    // Replace it with a file read from disk, changing a field in the same request.
    let dir = std::env::temp_dir().join(format!("receipts-{}-{}", std::process::id(), created.id));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("scan.png");
    let png = b"\x89PNG\r\n\x1a\n fake scan".to_vec();
    std::fs::write(&path, &png)?;
    let upload = Upload::from_path(&path)?;
    std::fs::remove_dir_all(&dir)?;
    let update = UpdateExpenseBody::new().notes("Scanned");
    let replaced = env.client.expenses().update(created.id, update).receipt(upload).send().await?;
    let new_receipt = replaced.receipt.ok_or("the new receipt is missing")?;
    assert_eq!((new_receipt.file_name.as_str(), new_receipt.content_type.as_str()), ("scan.png", "image/png"));
    assert_eq!(replaced.notes.as_deref(), Some("Scanned"));
    assert_eq!(download(&new_receipt.url).await?, (200, png));
    assert_eq!(download(&receipt.url).await?.0, 404, "the replaced file is gone");

    // "Delete receipt".
    let deleted =
        env.client.expenses().update(created.id, UpdateExpenseBody::new().delete_receipt(true)).send().await?;
    assert_eq!(deleted.receipt, None);
    assert_eq!(env.client.expenses().get(created.id).send().await?.receipt, None);
    assert_eq!(download(&new_receipt.url).await?.0, 404);
    Ok(())
}
