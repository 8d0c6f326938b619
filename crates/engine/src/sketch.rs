//! Near-duplicate passages: MinHash sketches of word shingles, computed at index time and
//! compared at query time.
//!
//! A passage's text is folded (case, accents), split into words, stripped of the stop words
//! of both languages, and cut into shingles of [`SHINGLE`] consecutive words. The sketch keeps,
//! for each of [`SLOTS`] hash functions, the smallest hash over the shingles; two sketches
//! agree in a slot with probability equal to the Jaccard similarity of the two shingle sets.
//! Each slot's minimum is stored with its slot number (`slot << 16 | min`, the low 16 bits
//! of the minimum), so a sketch is a set of u64 values, as tantivy stores a multi-valued
//! fast field, and two sketches are compared by counting common values.
//!
//! Two passages are copies when one is (nearly) contained in the other: the estimated
//! number of shared shingles covers most of the smaller passage. That holds for the same
//! text reflowed, with a sentence or paragraph added, with a few words changed, and for a
//! lesson restated in a register with an introduction of its own; it does not hold for two
//! texts that share only a boilerplate paragraph or a template's headings.

use std::sync::LazyLock;

use rustc_hash::FxHashSet;

use crate::schema::{FNV_OFFSET, fnv};
use crate::stopwords;

/// Words per shingle.
pub(crate) const SHINGLE: usize = 2;
/// Hash functions (slots) per sketch.
pub(crate) const SLOTS: usize = 64;
/// The share of the smaller passage's shingles the larger must hold to be its copy.
pub(crate) const CONTAINMENT: f64 = 0.5;
/// The same for lessons, whose shingles are single words: two texts share more words than
/// word pairs, so the bars are higher. (On the labelled pairs, computed exactly: at 0.6 no
/// pair sharing boilerplate or a template, and no two different lessons of one note, share
/// enough; at 0.5, 3 and 2 of 60 did. At a Jaccard of 0.25 the sketch's estimate let one
/// boilerplate pair of exactly 0.22 through; the restated lessons found are at 0.34 or more.)
pub(crate) const LESSON_CONTAINMENT: f64 = 0.6;
pub(crate) const LESSON_MIN_JACCARD: f64 = 0.3;
/// The least Jaccard similarity of two copies: a short passage wholly quoted inside a long
/// one (a funding line in a summary) is not its copy.
pub(crate) const MIN_JACCARD: f64 = 0.25;
/// The fewest shingles a passage needs to be compared at all: below it, a shared sentence
/// says nothing of the rest.
pub(crate) const MIN_SHINGLES: u64 = 8;

const MIN_BITS: u32 = 16;
const MIN_MASK: u64 = (1 << MIN_BITS) - 1;

static STOP: LazyLock<FxHashSet<String>> = LazyLock::new(|| {
    stopwords::SPANISH
        .iter()
        .chain(stopwords::ENGLISH)
        .map(|w| minga_core::fold(w))
        .collect()
});

/// A passage's sketch and how many distinct shingles it was made of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Sketch {
    pub values: Vec<u64>,
    pub shingles: u64,
}

/// The sketch of `text`; empty for a text with no word but stop words.
pub(crate) fn sketch(text: &str) -> Sketch {
    sketch_of(text, SHINGLE)
}

/// The sketch of a lesson's title and text, over its words rather than word pairs. A lesson
/// is restated more than it is copied: a register rewords it, reorders its sentences and
/// gives it a title of its own, which leaves few word pairs in common but most of its
/// words (on the sample corpus's restated lessons, 40 of 56 pairs hold at least 60% of the
/// shorter one's words, 26 hold half its word pairs). A lesson is only ever compared with a
/// lesson.
pub(crate) fn lesson_sketch(text: &str) -> Sketch {
    sketch_of(text, 1)
}

