//! The model's SentencePiece Unigram tokenizer, as the wheel's `e5.c` runs it: each code point
//! through the normaliser's character map, runs of spaces collapsed, a leading `▁` and every
//! space turned into `▁`, then the segmentation of highest total score over the vocabulary
//! (Viterbi over characters; a character no piece covers is the unknown token, scored ten
//! below the lowest piece).
//!
//! A Hugging Face `tokenizer.json` of the same kind (a Unigram model after SentencePiece's
//! precompiled normaliser, as multilingual-e5 and XLM-RoBERTa ship) is read into the same
//! tokenizer (see [`crate::hf`]): its normaliser is then the precompiled character map itself,
//! read by `spm_precompiled` as the `tokenizers` library reads it.

use std::collections::HashMap;

use crate::file::ModelFile;

/// What is done to a text before it is cut into pieces.
pub(crate) enum Normalizer {
    /// Code point → replacement, sorted by code point (the wheel's file).
    CharMap(Vec<(u32, Vec<u32>)>),
    /// SentencePiece's precompiled map (a `tokenizer.json`'s `Precompiled` normaliser): whole
    /// graphemes first, then their code points, as the `tokenizers` library applies it.
    Precompiled(Box<spm_precompiled::Precompiled>),
}

const META: char = '\u{2581}';

pub struct Tokenizer {
    pieces: HashMap<Box<[u8]>, u32>,
    scores: Vec<f32>,
    normalizer: Normalizer,
    /// Cut into pieces word by word (before each `▁`), as the `Metaspace` pre-tokenizer with
    /// `split` does, and runs of unknown characters as one unknown token, as the
    /// `tokenizers` library's Unigram does; the wheel's engine does neither.
    hf_rules: bool,
    /// Spaces at the end of a text are dropped (a `Strip` normaliser).
    strip_end: bool,
    max_piece_bytes: usize,
    unk_score: f32,
    bos: u32,
    eos: u32,
    unk: u32,
}

impl Tokenizer {
    pub fn new(file: &ModelFile<'_>) -> Tokenizer {
        let pieces = (0..file.scores.len())
            .map(|i| &file.blob[file.offsets[i] as usize..file.offsets[i + 1] as usize]);
        Tokenizer::from_parts(
            pieces,
            file.scores.clone(),
            Normalizer::CharMap(file.char_map.clone()),
            [file.bos, file.eos, file.unk],
            false,
        )
    }

    /// A tokenizer of the pieces (in id order) and their scores; `[bos, eos, unk]` ids.
    pub(crate) fn from_parts<'p>(
        pieces: impl IntoIterator<Item = &'p [u8]>,
        scores: Vec<f32>,
        normalizer: Normalizer,
        [bos, eos, unk]: [u32; 3],
        hf_rules: bool,
    ) -> Tokenizer {
        let mut map = HashMap::with_capacity(scores.len());
        let mut max_piece_bytes = 1;
        for (i, piece) in pieces.into_iter().enumerate() {
            max_piece_bytes = max_piece_bytes.max(piece.len());
            if !piece.is_empty() {
                // The first of two equal pieces wins, as in the reference's open addressing.
                map.entry(piece.into()).or_insert(i as u32);
            }
        }
        let min = scores.iter().copied().fold(f32::INFINITY, f32::min);
        Tokenizer {
            pieces: map,
            scores,
            normalizer,
            hf_rules,
            strip_end: false,
            max_piece_bytes,
            unk_score: min - 10.0,
            bos,
            eos,
            unk,
        }
    }

    pub(crate) fn stripping_end(mut self, strip_end: bool) -> Tokenizer {
        self.strip_end = strip_end;
        self
    }

    pub fn bos(&self) -> u32 {
        self.bos
    }

    /// The unknown token: a character no piece covers.
    pub fn unk(&self) -> u32 {
        self.unk
    }

    pub fn eos(&self) -> u32 {
        self.eos
    }

    /// The text as the model reads it: mapped, spaces collapsed, `▁` for each space.
    pub fn normalize(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 4);
        let mut mapped = Vec::with_capacity(text.len());
        match &self.normalizer {
            Normalizer::CharMap(map) => {
                for c in text.chars() {
                    match map.binary_search_by_key(&(c as u32), |(cp, _)| *cp) {
                        Ok(i) => mapped.extend(map[i].1.iter().filter_map(|&u| char::from_u32(u))),
                        Err(_) => mapped.push(c),
                    }
                }
            }
            Normalizer::Precompiled(map) => mapped.extend(map.normalize_string(text).chars()),
        }
        if self.strip_end {
            while mapped.last().is_some_and(|c| c.is_whitespace()) {
                mapped.pop();
            }
        }
        let mut previous_space = false;
        for (i, c) in mapped.into_iter().enumerate() {
            let space = c == ' ';
            if space && previous_space {
                continue;
            }
            if i == 0 && !space {
                out.push(META);
            }
            out.push(if space { META } else { c });
            previous_space = space;
        }
        if out.is_empty() {
            out.push(META);
        }
        out
    }

    /// The token ids of a text (no start or end token).
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let normalized = self.normalize(text);
        let mut ids = Vec::new();
        if self.hf_rules {
            let mut start = 0;
            for (at, c) in normalized.char_indices().skip(1) {
                if c == META {
                    self.viterbi(&normalized[start..at], &mut ids);
                    start = at;
                }
            }
            self.viterbi(&normalized[start..], &mut ids);
        } else {
            self.viterbi(&normalized, &mut ids);
        }
        ids
    }

    /// Appends the ids of the segmentation of `text` of highest total score.
    fn viterbi(&self, text: &str, out: &mut Vec<u32>) {
        let bytes = text.as_bytes();
        let starts: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([bytes.len()])
            .collect();
        let n = starts.len() - 1;
        let mut best = vec![-1e30f32; n + 1];
        let mut piece = vec![0u32; n + 1];
        let mut from = vec![0usize; n + 1];
        best[0] = 0.0;
        for i in 0..n {
            if best[i] <= -1e29 {
                continue;
            }
            for e in i + 1..=n {
                let span = &bytes[starts[i]..starts[e]];
                if span.len() > self.max_piece_bytes {
                    break;
                }
                if let Some(&id) = self.pieces.get(span)
                    && id != self.unk
                {
                    let score = best[i] + self.scores[id as usize];
                    if score > best[e] {
                        best[e] = score;
                        piece[e] = id;
                        from[e] = i;
                    }
                }
            }
            let score = best[i] + self.unk_score;
            if score > best[i + 1] {
                best[i + 1] = score;
                piece[i + 1] = self.unk;
                from[i + 1] = i;
            }
        }
        let first = out.len();
        let mut at = n;
        while at > 0 {
            out.push(piece[at]);
            at = from[at];
        }
        out[first..].reverse();
        if self.hf_rules {
            // One unknown token for a run of unknown characters within a word.
            let mut word = out.split_off(first);
            word.dedup_by(|a, b| *a == self.unk && *b == self.unk);
            out.append(&mut word);
        }
    }
}
