//! The index schema: every field, defined once, used by the indexer and the searcher alike.

use minga_core::Lang;
use tantivy::Index;
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED,
    STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::{Analyzer, STEMMED};

/// Bumped whenever the schema or an analyzer changes in a way that needs a rebuild; an index
/// written with another version is refused with a message that says to rebuild it. (4: the
/// fast columns are dense and their dictionaries are no longer zstd-compressed; 5: stop
/// words stop with or without their accents; 6: documents are read anew, with the PDF
/// reader's layout, lessons as records of their own from every format and ids that keep
/// the extension of files other than Markdown; 7: passages carry a MinHash sketch, so
/// copies are found; 8: and the band keys and copy cluster found at index time; 9: and the
/// work a passage belongs to, from `edition_of`; 10: lessons are sketched over words; 11:
/// dates keep their precision and the last day they cover (`date_end`); 12:
/// topics are read anew, named by the glossary and indexed under their key, and the keys
/// of a document's sentences are kept, so boilerplate is known; 13: languages beyond Spanish
/// and English are detected, and those with a Snowball stemmer have stemmed fields; 14: passages
/// keep their heading's level, for the document view's outline; 15: and their embedding, when
/// indexed with a model.)
pub const SCHEMA_VERSION: u32 = 15;

/// What an entry of the index is: a searchable passage, or the record of a source file that
/// incremental indexing keeps (its hash and the documents it produced).
pub(crate) const ENTRY_PASSAGE: &str = "passage";
pub(crate) const ENTRY_FILE: &str = "file";

/// Text fields of one kind (title, heading or body): one stemmed field per language with a
/// stemmer (`title_es`, `title_fr`…, in the order of [`STEMMED`]) and one exact field.
#[derive(Debug, Clone, Copy)]
pub struct TextFields {
    stemmed: [Field; STEMMED.len()],
    pub exact: Field,
}

impl TextFields {
    /// The stemmed field of a language, if it has a stemmer.
    pub fn stemmed(&self, lang: Lang) -> Option<Field> {
        let i = STEMMED.iter().position(|&l| l == lang)?;
        Some(self.stemmed[i])
    }

    /// The field a language's words are searched in: its stemmed field, or the exact field
    /// for a language without a stemmer.
    pub fn field(&self, lang: Lang) -> Field {
        self.stemmed(lang).unwrap_or(self.exact)
    }
}

/// The fields of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    pub(crate) schema: Schema,
    /// `passage` or `file`.
    pub entry: Field,
    pub id: Field,
    /// The document a passage belongs to.
    pub parent: Field,
    /// A hash of `parent` (see `group_key`), as a fast field, for grouping hits by document.
    pub parent_key: Field,
    /// A hash of `id` (see `id_key`), as a fast field: what breaks ties between equal
    /// scores or dates, so an order never depends on how the index happens to be segmented.
    pub id_key: Field,
    /// Path of the source file, relative to the corpus.
    pub source: Field,
    pub title: TextFields,
    pub heading: TextFields,
    pub body: TextFields,
    /// Facets: `/Perú`.
    pub country: Field,
    /// Facets: `/Perú/Apurímac`.
    pub region: Field,
    pub institution: Field,
    pub kind: Field,
    pub lang: Field,
    pub topic: Field,
    pub year: Field,
    /// The first moment of the days a passage's date covers (`2024-05`: May 1st), fast, for
    /// sorting and filtering.
    pub date: Field,
    /// The last moment of the days its date covers (`2024-05`: May 31st, 23:59:59): a date
    /// range filter keeps the passages whose days overlap it.
    pub date_end: Field,
    /// The passage's MinHash sketch (see `sketch`), a value per slot: what finds its
    /// copies.
    pub sketch: Field,
    /// How many distinct shingles the sketch was made of.
    pub shingles: Field,
    /// The sketch's LSH band keys (see `sketch::bands`), indexed: a passage's candidate
    /// copies are the passages that share one, found by a term lookup.
    pub bands: Field,
    /// The passage's copy clusters, as a fast field: a key it shares with the passages it
    /// copies and those that copy it, first the one of its closest copy (see `copies`).
    pub cluster: Field,
    /// The work a passage belongs to, as a fast field: its document's `parent_key`, or, for a
    /// document that declares itself an edition of another (`edition_of`), the one the
    /// other's passages have (see `work_key`). Grouped results show a work once.
    pub work: Field,
    /// The keys of the passage's sentences (see `snippet::sentence_key`), indexed, each on
    /// the first passage of its document that has it: a key's document frequency is the
    /// number of documents holding the sentence, which tells boilerplate from text.
    pub sentences: Field,
    /// The whole passage (or file record) as JSON, for display.
    pub record: Field,
    /// The passage's embedding (`semantic::encode`), when it was indexed with a model.
    pub vector: Field,
}

