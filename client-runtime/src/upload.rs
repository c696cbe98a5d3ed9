//! A file sent with a request (an expense's receipt), from bytes or from a path.

use std::fmt;
use std::path::Path;

use bytes::Bytes;

use crate::Error;

/// A file to upload: its bytes, the name the server stores it under and its MIME type.
///
/// Cloning is cheap (the bytes are shared), so a request that is retried sends the same
/// file again without copying it.
#[derive(Clone, PartialEq, Eq)]
pub struct Upload {
    file_name: String,
    content_type: String,
    bytes: Bytes,
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl Upload {
    /// A file made of `bytes`, named `file_name`, of type `content_type` (`application/pdf`).
    pub fn new(file_name: impl Into<String>, content_type: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        Upload { file_name: file_name.into(), content_type: content_type.into(), bytes: bytes.into() }
    }

    /// Reads the file at `path` now; its name is the path's last component and its type
    /// follows from the extension ([`content_type_for`]). The read blocks the calling
    /// thread: for a large file in async code, read it yourself and use [`Upload::new`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let fail = |source: std::io::Error| Error::File { path: path.to_path_buf(), source };
        let Some(name) = path.file_name() else {
            return Err(fail(std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file")));
        };
        let bytes = std::fs::read(path).map_err(fail)?;
        let file_name = name.to_string_lossy().into_owned();
        let content_type = content_type_for(&file_name).to_owned();
        Ok(Upload { file_name, content_type, bytes: bytes.into() })
    }

    /// The same file under another MIME type.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }

    /// The name the file is sent under.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The MIME type it is sent with.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

/// The MIME type of a receipt-like file, by its extension (case-insensitive):
/// documents and images Harvest takes as receipts, `application/octet-stream` otherwise.
pub fn content_type_for(file_name: &str) -> &'static str {
    let extension = file_name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "tif" | "tiff" => "image/tiff",
        "txt" => "text/plain",
        "csv" => "text/csv",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type_for("Lunch.PDF"), "application/pdf");
        assert_eq!(content_type_for("scan.jpeg"), "image/jpeg");
        assert_eq!(content_type_for("archive.tar.gz"), "application/octet-stream");
        assert_eq!(content_type_for("README"), "application/octet-stream");
    }

    #[test]
    fn a_file_is_read_with_its_name_and_type() {
        let dir = std::env::temp_dir().join(format!("upload-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("taxi.png");
        std::fs::write(&path, b"\x89PNG bytes").unwrap();
        let upload = Upload::from_path(&path).unwrap();
        assert_eq!((upload.file_name(), upload.content_type()), ("taxi.png", "image/png"));
        assert_eq!(upload.bytes().as_ref(), b"\x89PNG bytes");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let err = Upload::from_path("/definitely/not/here.pdf").unwrap_err();
        assert!(matches!(&err, Error::File { path, .. } if path.ends_with("here.pdf")), "{err}");
        assert!(matches!(Upload::from_path("/"), Err(Error::File { .. })));
    }
}
