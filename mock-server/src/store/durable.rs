//! `--state FILE`: the default account in an SQLite database that users can
//! open with the `sqlite3` shell (one row per record, its fields as a JSON
//! object by name). A write is answered only after the transaction holding
//! it is committed; each commit writes only the records that changed since
//! the last one, found by diffing the persistent tables (shared subtrees are
//! skipped), so its cost follows the write, not the account. Commits run
//! outside the account's lock, so reads never wait for the disk, and a
//! commit takes the newest state, so writers waiting behind it are made
//! durable together (group commit).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use harvest_spec::ir::ResourceId;
use rusqlite::{Connection, OpenFlags, params};
use serde_json::{Map, Value};

use super::record_json::{from_json, to_json};
use super::{Rec, Store, StoredFile};
use crate::error::Error;
use crate::plan::{PerResource, Plan};

/// Marks a database as a harvest-mock state (`PRAGMA application_id`, "HMK1").
const APPLICATION_ID: i32 = 0x484D_4B31;
/// The layout this build writes and reads (`PRAGMA user_version`).
const SCHEMA_VERSION: i32 = 1;
/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

const SCHEMA: &str = "
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE records (
        resource TEXT NOT NULL,
        id INTEGER NOT NULL,
        fields TEXT NOT NULL,
        PRIMARY KEY (resource, id)
    ) WITHOUT ROWID;
    CREATE TABLE files (id INTEGER PRIMARY KEY, name TEXT NOT NULL, content_type TEXT NOT NULL, bytes BLOB NOT NULL);
";

/// The state database and the account as last committed to it.
#[derive(Debug)]
pub struct Durable {
    path: PathBuf,
    committed: Mutex<Committed>,
}

#[derive(Debug)]
struct Committed {
    conn: Connection,
    store: Store,
}

impl Durable {
    /// Opens the state database at `path` and reads the account it holds; a missing file is
    /// created holding `fresh()`. A file that is not a state database of this layout is
    /// refused, and left as it is.
    pub fn open(plan: &Plan, path: &Path, fresh: impl FnOnce() -> Store) -> Result<(Durable, Store), Error> {
        let fail = |message: String| Error::State { path: path.display().to_string(), message };
        let (conn, store) = if path.exists() {
            check_magic(path).map_err(fail)?;
            let conn =
                Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                    .map_err(|e| fail(format!("cannot open it: {e}")))?;
            check_identity(&conn).map_err(fail)?;
            configure(&conn).map_err(|e| fail(e.to_string()))?;
            let store = read(plan, &conn).map_err(fail)?;
            (conn, store)
        } else {
            let conn = Connection::open(path).map_err(|e| fail(format!("cannot create it: {e}")))?;
            configure(&conn).map_err(|e| fail(e.to_string()))?;
            let init =
                format!("PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION}; {SCHEMA}");
            conn.execute_batch(&init).map_err(|e| fail(format!("cannot create its tables: {e}")))?;
            let store = fresh();
            write(plan, &conn, &Store::empty(plan), &store).map_err(|e| fail(e.to_string()))?;
            (conn, store)
        };
        let durable =
            Durable { path: path.to_path_buf(), committed: Mutex::new(Committed { conn, store: store.clone() }) };
        Ok((durable, store))
    }

    /// Makes the account durable up to its write number `upto`: when the last commit already
    /// holds it, nothing; otherwise commits the changes between that commit and `current()`
    /// (the account now, which holds `upto` and maybe later writes) in one transaction.
    pub fn sync(&self, plan: &Plan, upto: u64, current: impl FnOnce() -> Option<Store>) -> Result<(), Error> {
        let fail = |message: String| Error::State { path: self.path.display().to_string(), message };
        let mut committed = self.committed.lock().map_err(|_| fail("an earlier commit panicked".into()))?;
        if committed.store.generation >= upto {
            return Ok(());
        }
        let now = current().ok_or_else(|| fail("the account is unavailable".into()))?;
        write(plan, &committed.conn, &committed.store, &now).map_err(|e| fail(e.to_string()))?;
        committed.store = now;
        Ok(())
    }
}

fn check_magic(path: &Path) -> Result<(), String> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let read =
        std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).map_err(|e| format!("cannot read it: {e}"))?;
    if read < head.len() || head != SQLITE_MAGIC {
        return Err("it is not a harvest-mock state database (not an SQLite file); it was left as it is — \
                    move it away or name another --state file"
            .into());
    }
    Ok(())
}

