//! Values kept in one array by id, for the dense ids seeding hands out: a lookup is
//! one index instead of a walk down a tree or a hash, and a million time entries make
//! millions of lookups.

/// A value for every id from `first` on, at `id - first`.
#[derive(Debug)]
pub struct ById<T> {
    first: i64,
    slots: Vec<T>,
}

impl<T> Default for ById<T> {
    fn default() -> ById<T> {
        ById { first: 0, slots: Vec::new() }
    }
}

impl<T: Clone + Default> ById<T> {
    /// Every id from `first` to `last` (none when `last < first`), each holding the default
    /// value; `None` when that takes more than `limit` slots (ids too sparse for an array).
    pub fn span(first: i64, last: i64, limit: usize) -> Option<ById<T>> {
        let len = if last < first { 0 } else { usize::try_from(last.checked_sub(first)?).ok()?.checked_add(1)? };
        (len <= limit).then(|| ById { first, slots: vec![T::default(); len] })
    }
}

impl<T> ById<T> {
    /// The value of `id`, when it is in the span.
    pub fn get(&self, id: i64) -> Option<&T> {
        self.slots.get(usize::try_from(id.checked_sub(self.first)?).ok()?)
    }

    /// The value of `id` to change, when it is in the span.
    pub fn get_mut(&mut self, id: i64) -> Option<&mut T> {
        self.slots.get_mut(usize::try_from(id.checked_sub(self.first)?).ok()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_the_span_have_a_slot_and_others_none() {
        let mut by: ById<Option<i64>> = ById::span(100, 104, 10).unwrap_or_default();
        for id in [100, 102, 104] {
            *by.get_mut(id).unwrap_or(&mut None) = Some(id * 2);
        }
        assert_eq!(by.get(102), Some(&Some(204)));
        assert_eq!(by.get(103), Some(&None), "in the span, never set");
        for outside in [99, 105, i64::MIN, i64::MAX] {
            assert_eq!(by.get(outside), None, "id {outside}");
        }
        assert!(ById::<u8>::span(0, 10, 10).is_none(), "eleven slots are over a limit of ten");
        assert_eq!(ById::<u8>::span(5, 4, 0).map(|b| b.get(5).copied()), Some(None), "an empty span");
        assert!(ById::<u8>::span(i64::MIN, i64::MAX, usize::MAX).is_none(), "a span past usize");
    }
}
