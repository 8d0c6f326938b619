//! What the reader targets share: one [`Reader`] over an empty corpus folder, and the run of
//! a file's bytes through it and the passage splitter.

use std::sync::OnceLock;

use minga_ingest::Reader;

/// A reader of an empty corpus folder (no data files, no sidecars), made once.
pub fn reader() -> &'static Reader {
    static READER: OnceLock<(tempfile_dir::Dir, Reader)> = OnceLock::new();
    &READER
        .get_or_init(|| {
            let dir = tempfile_dir::Dir::new();
            let reader = Reader::new(dir.path(), Default::default()).expect("a reader");
            (dir, reader)
        })
        .1
}

/// Reads `bytes` as the file `name` and splits what it gives into passages: whatever the
/// bytes, this must return (the reader reports problems; it never panics or hangs).
pub fn read(name: &str, bytes: &[u8]) {
    let reader = reader();
    let outcome = reader.read(name, bytes);
    for document in &outcome.documents {
        let _ = reader.passages(document);
    }
}

mod tempfile_dir {
    use std::path::{Path, PathBuf};

    /// A folder of its own under the system's temporary folder.
    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new() -> Dir {
            let path = std::env::temp_dir().join(format!("minga-fuzz-{}", std::process::id()));
            std::fs::create_dir_all(&path).expect("a temporary folder");
            Dir(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }
}
