//! JSON and JSON Lines: records with metadata fields and their text.
//!
//! Where the records of a `.json` file are (see [`read`]):
//! 1. a top-level array: each object in it is a record;
//! 2. a top-level object with a `documents` array: each object in it;
//! 3. a top-level object with a content field of its own (text, title or a lesson part,
//!    under any name of the field-names table): the object is one record;
//! 4. otherwise the outermost place, one or two levels of objects down, that holds an
//!    array of objects or an object with a content field, looking first under the usual
//!    wrapper keys ([`WRAPPER_KEYS`]: `data`, `records`, `items`, `documento`…) and then
//!    under the others in alphabetical order. A warning names the path it was taken from
//!    (`data`, `response.docs`).
//!
//! Within a record, the keys of an object nested under one of [`NESTED_METADATA_KEYS`]
//! (`metadata`, `fields`, `_source`…) count as the record's own, after the keys it has
//! itself: `{"metadata": {"title": …}, "text": …}` is a record with a title and a text.

use serde_json::{Map, Value};

use crate::Problem;
use crate::draft::{Draft, Extracted};
use crate::meta::{Metadata, from_json_object};

/// Keys that usually hold a file's records, looked under first (folded).
pub(crate) const WRAPPER_KEYS: &[&str] = &[
    "documents",
    "documentos",
    "records",
    "registros",
    "data",
    "datos",
    "items",
    "results",
    "resultados",
    "docs",
    "hits",
    "response",
    "document",
    "documento",
    "record",
    "registro",
];

/// Keys of a record whose object value holds more of the record's metadata (folded).
pub(crate) const NESTED_METADATA_KEYS: &[&str] = &[
    "metadata",
    "metadatos",
    "meta",
    "fields",
    "campos",
    "source",
    "attributes",
    "atributos",
    "properties",
    "propiedades",
    "document",
    "documento",
    "record",
    "registro",
];

/// How many levels of objects below the top are searched for records.
const MAX_WRAPPER_DEPTH: usize = 2;

/// Where the records of a JSON file were found.
enum Found<'v> {
    /// An array of records, at a path of object keys from the top.
    Records(Vec<&'v str>, &'v [Value]),
    /// One record, at a path.
    One(Vec<&'v str>, &'v Map<String, Value>),
}

/// Reads a `.json` file (see the module's documentation for where records are found).
/// Invalid JSON skips the file (`Err`) with line and column.
pub(crate) fn read(text: &str, rel: &str) -> Result<Extracted, Problem> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Problem::skipped(
            rel,
            format!(
                "invalid JSON at line {}, column {}: {}",
                e.line(),
                e.column(),
                bare(&e)
            ),
        )
        .at_line(e.line() as u64)
    })?;
    let found = match &value {
        Value::Array(items) => Found::Records(Vec::new(), items),
        Value::Object(object) => match object.get("documents") {
            Some(Value::Array(items)) => Found::Records(vec!["documents"], items),
            _ if has_content(from_json_object(object, None)) => Found::One(Vec::new(), object),
            _ => find_records(object, Vec::new(), 0).ok_or_else(|| {
                Problem::skipped(
                    rel,
                    "the object has neither text nor title, nor records under any key",
                )
            })?,
        },
        _ => {
            return Err(Problem::skipped(
                rel,
                "expected a JSON object or an array of objects",
            ));
        }
    };
    let path = match &found {
        Found::Records(path, _) | Found::One(path, _) => path.clone(),
    };
    let mut notes = Vec::new();
    if !path.is_empty() && path != ["documents"] {
        notes.push(Problem::warning(
            rel,
            format!("records taken from {:?}", path.join(".")),
        ));
    }
    let records = match found {
        Found::One(_, object) => {
            let draft = Draft {
                meta: record_metadata(object, None),
                ..Draft::default()
            };
            let mut extracted = Extracted::single(draft);
            extracted.problems = notes;
            return Ok(extracted);
        }
        Found::Records(_, records) => records,
    };

    let starts = element_lines(text, &path);
    let mut extracted = Extracted {
        multi_record: true,
        problems: notes,
        ..Extracted::default()
    };
    for (i, item) in records.iter().enumerate() {
        let line = starts.get(i).copied();
        match item {
            Value::Object(object) => {
                let draft = Draft::record(record_metadata(object, line), line, i + 1);
                if draft.has_content() {
                    extracted.drafts.push(draft);
                } else {
                    extracted.problems.push(
                        Problem::skipped(
                            rel,
                            format!("record {} has neither text nor title", i + 1),
                        )
                        .at_line(line),
                    );
                }
            }
            _ => extracted.problems.push(
                Problem::skipped(rel, format!("record {} is not a JSON object", i + 1))
                    .at_line(line),
            ),
        }
    }
    Ok(extracted)
}

