//! The BERT encoder of multilingual-e5-small in f32: word, position and type embeddings with a
//! layer norm, then per layer multi-head self-attention and a GELU feed-forward block, each
//! added back and layer-normed (post-norm), and the last layer mean-pooled.
//!
//! Weight matrices are unpacked from Q4_0 once, at load (about 85 MB); the word embeddings
//! (250,037 rows) stay packed and a row is unpacked when a token needs it. Products run on
//! `matrixmultiply`'s single-threaded kernels: callers parallelise over texts.

use crate::file::{Float, ModelFile, dequantize, q4_row_bytes, to_f32};

struct Layer {
    /// Query, key and value weights stacked: [3·H, H], and their biases [3·H].
    qkv: Vec<f32>,
    qkv_bias: Vec<f32>,
    out: Vec<f32>,
    out_bias: Vec<f32>,
    attention_norm: (Vec<f32>, Vec<f32>),
    up: Vec<f32>,
    up_bias: Vec<f32>,
    down: Vec<f32>,
    down_bias: Vec<f32>,
    output_norm: (Vec<f32>, Vec<f32>),
}

/// The encoder's dimensions.
pub(crate) struct Dims {
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub ff: usize,
    pub vocab: usize,
    /// Tokens read at once.
    pub max_positions: usize,
    pub eps: f32,
    /// Rows of the position table before the first token's (XLM-RoBERTa counts positions
    /// from its padding id + 1; BERT from 0).
    pub position_offset: usize,
    /// Rows of the token-type table (the first is used).
    pub type_rows: usize,
}

/// How the word embeddings are held: the one table too large to unpack at load.
pub(crate) enum Words {
    /// Q4_0 rows, as in the wheel's file.
    Q4(Vec<u8>),
    /// Rows of a memory-mapped safetensors file, read when a token needs one.
    Mapped {
        map: memmap2::Mmap,
        start: usize,
        float: Float,
    },
}

impl Words {
    fn row(&self, id: usize, h: usize, out: &mut [f32]) {
        match self {
            Words::Q4(blocks) => {
                let row_bytes = q4_row_bytes(h);
                dequantize(&blocks[id * row_bytes..(id + 1) * row_bytes], out);
            }
            Words::Mapped { map, start, float } => {
                let row_bytes = h * float.bytes();
                let at = start + id * row_bytes;
                float.read(&map[at..at + row_bytes], out);
            }
        }
    }
}

pub struct Encoder {
    hidden: usize,
    heads: usize,
    ff: usize,
    vocab: usize,
    max_positions: usize,
    eps: f32,
    words: Words,
    positions: Vec<f32>,
    token_type: Vec<f32>,
    embedding_norm: (Vec<f32>, Vec<f32>),
    layers: Vec<Layer>,
}

/// A weight by its name in the wheel's file (`emb.pos`, `l3.q.w`, …), checked to hold `len`
/// values, as f32.
pub(crate) type Weight<'a> = dyn Fn(&str, usize) -> Result<Vec<f32>, String> + 'a;

impl Encoder {
    pub fn new(file: &ModelFile<'_>) -> Result<Encoder, String> {
        let words = file.tensor("emb.word", file.vocab * file.hidden)?;
        if words.dtype != 1 {
            return Err("the word embeddings are not 4-bit blocks".into());
        }
        let dims = Dims {
            hidden: file.hidden,
            layers: file.layers,
            heads: file.heads,
            ff: file.ff,
            vocab: file.vocab,
            max_positions: file.max_positions,
            eps: file.eps,
            position_offset: 0,
            type_rows: 2,
        };
        let weight = |name: &str, len: usize| file.tensor(name, len).map(to_f32);
        Encoder::from_parts(&dims, Words::Q4(words.bytes.to_vec()), &weight)
    }

    /// An encoder of these dimensions, word embeddings and other weights.
    pub(crate) fn from_parts(
        dims: &Dims,
        words: Words,
        weight: &Weight<'_>,
    ) -> Result<Encoder, String> {
        let (h, ff) = (dims.hidden, dims.ff);
        let norm = |prefix: &str| -> Result<(Vec<f32>, Vec<f32>), String> {
            Ok((
                weight(&format!("{prefix}.w"), h)?,
                weight(&format!("{prefix}.b"), h)?,
            ))
        };
        let mut layers = Vec::with_capacity(dims.layers);
        for l in 0..dims.layers {
            let t = |part: &str, len: usize| weight(&format!("l{l}.{part}"), len);
            let mut qkv = t("q.w", h * h)?;
            qkv.extend(t("k.w", h * h)?);
            qkv.extend(t("v.w", h * h)?);
            let mut qkv_bias = t("q.b", h)?;
            qkv_bias.extend(t("k.b", h)?);
            qkv_bias.extend(t("v.b", h)?);
            layers.push(Layer {
                qkv,
                qkv_bias,
                out: t("ao.w", h * h)?,
                out_bias: t("ao.b", h)?,
                attention_norm: norm(&format!("l{l}.aln"))?,
                up: t("fi.w", ff * h)?,
                up_bias: t("fi.b", ff)?,
                down: t("fo.w", h * ff)?,
                down_bias: t("fo.b", h)?,
                output_norm: norm(&format!("l{l}.oln"))?,
            });
        }
        let mut positions = weight("emb.pos", (dims.position_offset + dims.max_positions) * h)?;
        positions.drain(..dims.position_offset * h);
        let mut token_type = weight("emb.type", dims.type_rows.max(1) * h)?;
        token_type.truncate(h);
        Ok(Encoder {
            hidden: h,
            heads: dims.heads,
            ff,
            vocab: dims.vocab,
            max_positions: dims.max_positions,
            eps: dims.eps,
            words,
            positions,
            token_type,
            embedding_norm: norm("emb.ln")?,
            layers,
        })
    }

