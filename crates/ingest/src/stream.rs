//! JSON Lines read a record at a time, so that an export of any size is read in bounded
//! memory: [`Reader::read_lines`] hands its documents over in batches.

use std::collections::HashMap;
use std::io::BufRead;

use crate::draft::Draft;
use crate::meta::Metadata;
use crate::reader::{FileScope, human_size};
use crate::{FileOutcome, Problem, Reader, ids, json};

/// Most input bytes of records a batch of [`LineBatches`] holds (a larger record is a
/// batch of its own).
pub const LINE_BATCH_BYTES: usize = 4 << 20;

/// Most records a batch of [`LineBatches`] holds.
const LINE_BATCH_RECORDS: usize = 2_000;

impl Reader {
    /// Reads the JSON Lines file `rel` from `input` a line at a time, as
    /// [`Reader::read`] would read it whole: no limit on the file's size, a line over
    /// [`crate::ReadOptions::max_record_bytes`] is skipped (and never held in memory) and
    /// reported with its number. The documents come in batches of at most
    /// [`LINE_BATCH_BYTES`] of input; the last batch holds the file's closing problems.
    pub fn read_lines<R: BufRead>(&self, rel: &str, input: R) -> LineBatches<'_, R> {
        LineBatches {
            reader: self,
            rel: rel.to_string(),
            id: ids::path_id(rel),
            input,
            sidecar: None,
            seen: HashMap::new(),
            line: 0,
            buffer: Vec::new(),
            documents: 0,
            skipped: false,
            repaired: false,
            done: false,
        }
    }
}

/// The documents of a JSON Lines file, a batch at a time: see [`Reader::read_lines`].
pub struct LineBatches<'r, R> {
    reader: &'r Reader,
    rel: String,
    id: String,
    input: R,
    /// The sidecars' metadata, read with the first batch.
    sidecar: Option<Metadata>,
    seen: HashMap<minga_core::IdDigest, Option<u32>>,
    /// The number of the last line read.
    line: usize,
    buffer: Vec<u8>,
    documents: usize,
    skipped: bool,
    repaired: bool,
    done: bool,
}

/// A line read with [`next_line`].
enum Line {
    /// The line, in the buffer.
    Read,
    /// A line longer than the limit, of this many bytes: not kept.
    TooLong(u64),
    End,
}

/// Reads the next line into `buffer` (without its `\n`), keeping at most `max` bytes of it.
fn next_line(input: &mut impl BufRead, buffer: &mut Vec<u8>, max: u64) -> std::io::Result<Line> {
    buffer.clear();
    let mut length = 0u64;
    let mut any = false;
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            break;
        }
        any = true;
        let (chunk, end) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (&available[..at], Some(at + 1)),
            None => (available, None),
        };
        length += chunk.len() as u64;
        if length <= max {
            buffer.extend_from_slice(chunk);
        } else {
            buffer.clear();
        }
        let used = end.unwrap_or(available.len());
        input.consume(used);
        if end.is_some() {
            break;
        }
    }
    Ok(match (any, length > max) {
        (false, _) => Line::End,
        (true, true) => Line::TooLong(length),
        (true, false) => Line::Read,
    })
}

impl<R: BufRead> Iterator for LineBatches<'_, R> {
    type Item = FileOutcome;

    fn next(&mut self) -> Option<FileOutcome> {
        if self.done {
            return None;
        }
        let rel = self.rel.clone();
        let mut outcome = FileOutcome::default();
        let sidecar = self
            .sidecar
            .get_or_insert_with(|| self.reader.sidecars_for(&rel, &mut outcome.problems));
        let max = self.reader.options().max_record_bytes;
        let mut drafts: Vec<Draft> = Vec::new();
        let mut bytes = 0usize;
        while drafts.len() < LINE_BATCH_RECORDS && bytes < LINE_BATCH_BYTES {
            let read = next_line(&mut self.input, &mut self.buffer, max);
            self.line += 1;
            let number = self.line as u64;
            match read {
                Err(e) => {
                    outcome.problems.push(
                        Problem::skipped(&rel, format!("cannot read on: {e}")).at_line(number),
                    );
                    self.skipped = true;
                    self.done = true;
                    break;
                }
                Ok(Line::End) => {
                    self.done = true;
                    break;
                }
                Ok(Line::TooLong(length)) => {
                    outcome.problems.push(
                        Problem::skipped(
                            &rel,
                            format!(
                                "record is {}, over the {} limit of one record",
                                human_size(length),
                                human_size(max)
                            ),
                        )
                        .at_line(number),
                    );
                    self.skipped = true;
                }
                Ok(Line::Read) => {
                    let mut raw = self.buffer.as_slice();
                    if self.line == 1 {
                        raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
                    }
                    bytes += raw.len();
                    let text = match std::str::from_utf8(raw) {
                        Ok(text) => std::borrow::Cow::Borrowed(text),
                        Err(_) => {
                            if !self.repaired {
                                self.repaired = true;
                                outcome.problems.push(
                                    Problem::repaired(&rel, "decoded as Windows-1252")
                                        .at_line(number),
                                );
                            }
                            encoding_rs::WINDOWS_1252.decode(raw).0
                        }
                    };
                    let mut one = json::read_lines(text.trim_end_matches('\r'), &rel, max);
                    for problem in &mut one.problems {
                        problem.line = Some(number);
                        self.skipped = true;
                    }
                    outcome.problems.append(&mut one.problems);
                    for mut draft in one.drafts {
                        draft.line = u32::try_from(number).ok();
                        draft.record = Some(self.line);
                        draft.meta.clear_lines();
                        draft.meta.default_line(Some(number));
                        drafts.push(draft);
                    }
                }
            }
        }
        let mut file = FileScope {
            rel: &rel,
            id: self.id.clone(),
            multi_record: true,
            sidecar,
            seen: std::mem::take(&mut self.seen),
        };
        for draft in drafts {
            if let Some(doc) = self
                .reader
                .document(&mut file, draft, &mut outcome.problems)
            {
                outcome.documents.push(doc);
            }
        }
        self.seen = file.seen;
        self.documents += outcome.documents.len();
        if self.done && self.documents == 0 && !self.skipped {
            let reason = if self.line <= 1 {
                "empty file"
            } else {
                "no records"
            };
            outcome.problems.push(Problem::skipped(&rel, reason));
        }
        Some(outcome)
    }
}
