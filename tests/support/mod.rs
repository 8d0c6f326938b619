//! Helpers shared by the end-to-end tests of the binary (`tests/end_to_end/cli.rs`, `tests/end_to_end/server.rs`,
//! `tests/browser.rs`): a copy of the shipped corpus in a temporary folder, the real `minga`
//! binary run on it, and a `minga serve` process that is killed when dropped.
//!
//! Each test file uses only part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a server may take to build its index and start listening.
pub const SERVE_TIMEOUT: Duration = Duration::from_secs(120);

/// The `minga` binary under test.
pub fn minga() -> Command {
    Command::new(env!("CARGO_BIN_EXE_minga"))
}

/// The shipped sample corpus (read it, never write it: copy it with [`Workspace::new`]).
pub fn shipped_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Copies the folder `from` to `to` (created), recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    let entries =
        std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

/// A temporary folder holding a copy of the shipped corpus (`corpus/`) and room for an index
/// (`index/`, not created).
pub struct Workspace {
    pub dir: tempfile::TempDir,
    pub corpus: PathBuf,
    pub index: PathBuf,
}

impl Workspace {
    /// A fresh copy of the shipped corpus, with no index yet.
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let corpus = dir.path().join("corpus");
        let index = dir.path().join("index");
        copy_dir(&shipped_corpus(), &corpus);
        Workspace { dir, corpus, index }
    }

    /// A corpus with the shipped data files (gazetteer, institutions, glossary) and no
    /// document, with no index yet.
    pub fn empty() -> Workspace {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let corpus = dir.path().join("corpus");
        let index = dir.path().join("index");
        std::fs::create_dir_all(&corpus).expect("create the corpus folder");
        for name in ["_gazetteer.csv", "_institutions.csv", "_glossary.csv"] {
            std::fs::copy(shipped_corpus().join(name), corpus.join(name))
                .unwrap_or_else(|e| panic!("copy {name}: {e}"));
        }
        Workspace { dir, corpus, index }
    }

    /// `minga` with `--index` pointing at this workspace's index, and `MINGA_*` variables
    /// from the environment of the test run cleared.
    pub fn minga(&self) -> Command {
        let mut command = minga();
        for var in [
            "MINGA_INDEX",
            "MINGA_CORPUS",
            "MINGA_ADDR",
            "MINGA_LOG",
            "MINGA_REQUEST_TIMEOUT",
            "MINGA_MAX_BODY",
            "MINGA_MAX_SEARCHES",
            "MINGA_MAX_UPLOAD",
            "MINGA_MAX_QUERY_BYTES",
            "MINGA_MAX_QUERY_STRING",
            "MINGA_MAX_FILTERS",
            "MINGA_MAX_FACETS",
            "MINGA_MAX_JSON_DEPTH",
            "MINGA_MAX_BATCH",
            "MINGA_MAX_PENDING_WRITES",
            "MINGA_API_KEY",
            "MINGA_API_KEY_FILE",
            "MINGA_PROTECT_READS",
            "MINGA_CORS_ORIGINS",
            "MINGA_HEADER_TIMEOUT",
            "MINGA_MAX_CONNECTIONS",
            "MINGA_SHUTDOWN_GRACE",
            "MINGA_SNAPSHOT_DIR",
            "MINGA_MODEL",
            "MINGA_MODEL_TOKENS",
        ] {
            command.env_remove(var);
        }
        command.current_dir(self.dir.path());
        command
    }

    /// Runs `minga index CORPUS --index INDEX --quiet` and returns its output, failing the
    /// test if it fails.
    pub fn index(&self) -> Output {
        let output = self
            .minga()
            .arg("index")
            .arg(&self.corpus)
            .arg("--index")
            .arg(&self.index)
            .arg("--quiet")
            .output()
            .expect("run minga index");
        assert!(
            output.status.success(),
            "minga index failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Writes `text` to `relative` inside the corpus copy (folders created).
    pub fn write(&self, relative: &str, text: &str) -> PathBuf {
        self.write_bytes(relative, text.as_bytes())
    }

    /// Writes `bytes` to `relative` inside the corpus copy (folders created).
    pub fn write_bytes(&self, relative: &str, bytes: &[u8]) -> PathBuf {
        let path = self.corpus.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create the folder");
        }
        std::fs::write(&path, bytes).expect("write the file");
        path
    }

    /// Starts `minga serve` on `127.0.0.1:0` over this workspace (it builds the index first
    /// if there is none) and waits for it to say where it listens.
    pub fn serve(&self, extra: &[&str]) -> ServerProcess {
        self.serve_with(self.minga(), extra)
    }

    /// As [`Workspace::serve`], with `key` as the API key (in `MINGA_API_KEY`): writes on.
    #[allow(dead_code)] // Not every test binary writes.
    pub fn serve_with_key(&self, key: &str, extra: &[&str]) -> ServerProcess {
        let mut command = self.minga();
        command.env("MINGA_API_KEY", key);
        self.serve_with(command, extra)
    }

    fn serve_with(&self, mut command: Command, extra: &[&str]) -> ServerProcess {
        command
            .arg("serve")
            .arg("--index")
            .arg(&self.index)
            .arg("--corpus")
            .arg(&self.corpus)
            .arg("--addr")
            .arg("127.0.0.1:0")
            .args(extra);
        ServerProcess::start(command)
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace::new()
    }
}

