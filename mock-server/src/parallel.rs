//! Work split in numbered chunks and run on every core (seeding, building a
//! table's indexes); results come back in chunk order, so what is computed
//! never depends on how many threads ran.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// Slices up to this long are sorted on the calling thread (starting threads would cost more).
const SORT_ALONE: usize = 1 << 16;

/// Threads to use: one per core.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// `work(0)`, …, `work(n - 1)`, run on up to one thread per core, in chunk order.
pub fn map_chunks<T: Send>(n: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = threads().min(n);
    if threads <= 1 {
        return (0..n).map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, T)>> = Mutex::new(Vec::with_capacity(n));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= n {
                        break;
                    }
                    let out = work(k);
                    if let Ok(mut done) = done.lock() {
                        done.push((k, out));
                    }
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    done.sort_by_key(|(k, _)| *k);
    done.into_iter().map(|(_, out)| out).collect()
}

/// Sorts `items` by `cmp` (stably), the parts on every core first when there are many: the
/// final pass then only merges the sorted parts, which the standard sort finds as runs.
pub fn sort_by<T: Send>(items: &mut [T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Sync) {
    if items.len() > SORT_ALONE {
        let part = items.len().div_ceil(threads());
        for_each_chunk(items, part, |_, chunk| chunk.sort_by(&cmp));
    }
    items.sort_by(cmp);
}

/// Sorts `items` (unstably, so only where equal items are indistinguishable), in parts on
/// every core when there are many, then merging the sorted parts pairwise.
pub fn sort_unstable<T: Send + Ord + Copy>(items: &mut [T]) {
    if items.len() <= SORT_ALONE || threads() < 2 {
        items.sort_unstable();
        return;
    }
    let half = items.len() / 2;
    let (left, right) = items.split_at_mut(half);
    std::thread::scope(|s| {
        s.spawn(|| left.sort_unstable());
        right.sort_unstable();
    });
    // Merges the sorted halves, with a copy of the left one as scratch.
    let left: Vec<T> = items[..half].to_vec();
    let (mut i, mut j, mut out) = (0, half, 0);
    while i < left.len() {
        if j < items.len() && items[j] < left[i] {
            items[out] = items[j];
            j += 1;
        } else {
            items[out] = left[i];
            i += 1;
        }
        out += 1;
    }
}

/// `work(k, chunk)` on each `size`-long chunk of `items`, run on up to one thread per core.
pub fn for_each_chunk<T: Send>(items: &mut [T], size: usize, work: impl Fn(usize, &mut [T]) + Sync) {
    let chunks: Vec<(usize, &mut [T])> = items.chunks_mut(size.max(1)).enumerate().collect();
    let threads = threads().min(chunks.len());
    if threads <= 1 {
        for (k, chunk) in chunks {
            work(k, chunk);
        }
        return;
    }
    let queue = Mutex::new(chunks);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                while let Some((k, chunk)) = queue.lock().ok().and_then(|mut q| q.pop()) {
                    work(k, chunk);
                }
            });
        }
    });
}

/// `work` on the items of `items` in batches of `size`, each result handed to `take` in batch
/// order. The items are read on the calling thread (a database cursor need not be `Send`)
/// while threads, one per core, work on the batches read before; at most two batches per
/// thread wait to be worked on, and results are taken as soon as their turn comes, so memory
/// stays bounded however many items there are. The first error reading `items` stops it.
pub fn map_batches<T: Send, U: Send, E>(
    items: impl Iterator<Item = Result<T, E>>,
    size: usize,
    work: impl Fn(Vec<T>) -> U + Sync,
    mut take: impl FnMut(U),
) -> Result<(), E> {
    let threads = threads();
    let (to_workers, batches) = sync_channel::<(usize, Vec<T>)>(threads * 2);
    let batches = Mutex::new(batches);
    let results = Mutex::new(BTreeMap::new());
    let mut next = 0;
    let read = std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                while let Some((k, batch)) = next_batch(&batches) {
                    let out = work(batch);
                    if let Ok(mut results) = results.lock() {
                        results.insert(k, out);
                    }
                }
            });
        }
        // Hands the sender over, so the workers see the end however reading ends.
        feed(items, size.max(1), to_workers, || take_ready(&results, &mut next, &mut take))
    });
    read?;
    take_ready(&results, &mut next, &mut take);
    Ok(())
}

