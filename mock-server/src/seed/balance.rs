//! Mostly-true and mostly-false flags made to take their rarer value often
//! enough that a list filtered either way is never empty.

use harvest_spec::ir::{FakeHint, ResourceId};
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::plan::{FieldIx, Plan};
use crate::store::{Cell, Rec};

/// The least share of records a mostly-true or mostly-false flag gives its other value
/// (archived clients, locked entries).
const MINORITY_SHARE: f64 = 0.15;

/// Makes every mostly-true or mostly-false flag of `r` take its rarer value on at least
/// [`MINORITY_SHARE`] of at least three records (chance alone leaves some small tables
/// without a single archived record); `rows` are in id order.
pub fn balance_flags(plan: &Plan, r: ResourceId, rows: &mut [(i64, Rec)], rng: &mut ChaCha8Rng) {
    if rows.len() < 3 {
        return;
    }
    let want = ((rows.len() as f64 * MINORITY_SHARE).round() as usize).max(1);
    for (ix, f) in plan.spec.resource(r).fields.iter().enumerate() {
        let rare = match f.fake {
            Some(FakeHint::BooleanMostlyTrue) if f.seed.is_none() => false,
            Some(FakeHint::BooleanMostlyFalse) if f.seed.is_none() => true,
            _ => continue,
        };
        let ix = FieldIx(ix);
        let mut common: Vec<usize> =
            (0..rows.len()).filter(|i| rows[*i].1.value(ix).and_then(Cell::as_bool) != Some(rare)).collect();
        let have = rows.len() - common.len();
        common.shuffle(rng);
        for i in common.into_iter().take(want.saturating_sub(have)) {
            rows[i].1[ix] = Some(Cell::Bool(rare));
        }
    }
}