/// The metadata of a record: its own keys, then those of objects nested under
/// [`NESTED_METADATA_KEYS`]; `line` is where the record starts.
pub(crate) fn record_metadata(object: &Map<String, Value>, line: Option<u64>) -> Metadata {
    let mut meta = Metadata::default();
    meta.insert_json_keys(object, line);
    for (key, value) in object {
        if let Value::Object(nested) = value
            && NESTED_METADATA_KEYS.contains(&minga_core::fold_key(key).as_str())
        {
            meta.insert_json_keys(nested, line);
        }
    }
    meta.settle_languages();
    meta
}

/// Whether an object is a record: it has (itself or in its nested metadata) a text, a title
/// or a lesson part.
fn is_record(object: &Map<String, Value>) -> bool {
    has_content(record_metadata(object, None))
}

fn has_content(meta: Metadata) -> bool {
    Draft {
        meta,
        ..Draft::default()
    }
    .has_content()
}

/// The outermost array of objects or record object under `object`, breadth first: this
/// level's keys (wrapper keys first) before the levels below.
fn find_records<'v>(
    object: &'v Map<String, Value>,
    path: Vec<&'v str>,
    depth: usize,
) -> Option<Found<'v>> {
    if depth >= MAX_WRAPPER_DEPTH {
        return None;
    }
    let mut keys: Vec<&'v String> = object.keys().collect();
    let rank = |key: &str| {
        let folded = minga_core::fold_key(key);
        WRAPPER_KEYS
            .iter()
            .position(|w| *w == folded)
            .unwrap_or(WRAPPER_KEYS.len())
    };
    keys.sort_by_key(|k| rank(k));
    let here = |key: &'v String| {
        let mut path = path.clone();
        path.push(key.as_str());
        path
    };
    for key in &keys {
        match &object[key.as_str()] {
            Value::Array(items) if items.iter().any(Value::is_object) => {
                return Some(Found::Records(here(key), items));
            }
            Value::Object(inner) if is_record(inner) => return Some(Found::One(here(key), inner)),
            _ => {}
        }
    }
    keys.into_iter()
        .find_map(|key| match &object[key.as_str()] {
            Value::Object(inner) => find_records(inner, here(key), depth + 1),
            _ => None,
        })
}

/// Reads a `.jsonl` / `.ndjson` file: one object a line, blank lines ignored. A bad line, or
/// one longer than `max_record_bytes`, is skipped and reported with its number; the others
/// are read.
pub(crate) fn read_lines(text: &str, rel: &str, max_record_bytes: u64) -> Extracted {
    let mut extracted = Extracted {
        multi_record: true,
        ..Extracted::default()
    };
    for (i, line) in text.split('\n').enumerate() {
        let number = i + 1;
        let skip = |reason: String| Problem::skipped(rel, reason).at_line(number as u64);
        if line.len() as u64 > max_record_bytes {
            extracted.problems.push(skip(format!(
                "record is {}, over the {} limit of one record",
                crate::reader::human_size(line.len() as u64),
                crate::reader::human_size(max_record_bytes)
            )));
            continue;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(object)) => {
                let draft = Draft::record(
                    record_metadata(&object, Some(number as u64)),
                    Some(number as u64),
                    number,
                );
                if draft.has_content() {
                    extracted.drafts.push(draft);
                } else {
                    extracted
                        .problems
                        .push(skip("record has neither text nor title".into()));
                }
            }
            Ok(_) => extracted.problems.push(skip("not a JSON object".into())),
            Err(e) => extracted.problems.push(skip(format!(
                "invalid JSON at column {}: {}",
                e.column(),
                bare(&e)
            ))),
        }
    }
    extracted
}

