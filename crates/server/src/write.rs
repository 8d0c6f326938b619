//! The write API: `POST /api/documents` and `DELETE /api/documents/{id}`, behind the API
//! key (see [`crate::auth`]).
//!
//! `POST /api/documents` takes, by its `Content-Type`:
//!
//! - `application/json`: one record, `{"id": "…", "title": "…", "text": "…", "lang": "es",
//!   …}` with the metadata keys of the corpus's JSON files; stored as
//!   `api/records/<id>.json`.
//! - `application/x-ndjson` (or `application/jsonl`): one record a line, each stored as
//!   above, all or none.
//! - with `?filename=NAME`, whatever the type: a file in any format Minga reads (`.md`,
//!   `.json`, `.jsonl`, `.csv`, `.txt`, `.html`, `.pdf`, `.docx`), sent as the raw body,
//!   stored as `api/files/<name>` (the name folded to `a-z 0-9 . _ -`).
//! - without a name, a file whose type says what it is (`application/pdf`, Word's type,
//!   `text/markdown`, `text/plain`, `text/html`, `text/csv`) or, as
//!   `application/octet-stream`, whose first bytes do (PDF, Word, else UTF-8 text): stored
//!   as `api/files/upload-<hash of its content>.<extension>`.
//!
//! Each handler checks what it was sent, hands a [`Change`] to the writer and answers once
//! the change is committed and searchable.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minga_ingest::Format;
use serde_json::Value;

use crate::error::ApiError;
use crate::limits::check_json_depth;
use crate::params::decode_pairs;
use crate::state::AppState;
use minga_pipeline::{Change, FILES_FOLDER, Outcome, RECORDS_FOLDER, Upload};

pub use minga_pipeline::{MAX_RECORD_ID_BYTES, is_record_id};
/// Longest name an uploaded file is stored under, in bytes (extension included).
pub const MAX_FILE_NAME_BYTES: usize = 120;

/// The media types of a JSON Lines batch.
const JSON_LINES: [&str; 4] = [
    "application/x-ndjson",
    "application/jsonl",
    "application/x-jsonlines",
    "application/jsonlines",
];

/// The query string of `POST /api/documents`, as `/openapi.json` describes it.
#[derive(Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct UploadQuery {
    /// Send the body as a file of this name (`.md`, `.json`, `.jsonl`, `.csv`, `.txt`,
    /// `.html`, `.pdf`, `.docx`). Its last part needs a letter or digit before the
    /// extension; README files are not documents.
    #[param(
        min_length = 3,
        pattern = "[A-Za-z0-9][^/\\\\]*\\.(md|markdown|json|jsonl|ndjson|csv|txt|text|html|htm|pdf|docx|MD|MARKDOWN|JSON|JSONL|NDJSON|CSV|TXT|TEXT|HTML|HTM|PDF|DOCX)$"
    )]
    filename: Option<String>,
}

/// The path of `DELETE /api/documents/{id}`, as `/openapi.json` describes it.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct DeletePath {
    /// A document id (`[A-Za-z0-9._-]+`): a passage cannot be deleted alone.
    #[param(pattern = "^[A-Za-z0-9._-]+$", max_length = 512)]
    id: String,
}

/// `POST /api/documents`: store and index a record, a batch of records or a file.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let writes = state.writes()?;
    let limits = state.limits();
    let mut query = UploadQuery::default();
    for (key, value) in decode_pairs(raw.as_deref().unwrap_or(""))? {
        match key.as_str() {
            "filename" if query.filename.is_none() => query.filename = Some(value),
            "filename" => {
                return Err(ApiError::BadParameter(
                    "parameter \"filename\" is given more than once".into(),
                ));
            }
            _ => {
                return Err(ApiError::BadParameter(format!(
                    "unknown parameter {key:?}: expected filename"
                )));
            }
        }
    }
    let uploads = match query.filename {
        Some(name) => vec![Upload {
            rel: format!("{FILES_FOLDER}/{}", upload_name(&name)?),
            bytes: body.to_vec(),
        }],
        None => {
            let media = media_type(&headers);
            if media == "application/json" {
                check_json_depth(&body, limits.json_depth)?;
                vec![record(&body, None)?]
            } else if JSON_LINES.contains(&media.as_str()) {
                batch(&body, limits.json_depth, limits.batch_records)?
            } else if let Some(extension) = unnamed_file_extension(&media, &body) {
                // A file sent without a name: named by its content, so that sending it again
                // replaces it rather than adding a copy.
                let hash = blake3::hash(&body).to_hex();
                vec![Upload {
                    rel: format!("{FILES_FOLDER}/upload-{}.{extension}", &hash[..16]),
                    bytes: body.to_vec(),
                }]
            } else {
                return Err(ApiError::UnsupportedMediaType(format!(
                    "send a record as application/json, records as application/x-ndjson, or a \
                     file with ?filename=NAME (got {:?}, and the body is not a PDF, a Word \
                     file or text)",
                    if media.is_empty() {
                        "no Content-Type"
                    } else {
                        &media
                    }
                )));
            }
        }
    };
    match writes.submit(Change::Put(uploads)).await? {
        Outcome::Written(written) => {
            tracing::info!(documents = written.documents.len(), "documents written");
            Ok((StatusCode::CREATED, Json(written)).into_response())
        }
        Outcome::Deleted(_) => {
            tracing::error!("the writer answered a write with a deletion");
            Err(ApiError::Internal)
        }
    }
}

