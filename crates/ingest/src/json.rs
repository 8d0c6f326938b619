//! JSON and JSON Lines: records with metadata fields and their text.

use serde_json::Value;

use crate::Problem;
use crate::draft::{Draft, Extracted};
use crate::meta::from_json_object;

/// Reads a `.json` file: one object (one document), an array of objects, or
/// `{"documents": [...]}`. Invalid JSON skips the file (`Err`) with line and column.
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
    let records = match value {
        Value::Array(items) => items,
        Value::Object(mut object) => match object.remove("documents") {
            Some(Value::Array(items)) => items,
            other => {
                if let Some(other) = other {
                    object.insert("documents".into(), other);
                }
                let draft = Draft {
                    meta: from_json_object(&object, None),
                    ..Draft::default()
                };
                if !draft.has_content() {
                    return Err(Problem::skipped(
                        rel,
                        "the object has neither text nor title",
                    ));
                }
                return Ok(Extracted::single(draft));
            }
        },
        _ => {
            return Err(Problem::skipped(
                rel,
                "expected a JSON object or an array of objects",
            ));
        }
    };

    let starts = element_lines(text);
    let mut extracted = Extracted {
        multi_record: true,
        ..Extracted::default()
    };
    for (i, item) in records.iter().enumerate() {
        let line = starts.get(i).copied();
        match item {
            Value::Object(object) => {
                let draft = Draft::record(from_json_object(object, line), line, i + 1);
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

/// Reads a `.jsonl` / `.ndjson` file: one object a line, blank lines ignored. A bad line is
/// skipped and reported with its number; the others are read.
pub(crate) fn read_lines(text: &str, rel: &str) -> Extracted {
    let mut extracted = Extracted {
        multi_record: true,
        ..Extracted::default()
    };
    for (i, line) in text.split('\n').enumerate() {
        let number = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let skip = |reason: String| Problem::skipped(rel, reason).at_line(number as u64);
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(object)) => {
                let draft = Draft::record(
                    from_json_object(&object, Some(number as u64)),
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

/// The 1-based line where each object of the records array starts: elements of a top-level
/// array, or of an array directly inside the top-level object (`{"documents": [...]}`).
fn element_lines(text: &str) -> Vec<u64> {
    let mut lines = Vec::new();
    let mut stack: Vec<u8> = Vec::new();
    let mut line = 1u64;
    let mut in_string = false;
    let mut escaped = false;
    for b in text.bytes() {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                let record = b == b'{' && (stack.as_slice() == b"[" || stack.as_slice() == b"{[");
                if record {
                    lines.push(line);
                }
                stack.push(b);
            }
            b'}' | b']' => {
                stack.pop();
            }
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
        let extracted = read_lines(text, "b.jsonl");
        assert_eq!(extracted.drafts.len(), 2);
        assert_eq!(extracted.drafts[1].record, Some(6));
        let lines: Vec<Option<u64>> = extracted.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [Some(3), Some(4), Some(5)]);
        assert!(extracted.problems[0].reason.starts_with("invalid JSON"));
        assert_eq!(extracted.problems[1].reason, "not a JSON object");
    }
}