    pub fn hidden(&self) -> usize {
        self.hidden
    }

    pub fn max_positions(&self) -> usize {
        self.max_positions
    }

    /// The mean over tokens of the last layer's states for `ids` (start and end tokens
    /// included), at most [`Encoder::max_positions`] of them.
    pub fn mean_pooled(&self, ids: &[u32]) -> Vec<f32> {
        let (h, ff) = (self.hidden, self.ff);
        let ids = &ids[..ids.len().min(self.max_positions)];
        let n = ids.len();
        let mut x = vec![0f32; n * h];
        for (t, (&id, row)) in ids.iter().zip(x.chunks_exact_mut(h)).enumerate() {
            let id = (id as usize).min(self.vocab - 1);
            self.words.row(id, h, row);
            let position = &self.positions[t * h..(t + 1) * h];
            for ((v, p), ty) in row.iter_mut().zip(position).zip(&self.token_type[..h]) {
                *v += p + ty;
            }
        }
        layer_norm(&mut x, None, &self.embedding_norm, h, self.eps);

        let mut qkv = vec![0f32; n * 3 * h];
        let mut context = vec![0f32; n * h];
        let mut attended = vec![0f32; n * h];
        let mut middle = vec![0f32; n * ff];
        let mut scores = vec![0f32; n * n];
        let head = h / self.heads;
        let scale = 1.0 / (head as f32).sqrt();
        for layer in &self.layers {
            linear(&x, &layer.qkv, &layer.qkv_bias, &mut qkv, n, h, 3 * h);
            for hd in 0..self.heads {
                let (q, k, v) = (hd * head, h + hd * head, 2 * h + hd * head);
                // scores = Q_h · K_hᵀ, rows of qkv are 3·H apart.
                unsafe {
                    matrixmultiply::sgemm(
                        n,
                        head,
                        n,
                        scale,
                        qkv.as_ptr().add(q),
                        (3 * h) as isize,
                        1,
                        qkv.as_ptr().add(k),
                        1,
                        (3 * h) as isize,
                        0.0,
                        scores.as_mut_ptr(),
                        n as isize,
                        1,
                    );
                }
                for row in scores.chunks_exact_mut(n) {
                    softmax(row);
                }
                // context_h = P · V_h
                unsafe {
                    matrixmultiply::sgemm(
                        n,
                        n,
                        head,
                        1.0,
                        scores.as_ptr(),
                        n as isize,
                        1,
                        qkv.as_ptr().add(v),
                        (3 * h) as isize,
                        1,
                        0.0,
                        context.as_mut_ptr().add(hd * head),
                        h as isize,
                        1,
                    );
                }
            }
            linear(
                &context,
                &layer.out,
                &layer.out_bias,
                &mut attended,
                n,
                h,
                h,
            );
            layer_norm(&mut x, Some(&attended), &layer.attention_norm, h, self.eps);
            linear(&x, &layer.up, &layer.up_bias, &mut middle, n, h, ff);
            middle.iter_mut().for_each(|v| *v = gelu(*v));
            linear(
                &middle,
                &layer.down,
                &layer.down_bias,
                &mut attended,
                n,
                ff,
                h,
            );
            layer_norm(&mut x, Some(&attended), &layer.output_norm, h, self.eps);
        }
        let mut mean = vec![0f32; h];
        for row in x.chunks_exact(h) {
            mean.iter_mut().zip(row).for_each(|(m, v)| *m += v);
        }
        let inv = 1.0 / n.max(1) as f32;
        mean.iter_mut().for_each(|m| *m *= inv);
        mean
    }
}

/// y[n, out] = x[n, inp] · wᵀ + bias, w stored [out, inp] row-major.
fn linear(x: &[f32], w: &[f32], bias: &[f32], y: &mut [f32], n: usize, inp: usize, out: usize) {
    for row in y[..n * out].chunks_exact_mut(out) {
        row.copy_from_slice(bias);
    }
    // SAFETY: the slices hold n·inp, out·inp and n·out values, as the strides below read.
    unsafe {
        matrixmultiply::sgemm(
            n,
            inp,
            out,
            1.0,
            x.as_ptr(),
            inp as isize,
            1,
            w.as_ptr(),
            1,
            inp as isize,
            1.0,
            y.as_mut_ptr(),
            out as isize,
            1,
        );
    }
}

/// x = LayerNorm(x + y) row by row (or LayerNorm(x) without y).
fn layer_norm(x: &mut [f32], y: Option<&[f32]>, (w, b): &(Vec<f32>, Vec<f32>), h: usize, eps: f32) {
    for (t, row) in x.chunks_exact_mut(h).enumerate() {
        if let Some(y) = y {
            row.iter_mut()
                .zip(&y[t * h..(t + 1) * h])
                .for_each(|(r, v)| *r += v);
        }
        let mean = row.iter().sum::<f32>() / h as f32;
        let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / h as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((r, w), b) in row.iter_mut().zip(w).zip(b) {
            *r = (*r - mean) * inv * w + b;
        }
    }
}

fn softmax(row: &mut [f32]) {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in row.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    let inv = 1.0 / sum;
    row.iter_mut().for_each(|v| *v *= inv);
}

fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + libm::erff(x * std::f32::consts::FRAC_1_SQRT_2))
}
