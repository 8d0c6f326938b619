//! Damage to an index's files. The reading code of the index trusts its files and panics on
//! some garbled ones (a short `.store`, a bad offset in a `.fast` or `.term` file); here such
//! a panic, and the read errors that mean a missing or garbled file, become
//! [`Error::Damaged`], which says how to rebuild. [`verify_files`] reads every file of the index to
//! find damage before anything trips on it.

use std::any::Any;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Once;

use tantivy::directory::error::OpenReadError;
use tantivy::{Index, TantivyError};

use crate::error::{Error, Result};

thread_local! {
    /// Whether a panic on this thread is being caught by [`guard`]: the panic hook keeps
    /// quiet then (the error tells what happened; a backtrace would only alarm).
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

fn quiet_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `work`, which reads the index in `dir`: a panic, or an error that means damaged or
/// missing files, becomes [`Error::Damaged`].
pub(crate) fn guard<T>(dir: &Path, work: impl FnOnce() -> Result<T>) -> Result<T> {
    quiet_hook();
    let outer = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(work));
    GUARDED.with(|g| g.set(outer));
    match result {
        Ok(Err(Error::Tantivy(e))) if is_damage(&e) => Err(damaged(dir, describe(&e))),
        Ok(result) => result,
        Err(panic) => Err(damaged(
            dir,
            format!("reading it failed: {}", panic_message(&*panic)),
        )),
    }
}

pub(crate) fn damaged(dir: &Path, what: String) -> Error {
    Error::Damaged {
        path: dir.to_path_buf(),
        what,
    }
}

/// Whether a Tantivy error means files of the index are missing or garbled (rather than,
/// say, a full disk or a lock held by another process).
pub(crate) fn is_damage(error: &TantivyError) -> bool {
    matches!(
        error,
        TantivyError::DataCorruption(_)
            | TantivyError::OpenReadError(_)
            | TantivyError::OpenDirectoryError(_)
            | TantivyError::IncompatibleIndex(_)
            | TantivyError::InternalError(_)
    ) || matches!(
        error,
        // What decoding a garbled or short file reports: an I/O error that does not come from
        // the system (a failing disk, a lack of permission or room are errors of their own).
        TantivyError::IoError(e) if e.raw_os_error().is_none()
    )
}

/// A read error in few words: which file, and what is wrong with it.
fn describe(error: &TantivyError) -> String {
    match error {
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(path)) => {
            format!("missing file {}", path.display())
        }
        TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            format!("{} cannot be read: {io_error}", filepath.display())
        }
        other => other.to_string(),
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message")
}

/// Checks the files of the committed index in `dir`: each segment file is there and, with
/// `checksums`, reads every one of them to check that its checksum matches. The first damage
/// found is the error.
pub(crate) fn verify_files(index: &Index, dir: &Path, checksums: bool) -> Result<VerifiedFiles> {
    guard(dir, || {
        let metas = index.load_metas()?;
        let mut files = 0;
        let mut missing = Vec::new();
        for segment in &metas.segments {
            for file in crate::snapshot::segment_files(segment) {
                if dir.join(&file).is_file() {
                    files += 1;
                } else {
                    missing.push(file);
                }
            }
        }
        if !missing.is_empty() {
            missing.sort();
            return Err(damaged(dir, format!("missing files: {}", list(&missing))));
        }
        let mut garbled: Vec<PathBuf> = if checksums {
            index.validate_checksum()?.into_iter().collect()
        } else {
            Vec::new()
        };
        if !garbled.is_empty() {
            garbled.sort();
            return Err(damaged(dir, format!("garbled files: {}", list(&garbled))));
        }
        Ok(VerifiedFiles {
            segments: metas.segments.len(),
            files,
        })
    })
}

/// What [`verify_files`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifiedFiles {
    pub segments: usize,
    pub files: usize,
}

/// What [`crate::Engine::check_records`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordCheck {
    pub files: usize,
    pub documents: usize,
    pub passages: usize,
    /// Each file the index holds, by path relative to the corpus, with its content's hash.
    pub records: std::collections::BTreeMap<String, String>,
    /// Where records disagree with each other: none in a sound index.
    pub problems: Vec<String>,
}

fn list(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

/// Whether `dir`, which has no `meta.json`, holds segment files: an index that lost its
/// `meta.json`, not a folder of something else. Tantivy's list of its files and Minga's data
/// files alone are what a first run killed while creating the index leaves (both come before
/// `meta.json`): no index yet, nothing lost.
pub(crate) fn lost_its_meta(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let name = entry.file_name();
        name.to_string_lossy()
            .split_once('.')
            .is_some_and(|(id, _)| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
    })
}

/// Moves a damaged index aside (`<dir>.damaged-<seconds since 1970>`) instead of deleting it,
/// so that what it held can still be looked at; returns where it went.
pub fn set_aside(dir: &Path) -> Result<PathBuf> {
    move_aside(dir, dir)
}

/// Moves the damaged index in `from` aside under the name [`set_aside`] gives `dir`'s.
pub(crate) fn move_aside(from: &Path, dir: &Path) -> Result<PathBuf> {
    let name = dir
        .file_name()
        .map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned());
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut aside = dir.with_file_name(format!("{name}.damaged-{seconds}"));
    let mut n = 1;
    while aside.exists() {
        n += 1;
        aside = dir.with_file_name(format!("{name}.damaged-{seconds}-{n}"));
    }
    std::fs::rename(from, &aside).map_err(|source| Error::Io {
        action: "move aside",
        path: from.to_path_buf(),
        source,
    })?;
    Ok(aside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_reading_becomes_a_damaged_index() {
        let dir = Path::new("/srv/index");
        let error = guard::<()>(dir, || panic!("end <= orig_range.end")).unwrap_err();
        assert!(matches!(error, Error::Damaged { .. }), "{error}");
        let message = error.to_string();
        assert!(message.contains("/srv/index"), "{message}");
        assert!(message.contains("end <= orig_range.end"), "{message}");
        assert!(message.contains("run `minga index`"), "{message}");
        assert_eq!(guard(dir, || Ok(7)).unwrap(), 7);
    }
}
