//! What Minga reads from files: `cargo run -p minga-ingest --example read -- [--text] FILE…`
//!
//! For each file, one JSON line: its path, the problems met, and its documents (title and
//! sections: heading, level, page, line, blocks) or, with `--text`, the text Minga indexes
//! from it (titles, headings and blocks, in order), as `scripts/pdf-word-recall.py` compares
//! with other readers. Files are read as if they sat alone in an empty corpus folder.

use std::path::Path;

use minga_ingest::{ReadOptions, Reader};
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut text_only = false;
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--text" => text_only = true,
            _ => files.push(arg),
        }
    }
    let corpus = tempfile::tempdir()?;
    let reader = Reader::new(corpus.path(), ReadOptions::default())?;
    for file in files {
        let path = Path::new(&file);
        let bytes = std::fs::read(path)?;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
        let outcome = reader.read(name, &bytes);
        let problems: Vec<String> = outcome.problems.iter().map(|p| p.to_string()).collect();
        let line = if text_only {
            let text: Vec<String> = outcome
                .documents
                .iter()
                .map(|doc| format!("{}\n\n{}", doc.title, doc.full_text()))
                .collect();
            json!({"path": file, "problems": problems, "text": text.join("\n\n")})
        } else {
            json!({"path": file, "problems": problems, "documents": outcome.documents})
        };
        println!("{line}");
    }
    Ok(())
}
