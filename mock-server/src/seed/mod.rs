//! Deterministic seeding: every resource in dependency order, relations
//! consistent, then the API's own consistency passes ([`SeedPass`]).
//!
//! A resource's records are drawn in chunks of [`CHUNK`], each from its own
//! random stream derived from the seed, the resource's name and the chunk's
//! index (chunk 0's stream is the resource's own). So the same seed gives the
//! same bytes however many threads draw, and large tables (a million time
//! entries) are drawn on every core. Each chunk then balances its own flags
//! and runs the passes' record hooks on the thread that drew it, while its
//! records are in cache. A table is then built at once, indexes included
//! ([`Store::load`]).

mod balance;
mod by_id;
mod drawn;
mod fake;
mod generate;
mod items;
mod matching;
mod progress;

use std::thread::ScopedJoinHandle;

use chrono::{DateTime, Utc};
use harvest_spec::ir::ResourceId;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use by_id::ById;
pub use fake::anchor;
pub use progress::Progress;

use crate::plan::Plan;
use crate::store::{Built, Rec, Store};
use generate::Gen;

/// Records drawn from one random stream; a resource with more is drawn in several chunks.
pub const CHUNK: usize = 4096;

/// Adjusts one freshly drawn record before it joins its table (see [`SeedPass::prepare`]):
/// gets the record's id, its values and the chunk's random stream.
pub type RecordHook<'a> = Box<dyn Fn(i64, &mut Rec, &mut ChaCha8Rng) + Send + Sync + 'a>;

/// A pass over the generated store that makes it consistent with rules the
/// generic generator does not know (an API's totals, timers, histories).
pub trait SeedPass: Send + Sync {
    /// A short name for logs.
    fn name(&self) -> &'static str;

    /// The per-record part of the pass for resource `r`, run on each of its records as they
    /// are drawn (in parallel chunks); `store` holds every resource seeded before `r` that
    /// `r` refers to (others may still be building on another thread).
    /// `None` (the default) when the pass has nothing to do per record of `r`.
    fn prepare<'a>(&'a self, _plan: &'a Plan, _store: &'a Store, _r: ResourceId) -> Option<RecordHook<'a>> {
        None
    }

    /// Whether [`SeedPass::apply`] neither reads nor writes table `r`, so that the pass can
    /// run while that table is still being built (the default: it may use every table).
    fn skips(&self, _plan: &Plan, _r: ResourceId) -> bool {
        false
    }

    /// Adjusts the whole store once every resource is seeded (but those it [skips]);
    /// `rng` is one stream shared by every pass, in order; `anchor` is the last instant of
    /// the seeded window (see [`anchor`]).
    ///
    /// [skips]: SeedPass::skips
    fn apply(&self, plan: &Plan, store: &mut Store, anchor: DateTime<Utc>, rng: &mut ChaCha8Rng);
}

