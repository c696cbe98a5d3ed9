//! Work split in numbered chunks and run on every core (seeding, building a
//! table's indexes); results come back in chunk order, so what is computed
//! never depends on how many threads ran.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_chunk_order() {
        let out = map_chunks(100, |k| k * 2);
        assert_eq!(out, (0..100).map(|k| k * 2).collect::<Vec<_>>());
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
