//! Properties of the runtime's pure parts: watch checkpoints and PATCH fields.

use harvest_client::runtime::{Checkpoint, DateTime, Patch};
use proptest::prelude::*;

fn at(secs: i64) -> DateTime {
    chrono::DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap_or_default()
}

proptest! {
    /// However records arrive across polls (each poll returning everything changed at or
    /// after the checkpoint, as `updated_since` does), each (id, updated_at) is yielded once.
    #[test]
    fn a_checkpoint_yields_each_change_once(changes in proptest::collection::vec((0i64..20, 0i64..10), 1..60), splits in 1usize..6) {
        let mut unique: Vec<(i64, i64)> = changes.clone();
        unique.sort_by_key(|(id, t)| (*t, *id));
        unique.dedup();
        let mut cp = Checkpoint::default();
        let mut yielded = Vec::new();
        let chunk = unique.len().div_ceil(splits).max(1);
        let mut visible = 0;
        while visible < unique.len() {
            visible = (visible + chunk).min(unique.len());
            // The server shows the first `visible` changes; filter like the watch does.
            let mut fresh: Vec<(i64, i64)> = unique[..visible]
                .iter()
                .copied()
                .filter(|(id, t)| cp.since.is_none_or(|s| at(*t) >= s) && cp.is_new(*id, at(*t)))
                .collect();
            fresh.sort_by_key(|(id, t)| (*t, *id));
            for (id, t) in fresh {
                cp.advance(id, at(t));
                yielded.push((id, t));
            }
        }
        prop_assert_eq!(yielded, unique);
        // And the checkpoint survives a serialisation round trip.
        let json = serde_json::to_string(&cp).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Checkpoint = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, cp);
    }

    /// `Patch` round-trips: unset is omitted, `None` is `null`, a value is the value.
    #[test]
    fn patch_serialises_as_value_or_null(value in proptest::option::of(any::<i64>())) {
        let patch = Patch::from(value);
        let json = serde_json::to_string(&patch).map_err(|e| TestCaseError::fail(e.to_string()))?;
        match value {
            Some(v) => prop_assert_eq!(json, v.to_string()),
            None => prop_assert_eq!(json, "null"),
        }
        let back: Patch<i64> = serde_json::from_str(&serde_json::to_string(&patch).unwrap_or_default())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, patch);
        prop_assert!(Patch::<i64>::default().is_unset());
    }
}
