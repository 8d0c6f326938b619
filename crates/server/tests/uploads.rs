//! Files uploaded to the write API over real HTTP (the real router on `127.0.0.1:0`, a real
//! index in a temporary folder): every format Minga reads is stored and searchable at once;
//! zip bombs in DOCX and decompression bombs in PDF, files that are not what their name
//! says, and empty files are refused with 422 and nothing stored.

use std::io::{Cursor, Write};
use std::path::Path;
use std::time::Duration;

use minga_server::{Access, ApiKey, AppState, Limits, app};
use reqwest::{Client, StatusCode};
use serde_json::Value;

const KEY: &str = "uploads-test-key-0123456789";

/// The router with writes enabled, over an index of a one-file corpus in `dir`.
async fn start(dir: &Path) -> (String, minga_server::Writer) {
    let corpus = dir.join("corpus");
    let index = dir.join("index");
    std::fs::create_dir_all(corpus.join("notas")).expect("create the corpus");
    std::fs::write(
        corpus.join("notas/a.md"),
        "---\ntitle: Nota\nlang: es\n---\n\n# Nota\n\nLa agencia regional.\n",
    )
    .expect("write a note");
    let (c, i) = (corpus.clone(), index.clone());
    tokio::task::spawn_blocking(move || {
        minga_pipeline::sync(&c, &i, &minga_pipeline::SyncOptions::default(), &())
    })
    .await
    .expect("the indexing thread")
    .expect("index the corpus");
    let state = AppState::open(&index, Limits::default()).expect("open the index");
    let access = Access {
        api_key: Some(ApiKey::new(KEY).expect("a key")),
        ..Access::default()
    };
    let (state, writer) = state.with_access(access, &corpus).expect("writes");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("the address");
    tokio::spawn(async move {
        axum::serve(listener, app(state)).await.expect("serve");
    });
    (format!("http://{addr}"), writer.expect("a writer"))
}

async fn upload(base: &str, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let response = Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("a client")
        .post(format!("{base}/api/documents?filename={name}"))
        .bearer_auth(KEY)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .expect("POST");
    let status = response.status();
    let body = serde_json::from_str(&response.text().await.expect("a body")).expect("JSON");
    (status, body)
}

async fn total(base: &str, query: &str) -> u64 {
    let text = reqwest::get(format!("{base}/api/search?q={query}&facets="))
        .await
        .expect("GET")
        .text()
        .await
        .expect("a body");
    let body: Value = serde_json::from_str(&text).expect("JSON");
    body["total"].as_u64().expect("a total")
}

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        writer.start_file(*name, options).expect("a zip entry");
        writer.write_all(data).expect("zip data");
    }
    writer.finish().expect("a zip").into_inner()
}

fn docx(body: &str) -> Vec<u8> {
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document \
         xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>\
         <w:p><w:r><w:t>{body}</w:t></w:r></w:p></w:body></w:document>"
    );
    zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", document.as_bytes()),
    ])
}

/// A one-page PDF whose content stream is `content`, deflated.
fn pdf(content: &[u8]) -> Vec<u8> {
    let mut deflater = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    deflater.write_all(content).expect("deflate");
    let stream = deflater.finish().expect("deflate");
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        [
            format!("<< /Length {} /Filter /FlateDecode >>\nstream\n", stream.len()).as_bytes(),
            &stream,
            b"\nendstream",
        ]
        .concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter_mut().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.append(object);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes());
    for offset in &offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[tokio::test]
async fn files_of_every_format_are_stored_and_bombs_refused() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (base, _writer) = start(dir.path()).await;
    let text = "El carpincho llegó a la mesa de trabajo de la agencia regional.";
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("n.md", format!("# Nota\n\n{text}\n").into_bytes()),
        ("r.json", format!("{{\"id\":\"subido-json\",\"text\":\"{text}\"}}").into_bytes()),
        ("l.jsonl", format!("{{\"id\":\"subido-l1\",\"text\":\"{text}\"}}\n{{\"id\":\"subido-l2\",\"text\":\"{text}\"}}\n").into_bytes()),
        ("t.csv", format!("id,title,text\nsubido-csv,Fila,{text}\n").into_bytes()),
        ("t.txt", text.as_bytes().to_vec()),
        ("p.html", format!("<html><head><title>Página</title></head><body><p>{text}</p><script>alert(1)</script></body></html>").into_bytes()),
        ("d.docx", docx(text)),
        ("informe.pdf", pdf(format!("BT /F1 12 Tf 72 712 Td ({}) Tj ET", "El carpincho llego").as_bytes())),
    ];
    let mut documents = 0;
    for (name, bytes) in files {
        let (status, body) = upload(&base, name, bytes).await;
        assert_eq!(status, StatusCode::CREATED, "{name}: {body}");
        let stored = body["documents"].as_array().expect("documents");
        assert!(!stored.is_empty(), "{name}: {body}");
        assert!(
            dir.path().join("corpus/api/files").join(name).is_file(),
            "{name}"
        );
        documents += stored.len() as u64;
    }
    assert_eq!(total(&base, "carpincho").await, documents);
    // Another file whose path gives the same id as a stored one (`n_.md` and `n.md` are both
    // `api.files.n`).
    let (status, body) = upload(&base, "n_.md", text.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(!dir.path().join("corpus/api/files/n_.md").exists());

    // A zip bomb: a few kilobytes that inflate to 32 MB.
    let bomb = zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", &vec![b' '; 32 << 20]),
    ]);
    assert!(bomb.len() < 200_000, "{}", bomb.len());
    let (status, body) = upload(&base, "bomba.docx", bomb).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "unreadable_document");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("zip bomb"),
        "{body}"
    );

    // A decompression bomb: a page whose content inflates to 256 MB.
    let mut content = b"BT /F1 12 Tf 72 712 Td (bomba) Tj ET\n".to_vec();
    content.resize(256 << 20, b' ');
    let bomb = pdf(&content);
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    let (status, body) = upload(&base, "bomba.pdf", bomb).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("decompression bomb"),
        "{body}"
    );

    // Not what the name says, empty, or nothing in it: refused too.
    for (name, bytes) in [
        ("falso.docx", b"not a zip".to_vec()),
        ("falso.pdf", b"%PDF-1.4 garbage".to_vec()),
        ("vacio.md", Vec::new()),
        ("binario.txt", vec![0u8; 1000]),
        ("malo.json", b"{\"id\": ".to_vec()),
        // A record whose title and text hold no word: no passage to search.
        (
            "sinpalabras.json",
            br#"{"id": "sin-palabras", "title": " \u0098\udbc9\udd9a", "text": "\udb88\udc33 \u0000"}"#
                .to_vec(),
        ),
    ] {
        let (status, body) = upload(&base, name, bytes).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {body}");
    }
    let stored: Vec<String> = std::fs::read_dir(dir.path().join("corpus/api/files"))
        .expect("the files folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.contains("bomba")
                || n.contains("falso")
                || n.contains("vacio")
                || n.contains("binario")
                || n.contains("malo")
                || n.contains("sinpalabras")
        })
        .collect();
    assert!(stored.is_empty(), "refused files were stored: {stored:?}");
    assert_eq!(total(&base, "carpincho").await, documents);
}
