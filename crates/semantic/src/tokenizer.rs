//! The model's SentencePiece Unigram tokenizer, as the wheel's `e5.c` runs it: each code point
//! through the normaliser's character map, runs of spaces collapsed, a leading `▁` and every
//! space turned into `▁`, then the segmentation of highest total score over the vocabulary
//! (Viterbi over characters; a character no piece covers is the unknown token, scored ten
//! below the lowest piece).

use std::collections::HashMap;

use crate::file::ModelFile;

const META: char = '\u{2581}';

pub struct Tokenizer {
    pieces: HashMap<Box<[u8]>, u32>,
    scores: Vec<f32>,
    char_map: Vec<(u32, Vec<u32>)>,
    max_piece_bytes: usize,
    unk_score: f32,
    bos: u32,
    eos: u32,
    unk: u32,
}

impl Tokenizer {
    pub fn new(file: &ModelFile<'_>) -> Tokenizer {
        let n = file.scores.len();
        let mut pieces = HashMap::with_capacity(n);
        let mut max_piece_bytes = 1;
        for i in 0..n {
            let piece = &file.blob[file.offsets[i] as usize..file.offsets[i + 1] as usize];
            max_piece_bytes = max_piece_bytes.max(piece.len());
            if !piece.is_empty() {
                // The first of two equal pieces wins, as in the reference's open addressing.
                pieces.entry(piece.into()).or_insert(i as u32);
            }
        }
        let min = file.scores.iter().copied().fold(f32::INFINITY, f32::min);
        Tokenizer {
            pieces,
            scores: file.scores.clone(),
            char_map: file.char_map.clone(),
            max_piece_bytes,
            unk_score: min - 10.0,
            bos: file.bos,
            eos: file.eos,
            unk: file.unk,
        }
    }

    pub fn bos(&self) -> u32 {
        self.bos
    }

    pub fn eos(&self) -> u32 {
        self.eos
    }

    /// The text as the model reads it: mapped, spaces collapsed, `▁` for each space.
    pub fn normalize(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 4);
        let mut mapped = Vec::with_capacity(text.len());
        for c in text.chars() {
            match self
                .char_map
                .binary_search_by_key(&(c as u32), |(cp, _)| *cp)
            {
                Ok(i) => {
                    mapped.extend(self.char_map[i].1.iter().filter_map(|&u| char::from_u32(u)))
                }
                Err(_) => mapped.push(c),
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
        let bytes = normalized.as_bytes();
        let starts: Vec<usize> = normalized
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
        let mut ids = Vec::new();
        let mut at = n;
        while at > 0 {
            ids.push(piece[at]);
            at = from[at];
        }
        ids.reverse();
        ids
    }
}
