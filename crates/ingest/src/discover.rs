//! Finding the documents in a corpus folder.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use walkdir::WalkDir;

use crate::{Error, Format, Problem, Result};

/// A document file found in the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Where it is on disk.
    pub path: PathBuf,
    /// Its path relative to the corpus folder, `/`-separated: the document's `source`.
    pub rel: String,
    pub format: Format,
    /// Size in bytes.
    pub size: u64,
    /// Last modification time, where the file system keeps one.
    pub modified: Option<SystemTime>,
}

/// What [`discover`] found.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// The files to read, sorted by `rel`.
    pub files: Vec<SourceFile>,
    /// Files Minga does not read (unsupported extensions, symlinks leaving the corpus) and
    /// folders it could not list.
    pub ignored: Vec<Problem>,
}

/// Lists the document files of a corpus folder.
///
/// Skips, without reporting them, files and folders whose name starts with `_` or `.` (data
/// files, sidecars, hidden files) and `README`, `README.md`, `README.txt` in any case. Symbolic
/// links are followed only to files inside the corpus. Fails only if the corpus folder itself
/// is missing or unreadable.
pub fn discover(corpus: &Path) -> Result<Discovery> {
    if !corpus.is_dir() {
        return Err(Error::CorpusMissing {
            path: corpus.to_path_buf(),
        });
    }
    std::fs::read_dir(corpus).map_err(|source| Error::Io {
        path: corpus.to_path_buf(),
        source,
    })?;
    let root = corpus.canonicalize().map_err(|source| Error::Io {
        path: corpus.to_path_buf(),
        source,
    })?;

    let mut discovery = Discovery::default();
    let walker = WalkDir::new(corpus)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !is_hidden(&entry.file_name().to_string_lossy())
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let rel = err.path().map(|p| relative(corpus, p)).unwrap_or_default();
                tracing::warn!(path = %rel, error = %err, "cannot list");
                discovery
                    .ignored
                    .push(Problem::skipped(rel, format!("cannot read: {err}")));
                continue;
            }
        };
        if entry.depth() == 0 || entry.file_type().is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if is_readme(&name) {
            continue;
        }
        let rel = relative(corpus, entry.path());
        let metadata = if entry.path_is_symlink() {
            match std::fs::canonicalize(entry.path()) {
                Ok(target) if target.is_dir() => {
                    discovery.ignored.push(Problem::ignored(
                        rel,
                        "symbolic link to a folder: not followed",
                    ));
                    continue;
                }
                Ok(target) if target.starts_with(&root) => std::fs::metadata(&target),
                Ok(_) => {
                    discovery.ignored.push(Problem::ignored(
                        rel,
                        "symbolic link to a file outside the corpus: not followed",
                    ));
                    continue;
                }
                Err(err) => {
                    discovery.ignored.push(Problem::ignored(
                        rel,
                        format!("broken symbolic link: {err}"),
                    ));
                    continue;
                }
            }
        } else {
            entry.metadata().map_err(std::io::Error::from)
        };
        let Some(format) = Format::from_path(&rel) else {
            let reason = match name.rsplit_once('.') {
                Some((stem, ext)) if !stem.is_empty() => {
                    format!("unsupported file type .{}", ext.to_lowercase())
                }
                _ => "no file extension: not a document type Minga reads".to_string(),
            };
            discovery.ignored.push(Problem::ignored(rel, reason));
            continue;
        };
        match metadata {
            Ok(metadata) => discovery.files.push(SourceFile {
                path: entry.path().to_path_buf(),
                rel,
                format,
                size: metadata.len(),
                modified: metadata.modified().ok(),
            }),
            Err(err) => discovery
                .ignored
                .push(Problem::skipped(rel, format!("cannot read: {err}"))),
        }
    }
    discovery.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    tracing::debug!(
        files = discovery.files.len(),
        ignored = discovery.ignored.len(),
        corpus = %corpus.display(),
        "discovered"
    );
    Ok(discovery)
}

/// Names the walk never enters or lists: `_data`, `.git`, `_meta.yaml`…
fn is_hidden(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}

fn is_readme(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(name.as_str(), "readme" | "readme.md" | "readme.txt")
}

/// `path` relative to `root`, `/`-separated.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn lists_documents_sorted_and_skips_data_and_readmes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "notas/b.md", "# B");
        write(root, "notas/a.md", "# A");
        write(root, "bulk.jsonl", "{}");
        write(root, "informes/R.PDF", "%PDF");
        write(root, "_gazetteer.csv", "country,region\n");
        write(root, "_privado/x.md", "# X");
        write(root, ".git/config", "x");
        write(root, "notas/_meta.yaml", "kind: nota");
        write(root, "README.md", "# Readme");
        write(root, "notas/readme.txt", "readme");
        write(root, "notas/imagen.png", "png");
        write(root, "LICENSE", "MIT");

        let found = discover(root).unwrap();
        let rels: Vec<&str> = found.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(
            rels,
            ["bulk.jsonl", "informes/R.PDF", "notas/a.md", "notas/b.md"]
        );
        assert_eq!(found.files[1].format, Format::Pdf);
        assert_eq!(found.files[2].size, 3);
        assert!(found.files[2].modified.is_some());
        assert!(found.files[2].path.ends_with("notas/a.md"));

        let ignored: Vec<String> = found.ignored.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            ignored,
            [
                "LICENSE: no file extension: not a document type Minga reads",
                "notas/imagen.png: unsupported file type .png",
            ]
        );
        assert!(
            found
                .ignored
                .iter()
                .all(|p| p.severity == Severity::Ignored)
        );
    }

    #[test]
    fn a_missing_corpus_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nowhere");
        let err = discover(&missing).unwrap_err();
        assert!(matches!(err, Error::CorpusMissing { .. }));
        assert!(err.to_string().contains("nowhere"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_leaving_the_corpus_are_not_followed() {
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "secret.md", "# Secret");
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a.md", "# A");
        std::os::unix::fs::symlink(outside.path().join("secret.md"), root.join("s.md")).unwrap();
        std::os::unix::fs::symlink(root.join("a.md"), root.join("alias.md")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("dir")).unwrap();

        let found = discover(root).unwrap();
        let rels: Vec<&str> = found.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["a.md", "alias.md"]);
        let ignored: Vec<String> = found.ignored.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            ignored,
            [
                "dir: symbolic link to a folder: not followed",
                "s.md: symbolic link to a file outside the corpus: not followed",
            ]
        );
    }
}