/// The sketch of `text` over shingles of `width` words.
fn sketch_of(text: &str, width: usize) -> Sketch {
    let folded = minga_core::fold(text);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP.contains(*w))
        .collect();
    if words.is_empty() {
        return Sketch::default();
    }
    let width = width.min(words.len());
    let mut hashes: Vec<u64> = words
        .windows(width)
        .map(|shingle| {
            shingle.iter().fold(FNV_OFFSET, |h, w| {
                fnv(w.bytes().chain(std::iter::once(b' ')), h)
            })
        })
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    // Slot i hashes a shingle with (a_i·h + b_i) mod 2^64, keeping the high half:
    // multiply-shift hashing, one multiplication per slot and shingle.
    let mut mins = [u64::MAX; SLOTS];
    for &h in &hashes {
        for ((min, a), b) in mins.iter_mut().zip(&SEEDS.0).zip(&SEEDS.1) {
            *min = (*min).min(a.wrapping_mul(h).wrapping_add(*b) >> 32);
        }
    }
    Sketch {
        values: mins
            .iter()
            .enumerate()
            .map(|(slot, &min)| value(slot, min as u16))
            .collect(),
        shingles: hashes.len() as u64,
    }
}

/// The LSH band keys of a sketch: each band's two slot minima together with the band's number,
/// as one value to look up. Empty for a sketch too short to have copies.
///
/// Two sketches that agree in both slots of any of the 32 bands (neighbouring slots) are
/// candidate copies: texts at the least Jaccard of copies (0.25) with probability
/// 1 − (1 − 0.25²)³² ≈ 0.87, at 0.33 with 0.97, at 0.5 with 0.9999; unrelated texts almost
/// never. A second pairing of the slots (64 bands) found no more copies on the labelled
/// pairs and cost about 40% more indexing time.
pub(crate) fn bands(sketch: &Sketch) -> Vec<u64> {
    if sketch.shingles < MIN_SHINGLES || sketch.values.len() != SLOTS {
        return Vec::new();
    }
    let min = |slot: usize| sketch.values[slot] & MIN_MASK;
    (0..SLOTS / 2)
        .map(|k| (2 * k, 2 * k + 1))
        .enumerate()
        .map(|(band, (a, b))| ((band as u64) << (2 * MIN_BITS)) | (min(a) << MIN_BITS) | min(b))
        .collect()
}

/// A sketch's value for a slot: the slot number with the low bits of its minimum.
pub(crate) fn value(slot: usize, min: u16) -> u64 {
    ((slot as u64) << MIN_BITS) | u64::from(min)
}

/// The slots a sketch agrees in with another sketch's values (one per slot, in slot order,
/// as every sketch holds them).
pub(crate) fn common(a: &Sketch, b: impl Iterator<Item = u64>) -> usize {
    a.values.iter().zip(b).filter(|(x, y)| **x == *y).count()
}

/// Whether two passages (two lessons, when `lessons`) of `a` and `b` shingles whose sketches
/// agree in `common` slots are copies of each other.
pub(crate) fn copies_given(common: usize, a: u64, b: u64, lessons: bool) -> bool {
    let (small, large) = (a.min(b), a.max(b));
    if small < MIN_SHINGLES {
        // Short texts (a heading, "Ver anexo"): the same words say nothing of the same source.
        return false;
    }
    let (least_jaccard, containment) = if lessons {
        (LESSON_MIN_JACCARD, LESSON_CONTAINMENT)
    } else {
        (MIN_JACCARD, CONTAINMENT)
    };
    let jaccard = common as f64 / SLOTS as f64;
    if jaccard < least_jaccard {
        return false;
    }
    // |A ∩ B| = J·|A ∪ B| = J·(|A| + |B|) / (1 + J).
    let shared = jaccard * (small + large) as f64 / (1.0 + jaccard);
    shared >= containment * small as f64
}

/// A 64-bit finaliser (splitmix64), for the seeds.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The multipliers (odd) and increments of the slots, fixed forever: sketches in an index
/// must stay comparable.
static SEEDS: LazyLock<([u64; SLOTS], [u64; SLOTS])> = LazyLock::new(|| {
    let mut seeds = ([0u64; SLOTS], [0u64; SLOTS]);
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for slot in 0..SLOTS {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        seeds.0[slot] = mix(state) | 1;
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        seeds.1[slot] = mix(state);
    }
    seeds
});

#[cfg(test)]
mod tests {
    use super::*;

    fn copies(a: &Sketch, b: &Sketch) -> bool {
        let shared = common(a, b.values.iter().copied());
        !a.values.is_empty() && copies_given(shared, a.shingles, b.shingles, false)
    }