/// The extension a file sent without `?filename=` is stored under: the one its media type
/// names, or, for `application/octet-stream` or none, the one its first bytes show (a PDF, a
/// Word file, else UTF-8 text). `None` for anything else.
fn unnamed_file_extension(media: &str, body: &[u8]) -> Option<&'static str> {
    let named = match media {
        "application/pdf" => Some("pdf"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => Some("docx"),
        "text/markdown" => Some("md"),
        "text/plain" => Some("txt"),
        "text/html" => Some("html"),
        "text/csv" => Some("csv"),
        "" | "application/octet-stream" => None,
        _ => return None,
    };
    named.or_else(|| {
        if body.starts_with(b"%PDF-") {
            Some("pdf")
        } else if body.starts_with(b"PK\x03\x04") {
            Some("docx")
        } else if std::str::from_utf8(body).is_ok() {
            Some("txt")
        } else {
            None
        }
    })
}

/// `DELETE /api/documents/{id}`: remove a document written through the API, with its file.
pub async fn delete(
    State(state): State<AppState>,
    path: Result<Path<DeletePath>, PathRejection>,
) -> Result<Response, ApiError> {
    let writes = state.writes()?;
    let Path(DeletePath { id }) = path?;
    let plausible = !id.is_empty()
        && id.len() <= crate::api::MAX_ID_BYTES
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
    if !plausible {
        return Err(ApiError::NotFound(format!("no document has the id {id:?}")));
    }
    if let Some((document, _)) = id.split_once(':') {
        return Err(ApiError::BadParameter(format!(
            "{id:?} is the id of a passage; delete its document, {document:?}"
        )));
    }
    match writes.submit(Change::Delete(id)).await? {
        Outcome::Deleted(deleted) => {
            tracing::info!(file = %deleted.file, "documents deleted");
            Ok(Json(deleted).into_response())
        }
        Outcome::Written(_) => {
            tracing::error!("the writer answered a deletion with a write");
            Err(ApiError::Internal)
        }
    }
}

/// The media type of the body, lower-cased, without parameters; empty when not given.
fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// One record as a file to store; `line` names its line in a batch.
fn record(bytes: &[u8], line: Option<usize>) -> Result<Upload, ApiError> {
    let at = || line.map(|l| format!("line {l}: ")).unwrap_or_default();
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::BadJson(format!(
            "{}invalid JSON at column {}: {e}",
            at(),
            e.column()
        ))
    })?;
    let Value::Object(object) = value else {
        return Err(ApiError::BadJson(format!(
            "{}expected a JSON object, a record like {{\"id\": …, \"title\": …, \"text\": …}}",
            at()
        )));
    };
    let id = match object.get("id") {
        Some(Value::String(id)) if is_record_id(id) => id.clone(),
        Some(Value::String(id)) => {
            return Err(ApiError::BadParameter(format!(
                "{}invalid id {id:?}: 1 to {MAX_RECORD_ID_BYTES} characters of A-Z a-z 0-9 . _ -, \
                 not starting with . or _",
                at()
            )));
        }
        Some(other) => {
            return Err(ApiError::BadParameter(format!(
                "{}invalid id {other}: it must be a string",
                at()
            )));
        }
        None => {
            return Err(ApiError::BadParameter(format!(
                "{}the record has no \"id\": records written through the API are stored and \
                 deleted by id",
                at()
            )));
        }
    };
    let mut bytes = serde_json::to_vec_pretty(&object).map_err(|e| {
        tracing::error!(%e, "cannot serialize a record");
        ApiError::Internal
    })?;
    bytes.push(b'\n');
    Ok(Upload {
        rel: format!("{RECORDS_FOLDER}/{id}.json"),
        bytes,
    })
}

/// The records of a JSON Lines body, one file each.
fn batch(bytes: &[u8], depth: usize, max_records: usize) -> Result<Vec<Upload>, ApiError> {
    let mut uploads: Vec<Upload> = Vec::new();
    let mut lines_of: std::collections::HashMap<String, usize> = Default::default();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        if uploads.len() == max_records {
            return Err(ApiError::BadParameter(format!(
                "the batch holds more than {max_records} records: send it in parts"
            )));
        }
        check_json_depth(line, depth)
            .map_err(|e| ApiError::BadJson(format!("line {}: {}", i + 1, e.message())))?;
        let upload = record(line, Some(i + 1))?;
        if let Some(first) = lines_of.insert(upload.rel.clone(), i + 1) {
            return Err(ApiError::BadParameter(format!(
                "line {}: the id of {} is given again (first on line {first})",
                i + 1,
                upload.rel
            )));
        }
        uploads.push(upload);
    }
    if uploads.is_empty() {
        return Err(ApiError::BadJson("the batch holds no record".into()));
    }
    Ok(uploads)
}

