//! The query language and query expansion through the HTTP API, on the shipped sample
//! corpus: each example of the README's query table, cross-language and acronym expansion,
//! typo tolerance, and the error for a broken query.

use crate::support::Workspace;
use serde_json::Value;

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

fn get(server: &crate::support::ServerProcess, path_and_query: &str) -> (u16, Value) {
    let response = reqwest::blocking::get(server.url(path_and_query)).expect("the server answers");
    let status = response.status().as_u16();
    let body = response.text().expect("a body");
    (status, serde_json::from_str(&body).expect("a JSON body"))
}

fn search(server: &crate::support::ServerProcess, query: &str) -> (u16, Value) {
    get(server, &format!("/api/search?limit=20&q={}", encode(query)))
}

fn ok(server: &crate::support::ServerProcess, query: &str) -> Value {
    let (status, body) = search(server, query);
    assert_eq!(status, 200, "{query}: {body:#}");
    body
}

fn hits(body: &Value) -> &Vec<Value> {
    body["hits"].as_array().expect("hits")
}

/// The full text of a hit's passage, from the document endpoint.
fn passage_text(server: &crate::support::ServerProcess, id: &str) -> String {
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
    let plain_rules = rules(&plain);
    assert!(
        plain_rules == [("stem".to_string(), "gobernanzas".to_string())],
        "{plain_rules:?}"
    );

    // While typing, the last word is the start of a word: `regio` finds `regional` and
    // `región`, and is neither translated nor corrected. The same query once typed (no
    // `typing`) searches `regio` as a word.
    let (status, typing) = get(&server, "/api/search?q=agencia%20regio&typing=true");
    assert_eq!(status, 200, "{typing:#}");
    assert!(
        rules(&typing).iter().all(|(_, from)| from != "regio"),
        "{:?}",
        rules(&typing)
    );
    assert!(typing["suggestion"].is_null(), "{typing:#}");
    let snippets: Vec<&str> = hits(&typing)
        .iter()
        .filter_map(|h| h["snippet"].as_str())
        .collect();
    assert!(
        snippets
            .iter()
            .any(|s| s.contains("<mark>regional</mark>") || s.contains("<mark>Regional</mark>")),
        "{snippets:#?}"
    );
    let typed = ok(&server, "agencia regio");
    assert!(
        rules(&typed).iter().any(|(_, from)| from == "regio"),
        "{:?}",
        rules(&typed)
    );
    // A quote not yet closed is not yet an error while typing; searched, it is.
    let (status, body) = get(&server, "/api/search?q=%22agencia%20reg&typing=true");
    assert_eq!(status, 200, "{body:#}");
    assert!(!hits(&body).is_empty(), "{body:#}");
    let (status, _) = get(&server, "/api/search?q=%22agencia%20reg");
    assert_eq!(status, 400);
    // A blank after the word: it is finished, and searched as typed.
    let (_, finished) = get(&server, "/api/search?q=agencia%20regio%20&typing=true");
    assert_eq!(rules(&finished), rules(&typed));

    // A question's word that says what it asks for (a year) is not searched, and the
    // response says so; the agency it asks about comes first.
    let body = ok(&server, "¿En qué año se creó la ARD de Cusco?");
    assert_rule(&body, "question", "año");
    assert_eq!(
        hits(&body)[0]["title"],
        "Perfil institucional: ARD Cusco",
        "{body:#}"
    );
    // Not a question: `año` is searched.
    let body = ok(&server, "año de creación ARD Cusco");
    assert!(
        !rules(&body).iter().any(|(rule, _)| rule == "question"),
        "{:?}",
        rules(&body)
    );
}

/// Where `data/dictionary/reviewed.tsv` is.
fn reviewed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/dictionary/reviewed.tsv")
}

/// How many of each source's most frequent words the reviewed list holds.
const FREQUENT: usize = 200;

