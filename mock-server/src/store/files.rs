//! Uploaded files (expense receipts): their bytes, name and type, by id.
//! Kept with the store, so copies of an account share them and a state
//! database saves them like the records.

use std::sync::Arc;

use imbl::OrdMap;

/// One uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// The name it was uploaded with.
    pub name: String,
    /// Its MIME type.
    pub content_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The files of an account, by id.
#[derive(Debug, Clone, Default)]
pub struct Files {
    next_id: i64,
    by_id: OrdMap<i64, Arc<StoredFile>>,
}

impl Files {
    /// Keeps a file; returns its id.
    pub fn put(&mut self, file: StoredFile) -> i64 {
        self.next_id = self.next_id.max(1);
        let id = self.next_id;
        self.next_id += 1;
        self.by_id.insert(id, Arc::new(file));
        id
    }

    /// The file with this id.
    pub fn get(&self, id: i64) -> Option<&StoredFile> {
        self.by_id.get(&id).map(|f| &**f)
    }

    /// Forgets a file.
    pub fn remove(&mut self, id: i64) {
        self.by_id.remove(&id);
    }

    /// The id the next file gets.
    pub fn next_id(&self) -> i64 {
        self.next_id.max(1)
    }

    /// Puts back a saved file under its id.
    pub fn restore(&mut self, id: i64, file: StoredFile) {
        self.by_id.insert(id, Arc::new(file));
        self.next_id = self.next_id.max(id + 1);
    }

    /// Hands out ids from `next` on (never below one already used).
    pub fn continue_from(&mut self, next: i64) {
        self.next_id = self.next_id.max(next);
    }

    /// Files added or replaced since `old` (with their content) and removed (`None`).
    pub fn changed_since<'a>(&'a self, old: &'a Files) -> Vec<(i64, Option<&'a StoredFile>)> {
        old.by_id
            .diff(&self.by_id)
            .map(|change| match change {
                imbl::ordmap::DiffItem::Add(id, f) | imbl::ordmap::DiffItem::Update { new: (id, f), .. } => {
                    (*id, Some(&**f))
                }
                imbl::ordmap::DiffItem::Remove(id, _) => (*id, None),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> StoredFile {
        StoredFile { name: name.into(), content_type: "image/png".into(), bytes: vec![0, 255, 7] }
    }

    #[test]
    fn ids_are_not_reused_and_changes_are_found() {
        let mut files = Files::default();
        let id = files.put(file("r.png"));
        let before = files.clone();
        files.remove(id);
        let second = files.put(file("b.png"));
        assert_ne!(second, id, "ids are not reused");
        let changes = files.changed_since(&before);
        assert_eq!(changes, vec![(id, None), (second, Some(&file("b.png")))]);
        let mut restored = Files::default();
        restored.restore(second, file("b.png"));
        restored.continue_from(files.next_id());
        assert_eq!(restored.put(file("c.png")), files.put(file("c.png")));
    }
}