/// serde_json's message without its trailing ` at line L column C`.
fn bare(e: &serde_json::Error) -> String {
    let mut message = e.to_string();
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    message
}

/// The 1-based line where each object of the records array starts: the array reached from
/// the top through the object keys `path` (none: the top-level array).
fn element_lines(text: &str, path: &[&str]) -> Vec<u64> {
    /// An open container: `{` with the last key read in it, or `[`.
    struct Frame {
        kind: u8,
        key: Vec<u8>,
    }
    let at_records = |stack: &[Frame]| {
        stack.len() == path.len() + 1
            && stack.last().is_some_and(|f| f.kind == b'[')
            && stack
                .iter()
                .zip(path)
                .all(|(frame, key)| frame.kind == b'{' && frame.key == key.as_bytes())
    };
    let mut lines = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut line = 1u64;
    let mut in_string = false;
    let mut escaped = false;
    // Whether the string being read is a key, and whether the next string would be one.
    let mut in_key = false;
    let mut expect_key = false;
    for b in text.bytes() {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => {
                    in_string = false;
                    in_key = false;
                    continue;
                }
                _ => {}
            }
            if in_key && let Some(frame) = stack.last_mut() {
                frame.key.push(b);
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                in_key = expect_key;
                if in_key && let Some(frame) = stack.last_mut() {
                    frame.key.clear();
                }
                expect_key = false;
            }
            b'{' | b'[' => {
                if b == b'{' && at_records(&stack) {
                    lines.push(line);
                }
                stack.push(Frame {
                    kind: b,
                    key: Vec::new(),
                });
                expect_key = b == b'{';
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => expect_key = stack.last().is_some_and(|f| f.kind == b'{'),
            _ => {}
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::Field;

    #[test]
    fn an_array_gives_records_with_their_lines() {
        let text = "[\n  {\"id\": \"a\", \"title\": \"A\", \"text\": \"uno {x}\"},\n  {\n    \"title\": \"B\", \"regions\": [\"Cusco\"]\n  }\n]";
        let extracted = read(text, "r.json").unwrap();
        assert!(extracted.multi_record);
        assert_eq!(extracted.drafts.len(), 2);
        assert_eq!(extracted.drafts[0].line, Some(2));
        assert_eq!(extracted.drafts[1].line, Some(3));
        assert_eq!(extracted.drafts[1].record, Some(2));
        assert_eq!(
            extracted.drafts[1].meta.list(Field::Regions).unwrap(),
            ["Cusco"]
        );
    }

    #[test]
    fn a_documents_wrapper_and_a_single_object() {
        let text = "{\"documents\": [{\"title\": \"A\"}, 3]}";
        let extracted = read(text, "r.json").unwrap();
        assert_eq!(extracted.drafts.len(), 1);
        assert_eq!(extracted.problems.len(), 1);
        let extracted = read("{\"title\": \"Solo\", \"text\": \"x\"}", "s.json").unwrap();
        assert!(!extracted.multi_record);
        assert_eq!(extracted.drafts[0].meta.text(Field::Title), Some("Solo"));
    }

    #[test]
    fn records_nested_under_a_key_are_found_and_the_path_named() {
        let one = "{\"documento\": {\"titulo\": \"Uno\", \"resumen\": \"agua rural\"}}";
        let extracted = read(one, "a.json").unwrap();
        assert!(!extracted.multi_record);
        assert_eq!(extracted.drafts[0].meta.text(Field::Title), Some("Uno"));
        assert_eq!(
            extracted.drafts[0].meta.text(Field::Text),
            Some("agua rural")
        );
        assert_eq!(
            extracted.problems[0].reason,
            "records taken from \"documento\""
        );

        let many = "{\"total\": 2,\n \"data\": [\n  {\"title\": \"A\", \"tags\": [{\"x\": 1}]},\n  {\"metadata\": {\"title\": \"B\", \"dc.subject\": [\"riego\"]},\n   \"text\": \"cuerpo\"}\n]}";
        let extracted = read(many, "b.json").unwrap();
        assert_eq!(extracted.drafts.len(), 2);
        assert_eq!(extracted.drafts[0].line, Some(3));
        assert_eq!(extracted.drafts[1].line, Some(4));
        let b = &extracted.drafts[1].meta;
        assert_eq!(b.text(Field::Title), Some("B"));
        assert_eq!(b.text(Field::Text), Some("cuerpo"));
        assert_eq!(b.list(Field::Topics).unwrap(), ["riego"]);
        assert_eq!(extracted.problems[0].reason, "records taken from \"data\"");

        let deep = "{\"response\": {\"numFound\": 1, \"docs\": [{\"title\": \"C\"}]}}";
        let extracted = read(deep, "c.json").unwrap();
        assert_eq!(extracted.drafts[0].meta.text(Field::Title), Some("C"));
        assert_eq!(extracted.drafts[0].line, Some(1));
        assert_eq!(
            extracted.problems[0].reason,
            "records taken from \"response.docs\""
        );

        let items = "{\"items\": [{\"resumen\": \"texto\"}], \"records\": {\"x\": 1}}";
        let extracted = read(items, "d.json").unwrap();
        assert_eq!(extracted.drafts[0].meta.text(Field::Text), Some("texto"));

        let none = read("{\"a\": {\"b\": {\"c\": [{\"title\": \"X\"}]}}}", "e.json");
        assert!(none.is_err(), "three levels down is too deep");
    }

    #[test]
    fn an_oversized_jsonl_record_is_skipped_with_its_line() {
        let big = format!("{{\"text\": \"{}\"}}", "x".repeat(200));
        let text = format!("{{\"text\": \"uno\"}}\n{big}\n{{\"resumen\": \"tres\"}}\n");
        let extracted = read_lines(&text, "big.jsonl", 100);
        assert_eq!(extracted.drafts.len(), 2);
        assert_eq!(extracted.drafts[1].meta.text(Field::Text), Some("tres"));
        assert_eq!(extracted.problems.len(), 1);
        assert_eq!(extracted.problems[0].line, Some(2));
        assert!(
            extracted.problems[0]
                .reason
                .contains("over the 100 bytes limit of one record"),
            "{}",
            extracted.problems[0]
        );
    }

    #[test]
    fn invalid_json_names_line_and_column() {
        let problem = read("[\n{\"a\": 1,}\n]", "bad.json").unwrap_err();
        assert_eq!(problem.line, Some(2));
        assert!(
            problem.reason.starts_with("invalid JSON at line 2, column"),
            "{problem}"
        );
    }

    #[test]
    fn jsonl_bad_lines_are_skipped_and_the_rest_read() {
        let text = "{\"id\":\"a\",\"title\":\"A\",\"text\":\"x\",\"lang\":\"es\"}\n\n{oops\n[1]\n{\"lang\":\"es\"}\n{\"text\":\"y\"}\n";
        let extracted = read_lines(text, "b.jsonl", 1 << 20);
        assert_eq!(extracted.drafts.len(), 2);
        assert_eq!(extracted.drafts[1].record, Some(6));
        let lines: Vec<Option<u64>> = extracted.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [Some(3), Some(4), Some(5)]);
        assert!(extracted.problems[0].reason.starts_with("invalid JSON"));
        assert_eq!(extracted.problems[1].reason, "not a JSON object");
    }
}