fn check_identity(conn: &Connection) -> Result<(), String> {
    let pragma = |name: &str| conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i32>(0));
    let app = pragma("application_id")
        .map_err(|e| format!("it is not a readable SQLite database ({e}); it was left as it is"))?;
    if app != APPLICATION_ID {
        return Err(
            "it is an SQLite database of another program, not a harvest-mock state; it was left as it is".into()
        );
    }
    let version = pragma("user_version").map_err(|e| e.to_string())?;
    if version > SCHEMA_VERSION {
        return Err(format!(
            "it was written by a newer harvest-mock (state layout {version}; this one reads up to {SCHEMA_VERSION}); \
             it was left as it is"
        ));
    }
    Ok(())
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    // WAL keeps readers of the file (the sqlite3 shell) out of the writer's way; FULL makes
    // every commit durable before it returns.
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    conn.execute_batch("PRAGMA synchronous = FULL;")?;
    // Another program writing the file makes a commit wait this long, then fail (a 500).
    conn.busy_timeout(std::time::Duration::from_secs(2))
}

/// Writes every difference between `old` and `new` in one transaction.
fn write(plan: &Plan, conn: &Connection, old: &Store, new: &Store) -> rusqlite::Result<()> {
    let tx = conn.unchecked_transaction()?;
    {
        let mut upsert =
            tx.prepare_cached("INSERT OR REPLACE INTO records (resource, id, fields) VALUES (?1, ?2, ?3)")?;
        let mut delete = tx.prepare_cached("DELETE FROM records WHERE resource = ?1 AND id = ?2")?;
        for (r, table) in new.tables.iter() {
            let name = &plan.spec.resource(r).name;
            let Some(before) = old.tables.get(r) else { continue };
            for change in before.rows.diff(&table.rows) {
                match change {
                    imbl::ordmap::DiffItem::Add(id, rec) | imbl::ordmap::DiffItem::Update { new: (id, rec), .. } => {
                        upsert.execute(params![name, id, to_json(plan, r, rec)])?;
                    }
                    imbl::ordmap::DiffItem::Remove(id, _) => {
                        delete.execute(params![name, id])?;
                    }
                }
            }
        }
        let mut put_file =
            tx.prepare_cached("INSERT OR REPLACE INTO files (id, name, content_type, bytes) VALUES (?1, ?2, ?3, ?4)")?;
        let mut drop_file = tx.prepare_cached("DELETE FROM files WHERE id = ?1")?;
        for (id, file) in new.files.changed_since(&old.files) {
            match file {
                Some(f) => put_file.execute(params![id, f.name, f.content_type, f.bytes])?,
                None => drop_file.execute(params![id])?,
            };
        }
        let mut meta = tx.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?;
        for (key, value) in meta_of(plan, new) {
            meta.execute(params![key, value.to_string()])?;
        }
    }
    tx.commit()
}

/// What the store holds besides records: its origin, counters, user and teammates.
fn meta_of(plan: &Plan, store: &Store) -> Vec<(&'static str, Value)> {
    let next_ids: Map<String, Value> =
        store.tables.iter().map(|(r, t)| (plan.spec.resource(r).name.clone(), Value::from(t.next_id))).collect();
    let teammates: Map<String, Value> =
        store.teammates.iter().map(|(k, v)| (k.to_string(), Value::from(v.clone()))).collect();
    vec![
        ("seed", Value::from(store.seed)),
        ("scale", Value::from(store.scale)),
        ("me", Value::from(store.me)),
        ("next_item_id", Value::from(store.next_item_id)),
        ("next_ids", Value::Object(next_ids)),
        ("teammates", Value::Object(teammates)),
        ("next_file_id", Value::from(store.files.next_id())),
    ]
}

/// Rows read and parsed together at start-up.
const READ_BATCH: usize = 2048;

/// Records from rows of the `records` table: (resource name, id, fields as JSON).
fn parse_rows(plan: &Plan, rows: Vec<(String, i64, String)>) -> Result<Vec<(ResourceId, i64, Rec)>, String> {
    rows.into_iter()
        .map(|(resource, id, text)| {
            let r = plan.spec.resource_named(&resource).ok_or_else(|| {
                format!("it holds records of `{resource}`, which the spec does not have (saved with another spec?)")
            })?;
            let rec = from_json(plan, r, &text).map_err(|e| format!("record {resource} {id} cannot be read: {e}"))?;
            Ok((r, id, rec.into_rec()))
        })
        .collect()
}