/// Counts the words of `text` (lower-cased, letters only, three or more letters, not a stop
/// word of `lang`) into `counts`.
fn count_words(
    text: &str,
    lang: minga_core::Lang,
    counts: &mut std::collections::HashMap<(minga_core::Lang, String), usize>,
) {
    let analyzer = minga_engine::Analyzer::stemmed(lang);
    for word in text.split(|c: char| !c.is_alphabetic()) {
        let word = word.to_lowercase();
        if word.chars().count() >= 3 && !analyzer.is_stop_word(&word) {
            *counts.entry((lang, word)).or_default() += 1;
        }
    }
}

/// The `FREQUENT` most frequent of `counts`, the most frequent first (ties alphabetical).
fn most_frequent(
    counts: std::collections::HashMap<(minga_core::Lang, String), usize>,
) -> Vec<(minga_core::Lang, String)> {
    let mut counts: Vec<_> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts.into_iter().take(FREQUENT).map(|(w, _)| w).collect()
}

/// The most frequent words of the sample corpus, in the language of their document.
fn sample_words() -> Vec<(minga_core::Lang, String)> {
    let corpus = crate::support::shipped_corpus();
    let reader = minga_ingest::Reader::new(&corpus, Default::default()).expect("a reader");
    let mut counts = std::collections::HashMap::new();
    for file in minga_ingest::discover(&corpus).expect("the corpus").files {
        let bytes = std::fs::read(&file.path).expect("a corpus file");
        for doc in reader.read(&file.rel, &bytes).documents {
            let lang = doc.lang.unwrap_or(minga_core::Lang::Es);
            if matches!(lang, minga_core::Lang::Es | minga_core::Lang::En) {
                count_words(
                    &format!("{}\n{}", doc.title, doc.full_text()),
                    lang,
                    &mut counts,
                );
            }
        }
    }
    most_frequent(counts)
}

/// The most frequent words of a test collection's queries (`queries.tsv`: id, text), or
/// `None` when the collection is not on this machine.
fn query_words(
    dir: &std::path::Path,
    lang: minga_core::Lang,
) -> Option<Vec<(minga_core::Lang, String)>> {
    let text = std::fs::read_to_string(dir.join("queries.tsv")).ok()?;
    let mut counts = std::collections::HashMap::new();
    for line in text.lines() {
        if let Some((_, query)) = line.split_once('\t') {
            count_words(query, lang, &mut counts);
        }
    }
    Some(most_frequent(counts))
}

/// What a search translates `word` into, written in a query of its language.
fn translations(
    server: &crate::support::ServerProcess,
    lang: minga_core::Lang,
    word: &str,
) -> String {
    // A stop word of the language tells the query's language, as a sentence would.
    let context = match lang {
        minga_core::Lang::En => "the",
        _ => "el",
    };
    let (status, body) = get(
        server,
        &format!(
            "/api/search?limit=1&facets=&q={}",
            encode(&format!("{context} {word}"))
        ),
    );
    assert_eq!(status, 200, "{word}: {body:#}");
    body["expanded"]
        .as_array()
        .expect("expanded")
        .iter()
        .filter(|e| e["rule"] == "translation" && e["from"] == word)
        .flat_map(|e| e["to"].as_array().cloned().unwrap_or_default())
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect::<Vec<_>>()
        .join("|")
}

