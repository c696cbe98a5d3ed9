//! Expense receipts: a file uploaded as `multipart/form-data` (field `receipt`)
//! is kept with the account and the expense shows `{url, file_name,
//! file_size, content_type}`; `delete_receipt: true` on update removes it.
//! The URL, on the mock's own host, serves the bytes back.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use super::put;
use crate::engine::{Behavior, Ctx};
use crate::store::{Cell, Rec, Store, StoredFile};

/// The path below the origin where file `id` of `account` named `name` is served.
pub fn file_path(account: i64, id: i64, name: &str) -> String {
    let name: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    format!("/receipts/{account}/{id}/{name}")
}

/// The id of the stored file a receipt's URL points at.
fn file_id(receipt: &Value) -> Option<i64> {
    let url = receipt.get("url")?.as_str()?;
    url.split("/receipts/").nth(1)?.split('/').nth(1)?.parse().ok()
}

/// An upload in a request body, decoded: (name, content type, bytes).
fn upload(v: &Value) -> Option<(String, String, Vec<u8>)> {
    let m: &Map<String, Value> = v.as_object()?;
    let name = m.get("file_name")?.as_str()?.to_string();
    let content_type = m.get("content_type")?.as_str()?.to_string();
    let bytes = STANDARD.decode(m.get("content")?.as_str()?).ok()?;
    Some((name, content_type, bytes))
}

/// `expense_receipt`: on create and update of an expense.
pub struct Receipt;

impl Receipt {
    fn check(ctx: &Ctx<'_>, problems: &mut Vec<String>) {
        match ctx.body.get("receipt") {
            None | Some(Value::Null) => {}
            Some(v) => match upload(v) {
                Some((name, _, bytes)) if !name.is_empty() && !bytes.is_empty() => {}
                Some(_) => problems.push("Receipt is empty".into()),
                None => problems.push("Receipt must be a file uploaded as multipart/form-data".into()),
            },
        }
    }
}

impl Behavior for Receipt {
    fn before_create(&self, ctx: &Ctx<'_>, _store: &Store, _rec: &mut Rec, problems: &mut Vec<String>) {
        Self::check(ctx, problems);
    }

    fn before_update(&self, ctx: &Ctx<'_>, _store: &Store, _rec: &mut Rec, problems: &mut Vec<String>) {
        Self::check(ctx, problems);
    }

    fn after_write(&self, ctx: &Ctx<'_>, store: &mut Store, id: i64, _created: bool) {
        let Some(r) = ctx.op.resource else { return };
        let plan = ctx.plan;
        let new = ctx.body.get("receipt").and_then(upload);
        let drop = ctx.body.get("delete_receipt").is_some_and(|v| v == &Value::Bool(true) || v == "true" || v == "1");
        if new.is_none() && !drop {
            return;
        }
        let old = store.field(plan, r, id, "receipt").map(Cell::to_value).as_ref().and_then(file_id);
        if let Some(old) = old {
            store.files.remove(old);
        }
        let value = match new {
            Some((name, content_type, bytes)) => {
                let size = bytes.len();
                let file = StoredFile { name: name.clone(), content_type: content_type.clone(), bytes };
                let fid = store.files.put(file);
                let url = format!("{}{}", ctx.origin, file_path(ctx.account, fid, &name));
                json!({"url": url, "file_name": name, "file_size": size, "content_type": content_type})
            }
            None => Value::Null,
        };
        put(plan, store, r, id, "receipt", value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_url_names_its_file() {
        let path = file_path(7, 12, "my receipt.pdf");
        assert_eq!(path, "/receipts/7/12/my+receipt.pdf");
        assert_eq!(file_id(&json!({"url": format!("http://h{path}")})), Some(12));
        assert_eq!(file_id(&json!({"url": "https://elsewhere.example/r.pdf"})), None);
    }
}
