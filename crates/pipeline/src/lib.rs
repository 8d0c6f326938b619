//! Keeping an index in step with its corpus folder.
//!
//! [`sync`] discovers the corpus's files, reads in parallel only those whose content changed
//! since the index last saw them, replaces their passages, removes those of deleted files and
//! commits. It joins `minga-ingest` (files → documents → passages) to `minga-engine` (passages
//! → index) and is used by the command line and the server alike; it prints nothing.

mod sync;

pub use sync::{DEFAULT_COMMIT_BYTES, Progress, Summary, SyncError, SyncOptions, sync};
