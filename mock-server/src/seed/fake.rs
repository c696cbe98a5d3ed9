//! Fake values for one field, from its hint, its type or its name.

use std::ops::Range;

use chrono::{DateTime, Duration, Utc};
use fake::Fake;
use fake::faker::address::en::{CityName, StateAbbr, StreetName, ZipCode};
use fake::faker::company::en::{Buzzword, CompanyName};
use fake::faker::internet::en::SafeEmail;
use fake::faker::job::en::Title;
use fake::faker::lorem::en::Word;
use fake::faker::name::en::{FirstName, LastName};
use fake::faker::phone_number::en::PhoneNumber;
use harvest_spec::ir::{FakeHint, TypeRef};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use crate::plan::Plan;
use crate::values::{dec, fmt_date, fmt_datetime};

/// The last instant of the seeded window: the clock's hour, so the same seed and the
/// same `--now` (or the same hour of the system clock) give the same data.
pub fn anchor(now: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(now.timestamp() - now.timestamp().rem_euclid(3600), 0).unwrap_or(now)
}

/// Days covered by seeded dates: about the last 18 months.
pub const WINDOW_DAYS: i64 = 548;

const CURRENCIES: &[&str] = &["USD", "USD", "USD", "EUR", "GBP", "CAD", "AUD"];
const TIMEZONES: &[&str] = &[
    "Eastern Time (US & Canada)",
    "Central Time (US & Canada)",
    "Pacific Time (US & Canada)",
    "London",
    "Berlin",
    "Sydney",
];

/// A date in the window ending at `anchor` (today included).
pub fn recent_date(anchor: DateTime<Utc>, rng: &mut ChaCha8Rng) -> String {
    fmt_date(anchor - Duration::days(rng.gen_range(0..WINDOW_DAYS)))
}

/// A timestamp in the window ending at `anchor`.
pub fn recent_datetime(anchor: DateTime<Utc>, rng: &mut ChaCha8Rng) -> DateTime<Utc> {
    anchor - Duration::seconds(rng.gen_range(3600..WINDOW_DAYS * 86400))
}

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Lorem words, as many as `words` draws, joined by spaces and ending in a full stop: the
/// text and random draws of `fake`'s `Sentence`, built in one string of its exact length
/// instead of a string per word (seeding writes one per time entry, kept as it is built).
fn sentence(words: Range<usize>, rng: &mut ChaCha8Rng) -> String {
    let len: usize = words.fake_with_rng(rng);
    let picked: Vec<&str> = (0..len).map(|_| Word().fake_with_rng::<&str, _>(rng)).collect();
    let mut out = String::with_capacity(picked.iter().map(|w| w.len() + 1).sum());
    for (i, w) in picked.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
    out.push('.');
    out
}

/// Sentences of 4 to 9 words, as many as `sentences` draws, one per line: the text and
/// random draws of `fake`'s `Paragraph` (see [`sentence`]).
fn paragraph(sentences: Range<usize>, rng: &mut ChaCha8Rng) -> String {
    let len: usize = sentences.fake_with_rng(rng);
    (0..len).map(|_| sentence(4..10, rng)).collect::<Vec<_>>().join("\n")
}

