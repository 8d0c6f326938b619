//! The query language and query expansion through the HTTP API, on the shipped sample
//! corpus: each example of the README's query table, cross-language and acronym expansion,
//! typo tolerance, and the error for a broken query.

mod support;

use serde_json::Value;
use support::Workspace;

/// Percent-encodes a query-string value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn get(server: &support::ServerProcess, path_and_query: &str) -> (u16, Value) {
    let response = reqwest::blocking::get(server.url(path_and_query)).expect("the server answers");
    let status = response.status().as_u16();
    let body = response.text().expect("a body");
    (status, serde_json::from_str(&body).expect("a JSON body"))
}

fn search(server: &support::ServerProcess, query: &str) -> (u16, Value) {
    get(server, &format!("/api/search?limit=20&q={}", encode(query)))
}

fn ok(server: &support::ServerProcess, query: &str) -> Value {
    let (status, body) = search(server, query);
    assert_eq!(status, 200, "{query}: {body:#}");
    body
}

fn hits(body: &Value) -> &Vec<Value> {
    body["hits"].as_array().expect("hits")
}

/// The full text of a hit's passage, from the document endpoint.
fn passage_text(server: &support::ServerProcess, id: &str) -> String {
    let (_, view) = get(server, &format!("/api/documents/{id}"));
    view["passages"]
        .as_array()
        .expect("passages")
        .iter()
        .find(|p| p["id"] == id)
        .map(|p| p["text"].as_str().unwrap_or("").to_lowercase())
        .unwrap_or_default()
}

/// Fails unless the response lists an expansion by `rule` from `from`.
#[track_caller]
fn assert_rule(body: &Value, rule: &str, from: &str) {
    let rules = rules(body);
    assert!(
        rules.contains(&(rule.to_string(), from.to_string())),
        "no {rule} rule from {from}: {rules:?}"
    );
}

fn rules(body: &Value) -> Vec<(String, String)> {
    body["expanded"]
        .as_array()
        .expect("expanded")
        .iter()
        .map(|e| {
            (
                e["rule"].as_str().unwrap_or("").to_string(),
                e["from"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn the_query_language_and_its_expansions_through_the_api() {
    let workspace = Workspace::new();
    let server = workspace.serve(&[]);

    // Cross-language: an English query finds the Spanish notes on articulation in Biobío.
    let body = ok(&server, "inter-institutional coordination Biobío");
    let spanish = hits(&body)
        .iter()
        .take(5)
        .filter(|h| {
            h["lang"] == "es"
                && h["regions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r == "Biobío")
        })
        .count();
    assert!(spanish >= 2, "{:#}", body["hits"]);
    assert!(
        rules(&body)
            .iter()
            .any(|(r, _)| r == "glossary" || r == "translation"),
        "{:?}",
        rules(&body)
    );

    // Stems: the response says what each word was searched as, and a plural finds the
    // singular.
    let body = ok(&server, "agencias regionales");
    let stem = body["expanded"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["rule"] == "stem" && e["from"] == "agencias")
        .unwrap_or_else(|| panic!("{:#}", body["expanded"]));
    assert!(
        stem["to"].as_array().unwrap().iter().any(|s| s == "agenci"),
        "{stem}"
    );
    assert!(hits(&body).iter().any(|h| {
        passage_text(&server, h["id"].as_str().unwrap())
            .to_lowercase()
            .contains("agencia regional ")
    }));

    // Acronym: ARD also looks for "agencia regional de desarrollo" and its English form.
    let body = ok(&server, "ARD gobernanza");
    assert_rule(&body, "acronym", "ARD");
    assert!(!hits(&body).is_empty());

    // Typo: `innvoacion` matches innovación, and the correction is offered.
    let body = ok(&server, "innvoacion Biobio");
    assert_rule(&body, "typo", "innvoacion");
    assert_eq!(body["suggestion"], "innovación Biobio");
    let first = &hits(&body)[0];
    let text = passage_text(&server, first["id"].as_str().unwrap());
    assert!(
        text.contains("innovación")
            || first["title"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("innovación"),
        "{first:#}"
    );

    // A question: the punctuation typed around a word does not stop its correction or its
    // glossary equivalents, and the suggestion keeps the punctuation.
    let body = ok(&server, "¿innvoacion en Biobio?");
    assert_rule(&body, "typo", "innvoacion");
    assert_eq!(body["suggestion"], "¿innovación en Biobio?");
    let body = ok(&server, "¿gobernanza?");
    assert_rule(&body, "glossary", "gobernanza");

    // Phrase: every hit holds the words together.
    let body = ok(&server, "\"agencia regional\"");
    assert!(!hits(&body).is_empty());
    for hit in hits(&body) {
        let id = hit["id"].as_str().unwrap();
        let text = passage_text(&server, id);
        let title = hit["title"].as_str().unwrap().to_lowercase();
        assert!(
            text.contains("agencia regional") || title.contains("agencia regional"),
            "{id}"
        );
    }

    // A phrase that no passage contains is searched as its words, and the response says
    // so; with expansion off it stays exact and finds nothing.
    let phrase = "\"financiamiento basal de las agencias\"";
    let body = ok(&server, phrase);
    assert_rule(&body, "phrase", phrase);
    let loosened = body["expanded"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["rule"] == "phrase")
        .unwrap();
    assert_eq!(
        loosened["to"],
        serde_json::json!(["financiamiento", "basal", "agencias"])
    );
    assert!(!hits(&body).is_empty());
    let (status, exact) = get(
        &server,
        &format!("/api/search?expand=false&q={}", encode(phrase)),
    );
    assert_eq!(status, 200);
    assert_eq!(exact["total"], 0, "{exact:#}");

    // Exclusion: no hit mentions the excluded word.
    let body = ok(&server, "financiamiento -minería");
    assert!(!hits(&body).is_empty());
    for hit in hits(&body) {
        let id = hit["id"].as_str().unwrap();
        assert!(!passage_text(&server, id).contains("minería"), "{id}");
    }

    // Field filter: every hit is in Coquimbo.
    let body = ok(&server, "gobernanza region:coquimbo");
    assert!(!hits(&body).is_empty());
    for hit in hits(&body) {
        assert!(
            hit["regions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == "Coquimbo"),
            "{hit:#}"
        );
    }

    // Date range: every hit is dated inside it.
    let body = ok(&server, "date:2023-01-24..2023-01-24");
    assert!(!hits(&body).is_empty());
    for hit in hits(&body) {
        assert_eq!(hit["date"], "2023-01-24", "{hit:#}");
    }

    // A broken query is refused with where the problem is.
    let (status, body) = search(&server, "gobernanza \"sin cerrar");
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "bad_query");
    assert_eq!(
        body["error"]["message"],
        "invalid query: this quote is never closed (at column 12)"
    );

    // Expansion can be turned off: the words are still matched by their stems (and say
    // so), but nothing else is added.
    let (_, plain) = get(&server, "/api/search?q=ARD%20gobernanzas&expand=false");
    let rules = rules(&plain);
    assert!(
        rules == [("stem".to_string(), "gobernanzas".to_string())],
        "{rules:?}"
    );
}