/// Reads the whole account back.
fn read(plan: &Plan, conn: &Connection) -> Result<Store, String> {
    let bad = |e: rusqlite::Error| format!("it cannot be read ({e}); it was left as it is");
    let mut store = Store::empty(plan);
    let meta: Map<String, Value> = {
        let mut q = conn.prepare("SELECT key, value FROM meta").map_err(bad)?;
        let rows = q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(bad)?;
        let mut m = Map::new();
        for row in rows {
            let (k, v) = row.map_err(bad)?;
            let value = serde_json::from_str(&v).map_err(|e| format!("meta value {k} is not JSON: {e}"))?;
            m.insert(k, value);
        }
        m
    };
    let int = |k: &str| meta.get(k).and_then(Value::as_i64).ok_or_else(|| format!("meta value {k} is missing"));
    store.seed = meta.get("seed").and_then(Value::as_u64).ok_or("meta value seed is missing")?;
    store.scale = meta.get("scale").and_then(Value::as_f64).ok_or("meta value scale is missing")?;
    store.me = int("me")?;
    store.next_item_id = int("next_item_id")?;
    if let Some(Value::Object(mates)) = meta.get("teammates") {
        for (k, v) in mates {
            let ids: Vec<i64> = v.as_array().into_iter().flatten().filter_map(Value::as_i64).collect();
            store.teammates.insert(k.parse().map_err(|_| format!("teammates key {k} is not an id"))?, ids);
        }
    }
    let mut q = conn.prepare("SELECT resource, id, fields FROM records ORDER BY resource, id").map_err(bad)?;
    let rows = q
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)))
        .map_err(bad)?
        .map(|row| row.map_err(bad));
    // The rows are read here while every core parses the ones read before; then each table
    // is built at once from its records.
    let started = std::time::Instant::now();
    let mut tables: PerResource<Vec<(i64, Rec)>> = plan.res.iter().map(|_| Vec::new()).collect();
    let mut unreadable = None;
    crate::parallel::map_batches(
        rows,
        READ_BATCH,
        |batch| parse_rows(plan, batch),
        |parsed| match parsed {
            Ok(records) => {
                for (r, id, rec) in records {
                    tables[r].push((id, rec));
                }
            }
            Err(e) => {
                unreadable.get_or_insert(e);
            }
        },
    )?;
    if let Some(e) = unreadable {
        return Err(e);
    }
    tracing::debug!(took = ?started.elapsed(), "state database: records read");
    let started = std::time::Instant::now();
    for r in plan.res.ids() {
        store.load(plan, r, std::mem::take(&mut tables[r]));
    }
    tracing::debug!(took = ?started.elapsed(), "state database: tables built");
    if let Some(Value::Object(next)) = meta.get("next_ids") {
        for (name, v) in next {
            if let (Some(r), Some(n)) = (plan.spec.resource_named(name), v.as_i64()) {
                store.tables[r].next_id = store.tables[r].next_id.max(n);
            }
        }
    }
    let mut q = conn.prepare("SELECT id, name, content_type, bytes FROM files ORDER BY id").map_err(bad)?;
    let files = q
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, StoredFile { name: r.get(1)?, content_type: r.get(2)?, bytes: r.get(3)? }))
        })
        .map_err(bad)?;
    for f in files {
        let (id, file) = f.map_err(bad)?;
        store.files.restore(id, file);
    }
    store.files.continue_from(int("next_file_id").unwrap_or(1));
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Cell;

    /// Every record of every table, by resource and id.
    fn records(plan: &Plan, store: &Store) -> Vec<(String, i64, String)> {
        store
            .tables
            .iter()
            .flat_map(|(r, t)| {
                t.rows.iter().map(move |(id, rec)| (plan.spec.resource(r).name.clone(), *id, to_json(plan, r, rec)))
            })
            .collect()
    }

    #[test]
    fn a_commit_writes_only_what_changed_and_reopening_gives_the_same_account() {
        let plan = Plan::harvest();
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("state.db");
        let seeded = crate::seed::seed(&plan, &[], 42, 1.0, chrono::Utc::now(), &crate::seed::Progress::default());
        let (durable, mut store) = Durable::open(&plan, &path, || seeded.clone()).unwrap_or_else(|e| panic!("{e}"));
        let client = plan.spec.resource_named("client").unwrap_or_else(|| panic!("no client"));
        let id = store.tables[client].rows.keys().next().copied().unwrap_or_default();
        assert!(store.set(&plan, client, id, "name", Cell::from("Renamed")).is_ok());
        let gone = store.tables[client].rows.keys().next_back().copied().unwrap_or_default();
        store.remove(&plan, client, gone);
        store.generation += 1;
        let before = durable.committed.lock().map(|c| c.conn.total_changes()).unwrap_or_default();
        durable.sync(&plan, store.generation, || Some(store.clone())).unwrap_or_else(|e| panic!("{e}"));
        let changes = durable.committed.lock().map(|c| c.conn.total_changes()).unwrap_or_default() - before;
        let meta_rows = meta_of(&plan, &store).len() as u64;
        assert_eq!(changes, 2 + meta_rows, "one update, one delete and the meta rows");
        // Already durable: nothing more.
        durable.sync(&plan, store.generation, || None).unwrap_or_else(|e| panic!("{e}"));
        drop(durable);
        let (_, back) = Durable::open(&plan, &path, || panic!("the file exists")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(records(&plan, &back), records(&plan, &store));
        assert_eq!((back.me, back.seed, back.next_item_id), (store.me, store.seed, store.next_item_id));
        assert_eq!(back.tables[client].next_id, store.tables[client].next_id);
    }
}
