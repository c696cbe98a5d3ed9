//! Compiles the golden outputs of `codegen/tests/golden/` against this runtime and
//! checks the behaviour each fixture exists for.

#[path = "../../codegen/tests/golden/nullable_optional/mod.rs"]
#[rustfmt::skip]
#[allow(dead_code)]
mod nullable_optional;

#[path = "../../codegen/tests/golden/open_enums/mod.rs"]
#[rustfmt::skip]
#[allow(dead_code)]
mod open_enums;

#[path = "../../codegen/tests/golden/keywords/mod.rs"]
#[rustfmt::skip]
#[allow(dead_code)]
mod keywords;

#[path = "../../codegen/tests/golden/nested/mod.rs"]
#[rustfmt::skip]
#[allow(dead_code)]
mod nested;

#[path = "../../codegen/tests/golden/pagination/mod.rs"]
#[rustfmt::skip]
#[allow(dead_code)]
mod pagination;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn nullable_and_optional_fields() -> TestResult {
    use nullable_optional::models::{Note, UpdateNoteBody};
    let minimal =
        r#"{"id":1,"text":"t","summary":null,"created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}"#;
    let note: Note = serde_json::from_str(minimal)?;
    assert_eq!((note.summary, note.score, note.due_on), (None, None, None));
    // A nullable field is always sent; an optional one only when present.
    let out = serde_json::to_value(serde_json::from_str::<Note>(minimal)?)?;
    assert!(out.get("summary").is_some_and(serde_json::Value::is_null));
    assert!(out.get("score").is_none());
    let score: Note = serde_json::from_str(&minimal.replace("\"id\":1", "\"id\":1,\"score\":2"))?;
    assert_eq!(score.score.map(|d| d.to_string()), Some("2".into()));
    let body = UpdateNoteBody::new().clear_summary().score(rust_decimal::Decimal::new(25, 1));
    assert_eq!(serde_json::to_string(&body)?, r#"{"summary":null,"score":2.5}"#);
    let cleared = UpdateNoteBody::new().score(rust_decimal::Decimal::ONE).clear_summary();
    assert_eq!(serde_json::to_string(&cleared)?, r#"{"summary":null,"score":1.0}"#);
    Ok(())
}

#[test]
fn open_enums_keep_unknown_values() -> TestResult {
    use open_enums::models::{Light, OtherKind, Signal};
    let s: Signal =
        serde_json::from_str(r#"{"id":1,"light":"flashing-yellow","kind":"brand-new","history":["red","blue"]}"#)?;
    assert_eq!(s.light, Light::FlashingYellow);
    assert_eq!(s.kind, Some(OtherKind::Unknown("brand-new".into())));
    assert_eq!(s.history, vec![Light::Red, Light::Other("blue".into())]);
    assert_eq!(OtherKind::from("other"), OtherKind::Other);
    assert_eq!(serde_json::to_string(&s.history)?, r#"["red","blue"]"#);
    Ok(())
}

#[test]
fn keyword_field_names() -> TestResult {
    use keywords::models::{CreateItemBody, Item};
    let item: Item = serde_json::from_str(r#"{"id":1,"type":"a","ref":null,"use":true,"async":3,"match":{"x":1}}"#)?;
    assert_eq!((item.r#type.as_str(), item.r#use, item.r#async), ("a", true, Some(3)));
    let body = CreateItemBody::new("b").r#ref("c").r#use(false);
    assert_eq!(serde_json::to_string(&body)?, r#"{"type":"b","ref":"c","use":false}"#);
    Ok(())
}

#[allow(dead_code)]
async fn nested_and_paginated_calls(
    n: &nested::operations::Client,
    p: &pagination::operations::Client,
) -> Result<(), harvest_client::Error> {
    use futures_util::TryStreamExt;
    let _members: Vec<nested::models::Member> = n.members().list(5).stream().try_collect().await?;
    let _member = n.members().update(5, 6, nested::models::UpdateMemberBody::new().role("lead")).await?;
    let _watch = n.projects().watch(std::time::Duration::from_secs(30));
    let _tasks: Vec<pagination::models::Task> = p.tasks().list().per_page(100).stream().try_collect().await?;
    let _by_page = p.tasks().list_by_page().pages().try_collect::<Vec<_>>().await?;
    let from = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    let _rows = p.reports().hours(from, from).stream().try_collect::<Vec<_>>().await?;
    Ok(())
}

#[test]
fn nested_embeds_deserialize() -> TestResult {
    let m: nested::models::Member = serde_json::from_str(
        r#"{"id":1,"project":{"id":2,"name":"P"},"role":"dev","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}"#,
    )?;
    assert_eq!(m.project.id, 2);
    Ok(())
}
