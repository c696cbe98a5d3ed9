//! Uploaded files (expense receipts): their bytes, name and type, by id.
//! Kept with the store, so they survive in the state file like the records,
//! and shared (not copied) between copies of the account.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use imbl::OrdMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    /// The name it was uploaded with.
    pub name: String,
    /// Its MIME type.
    pub content_type: String,
    /// Its bytes (base64 in the state file).
    #[serde(serialize_with = "to_base64", deserialize_with = "from_base64")]
    pub bytes: Vec<u8>,
}

/// The files of an account, by id.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Files {
    next_id: i64,
    #[serde(with = "shared")]
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
}

/// The files as a plain map in the state file.
mod shared {
    use super::*;

    pub fn serialize<S: Serializer>(files: &OrdMap<i64, Arc<StoredFile>>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(files.iter().map(|(id, f)| (id, &**f)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OrdMap<i64, Arc<StoredFile>>, D::Error> {
        let plain = BTreeMap::<i64, StoredFile>::deserialize(d)?;
        Ok(plain.into_iter().map(|(id, f)| (id, Arc::new(f))).collect())
    }
}

fn to_base64<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&STANDARD.encode(bytes))
}

fn from_base64<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let text = String::deserialize(d)?;
    STANDARD.decode(text).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_round_trip_through_the_state_format() {
        let mut files = Files::default();
        let id =
            files.put(StoredFile { name: "r.png".into(), content_type: "image/png".into(), bytes: vec![0, 255, 7] });
        let text = serde_json::to_string(&files).unwrap_or_default();
        assert!(text.contains("\"AP8H\""), "bytes are base64: {text}");
        let back: Files = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back.get(id), files.get(id));
        files.remove(id);
        assert!(files.get(id).is_none());
        assert_ne!(
            files.put(StoredFile { name: "b".into(), content_type: "c".into(), bytes: vec![] }),
            id,
            "ids are not reused"
        );
    }
}