/// Hands every result of [`map_batches`] whose turn has come (from number `next` on) to `take`.
fn take_ready<U>(results: &Mutex<BTreeMap<usize, U>>, next: &mut usize, take: &mut impl FnMut(U)) {
    loop {
        let ready = results.lock().ok().and_then(|mut results| results.remove(next));
        let Some(out) = ready else { return };
        take(out);
        *next += 1;
    }
}

/// The next batch for a worker, `None` once the reader is done and the queue is empty.
fn next_batch<T>(batches: &Mutex<Receiver<(usize, Vec<T>)>>) -> Option<(usize, Vec<T>)> {
    batches.lock().ok()?.recv().ok()
}

/// Sends `items` in numbered batches of `size`, stopping at the first error; `between` runs
/// after each batch is sent.
fn feed<T, E>(
    items: impl Iterator<Item = Result<T, E>>,
    size: usize,
    to: SyncSender<(usize, Vec<T>)>,
    mut between: impl FnMut(),
) -> Result<(), E> {
    let mut batch = Vec::with_capacity(size);
    let mut k = 0;
    for item in items {
        batch.push(item?);
        if batch.len() == size {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(size));
            if to.send((k, full)).is_err() {
                return Ok(());
            }
            k += 1;
            between();
        }
    }
    if !batch.is_empty() {
        let _ = to.send((k, batch));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_chunk_order() {
        let out = map_chunks(100, |k| k * 2);
        assert_eq!(out, (0..100).map(|k| k * 2).collect::<Vec<_>>());
    }

    #[test]
    fn batches_come_back_in_order_and_a_read_error_stops_the_work() {
        let items = (0..10_000).map(Ok::<usize, String>);
        let mut sums = Vec::new();
        let read = map_batches(items, 64, |batch| batch.iter().sum::<usize>(), |sum| sums.push(sum));
        assert_eq!(read, Ok(()));
        assert_eq!(sums.len(), 10_000usize.div_ceil(64));
        assert_eq!(sums.iter().sum::<usize>(), (0..10_000).sum::<usize>());
        assert_eq!(sums[1], (64..128).sum::<usize>(), "the second batch holds the second 64 items");
        let failing = (0..10_000).map(|i| if i == 5000 { Err(format!("item {i}")) } else { Ok(i) });
        assert_eq!(map_batches(failing, 64, |batch| batch.len(), drop), Err("item 5000".to_owned()));
    }

    #[test]
    fn a_parallel_sort_sorts_stably() {
        let mut items: Vec<(u32, usize)> = (0..200_000).map(|i| ((i * 7919 % 1000) as u32, i)).collect();
        let mut expected = items.clone();
        expected.sort_by_key(|(k, _)| *k);
        sort_by(&mut items, |a, b| a.0.cmp(&b.0));
        assert_eq!(items, expected, "equal keys keep their order");
    }

    #[test]
    fn a_parallel_unstable_sort_sorts() {
        for n in [0, 1, 1000, 200_001] {
            let mut items: Vec<u64> = (0..n).map(|i| (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20).collect();
            let mut expected = items.clone();
            expected.sort_unstable();
            sort_unstable(&mut items);
            assert_eq!(items, expected, "{n} items");
        }
    }

    #[test]
    fn every_chunk_is_worked_on_once_with_its_own_index() {
        let mut items: Vec<usize> = vec![0; 1000];
        for_each_chunk(&mut items, 64, |k, chunk| {
            for x in chunk.iter_mut() {
                *x += k + 1;
            }
        });
        let expected: Vec<usize> = (0..1000).map(|i| i / 64 + 1).collect();
        assert_eq!(items, expected);
    }
}