impl Fields {
    pub fn new() -> Fields {
        let mut builder = Schema::builder();
        let entry = builder.add_text_field("entry", STRING);
        let id = builder.add_text_field("id", STRING | STORED);
        let parent = builder.add_text_field("parent", STRING);
        let parent_key = builder.add_u64_field("parent_key", FAST);
        let id_key = builder.add_u64_field("id_key", FAST);
        let source = builder.add_text_field("source", STRING);
        let mut text = |name: &str| {
            let mut field = |suffix: &str, analyzer: Analyzer| {
                let indexing = TextFieldIndexing::default()
                    .set_tokenizer(analyzer.name())
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions);
                builder.add_text_field(
                    &format!("{name}_{suffix}"),
                    TextOptions::default().set_indexing_options(indexing),
                )
            };
            TextFields {
                stemmed: STEMMED.map(|lang| field(lang.code(), Analyzer::stemmed(lang))),
                exact: field("exact", Analyzer::exact()),
            }
        };
        let title = text("title");
        let heading = text("heading");
        let body = text("body");
        let country = builder.add_facet_field("country", FacetOptions::default());
        let region = builder.add_facet_field("region", FacetOptions::default());
        let institution = builder.add_facet_field("institution", FacetOptions::default());
        let kind = builder.add_facet_field("kind", FacetOptions::default());
        let lang = builder.add_facet_field("lang", FacetOptions::default());
        let topic = builder.add_facet_field("topic", FacetOptions::default());
        let year = builder.add_facet_field("year", FacetOptions::default());
        let date = builder.add_date_field(
            "date",
            DateOptions::default()
                .set_indexed()
                .set_fast()
                .set_precision(DateTimePrecision::Seconds),
        );
        let date_end = builder.add_date_field(
            "date_end",
            DateOptions::default()
                .set_indexed()
                .set_precision(DateTimePrecision::Seconds),
        );
        let sketch = builder.add_u64_field("sketch", FAST);
        let shingles = builder.add_u64_field("shingles", FAST);
        let bands = builder.add_u64_field("bands", INDEXED);
        let cluster = builder.add_u64_field("cluster", FAST);
        let work = builder.add_u64_field("work", FAST);
        let sentences = builder.add_u64_field("sentences", INDEXED);
        let record = builder.add_text_field("record", STORED);
        let vector = builder.add_bytes_field("vector", FAST);
        Fields {
            schema: builder.build(),
            entry,
            id,
            parent,
            parent_key,
            id_key,
            source,
            title,
            heading,
            body,
            country,
            region,
            institution,
            kind,
            lang,
            topic,
            year,
            date,
            date_end,
            sketch,
            shingles,
            bands,
            cluster,
            work,
            sentences,
            record,
            vector,
        }
    }

    /// The tantivy schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Registers Minga's analyzers with an index, as every open must before use.
    pub(crate) fn register_analyzers(index: &Index) {
        let manager = index.tokenizers();
        for analyzer in STEMMED
            .into_iter()
            .map(Analyzer::stemmed)
            .chain([Analyzer::exact()])
        {
            manager.register(analyzer.name(), analyzer.tokenizer());
        }
    }
}

/// 64-bit FNV-1a, stable across runs and platforms.
pub(crate) fn fnv(bytes: impl IntoIterator<Item = u8>, hash: u64) -> u64 {
    bytes.into_iter().fold(hash, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Where an FNV-1a hash starts.
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// The value of `parent_key` for a passage: what grouped results gather it with. A document's
/// regular passages form one group and its lessons another, so a lesson is never hidden
/// behind the long report it comes from.
pub(crate) fn group_key(passage: &minga_core::Passage) -> u64 {
    key_in(passage, &passage.parent)
}

/// The value of `work` for a passage: its `group_key`, computed with the document it is an
/// edition of in place of its own, so a report's editions (and each edition's lessons) share
/// one key. A deleted original leaves its editions sharing a key nobody else has.
pub(crate) fn work_key(passage: &minga_core::Passage) -> u64 {
    key_in(
        passage,
        passage.edition_of.as_deref().unwrap_or(&passage.parent),
    )
}

/// The key of `passage`'s group (its document's passages, or its lessons) in `document`.
fn key_in(passage: &minga_core::Passage, document: &str) -> u64 {
    let [passages, lessons] = group_keys(document);
    if passage.kind == minga_core::Kind::Lesson && passage.id != passage.parent {
        lessons
    } else {
        passages
    }
}

/// The two `parent_key`s of a document's passages: its regular passages' and its lessons'.
pub(crate) fn group_keys(document: &str) -> [u64; 2] {
    let hash = fnv(document.bytes(), FNV_OFFSET);
    [hash, fnv(b"\0lessons".iter().copied(), hash)]
}

/// The value of `id_key` for a passage.
pub(crate) fn id_key(passage: &minga_core::Passage) -> u64 {
    fnv(passage.id.bytes(), FNV_OFFSET)
}

impl Default for Fields {
    fn default() -> Self {
        Fields::new()
    }
}
