//! Durability on disk, shared by the indexer and the server's writer.

use std::path::Path;

/// Makes the entries of a folder (files created, renamed or removed in it) durable: after a
/// rename into place, a crash then cannot bring back the folder as it was. A no-op where the
/// platform has no way to sync a folder.
pub fn sync_folder(folder: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(folder)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = folder;
    Ok(())
}