/// The name an uploaded file is stored under: its last path component, folded to lower-case
/// ASCII (`Año` → `ano`), every run of other characters as one `-`, no leading `.`, `_` or
/// `-`, at most [`MAX_FILE_NAME_BYTES`] bytes, with the extension of a format Minga reads.
pub fn upload_name(name: &str) -> Result<String, ApiError> {
    let last = name
        .rsplit(['/', '\\'])
        .find(|s| !s.trim().is_empty())
        .unwrap_or("");
    let mut safe = String::with_capacity(last.len());
    for c in minga_core::fold(last).chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            safe.push(c);
        } else if !safe.ends_with('-') {
            safe.push('-');
        }
    }
    let safe = safe.trim_start_matches(['.', '_', '-']);
    let Some((stem, extension)) = safe.rsplit_once('.') else {
        return Err(ApiError::BadParameter(format!(
            "invalid filename {name:?}: it needs an extension (.md, .json, .jsonl, .csv, .txt, \
             .html, .pdf or .docx)"
        )));
    };
    if Format::from_extension(extension).is_none() {
        return Err(ApiError::UnsupportedMediaType(format!(
            "files of type .{extension} are not read: send .md, .json, .jsonl, .csv, .txt, \
             .html, .pdf or .docx"
        )));
    }
    let room = MAX_FILE_NAME_BYTES - extension.len() - 1;
    let stem = stem.get(..stem.len().min(room)).unwrap_or(stem);
    let stem = stem.trim_end_matches(['.', '-']);
    if stem.is_empty() || stem.eq_ignore_ascii_case("readme") {
        return Err(ApiError::BadParameter(format!(
            "invalid filename {name:?}: give the file a name (README files are not documents)"
        )));
    }
    Ok(format!("{stem}.{extension}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ids_are_safe_file_names() {
        for good in ["rec-1", "A.b_c", "x", &"a".repeat(MAX_RECORD_ID_BYTES)] {
            assert!(is_record_id(good), "{good}");
        }
        for bad in [
            "",
            "..",
            ".hidden",
            "_meta",
            "a/b",
            "a\\b",
            "a b",
            "a:p1",
            "a\0b",
            "ñandú",
            &"a".repeat(MAX_RECORD_ID_BYTES + 1),
        ] {
            assert!(!is_record_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn upload_names_are_folded_and_confined() {
        for (given, stored) in [
            ("Informe Final (v2).PDF", "informe-final-v2.pdf"),
            ("../../etc/passwd.md", "passwd.md"),
            ("/abs/path/nota.md", "nota.md"),
            ("C:\\Users\\x\\Año 2023.docx", "ano-2023.docx"),
            ("..\u{ff0f}..\u{ff0f}x.md", "x.md"),
            ("a\u{202e}dm.exe.md", "a-dm.exe.md"),
            ("nul\0byte.txt", "nul-byte.txt"),
            ("...hidden.md", "hidden.md"),
            ("_meta.json", "meta.json"),
        ] {
            assert_eq!(upload_name(given).unwrap(), stored, "{given:?}");
        }
        let long = format!("{}.md", "x".repeat(500));
        assert_eq!(upload_name(&long).unwrap().len(), MAX_FILE_NAME_BYTES);
        assert_eq!(
            upload_name("x.exe").unwrap_err().code(),
            "unsupported_media_type"
        );
        for bad in ["", "..", "noextension", "README.md", ".md", "../"] {
            assert!(upload_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn records_need_a_safe_id_and_batches_distinct_ones() {
        let upload = record(br#"{"id":"r1","text":"hola"}"#, None).unwrap();
        assert_eq!(upload.rel, "api/records/r1.json");
        for (body, code) in [
            (&br#"{"text":"hola"}"#[..], "bad_parameter"),
            (br#"{"id":"../x","text":"hola"}"#, "bad_parameter"),
            (br#"{"id":7,"text":"hola"}"#, "bad_parameter"),
            (br#"["id"]"#, "bad_json"),
            (b"{", "bad_json"),
        ] {
            assert_eq!(record(body, None).unwrap_err().code(), code);
        }
        let ok = batch(
            b"{\"id\":\"a\",\"text\":\"x\"}\n\n{\"id\":\"b\",\"text\":\"y\"}\n",
            32,
            10,
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        let twice = batch(
            b"{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"a\",\"text\":\"y\"}",
            32,
            10,
        )
        .unwrap_err();
        assert!(twice.message().contains("line 2"), "{twice}");
        let many = batch(
            b"{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"y\"}",
            32,
            1,
        )
        .unwrap_err();
        assert!(many.message().contains("more than 1"), "{many}");
        let deep = format!(
            "{{\"id\":\"a\",\"x\":{}{}}}",
            "[".repeat(40),
            "]".repeat(40)
        );
        assert_eq!(
            batch(deep.as_bytes(), 32, 10).unwrap_err().code(),
            "bad_json"
        );
    }
}