/// Builds the seeded store, its dates in the window ending at `now`'s hour, counting the
/// resources done in `progress` as it goes.
pub fn seed(
    plan: &Plan,
    passes: &[Box<dyn SeedPass>],
    seed: u64,
    scale: f64,
    now: DateTime<Utc>,
    progress: &Progress,
) -> Store {
    let anchor = anchor(now);
    progress.begin(plan.seed_order.len());
    let mut g = Gen::new(plan, anchor);
    g.store.seed = seed;
    g.store.scale = scale;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    std::thread::scope(move |s| {
        // Large tables are built on a thread of their own while the next ones are drawn.
        let mut building: Vec<(ResourceId, ScopedJoinHandle<'_, Built>)> = Vec::new();
        for r in plan.seed_order.iter().copied() {
            // The tables `r` points at are read while its records are drawn: in place first.
            install(&mut g.store, &mut building, |t| plan.res[r].refs.iter().any(|rf| rf.target == t));
            let rows = draw(plan, passes, &mut g, r, seed, scale);
            g.ids[r] = rows.iter().map(|(id, _)| *id).collect();
            g.drawn.add(r, &rows);
            if rows.len() >= BUILD_APART_FROM {
                building.push((r, s.spawn(move || Store::build(plan, r, rows))));
            } else {
                g.store.load(plan, r, rows);
            }
            progress.step();
        }
        // The lookup arrays are dropped before the passes run: they are only for drawing.
        let mut store = g.into_store();
        for pass in passes {
            install(&mut store, &mut building, |t| !pass.skips(plan, t));
            let started = std::time::Instant::now();
            pass.apply(plan, &mut store, anchor, &mut rng);
            tracing::debug!(pass = pass.name(), took = ?started.elapsed(), "seed pass applied");
        }
        install(&mut store, &mut building, |_| true);
        store
    })
}

/// Puts in place the tables still building that `needed` asks for, waiting for each.
fn install(
    store: &mut Store,
    building: &mut Vec<(ResourceId, ScopedJoinHandle<'_, Built>)>,
    needed: impl Fn(ResourceId) -> bool,
) {
    let (wait, rest) = std::mem::take(building).into_iter().partition(|(t, _)| needed(*t));
    *building = rest;
    for (_, table) in wait {
        store.install(table.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
    }
}

/// Tables with at least this many records are built on a thread of their own.
const BUILD_APART_FROM: usize = 100_000;

/// The records of `r`, drawn and made consistent by the passes' hooks.
fn draw(
    plan: &Plan,
    passes: &[Box<dyn SeedPass>],
    g: &mut Gen<'_>,
    r: ResourceId,
    seed: u64,
    scale: f64,
) -> Vec<(i64, Rec)> {
    let res = plan.spec.resource(r);
    let count = if res.singleton {
        1
    } else if res.seed_count == 0 {
        0
    } else {
        ((f64::from(res.seed_count) * scale).round() as usize).max(1)
    };
    let started = std::time::Instant::now();
    let streams = Streams { seed, resource: fnv(&res.name) };
    let chunked = count > CHUNK && g.chunkable(r);
    let rows = if chunked {
        // Each chunk balances its own flags and runs the passes' hooks on the thread that drew
        // it, while its records are still in cache.
        // Records with nested items get their item ids only once every chunk is drawn, so
        // the hooks, which may read them, wait until then.
        let items = g.holds_items(r);
        let hooks: Vec<RecordHook<'_>> = passes.iter().filter_map(|p| p.prepare(plan, &g.store, r)).collect();
        let (mut rows, drawn_items) = g.draw_chunked(r, count, &streams, |k, rows| {
            balance::balance_flags(plan, r, rows, &mut streams.salted(BALANCE ^ spread(k)));
            for hook in hooks.iter().filter(|_| !items) {
                let mut rng = streams.salted(HOOKS ^ spread(k));
                for (id, rec) in rows.iter_mut() {
                    hook(*id, rec, &mut rng);
                }
            }
        });
        for hook in hooks.iter().filter(|_| items) {
            per_record(&mut rows, &streams, hook);
        }
        drop(hooks);
        g.advance_past(r, count, drawn_items);
        rows
    } else {
        // A table that fits one chunk is drawn in one stream, as it always was, and balances
        // its flags with what is left of that stream.
        let mut rng = streams.chunk(0);
        let mut rows = g.draw_in_order(r, count, &mut rng);
        balance::balance_flags(plan, r, &mut rows, &mut rng);
        for pass in passes {
            if let Some(hook) = pass.prepare(plan, &g.store, r) {
                per_record(&mut rows, &streams, &hook);
            }
        }
        rows
    };
    tracing::debug!(resource = %res.name, records = rows.len(), chunked, took = ?started.elapsed(), "drawn");
    rows
}

/// Salt of the stream that balances a chunked resource's flags.
const BALANCE: u64 = 0xba1a_0ce5;
/// Salt of the streams that run the record hooks.
const HOOKS: u64 = 0x4007_5eed;

/// The random streams of one resource.
struct Streams {
    seed: u64,
    resource: u64,
}

impl Streams {
    /// The stream of chunk `k` (chunk 0's is the resource's own, as before chunking).
    fn chunk(&self, k: usize) -> ChaCha8Rng {
        self.salted(spread(k))
    }

    /// A stream for one purpose (`salt`) and chunk.
    fn salted(&self, salt: u64) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(self.seed ^ self.resource ^ salt)
    }
}

/// Runs `hook` on every record, chunk by chunk in parallel, each chunk with its own stream.
fn per_record(rows: &mut [(i64, Rec)], streams: &Streams, hook: &RecordHook<'_>) {
    crate::parallel::for_each_chunk(rows, CHUNK, |k, chunk| {
        let mut rng = streams.salted(HOOKS ^ spread(k));
        for (id, rec) in chunk {
            hook(*id, rec, &mut rng);
        }
    });
}

/// Chunk index `k` spread over all 64 bits (0 stays 0), to salt its streams.
fn spread(k: usize) -> u64 {
    (k as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// FNV-1a, to derive one stream per resource name.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_drawn_in_parallel_chunks_come_out_the_same_every_time() {
        let plan = Plan::harvest();
        let (_, passes) = crate::harvest::rules();
        let now = chrono::DateTime::parse_from_rfc3339("2026-03-02T15:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|e| panic!("{e}"));
        let draw = || seed(&plan, &passes, 9, 2.5, now, &Progress::default());
        let (a, b) = (draw(), draw());
        let entries = plan.spec.resource_named("time_entry").unwrap_or_else(|| panic!("no time_entry"));
        assert!(a.tables[entries].rows.len() > CHUNK, "time entries span more than one chunk");
        for (r, table) in a.tables.iter() {
            assert_eq!(table.rows, b.tables[r].rows, "records of {}", plan.spec.resource(r).name);
        }
        let ids: Vec<i64> = a.tables[entries].rows.keys().copied().collect();
        assert!(ids.windows(2).all(|w| w[1] == w[0] + 1), "chunked ids follow each other");
    }

    #[test]
    fn items_of_chunks_drawn_apart_are_numbered_as_drawing_in_order_numbers_them() {
        let plan = Plan::harvest();
        let invoice = plan.spec.resource_named("invoice").unwrap_or_else(|| panic!("no invoice"));
        let mut g = Gen::new(&plan, anchor(Utc::now()));
        for r in plan.seed_order.iter().copied().take_while(|r| *r != invoice) {
            let rows = draw(&plan, &[], &mut g, r, 5, 1.0);
            g.ids[r] = rows.iter().map(|(id, _)| *id).collect();
            g.drawn.add(r, &rows);
            g.store.load(&plan, r, rows);
        }
        let start = g.store.next_item_id;
        let streams = Streams { seed: 5, resource: fnv("invoice") };
        let (rows, items) = g.draw_chunked(invoice, 2 * CHUNK + 5, &streams, |_, _| {});
        let Some(ix) = plan.res[invoice].ix("line_items") else { panic!("invoices have line items") };
        let ids: Vec<i64> = rows
            .iter()
            .filter_map(|(_, rec)| rec.value(ix)?.as_array())
            .flatten()
            .filter_map(|item| item["id"].as_i64())
            .collect();
        assert!(items > 2 * CHUNK as i64, "every invoice has an item");
        assert_eq!(ids, (start..start + items).collect::<Vec<_>>(), "one counter, in record order");
        g.advance_past(invoice, 2 * CHUNK + 5, items);
        assert_eq!(g.store.next_item_id, start + items);
    }
}