/// The 200 most frequent words of the sample corpus and of each public test collection's
/// queries, with what a search translates each into, are the reviewed list in
/// `data/dictionary/reviewed.tsv`; and none is translated into a word whose usual sense is
/// vulgar, offensive or slang (`data/dictionary/register.tsv`). A change to the dictionary,
/// the analysers or the translation rules that changes what these words are searched as
/// fails here until the list is reviewed again and written anew with
/// `MINGA_UPDATE_REVIEWED=1 cargo test --test end_to_end reviewed`. The collections are
/// read from `MINGA_EVAL_DIR` (default `../shared/eval`); one that is not there keeps its
/// words as the list has them.
#[test]
fn the_translations_of_the_most_frequent_words_are_the_reviewed_ones() {
    use minga_core::Lang;
    use std::collections::{BTreeMap, BTreeSet};
    let eval = std::env::var_os("MINGA_EVAL_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval"));
    let reviewed_text = std::fs::read_to_string(reviewed_path()).unwrap_or_default();
    // (lang, word) → (translations, sources), as reviewed.
    let mut reviewed: BTreeMap<(String, String), (String, BTreeSet<String>)> = BTreeMap::new();
    for line in reviewed_text.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "reviewed.tsv: {line:?}");
        reviewed.insert(
            (cols[0].to_string(), cols[1].to_string()),
            (
                cols[2].to_string(),
                cols[3].split(',').map(str::to_string).collect(),
            ),
        );
    }
    let mut words: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut add = |source: &str, list: Vec<(Lang, String)>| {
        for (lang, word) in list {
            words
                .entry((lang.to_string(), word))
                .or_default()
                .insert(source.to_string());
        }
    };
    add("sample", sample_words());
    for (name, lang) in [
        ("scifact", Lang::En),
        ("mlqa-es", Lang::Es),
        ("mlqa-en2es", Lang::En),
    ] {
        match query_words(&eval.join(name), lang) {
            Some(list) => add(name, list),
            None => {
                eprintln!(
                    "{name}: not at {}; its words as reviewed.tsv has them",
                    eval.display()
                );
                let kept: Vec<(Lang, String)> = reviewed
                    .iter()
                    .filter(|(_, (_, sources))| sources.contains(name))
                    .map(|((l, w), _)| (l.parse().expect("a language"), w.clone()))
                    .collect();
                add(name, kept);
            }
        }
    }
    let workspace = Workspace::new();
    let server = workspace.serve(&[]);
    let mut found: BTreeMap<(String, String), (String, BTreeSet<String>)> = BTreeMap::new();
    for ((lang, word), sources) in words {
        let to = translations(&server, lang.parse().expect("a language"), &word);
        found.insert((lang, word), (to, sources));
    }
    let written: String = found
        .iter()
        .map(|((lang, word), (to, sources))| {
            let sources: Vec<&str> = sources.iter().map(String::as_str).collect();
            format!("{lang}\t{word}\t{to}\t{}\n", sources.join(","))
        })
        .collect();
    if std::env::var_os("MINGA_UPDATE_REVIEWED").is_some() {
        let header = "# The 200 most frequent words of the sample corpus and of each public test \
                      collection's queries, with what a search translates each into (`|` \
                      between translations; empty: not translated), reviewed by hand.\n\
                      # Written by `MINGA_UPDATE_REVIEWED=1 cargo test --test end_to_end \
                      reviewed`; tests/end_to_end/query_language.rs checks it.\n\
                      # language\tword\ttranslations\tsources\n";
        std::fs::write(reviewed_path(), format!("{header}{written}")).expect("write reviewed.tsv");
        return;
    }
    let changed: Vec<String> = found
        .iter()
        .filter(|(key, value)| reviewed.get(*key) != Some(value))
        .map(|((lang, word), (to, sources))| {
            let was = reviewed
                .get(&(lang.clone(), word.clone()))
                .map(|(t, _)| t.as_str())
                .unwrap_or("(not listed)");
            format!("{lang} {word}: {was:?} → {to:?} ({sources:?})")
        })
        .chain(
            reviewed
                .keys()
                .filter(|key| !found.contains_key(*key))
                .map(|(lang, word)| format!("{lang} {word}: no longer a frequent word")),
        )
        .collect();
    assert!(
        changed.is_empty(),
        "{} frequent words are searched otherwise than reviewed; review and rewrite \
         data/dictionary/reviewed.tsv (see this test's comment):\n{}",
        changed.len(),
        changed.join("\n")
    );
    // None is vulgar: no translation into a marked word from a word that is not marked.
    let register = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/dictionary/register.tsv"),
    )
    .expect("register.tsv");
    let marked: BTreeSet<String> = register
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').nth(1).map(str::to_string))
        .collect();
    for ((lang, word), (to, _)) in &found {
        for t in to.split('|').filter(|t| !t.is_empty()) {
            assert!(
                marked.contains(word) || !marked.contains(t),
                "{lang} {word} is translated into {t:?}, marked vulgar, offensive or slang"
            );
        }
    }
}