    fn lesson_copies(a: &str, b: &str) -> bool {
        let (a, b) = (lesson_sketch(a), lesson_sketch(b));
        let shared = common(&a, b.values.iter().copied());
        !a.values.is_empty() && copies_given(shared, a.shingles, b.shingles, true)
    }

    const LESSON: &str = "La articulación interinstitucional funciona mejor cuando cada \
        institución sabe qué decide, qué ejecuta y qué solo coordina. En Biobío, el comité \
        orienta instrumentos y la corporación gestiona proyectos y mesas; cuando los roles se \
        confundieron hubo duplicaciones. Firmar entre cada ARD y su gobierno regional un \
        acuerdo de roles que distinga las funciones de la ARD de las de la gerencia regional.";

    #[test]
    fn the_same_text_reflowed_or_reaccented_is_a_copy() {
        let reflowed = LESSON.replace(". ", ".\n\n").replace("ó", "o");
        assert!(copies(&sketch(LESSON), &sketch(&reflowed)));
    }

    #[test]
    fn a_text_with_a_paragraph_added_is_a_copy() {
        let longer = format!(
            "La mesa de Concepción dibujó un mapa de actores en cuatro anillos y discutió \
             los mecanismos de coordinación entre el comité y la corporación. {LESSON}"
        );
        assert!(copies(&sketch(LESSON), &sketch(&longer)));
    }

    #[test]
    fn texts_that_share_a_boilerplate_paragraph_only_are_not_copies() {
        let boilerplate = "Contenido de muestra: este documento fue escrito con fines \
            ilustrativos y no recoge hallazgos reales ni citas de personas.";
        let a = format!(
            "{boilerplate} Las universidades regionales aportan investigación aplicada a \
             las cadenas productivas del cacao y del café, con laboratorios propios y \
             tesistas que trabajan con cooperativas de productores en el valle."
        );
        let b = format!(
            "{boilerplate} El presupuesto participativo del gobierno regional asigna fondos a \
             proyectos de riego menor que las comunidades priorizan en asambleas anuales \
             con apoyo técnico de la agencia."
        );
        assert!(!copies(&sketch(&a), &sketch(&b)));
    }

    #[test]
    fn copies_share_a_band_and_unrelated_texts_do_not() {
        let a = bands(&sketch(LESSON));
        assert_eq!(a.len(), SLOTS / 2);
        let reflowed = bands(&sketch(&LESSON.replace(". ", ".\n\n")));
        assert_eq!(a, reflowed);
        let other = bands(&sketch(
            "El presupuesto participativo del gobierno regional asigna fondos a proyectos \
             de riego menor que las comunidades priorizan en asambleas anuales.",
        ));
        assert!(a.iter().all(|k| !other.contains(k)));
        assert!(bands(&sketch("Ver el anexo del informe")).is_empty());
    }

    #[test]
    fn a_lesson_restated_in_other_words_is_a_copy_and_another_lesson_is_not() {
        let session = "Las ventajas naturales necesitan articulación para volverse producto\n\n\
            El astroturismo en Coquimbo requirió acuerdos con municipios, estándares de calidad \
            y promoción conjunta. Un recurso territorial se convierte en motor de desarrollo \
            cuando una entidad articula regulación, capacidades y mercado al mismo tiempo.";
        let register = "Una ventaja natural necesita articulación para volverse producto\n\n\
            Un recurso territorial se convierte en motor de desarrollo cuando se articulan a \
            la vez regulación, capacidades y mercado. El astroturismo requirió acuerdos con \
            municipios sobre contaminación lumínica, estándares de calidad y promoción conjunta.";
        let other = "Criterios explícitos de priorización reducen la presión política\n\n\
            La mesa de La Serena publicó los criterios con que el comité elige los proyectos \
            del territorio, y los municipios dejaron de negociar cada proyecto por separado.";
        assert!(lesson_copies(session, register));
        assert!(!lesson_copies(session, other));
    }

    #[test]
    fn short_texts_are_never_copies() {
        assert!(!copies(&sketch("Retos"), &sketch("RETOS")));
        let note = "Ver el anexo del informe";
        assert!(!copies(&sketch(note), &sketch(note)));
    }
}
