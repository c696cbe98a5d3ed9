//! Each table's ids in the resource's default list order, built on first use
//! after a write and shared by every list until the next one.

use std::cmp::Ordering;

use harvest_spec::ir::ResourceId;

use super::{Cell, Rec, Table};
use crate::plan::{FieldIx, Plan};

/// A table's ids in list order, with each id's position.
#[derive(Debug, Clone, Default)]
pub struct Order {
    /// Ids in order.
    pub ids: Vec<i64>,
    positions: Positions,
}

/// Where each id sits in an [`Order`].
#[derive(Debug, Clone)]
enum Positions {
    /// Ids spanning a range at most twice their number (seeded tables): the position of
    /// `first + i` at `i`, [`u32::MAX`] for an id the table lacks.
    Dense { first: i64, at: Vec<u32> },
    /// Otherwise (id, position), sorted by id.
    Sparse(Vec<(i64, u32)>),
}

impl Default for Positions {
    fn default() -> Positions {
        Positions::Sparse(Vec::new())
    }
}

impl Order {
    /// The order of `ids`.
    pub fn new(ids: Vec<i64>) -> Order {
        let position = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let (first, last) = (ids.iter().min().copied(), ids.iter().max().copied());
        let span = first.zip(last).and_then(|(a, b)| usize::try_from(b - a + 1).ok()).unwrap_or(0);
        let positions = match first {
            Some(first) if span <= 2 * ids.len() + 64 => {
                let mut at = vec![u32::MAX; span];
                for (i, id) in ids.iter().enumerate() {
                    if let Some(slot) = usize::try_from(id - first).ok().and_then(|k| at.get_mut(k)) {
                        *slot = position(i);
                    }
                }
                Positions::Dense { first, at }
            }
            _ => {
                let mut by_id: Vec<(i64, u32)> = ids.iter().enumerate().map(|(i, id)| (*id, position(i))).collect();
                by_id.sort_unstable();
                Positions::Sparse(by_id)
            }
        };
        Order { ids, positions }
    }

    /// The position of `id` in the order.
    pub fn pos(&self, id: i64) -> Option<usize> {
        let p = match &self.positions {
            Positions::Dense { first, at } => *at.get(usize::try_from(id.checked_sub(*first)?).ok()?)?,
            Positions::Sparse(by_id) => by_id.get(by_id.binary_search_by_key(&id, |(k, _)| *k).ok()?)?.1,
        };
        (p != u32::MAX).then_some(p as usize)
    }
}

/// The ids of `table`'s records in the default order of its resource `r`.
pub(super) fn sorted_ids(plan: &Plan, r: ResourceId, table: &Table) -> Vec<i64> {
    let sort = &plan.res[r].sort;
    let id_ix = plan.res[r].id_ix;
    let by_id_only = |keys: &[(FieldIx, bool)]| keys.iter().all(|(ix, _)| Some(*ix) == id_ix);
    let Some(&(first, first_desc)) = sort.first().filter(|_| !by_id_only(sort)) else {
        // By id alone, descending unless the spec says ascending.
        let ascending = sort.first().is_some_and(|(_, desc)| !desc);
        let ids = table.rows.keys().copied();
        return if ascending { ids.collect() } else { ids.rev().collect() };
    };
    // The first key is copied out of each record (in one walk of the table), so the sort
    // compares values side by side instead of chasing a pointer per comparison.
    let keys = || table.rows.iter().map(|(id, rec)| (key(Some(rec), first), *id));
    // The id breaks ties, descending unless a later key says otherwise.
    let id_desc = sort[1..].first().is_none_or(|(_, desc)| *desc);
    if by_id_only(&sort[1..])
        && let Some(packed) = packed_keys(keys(), first_desc, id_desc)
    {
        return packed;
    }
    let mut keyed: Vec<(Cell, i64)> = keys().map(|(key, id)| (key.clone(), id)).collect();
    crate::parallel::sort_by(&mut keyed, |(ka, a), (kb, b)| {
        directed(ka.cmp_cell(kb).unwrap_or(Ordering::Equal), first_desc)
            .then_with(|| by_keys(table, id_ix, &sort[1..], *a, *b))
    });
    keyed.into_iter().map(|(_, id)| id).collect()
}

/// Compares two ids of `table` as the default order of its resource `r` places them.
pub(super) fn compare_ids<'a>(plan: &'a Plan, r: ResourceId, table: &'a Table) -> impl Fn(i64, i64) -> Ordering + 'a {
    let (sort, id_ix) = (&plan.res[r].sort, plan.res[r].id_ix);
    move |a, b| by_keys(table, id_ix, sort, a, b)
}

/// Records `a` and `b` of `table` compared by `keys` in turn (each in its direction), then
/// by id, descending: the order [`sorted_ids`] gives.
fn by_keys(table: &Table, id_ix: Option<FieldIx>, keys: &[(FieldIx, bool)], a: i64, b: i64) -> Ordering {
    let (ra, rb) = (table.rows.get(&a), table.rows.get(&b));
    for (ix, desc) in keys {
        let o =
            if Some(*ix) == id_ix { a.cmp(&b) } else { key(ra, *ix).cmp_cell(key(rb, *ix)).unwrap_or(Ordering::Equal) };
        let o = directed(o, *desc);
        if o != Ordering::Equal {
            return o;
        }
    }
    b.cmp(&a)
}