/// A value for a hint.
pub fn hinted(
    plan: &Plan,
    anchor: DateTime<Utc>,
    hint: FakeHint,
    ty: &TypeRef,
    rng: &mut ChaCha8Rng,
    counter: u64,
) -> Value {
    let s = |x: String| Value::String(x);
    match hint {
        FakeHint::CompanyName => s(CompanyName().fake_with_rng(rng)),
        FakeHint::PersonFirstName => s(FirstName().fake_with_rng(rng)),
        FakeHint::PersonLastName => s(LastName().fake_with_rng(rng)),
        FakeHint::Email => s(SafeEmail().fake_with_rng(rng)),
        FakeHint::Phone => s(PhoneNumber().fake_with_rng(rng)),
        FakeHint::Address => {
            let street: String = StreetName().fake_with_rng(rng);
            let city: String = CityName().fake_with_rng(rng);
            let st: String = StateAbbr().fake_with_rng(rng);
            let zip: String = ZipCode().fake_with_rng(rng);
            s(format!("{} {street}\n{city}, {st} {zip}", rng.gen_range(1..999)))
        }
        FakeHint::CurrencyCode => s(CURRENCIES.choose(rng).copied().unwrap_or("USD").to_string()),
        FakeHint::Timezone => s(TIMEZONES.choose(rng).copied().unwrap_or("London").to_string()),
        FakeHint::Url => {
            let w: String = Word().fake_with_rng(rng);
            s(format!("https://{w}.example.com/{}", rng.gen_range(1000..99999)))
        }
        FakeHint::Hex32 => s((0..32).map(|_| char::from(b"0123456789abcdef"[rng.gen_range(0..16)])).collect()),
        FakeHint::Word => {
            let w: String = Buzzword().fake_with_rng(rng);
            s(title_case(&w))
        }
        FakeHint::Sentence => s(sentence(3..8, rng)),
        FakeHint::Paragraph => s(paragraph(1..3, rng)),
        FakeHint::JobTitle => s(Title().fake_with_rng(rng)),
        FakeHint::ProjectCode => {
            let a = char::from(b'A' + rng.gen_range(0..26));
            let b = char::from(b'A' + rng.gen_range(0..26));
            s(format!("{a}{b}-{:03}", rng.gen_range(1..999)))
        }
        FakeHint::InvoiceNumber => s(format!("{}", 1000 + counter)),
        FakeHint::Hours => dec(f64::from(rng.gen_range(1..=32)) * 0.25),
        FakeHint::Money => dec(f64::from(rng.gen_range(1000..500_000)) / 100.0),
        FakeHint::Rate => dec(f64::from(rng.gen_range(10..=50) * 5)),
        FakeHint::Percentage => dec(f64::from(rng.gen_range(0..=25))),
        FakeHint::RecentDate => s(recent_date(anchor, rng)),
        FakeHint::RecentDatetime => s(fmt_datetime(recent_datetime(anchor, rng))),
        FakeHint::WeeklyCapacity => Value::from([126_000, 144_000, 108_000][rng.gen_range(0..3)]),
        FakeHint::BooleanMostlyTrue => Value::Bool(rng.gen_bool(0.85)),
        FakeHint::BooleanMostlyFalse => Value::Bool(rng.gen_bool(0.15)),
        FakeHint::Enum => by_type(plan, anchor, ty, rng),
    }
}

/// A value from the type alone.
pub fn by_type(plan: &Plan, anchor: DateTime<Utc>, ty: &TypeRef, rng: &mut ChaCha8Rng) -> Value {
    match ty {
        TypeRef::Id => Value::from(rng.gen_range(1..1_000_000i64)),
        TypeRef::Integer => Value::from(rng.gen_range(0..100)),
        TypeRef::Decimal => dec(f64::from(rng.gen_range(0..10_000)) / 100.0),
        TypeRef::Boolean => Value::Bool(rng.gen_bool(0.5)),
        TypeRef::String => {
            let w: String = Word().fake_with_rng(rng);
            Value::String(w)
        }
        TypeRef::Date => Value::String(recent_date(anchor, rng)),
        TypeRef::DateTime => Value::String(fmt_datetime(recent_datetime(anchor, rng))),
        TypeRef::Time => Value::String(format!("{}:00am", rng.gen_range(7..12))),
        TypeRef::Enum(e) => {
            let vals = &plan.spec.enum_def(*e).values;
            vals.choose(rng).map(|v| Value::String(v.wire.clone())).unwrap_or(Value::Null)
        }
        TypeRef::Array(inner) => match inner.as_ref() {
            TypeRef::Enum(_) => Value::Array(vec![by_type(plan, anchor, inner, rng)]),
            _ => Value::Array(Vec::new()),
        },
        TypeRef::Json | TypeRef::Object(_) | TypeRef::Ref(_) => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use fake::faker::lorem::en::{Paragraph, Sentence};
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn sentences_and_paragraphs_are_the_text_and_draws_of_the_fake_crate() {
        for seed in 0..500 {
            let (mut ours, mut theirs) = (ChaCha8Rng::seed_from_u64(seed), ChaCha8Rng::seed_from_u64(seed));
            let expected: String = Sentence(3..8).fake_with_rng(&mut theirs);
            assert_eq!(sentence(3..8, &mut ours), expected, "sentence of seed {seed}");
            let expected: String = Paragraph(1..3).fake_with_rng(&mut theirs);
            assert_eq!(paragraph(1..3, &mut ours), expected, "paragraph of seed {seed}");
            assert_eq!(ours.gen_range(0..u64::MAX), theirs.gen_range(0..u64::MAX), "same draws taken, seed {seed}");
        }
    }
}