/// A running `minga serve`, killed when dropped. Its stderr (the log) is collected and
/// printed if the test fails while it runs.
pub struct ServerProcess {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub base: String,
    log: Arc<Mutex<String>>,
    log_reader: Option<std::thread::JoinHandle<()>>,
}

impl ServerProcess {
    /// Spawns `command` (a `minga serve …`) and waits for its `Minga is serving URL` line.
    pub fn start(mut command: Command) -> ServerProcess {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn minga serve");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("piped stderr");
        let sink = log.clone();
        let log_reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Ok(mut log) = sink.lock() {
                    log.push_str(&line);
                    log.push('\n');
                }
            }
        });
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                if let Some(url) = line.trim().strip_prefix("Minga is serving ") {
                    let _ = sender.send(url.trim_end_matches('/').to_string());
                    break;
                }
                line.clear();
            }
            // Keep reading so the server never blocks on a full pipe.
            let mut rest = String::new();
            while reader.read_line(&mut rest).unwrap_or(0) > 0 {
                rest.clear();
            }
        });
        let mut server = ServerProcess {
            child: Some(child),
            base: String::new(),
            log,
            log_reader: Some(log_reader),
        };
        match receiver.recv_timeout(SERVE_TIMEOUT) {
            Ok(base) => server.base = base,
            Err(error) => {
                let exited = server.child.as_mut().and_then(|c| c.wait().ok());
                if let Some(reader) = server.log_reader.take() {
                    let _ = reader.join();
                }
                panic!(
                    "minga serve did not report its address ({}); its log:\n{}",
                    match (error, exited) {
                        (std::sync::mpsc::RecvTimeoutError::Timeout, _) =>
                            format!("nothing within {SERVE_TIMEOUT:?}"),
                        (_, Some(status)) => format!("it exited with {status}"),
                        (_, None) => "its output closed".to_string(),
                    },
                    server.log()
                )
            }
        }
        server
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The process id.
    pub fn id(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Sends SIGTERM and waits (up to `timeout`) for the process to exit; its status and
    /// its whole log.
    #[cfg(unix)]
    pub fn terminate(mut self, timeout: Duration) -> (ExitStatus, String) {
        let mut child = self.child.take().expect("a running server");
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = child.try_wait().expect("wait for the server") {
                if let Some(reader) = self.log_reader.take() {
                    let _ = reader.join();
                }
                return (status, self.log());
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "the server did not exit within {timeout:?} of SIGTERM; its log:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            eprintln!("--- minga serve log ---\n{}", self.log());
        }
    }
}

/// Polls `check` every 100 ms until it returns `Some`, or panics with `what` after
/// `timeout`.
pub fn wait_for<T>(what: &str, timeout: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Where `actual` first differs from `expected`: the line, and a few lines of each from just
/// before it, quoted so that spaces show; `None` when they are equal.
pub fn first_difference(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let expected_lines: Vec<&str> = expected.split('\n').collect();
    let actual_lines: Vec<&str> = actual.split('\n').collect();
    let first = expected_lines
        .iter()
        .zip(&actual_lines)
        .position(|(e, a)| e != a)
        .unwrap_or(expected_lines.len().min(actual_lines.len()));
    let show = |lines: &[&str]| {
        lines
            .iter()
            .enumerate()
            .skip(first.saturating_sub(2))
            .take(8)
            .map(|(i, l)| format!("{:>5} | {l:?}", i + 1))
            .collect::<Vec<_>>()
            .join("\n")
    };
    Some(format!(
        "from line {}.\n--- expected\n{}\n--- actual\n{}",
        first + 1,
        show(&expected_lines),
        show(&actual_lines)
    ))
}