fn directed(o: Ordering, desc: bool) -> Ordering {
    if desc { o.reverse() } else { o }
}

/// Field `ix` of `rec`, null when absent.
fn key(rec: Option<&Rec>, ix: FieldIx) -> &Cell {
    const NULL: &Cell = &Cell::Null;
    rec.and_then(|rec| rec.value(ix)).unwrap_or(NULL)
}

/// The ids sorted by (key, id), each in its direction, when every key packs into an integer
/// that orders as [`Cell::cmp_cell`] does (see [`pack`]); `None` otherwise.
fn packed_keys<'c>(keyed: impl Iterator<Item = (&'c Cell, i64)>, key_desc: bool, id_desc: bool) -> Option<Vec<i64>> {
    // The first key that is not null says which kind every key must be (a key of the other
    // kind does not pack, and the general path sorts instead).
    let mut strings = None;
    // Flipping every bit turns ascending into descending; the id comes back from its key.
    let flip = |desc: bool, x: u64| if desc { !x } else { x };
    let mut packed: Vec<(u128, u64)> = Vec::with_capacity(keyed.size_hint().0);
    for (k, id) in keyed {
        let kind = if k.is_null() { false } else { *strings.get_or_insert(k.str_bytes().is_some()) };
        let key = pack(k, kind)?;
        packed.push((if key_desc { !key } else { key }, flip(id_desc, (id as u64) ^ (1 << 63))));
    }
    // Every id is a different key, so an unstable sort gives the one order there is.
    crate::parallel::sort_unstable(&mut packed);
    Some(packed.into_iter().map(|(_, id)| (flip(id_desc, id) ^ (1 << 63)) as i64).collect())
}

/// `cell` as an integer that orders as [`Cell::cmp_cell`] among cells of one kind (`strings`,
/// or integers), nulls first: a string of at most 15 bytes as its bytes, zero-padded, then its
/// length (so a prefix sorts first); an integer with its sign bit flipped.
fn pack(cell: &Cell, strings: bool) -> Option<u128> {
    match cell {
        Cell::Null => Some(0),
        Cell::Int(i) if !strings => Some(u128::from((*i as u64) ^ (1 << 63)) + 1),
        _ if strings => {
            let bytes = cell.str_bytes()?;
            let mut packed = [0u8; 16];
            packed.get_mut(..bytes.len())?.copy_from_slice(bytes);
            packed[15] = u8::try_from(bytes.len()).ok().filter(|len| *len <= 15)?;
            Some(u128::from_be_bytes(packed) + 1)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_found_in_dense_and_sparse_orders_alike() {
        let dense: Vec<i64> = (100..200).rev().filter(|id| id % 7 != 0).collect();
        let sparse: Vec<i64> = vec![5, 1_000_000, 42, -3, 9_999_999_999];
        for ids in [dense, sparse] {
            let order = Order::new(ids.clone());
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(order.pos(*id), Some(i), "id {id}");
            }
            for missing in [98, 105, 1_000_001, i64::MIN, i64::MAX] {
                assert_eq!(order.pos(missing), None, "id {missing}");
            }
        }
        assert_eq!(Order::new(Vec::new()).pos(1), None);
    }

    /// What the general path computes: a sort by `cmp_cell`, then by id.
    fn by_comparison(keyed: &[(&Cell, i64)], key_desc: bool, id_desc: bool) -> Vec<i64> {
        let mut sorted = keyed.to_vec();
        sorted.sort_by(|(ka, a), (kb, b)| {
            let o = ka.cmp_cell(kb).unwrap_or(Ordering::Equal);
            let o = if key_desc { o.reverse() } else { o };
            o.then_with(|| if id_desc { b.cmp(a) } else { a.cmp(b) })
        });
        sorted.into_iter().map(|(_, id)| id).collect()
    }

    #[test]
    fn packed_keys_sort_as_cells_compare() {
        let strings = ["2025-11-25", "2025-11-2", "2025-11-25\0", "", "a", "ab", "b", "2025-01-01", "zzzzzzzzzzzzzzz"];
        let cells: Vec<Cell> = strings.iter().map(|s| Cell::string(s)).chain([Cell::Null]).collect();
        let ints: Vec<Cell> =
            [0, -1, 1, i64::MIN, i64::MAX, 42].into_iter().map(Cell::Int).chain([Cell::Null]).collect();
        for kind in [&cells, &ints] {
            // Every key three times, under ids out of order.
            let keyed: Vec<(&Cell, i64)> =
                (0..kind.len() * 3).map(|i| (&kind[i % kind.len()], (i as i64 * 7919) % 1000 - 500)).collect();
            for (key_desc, id_desc) in [(false, false), (false, true), (true, false), (true, true)] {
                assert_eq!(
                    packed_keys(keyed.iter().copied(), key_desc, id_desc),
                    Some(by_comparison(&keyed, key_desc, id_desc)),
                    "key desc {key_desc}, id desc {id_desc}"
                );
            }
        }
        let long = Cell::string("a string of more than fifteen bytes");
        let (int, text) = (Cell::Int(3), Cell::string("3"));
        assert_eq!(packed_keys([(&long, 1)].into_iter(), false, true), None, "too long to pack");
        assert_eq!(packed_keys([(&int, 1), (&text, 2)].into_iter(), false, true), None, "kinds mixed");
        assert_eq!(packed_keys([(&text, 1), (&int, 2)].into_iter(), false, true), None, "kinds mixed");
    }
}
