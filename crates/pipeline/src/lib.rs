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
mod transaction;

pub use drift::{Drift, drift};
pub use files::FileWriter;
pub use snapshot::{Snapshot, SnapshotError, snapshot};
pub use sync::{DEFAULT_COMMIT_BYTES, Progress, Summary, SyncError, SyncOptions, sync};
pub use transaction::{
    API_FOLDER, Change, Deleted, FILES_FOLDER, MAX_RECORD_ID_BYTES, Outcome, RECORDS_FOLDER,
    Stored, Upload, WriteError, Written, apply, apply_with, io_is_disk_full, is_disk_full,
    is_record_id, remove_leftovers,
};
