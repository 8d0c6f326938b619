//! Keeping an index in step with its corpus folder.
//!
//! [`sync`] discovers the corpus's files, reads in parallel only those whose content changed
//! since the index last saw them, replaces their passages, removes those of deleted files and
//! commits. A [`FileWriter`] updates only the files it is told about, for the server's write
//! API. [`drift`] tells how far an index is behind its corpus. [`snapshot`] backs both up while
//! they are being written. Both join `minga-ingest` (files → documents → passages) to `minga-engine` (passages →
//! index) and are used by the command line and the server alike; they print nothing.

mod drift;
mod files;
mod snapshot;
mod sync;

pub use drift::{Drift, drift};
pub use files::FileWriter;
pub use snapshot::{Snapshot, SnapshotError, snapshot};
pub use sync::{DEFAULT_COMMIT_BYTES, Progress, Summary, SyncError, SyncOptions, sync};
