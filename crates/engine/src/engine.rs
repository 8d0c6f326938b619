//! The searcher side: opening an index, searching it, fetching documents, counting facets.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use minga_core::{Kind, Lang, Passage};
use serde::{Deserialize, Serialize};
use tantivy::collector::{
    Collector, Count, DocSetCollector, FacetCollector, MultiCollector, SegmentCollector, TopDocs,
};
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, Scorer, TermQuery, Weight};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::{
    DateTime, DocAddress, DocId, Index, IndexReader, ReloadPolicy, Score, Searcher, SegmentOrdinal,
    SegmentReader, TantivyDocument, Term,
};

use crate::answers::{Answers, Remembered};
use crate::collectors::{Counted, KeyMap};
use crate::copies::Met;
use crate::damage::{self, RecordCheck, VerifiedFiles};
use crate::expand::{Cues, Expansion, GlossaryIndex, Rule};
use crate::indexer::FileRecord;
use crate::query::build::{Analyzers, Highlight, QueryBuilder, value_key};
use crate::ranking::Ranking;
use crate::schema::{ENTRY_FILE, ENTRY_PASSAGE, Fields, SCHEMA_VERSION};
use crate::snippet::{Boilerplate, snippet};
use crate::stats::LanguageStatistics;
use crate::tables::Tables;
use crate::{
    Duplicate, Error, FacetCounts, FacetName, Hit, MAX_LIMIT, MAX_OFFSET, PassageSnippet, Result,
    SearchRequest, SearchResponse, Sort, query,
};

/// Grouped results rank this many passages per hit asked for, then keep each document's best.
const GROUP_WINDOW: usize = 5;
/// The fewest passages grouped results rank.
const MIN_GROUP_WINDOW: usize = 50;
/// The most copies a hit lists (each is a stored document to read).
const MAX_DUPLICATES: usize = 10;
/// Snippets a hit shows at most, from its best matching passages.
const SNIPPETS_PER_HIT: usize = 3;
/// Other matching passages a hit lists at most.
const MAX_OTHER_PASSAGES: usize = 5;

/// What every commit records about the index, in tantivy's commit payload.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct CommitInfo {
    pub minga_schema: u32,
    pub files: usize,
    pub documents: usize,
    pub passages: usize,
    /// Unix time of the commit, in seconds.
    pub committed_at: i64,
}

impl CommitInfo {
    /// The commit info of an opened index, or why it cannot be used; `None` for an index
    /// created but never committed (its first run was interrupted), which holds nothing.
    pub(crate) fn of(index: &Index, path: &Path) -> Result<Option<CommitInfo>> {
        let metas = index.load_metas()?;
        let incompatible = |found: String| Error::IncompatibleIndex {
            path: path.to_path_buf(),
            found,
        };
        let expected = Fields::new();
        let Some(payload) = metas.payload else {
            if metas.segments.is_empty() && index.schema() == *expected.schema() {
                return Ok(None);
            }
            return Err(incompatible("no Minga schema version".into()));
        };
        let info: CommitInfo = serde_json::from_str(&payload)
            .map_err(|_| incompatible("no Minga schema version".into()))?;
        if info.minga_schema != SCHEMA_VERSION {
            return Err(incompatible(format!(
                "schema {}, this version reads {SCHEMA_VERSION}",
                info.minga_schema
            )));
        }
        if index.schema() != *expected.schema() {
            return Err(incompatible("a different schema".into()));
        }
        Ok(Some(info))
    }
}

/// Index statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub files: usize,
    pub documents: usize,
    pub passages: usize,
    /// Bytes the index takes on disk.
    pub index_bytes: u64,
    /// When the index was last committed, as `YYYY-MM-DDTHH:MM:SSZ`.
    pub last_indexed: String,
    pub schema_version: u32,
}

/// A document, or one of its passages, with all its passages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentView {
    /// The id asked for: a document's or a passage's.
    pub id: String,
    /// The document's id.
    pub parent: String,
    /// The passage asked for, when the id is a passage's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage: Option<Passage>,
    /// Every passage of the document in reading order, lessons last.
    pub passages: Vec<Passage>,
    /// Where the query's words are, when the view was asked for with one: passage id → its
    /// marks. Passages with none are left out.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub marks: BTreeMap<String, Marks>,
    /// Where else the document's passages appear (another edition, a register or report
    /// quoting a lesson), from [`Engine::document_to_read`]: passage id → its copies in other
    /// documents, as a search lists a hit's `duplicates` (each `copy_of` the passage), at
    /// most ten each.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub copies: BTreeMap<String, Vec<Duplicate>>,
}

/// Where a query's words are in a passage: `[start, end)` ranges counted in characters
/// (Unicode scalar values), in its `text` and in each of its lesson's parts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marks {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub text: Vec<[usize; 2]>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lesson: Vec<[usize; 2]>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<[usize; 2]>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recommendation: Vec<[usize; 2]>,
}

impl Marks {
    fn of(passage: &Passage, highlight: &Highlight, analyzers: &Analyzers) -> Marks {
        let mark = |text: &str| crate::snippet::marks(text, passage.lang, highlight, analyzers);
        let lesson = passage.lesson.as_ref();
        Marks {
            text: mark(&passage.text),
            lesson: lesson.map(|l| mark(&l.lesson)).unwrap_or_default(),
            context: lesson
                .and_then(|l| l.context.as_deref())
                .map(mark)
                .unwrap_or_default(),
            recommendation: lesson
                .and_then(|l| l.recommendation.as_deref())
                .map(mark)
                .unwrap_or_default(),
        }
    }

    fn is_empty(&self) -> bool {
        self.text.is_empty()
            && self.lesson.is_empty()
            && self.context.is_empty()
            && self.recommendation.is_empty()
    }
}

/// Facet values present in an index, for resolving what users type to what was indexed.
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    paths: HashMap<FacetName, Vec<Vec<String>>>,
    /// The name each topic key is shown by (see [`Vocabulary::topic_name`]).
    topic_names: HashMap<String, String>,
    /// The languages whose stemmed fields a query searches: Spanish and English always (so
    /// their collections are searched the same whatever else they hold), then each other
    /// language with a stemmer that the index holds passages in.
    langs: Vec<Lang>,
}

impl Vocabulary {
    fn load(searcher: &Searcher, fields: &Fields) -> Result<Vocabulary> {
        let mut paths: HashMap<FacetName, Vec<Vec<String>>> = HashMap::new();
        for name in FacetName::ALL {
            let field = facet_field(fields, name);
            let mut values = BTreeSet::new();
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted
                    .terms()
                    .stream()
                    .map_err(tantivy::TantivyError::from)?;
                while stream.advance() {
                    if let Ok(facet) = Facet::from_encoded(stream.key().to_vec()) {
                        values.insert(
                            facet
                                .to_path()
                                .into_iter()
                                .map(str::to_string)
                                .collect::<Vec<_>>(),
                        );
                    }
                }
            }
            let depth = match name {
                FacetName::Region | FacetName::Topic => 2,
                _ => 1,
            };
            paths.insert(
                name,
                values.into_iter().filter(|p| p.len() == depth).collect(),
            );
        }
        let topics = paths.get(&FacetName::Topic).map_or(&[][..], Vec::as_slice);
        let topic_names = Vocabulary::topic_names(searcher, fields, topics)?;
        let held = paths.get(&FacetName::Lang).map_or(&[][..], Vec::as_slice);
        let langs = crate::analysis::STEMMED
            .into_iter()
            .filter(|lang| {
                matches!(lang, Lang::Es | Lang::En)
                    || held
                        .iter()
                        .any(|path| path.first().is_some_and(|c| c == lang.code()))
            })
            .collect();
        Ok(Vocabulary {
            paths,
            topic_names,
            langs,
        })
    }

    /// For each topic key (a topic is indexed as `[key, spelling]`), the spelling most
    /// passages of the index carry, ties to the one that sorts first. Counted over the
    /// whole index each time it changes, so an incremental run names topics as a rebuild
    /// would.
    fn topic_names(
        searcher: &Searcher,
        fields: &Fields,
        paths: &[Vec<String>],
    ) -> Result<HashMap<String, String>> {
        let keys: BTreeSet<&String> = paths.iter().filter_map(|p| p.first()).collect();
        let mut collector = FacetCollector::for_field(fields.schema.get_field_name(fields.topic));
        for key in &keys {
            collector.add_facet(Facet::from_path([String::as_str(key)]));
        }
        let counts = searcher.search(&tantivy::query::AllQuery, &collector)?;
        let mut names = HashMap::new();
        for key in keys {
            let best = counts
                .get(Facet::from_path([String::as_str(key)]))
                .filter_map(|(facet, count)| Some((count, facet.to_path().last()?.to_string())))
                .min_by(|(a, x), (b, y)| b.cmp(a).then_with(|| x.cmp(y)));
            if let Some((_, name)) = best {
                names.insert(key.clone(), name);
            }
        }
        Ok(names)
    }

    /// The topic keys of the index (a topic is indexed as `[key, spelling]`), in order.
    /// The languages whose stemmed fields a query searches (see `langs`).
    pub(crate) fn langs(&self) -> &[Lang] {
        if self.langs.is_empty() {
            // An empty vocabulary (`Default`): Spanish and English, as every index has.
            &[Lang::Es, Lang::En]
        } else {
            &self.langs
        }
    }

    pub(crate) fn topic_keys(&self) -> impl Iterator<Item = &str> {
        let keys: BTreeSet<&str> = self
            .values(FacetName::Topic)
            .iter()
            .filter_map(|p| p.first().map(String::as_str))
            .collect();
        keys.into_iter()
    }

    /// The name a topic key is shown by; the key itself if the index holds none.
    pub(crate) fn topic_name<'a>(&'a self, key: &'a str) -> &'a str {
        self.topic_names.get(key).map_or(key, String::as_str)
    }

    /// The indexed facet path whose last step (or whole path, `Perú/Cusco`) is `name`,
    /// ignoring case, accents and punctuation.
    pub(crate) fn find(&self, facet: FacetName, name: &str) -> Option<Vec<String>> {
        let key = value_key(name);
        self.paths.get(&facet)?.iter().find_map(|path| {
            let last = path.last().map(|s| value_key(s));
            (last.as_deref() == Some(key.as_str()) || value_key(&path.join("/")) == key)
                .then(|| path.clone())
        })
    }

    /// Whether the index holds this facet path.
    pub(crate) fn has(&self, facet: FacetName, path: &[&str]) -> bool {
        self.paths
            .get(&facet)
            .is_some_and(|paths| paths.iter().any(|p| p.iter().eq(path.iter())))
    }

    fn values(&self, facet: FacetName) -> &[Vec<String>] {
        self.paths.get(&facet).map_or(&[], Vec::as_slice)
    }
}

/// What is derived from one generation of the index: its data files and facet values.
struct Generation {
    id: u64,
    tables: Arc<Tables>,
    vocabulary: Arc<Vocabulary>,
    glossary: Arc<GlossaryIndex>,
    boilerplate: Arc<Boilerplate>,
}

/// An open index, ready to search. Cheap to share between threads; it picks up new commits
/// by itself within a second.
pub struct Engine {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    analyzers: Analyzers,
    ranking: Ranking,
    generation: RwLock<Option<Arc<Generation>>>,
    /// Answers remembered (none unless [`Engine::remember_answers`] gave them room).
    answers: Answers,
    /// Rankings of searches that fold copies, remembered for their other pages (room as
    /// for answers).
    rankings: Remembered<Ranked>,
    /// The model that re-ranks, when one was given ([`Engine::with_model`]).
    semantic: Option<crate::semantic::Semantic>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("dir", &self.dir).finish()
    }
}

impl Engine {
    /// Opens the index in `dir`. A missing index and one built by an incompatible version
    /// are errors whose messages say which command fixes them.
    pub fn open(dir: &Path) -> Result<Engine> {
        if !dir.join("meta.json").is_file() {
            if damage::lost_its_meta(dir) {
                return Err(damage::damaged(dir, "its meta.json is missing".into()));
            }
            return Err(Error::MissingIndex {
                path: dir.to_path_buf(),
            });
        }
        damage::guard(dir, || {
            let index = open_index(dir)?;
            if CommitInfo::of(&index, dir)?.is_none() {
                return Err(Error::MissingIndex {
                    path: dir.to_path_buf(),
                });
            }
            Fields::register_analyzers(&index);
            let reader = index
                .reader_builder()
                .reload_policy(ReloadPolicy::OnCommitWithDelay)
                .try_into()?;
            let engine = Engine {
                dir: dir.to_path_buf(),
                index,
                reader,
                fields: Fields::new(),
                analyzers: Analyzers::new(),
                ranking: Ranking::default(),
                generation: RwLock::new(None),
                answers: Answers::new(0),
                rankings: Remembered::new(0),
                semantic: None,
            };
            // Every search reads the index's copy of the data files: loaded now, once, so that
            // a garbled one is found at open and the first search finds them ready.
            engine.generation(&engine.reader.searcher())?;
            Ok(engine)
        })
    }

    /// Reads every file of the index: each one is there and its checksum matches, or the
    /// error says which are missing or garbled ([`Error::Damaged`]).
    pub fn verify(&self) -> Result<VerifiedFiles> {
        damage::verify_files(&self.index, &self.dir, true)
    }

    /// Reads every record of the index: each passage and file record decodes, every
    /// document has the file record that produced it and every record its documents, and
    /// the counts agree with the commit's. What disagrees is listed in
    /// [`RecordCheck::problems`]; what cannot be read at all is [`Error::Damaged`].
    pub fn check_records(&self) -> Result<RecordCheck> {
        damage::guard(&self.dir, || {
            let searcher = self.reader.searcher();
            let entries = |kind: &str| {
                searcher.search(
                    &TermQuery::new(
                        Term::from_field_text(self.fields.entry, kind),
                        IndexRecordOption::Basic,
                    ),
                    &DocSetCollector,
                )
            };
            let mut check = RecordCheck::default();
            let mut records = BTreeMap::new();
            for address in entries(ENTRY_FILE)? {
                let doc: TantivyDocument = searcher.doc(address)?;
                let record: FileRecord = doc
                    .get_first(self.fields.record)
                    .and_then(|v| v.as_str())
                    .and_then(|json| serde_json::from_str(json).ok())
                    .ok_or_else(|| {
                        damage::damaged(&self.dir, format!("a file record at {address:?}"))
                    })?;
                records.insert(record.path.clone(), record);
            }
            let mut parents: BTreeMap<String, usize> = BTreeMap::new();
            for address in entries(ENTRY_PASSAGE)? {
                let passage = self.passage(&searcher, address).map_err(|e| {
                    damage::damaged(&self.dir, format!("a passage at {address:?}: {e}"))
                })?;
                *parents.entry(passage.parent).or_default() += 1;
                check.passages += 1;
            }
            let stray = searcher.num_docs() as usize - check.passages - records.len();
            if stray > 0 {
                check.problems.push(format!(
                    "{stray} entries are neither passages nor file records"
                ));
            }
            for name in crate::tables::differing_copies(&self.dir, |name| {
                records.get(name).map(|r| r.hash.as_str())
            }) {
                check.problems.push(format!(
                    "the index's copy of {name} is not the file it was built with"
                ));
            }
            let mut claimed = BTreeSet::new();
            for record in records.values() {
                let mut passages = 0;
                for id in &record.documents {
                    match parents.get(id) {
                        Some(n) => passages += n,
                        None => check.problems.push(format!(
                            "document {id} of {} is not in the index",
                            record.path
                        )),
                    }
                    claimed.insert(id);
                }
                if passages != record.passages {
                    check.problems.push(format!(
                        "{}: {passages} passages in the index, {} recorded",
                        record.path, record.passages
                    ));
                }
            }
            for id in parents.keys().filter(|&id| !claimed.contains(id.as_str())) {
                check
                    .problems
                    .push(format!("document {id} has no file record"));
            }
            check.files = records.len();
            check.documents = parents.len();
            if let Some(info) = CommitInfo::of(&self.index, &self.dir)? {
                let counted = (check.files, check.documents, check.passages);
                let committed = (info.files, info.documents, info.passages);
                if counted != committed {
                    check.problems.push(format!(
                        "the commit counts {committed:?} (files, documents, passages), the \
                         records {counted:?}"
                    ));
                }
            }
            check.records = records.into_values().map(|r| (r.path, r.hash)).collect();
            Ok(check)
        })
    }

    /// The same engine ranking with other weights (for evaluation and tuning).
    pub fn with_ranking(mut self, ranking: Ranking) -> Engine {
        self.ranking = ranking;
        self
    }

    /// Re-ranks the first lexical results with this model's embeddings (for an index whose
    /// passages were embedded with it; see `semantic`), unless a request says `semantic:
    /// false`; `None` keeps the ranking lexical.
    pub fn with_model(mut self, model: Option<Arc<minga_semantic::Model>>) -> Engine {
        self.semantic = model.map(crate::semantic::Semantic::new);
        self
    }

    /// Whether any passage of the index has an embedding (it was indexed with a model).
    pub fn has_vectors(&self) -> bool {
        self.reader.searcher().segment_readers().iter().any(|segment| {
            matches!(segment.fast_fields().bytes("vector"), Ok(Some(c)) if c.num_terms() > 0)
        })
    }

    /// The folder of the index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Picks up the latest commit now rather than within the second.
    pub fn reload(&self) -> Result<()> {
        damage::guard(&self.dir, || Ok(self.reader.reload()?))
    }

    /// The data files and facet values of the searcher's generation, loaded once each.
    fn generation(&self, searcher: &Searcher) -> Result<Arc<Generation>> {
        let id = Engine::generation_key(searcher);
        if let Some(current) = self.generation.read().ok().and_then(|g| g.clone())
            && current.id == id
        {
            return Ok(current);
        }
        let tables = Tables::load(&self.dir).map_err(|e| {
            damage::damaged(
                &self.dir,
                format!("its copy of the data files cannot be read: {e}"),
            )
        })?;
        let documents = CommitInfo::of(&self.index, &self.dir)
            .ok()
            .flatten()
            .map_or(0, |info| info.documents as u64);
        let generation = Arc::new(Generation {
            id,
            boilerplate: Arc::new(Boilerplate::new(self.fields.sentences, documents)),
            glossary: Arc::new(GlossaryIndex::new(&tables.glossary)),
            tables: Arc::new(tables),
            vocabulary: Arc::new(Vocabulary::load(searcher, &self.fields)?),
        });
        if let Ok(mut slot) = self.generation.write() {
            *slot = Some(generation.clone());
        }
        Ok(generation)
    }

    /// What the index holds for `searcher`: its segments and their deletes. The reader's own
    /// generation number also changes when it reloads an unchanged index (as it does once
    /// soon after opening), which would load the data files twice and forget answers for
    /// nothing; what a search can find changes only with these.
    fn generation_key(searcher: &Searcher) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        searcher.generation().segments().hash(&mut hasher);
        hasher.finish()
    }

    /// The data files (gazetteer, institutions, glossary) this index was built with.
    pub fn tables(&self) -> Result<Arc<Tables>> {
        damage::guard(&self.dir, || {
            let searcher = self.reader.searcher();
            Ok(self.generation(&searcher)?.tables.clone())
        })
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        let Some(key) = self.answers.key(request) else {
            return damage::guard(&self.dir, || self.search_unguarded(request));
        };
        let started = Instant::now();
        let generation = Engine::generation_key(&self.reader.searcher());
        if let Some(answer) = self.answers.get(&key, generation) {
            let mut response = SearchResponse::clone(&answer);
            response.took_ms = started.elapsed().as_secs_f64() * 1000.0;
            response.remembered = true;
            return Ok(response);
        }
        let response = damage::guard(&self.dir, || self.search_unguarded(request))?;
        // Remembered only if no commit became visible while it was searched.
        if Engine::generation_key(&self.reader.searcher()) == generation {
            self.answers.put(key, generation, &response);
        }
        Ok(response)
    }

    /// Gives remembered answers up to `bytes` of memory (0: none, the default): a search
    /// asked again while the index has not changed is answered from memory, and another page
    /// of it costs only its hits (see `answers`). Answers take three quarters of it,
    /// rankings the rest.
    pub fn remember_answers(&mut self, bytes: usize) {
        self.answers = Answers::new(bytes - bytes / 4);
        self.rankings = Remembered::new(bytes / 4);
    }

    fn search_unguarded(&self, request: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        if request.limit == 0 || request.limit > MAX_LIMIT {
            return Err(Error::Parameter {
                name: "limit",
                message: format!("must be between 1 and {MAX_LIMIT}, got {}", request.limit),
            });
        }
        if request.offset > MAX_OFFSET {
            return Err(Error::Parameter {
                name: "offset",
                message: format!("must be at most {MAX_OFFSET}, got {}", request.offset),
            });
        }
        if let (Some(from), Some(to)) = (request.filters.from, request.filters.to)
            && from > to
        {
            return Err(Error::Parameter {
                name: "from",
                message: format!("the range ends ({to}) before it starts ({from})"),
            });
        }
        let node = parse(request)?;
        let response = self.search_node(request, &node, started)?;
        // An exact phrase that nothing contains: its words, in any order and form, rather
        // than no result at all (and the response says so).
        if response.total == 0
            && request.expand
            && let Some((loose, phrases)) = node.phrases_as_words()
        {
            let mut loosened = self.search_node(request, &loose, started)?;
            if loosened.total > 0 {
                // The words that search something (`ley`, `agua`), not the stop words.
                let lang = Cues::of(&request.query).lang;
                let expansions = phrases.into_iter().map(|phrase| Expansion {
                    rule: Rule::Phrase,
                    from: format!("\"{phrase}\""),
                    to: self.analyzers.phrase_words(lang, &phrase),
                });
                loosened.expanded.splice(0..0, expansions);
                return Ok(loosened);
            }
        }
        Ok(response)
    }

    /// A search for a parsed query; `started` is when the request came in. A search that
    /// folds copies ranks every match (`every_hit`): its ranking is remembered, so that its
    /// other pages cost only their hits.
    fn search_node(
        &self,
        request: &SearchRequest,
        node: &query::Node,
        started: Instant,
    ) -> Result<SearchResponse> {
        let searcher = self.reader.searcher();
        let generation = self.generation(&searcher)?;
        let key = request
            .dedupe
            .then(|| {
                self.rankings.key(&SearchRequest {
                    offset: 0,
                    limit: 0,
                    ..request.clone()
                })
            })
            .flatten();
        let remembered = key
            .as_deref()
            .and_then(|key| self.rankings.get(key, generation.id));
        let ranked = match remembered {
            Some(ranked) => ranked,
            None => {
                let ranked = Arc::new(self.rank(&searcher, &generation, request, node)?);
                if let Some(key) = key {
                    self.rankings
                        .keep(key, generation.id, Arc::clone(&ranked), ranked.size());
                }
                ranked
            }
        };
        let pages = if ranked.every {
            let end = request.offset.saturating_add(request.limit);
            ranked
                .groups
                .get(request.offset..end.min(ranked.groups.len()))
        } else {
            Some(ranked.groups.as_slice())
        };
        let mut hits = Vec::new();
        for group in pages.unwrap_or_default() {
            hits.push(self.hit(&searcher, group, &ranked.highlight, &generation.boilerplate)?);
        }
        Ok(SearchResponse {
            query: request.query.clone(),
            parsed: node.to_string(),
            expanded: ranked.expanded.clone(),
            suggestion: ranked.suggestion.clone(),
            unmatched: ranked.unmatched.clone(),
            hits,
            total: ranked.total,
            copies: ranked.copies,
            total_passages: ranked.total_passages,
            semantic: ranked.semantic,
            facets: ranked.facets.clone(),
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            offset: request.offset,
            limit: request.limit,
            remembered: false,
        })
    }

    /// What builds the queries of one search.
    fn builder<'a>(
        &'a self,
        searcher: &'a Searcher,
        generation: &'a Generation,
        request: &SearchRequest,
    ) -> QueryBuilder<'a> {
        QueryBuilder {
            searcher,
            fields: &self.fields,
            analyzers: &self.analyzers,
            tables: &generation.tables,
            vocabulary: &generation.vocabulary,
            ranking: &self.ranking,
            glossary: &generation.glossary,
            expand: request.expand,
            accents: request.expand,
            cues: Cues::of(&request.query),
            highlight: Default::default(),
            expansions: Vec::new(),
            corrections: Vec::new(),
            typed: Vec::new(),
            alternates: Vec::new(),
        }
    }

    /// Runs a search for a parsed query: its hits ranked (every one, or the page asked for),
    /// counted, and its facets.
    fn rank(
        &self,
        searcher: &Searcher,
        generation: &Generation,
        request: &SearchRequest,
        node: &query::Node,
    ) -> Result<Ranked> {
        let mut builder = self.builder(searcher, generation, request);
        let text = builder.node(node)?;
        let groups = self.filter_groups(&builder, request)?;
        // A facet is counted under every filter but its own. When copies are folded, that
        // takes every match ranked and folded again for each filtered facet asked: rather
        // than a search for each, one search leaves out the filters they are counted apart
        // from and marks which of them each match passes (`AllRanked::filters`).
        let open_facets: Vec<FacetName> = request
            .facets
            .iter()
            .copied()
            .filter(|&f| !groups.iter().any(|(g, _)| counts_apart(f, *g)))
            .collect();
        let masked: Vec<usize> = if request.dedupe {
            (0..groups.len())
                .filter(|&i| request.facets.iter().any(|&f| counts_apart(f, groups[i].0)))
                .collect()
        } else {
            Vec::new()
        };
        let main = combine(&builder, text.as_deref(), &groups, |i, _| {
            !masked.contains(&i)
        });

        let mut collectors = MultiCollector::new();
        // Grouped results rank a window of passages, then keep each document's best. (A
        // search that folds copies ranks every match instead: see `every_hit`.)
        let windowed = request.group && !request.dedupe;
        let (window_offset, window_limit) = if windowed {
            (
                0,
                ((request.offset + request.limit) * GROUP_WINDOW).max(MIN_GROUP_WINDOW),
            )
        } else {
            (request.offset, request.limit)
        };
        // Folding copies ranks every match: see `every_hit`.
        let all_ranked = if request.dedupe {
            let mut all_ranked = self.all_ranked(request);
            if !masked.is_empty() {
                let scoring = EnableScoring::disabled_from_searcher(searcher);
                let weights = masked
                    .iter()
                    .map(|&i| groups[i].1.weight(scoring))
                    .collect::<tantivy::Result<Vec<_>>>()?;
                all_ranked.filters = Some(Arc::new(weights));
            }
            Some(collectors.add_collector(all_ranked))
        } else {
            None
        };
        let by_score = (!request.dedupe && request.sort == Sort::Relevance)
            .then(|| collectors.add_collector(self.by_score(window_offset, window_limit)));
        let by_date = (!request.dedupe && request.sort == Sort::Date)
            .then(|| collectors.add_collector(newest_first(window_offset, window_limit)));
        // (Folding copies counts the passages it ranks.)
        let total_passages = (!request.dedupe).then(|| collectors.add_collector(Count));
        // What the reader pages through is counted apart: hits (documents or passages), with
        // copies folded as the hits are; the facets count the same. Unless copies are folded,
        // they are counted as the passages are collected; folding depends on the order hits
        // rank in, so then they are counted over every hit, ranked and folded (`every_hit`).
        let mut counted = MultiCollector::new();
        let count = counted.add_collector(Count);
        let mut facet_handles = Vec::new();
        for &facet in &open_facets {
            let collector = self.facet_collector(facet, &generation.vocabulary);
            facet_handles.push((facet, counted.add_collector(collector)));
        }
        let (counted, counting) = if request.dedupe {
            (None, Some(counted))
        } else {
            let counted = Counted::new(counted, request.group);
            (Some(collectors.add_collector(counted)), None)
        };
        let statistics = LanguageStatistics::new(searcher, &self.fields)?;
        let mut fruits =
            searcher.search_with_statistics_provider(&*main, &collectors, &statistics)?;

        let ranked: Vec<(f32, DocAddress)> = match (by_score, by_date) {
            (Some(handle), _) => scored(handle.extract(&mut fruits)),
            (_, Some(handle)) => dated(handle.extract(&mut fruits)),
            _ => Vec::new(),
        };
        let mut total_passages = total_passages.map_or(0, |h| h.extract(&mut fruits));
        // Every match, when copies are folded: those the search's filters keep are its hits.
        let all = all_ranked.map(|h| h.extract(&mut fruits));
        // A bit per filter group left out: at most one group per facet filtered, six of them.
        const _: () = assert!(FacetName::ALL.len() < u8::BITS as usize);
        let every_filter = (1u8 << masked.len()) - 1;
        // The matches of the search as asked; `all` stays when facets are counted from it.
        let (hits, all) = if masked.is_empty() {
            (all, None)
        } else {
            (all.as_ref().map(|all| all.passing(every_filter)), all)
        };
        let mut reranked = false;
        let (mut counted, unfolded, every) = match (counted, counting) {
            (Some(handle), _) => {
                let (counted, unfolded) = handle.extract(&mut fruits);
                (counted, unfolded, None)
            }
            (None, Some(counting)) => {
                let mut hits = hits.unwrap_or_default();
                hits.rank();
                if let Some(semantic) = self.semantic_for(request) {
                    reranked = rerank_hits(semantic, searcher, &request.query, &mut hits)?;
                }
                total_passages = hits.matches.len();
                let (every, unfolded) = Engine::every_hit(hits);
                let counted = collect_best(searcher, &counting, &every)?;
                (counted, unfolded, Some(every))
            }
            (None, None) => unreachable!("hits are counted one way or the other"),
        };
        let total = count.extract(&mut counted);
        let mut facets = BTreeMap::new();
        for (facet, handle) in facet_handles {
            let counts = handle.extract(&mut counted);
            facets.insert(
                facet.to_string(),
                self.facet_counts(facet, &counts, &generation.vocabulary),
            );
        }
        // A filtered facet is counted under the other filters, so its menu still shows the
        // alternatives.
        // Hits ranked and folded from the matches that pass the filters of each mask met
        // (the region and country facets both leave out the region filter).
        let mut folded: HashMap<u8, Vec<Group>> = HashMap::new();
        for &facet in request.facets.iter().filter(|f| !open_facets.contains(f)) {
            let collector = self.facet_collector(facet, &generation.vocabulary);
            let counts = if let Some(all) = &all {
                // The matches that pass every filter but the facet's own.
                let own = masked
                    .iter()
                    .enumerate()
                    .filter(|&(_, &i)| counts_apart(facet, groups[i].0))
                    .fold(0u8, |bits, (bit, _)| bits | 1 << bit);
                let every = folded
                    .entry(every_filter & !own)
                    .or_insert_with_key(|&need| {
                        let mut passing = all.passing(need);
                        passing.rank();
                        Engine::every_hit(passing).0
                    });
                collect_best(searcher, &collector, every)?
            } else {
                let query = combine(&builder, text.as_deref(), &groups, |_, group| {
                    !counts_apart(facet, *group)
                });
                searcher
                    .search(&*query, &Counted::new(collector, request.group))?
                    .0
            };
            facets.insert(
                facet.to_string(),
                self.facet_counts(facet, &counts, &generation.vocabulary),
            );
        }

        let every_one = every.is_some();
        let groups: Vec<Group> = if let Some(every) = every {
            every
        } else if windowed {
            // The window held too few documents for this page (a few documents with many
            // matching passages): rank a larger one, until the page is full or every
            // matching passage has been ranked.
            let wanted = (request.offset + request.limit).min(total);
            let mut window = window_limit;
            let mut full = ranked.len() == window;
            let mut ranked = ranked;
            if let Some(semantic) = self.semantic_for(request) {
                reranked = semantic.rerank(searcher, &request.query, &mut ranked)?;
            }
            let mut groups = self.arrange(searcher, ranked, request)?;
            while groups.len() < wanted && full {
                // As many more passages as the hits found so far took, with a margin: where
                // a document has many matching passages, one larger window, not several.
                let found = groups.len().max(1);
                let needed = window.saturating_mul(wanted).div_ceil(found) * 5 / 4;
                window = needed
                    .clamp(window.saturating_mul(2), window.saturating_mul(16))
                    .min(total_passages.max(1));
                let mut ranked = match request.sort {
                    Sort::Relevance => scored(searcher.search_with_statistics_provider(
                        &*main,
                        &self.by_score(0, window),
                        &statistics,
                    )?),
                    Sort::Date => dated(searcher.search(&*main, &newest_first(0, window))?),
                };
                full = ranked.len() == window && window < total_passages;
                if let Some(semantic) = self.semantic_for(request) {
                    reranked = semantic.rerank(searcher, &request.query, &mut ranked)?;
                }
                groups = self.arrange(searcher, ranked, request)?;
            }
            groups
                .into_iter()
                .skip(request.offset)
                .take(request.limit)
                .collect()
        } else {
            ranked.into_iter().map(|r| Group::alone(vec![r])).collect()
        };
        // A word the index has never seen, close to one it has: whatever else matched, nothing
        // matched that word as typed, so offer the query with the word most likely meant.
        let suggestion = (!builder.corrections.is_empty()).then(|| {
            let mut text = request.query.clone();
            for (typed, meant) in &builder.corrections {
                text = text.replacen(typed.as_str(), meant, 1);
            }
            text
        });
        let unmatched = builder.unmatched()?;
        Ok(Ranked {
            expanded: builder.expansions,
            suggestion,
            unmatched,
            highlight: builder.highlight,
            total,
            copies: unfolded.saturating_sub(total),
            total_passages,
            facets,
            groups,
            every: every_one,
            semantic: reranked,
        })
    }

    /// The model to re-rank a request's results with: there is one, the request does not
    /// turn it off, and results are ranked by relevance for words typed.
    fn semantic_for(&self, request: &SearchRequest) -> Option<&crate::semantic::Semantic> {
        self.semantic.as_ref().filter(|_| {
            request.semantic
                && request.sort == Sort::Relevance
                && !request.typing
                && !request.query.trim().is_empty()
        })
    }

    /// The top passages by score (`offset`, `limit`), a lesson's score multiplied by
    /// `Ranking::lesson`. Ties (equal scores) are broken by a hash of the id, so the order
    /// does not depend on how the index happens to be split into segments.
    fn by_score(
        &self,
        offset: usize,
        limit: usize,
    ) -> impl Collector<Fruit = Vec<((Score, u64), DocAddress)>> + use<> {
        let lesson = self.ranking.lesson;
        TopDocs::with_limit(limit)
            .and_offset(offset)
            .tweak_score(move |segment: &SegmentReader| {
                let lessons = Lessons::of(segment);
                let ids = id_keys(segment);
                move |doc: DocId, score: Score| {
                    let score = if lessons.contains(doc) {
                        score * lesson
                    } else {
                        score
                    };
                    (score, ids.get_val(doc))
                }
            })
    }

    /// Every hit, as paging through all of them shows them, from every matching passage
    /// (`AllRanked`), with copies folded; and how many hits there are before folding.
    ///
    /// A hit whose best passage copies a passage of a hit ranked above it (their copy clusters
    /// linked, see `copies::Met`) is folded into that hit, and, when hits are documents, so is
    /// each document of a work ranked above it (another edition, see `work_key`). Folding is
    /// greedy in rank order and being a copy is not transitive (a report quoting two lessons
    /// copies each, though they differ), so counting hits in any other order (that of the
    /// index's segments, which differs between two builds of one corpus) could count more or
    /// fewer than paging shows.
    fn every_hit(all: AllHits) -> (Vec<Group>, usize) {
        let mut kept: Vec<Group> = Vec::new();
        // Each cluster met, with the kept hit it is in and its passage there.
        let mut met: Met<(usize, DocAddress)> = Met::with_capacity(all.groups as usize);
        // Each work met, with the kept hit it is in and that hit's best passage.
        let mut met_works: KeyMap<(usize, DocAddress)> = KeyMap::default();
        for hit in all.matches.chunk_by(|a, b| a.group == b.group) {
            let best = &hit[0];
            let clusters = all.clusters(best);
            let edition = best.work.and_then(|w| met_works.get(&w.get()).copied());
            let owner = match edition.or_else(|| met.original(clusters)) {
                Some((owner, original)) => {
                    kept[owner].copies.push((best.address, original));
                    owner
                }
                None => kept.len(),
            };
            met.meet(clusters, (owner, best.address));
            if let Some(work) = best.work {
                met_works.entry(work.get()).or_insert((owner, best.address));
            }
            if owner == kept.len() {
                for other in hit.iter().skip(1).take(MAX_OTHER_PASSAGES) {
                    met.meet(all.clusters(other), (owner, other.address));
                }
                kept.push(Group::alone(
                    hit.iter().map(|m| (m.score, m.address)).collect(),
                ));
            }
        }
        (kept, all.groups as usize)
    }

    /// Every matching passage, ranked as `request` sorts, gathered as it groups: see
    /// `AllRanked`.
    fn all_ranked(&self, request: &SearchRequest) -> AllRanked {
        let by = match request.sort {
            Sort::Relevance => RankBy::Relevance {
                lesson: self.ranking.lesson,
            },
            Sort::Date => RankBy::Date,
        };
        AllRanked {
            by,
            group: request.group,
            filters: None,
        }
    }

    /// Ranked passages as the hits of a page, copies not folded (see `every_hit` for
    /// those): gathered by document when the request groups.
    fn arrange(
        &self,
        searcher: &Searcher,
        ranked: Vec<(f32, DocAddress)>,
        request: &SearchRequest,
    ) -> Result<Vec<Group>> {
        let groups = if request.group {
            self.group_by_document(searcher, ranked)?
        } else {
            ranked.into_iter().map(|r| vec![r]).collect()
        };
        Ok(groups.into_iter().map(Group::alone).collect())
    }

    /// Ranked passages gathered by document, in the order of each document's best passage.
    fn group_by_document(
        &self,
        searcher: &Searcher,
        ranked: Vec<(f32, DocAddress)>,
    ) -> Result<Vec<Vec<(f32, DocAddress)>>> {
        let mut parents = SegmentColumns::new(searcher, "parent_key");
        let mut position: KeyMap<usize> = KeyMap::default();
        position.reserve(ranked.len());
        let mut groups: Vec<Vec<(f32, DocAddress)>> = Vec::new();
        for (score, address) in ranked {
            let key = parents
                .of(address)?
                .first(address.doc_id)
                .unwrap_or_default();
            match position.get(&key) {
                Some(&i) => groups[i].push((score, address)),
                None => {
                    position.insert(key, groups.len());
                    groups.push(vec![(score, address)]);
                }
            }
        }
        Ok(groups)
    }

    /// The hit for a document's matching passages, best first.
    fn hit(
        &self,
        searcher: &Searcher,
        group: &Group,
        highlight: &Highlight,
        boilerplate: &Boilerplate,
    ) -> Result<Hit> {
        // The ids of the passages read, by address: a copy's original is most often one of
        // the hit's own passages, read already (each read is a block of the store to unpack).
        let mut ids: HashMap<DocAddress, String> = HashMap::new();
        let mut snippets = Vec::new();
        // The best passage's opening, for when no passage has a query word in its text (it
        // matched on its title or heading alone).
        let mut opening = None;
        let mut other_passages = Vec::new();
        let mut best = None;
        let mut recurs = |key: u64| boilerplate.recurs(searcher, key);
        for (i, &(score, address)) in group
            .passages
            .iter()
            .take(MAX_OTHER_PASSAGES + 1)
            .enumerate()
        {
            if i > 0 && snippets.len() >= SNIPPETS_PER_HIT {
                let id = self.passage_id(searcher, address)?;
                ids.insert(address, id.clone());
                other_passages.push(id);
                continue;
            }
            let passage = self.passage(searcher, address)?;
            ids.insert(address, passage.id.clone());
            if snippets.len() < SNIPPETS_PER_HIT {
                let s = snippet(
                    &passage.text,
                    passage.lang,
                    highlight,
                    &self.analyzers,
                    &mut recurs,
                );
                let chars = |byte: usize| passage.text[..byte].chars().count();
                let s = PassageSnippet {
                    passage: passage.id.clone(),
                    start: chars(s.start),
                    end: chars(s.end),
                    html: s.html,
                };
                // A passage that matched on its title or heading alone adds no snippet.
                if s.html.contains("<mark>") {
                    snippets.push(s);
                } else if i == 0 {
                    opening = Some(s);
                }
            }
            if i == 0 {
                best = Some((score, passage));
            } else {
                other_passages.push(passage.id);
            }
        }
        if snippets.is_empty() {
            snippets.extend(opening);
        }
        let mut duplicates = Vec::with_capacity(group.copies.len().min(MAX_DUPLICATES));
        for &(address, original) in group.copies.iter().take(MAX_DUPLICATES) {
            let copy_of = match ids.get(&original) {
                Some(id) => id.clone(),
                None => {
                    let id = self.passage_id(searcher, original)?;
                    ids.insert(original, id.clone());
                    id
                }
            };
            let copy = duplicate(searcher, &self.fields, address, copy_of)?;
            ids.insert(address, copy.id.clone());
            duplicates.push(copy);
        }
        let group = &group.passages;
        let (score, passage) =
            best.ok_or_else(|| Error::Corrupt("an empty group of passages".into()))?;
        Ok(Hit {
            id: passage.id,
            parent: passage.parent,
            kind: passage.kind,
            title: passage.title,
            title_source: passage.title_source,
            heading: passage.heading,
            country: passage.country,
            regions: passage.regions,
            institutions: passage.institutions,
            date: passage.date,
            date_source: passage.date_source,
            lang: passage.lang,
            score,
            snippet: snippets.first().map(|s| s.html.clone()).unwrap_or_default(),
            source: passage.source,
            matches: group.len(),
            snippets,
            other_passages,
            duplicates,
        })
    }

    /// The request's filters, one query per facet (its values as alternatives), and the
    /// date range.
    fn filter_groups(
        &self,
        builder: &QueryBuilder<'_>,
        request: &SearchRequest,
    ) -> Result<Vec<FilterGroup>> {
        let f = &request.filters;
        let mut groups = Vec::new();
        let lists: [(FacetName, Vec<String>); 6] = [
            (FacetName::Region, f.regions.clone()),
            (FacetName::Institution, f.institutions.clone()),
            (
                FacetName::Kind,
                f.kinds.iter().map(|k| k.to_string()).collect(),
            ),
            (
                FacetName::Lang,
                f.langs.iter().map(|l| l.to_string()).collect(),
            ),
            (FacetName::Topic, f.topics.clone()),
            (
                FacetName::Year,
                f.years.iter().map(|y| y.to_string()).collect(),
            ),
        ];
        for (facet, values) in lists {
            let mut alternatives = Vec::new();
            for value in values.iter().filter(|v| !v.trim().is_empty()) {
                alternatives.push((Occur::Should, builder.filter(facet, value)?));
            }
            if !alternatives.is_empty() {
                groups.push((
                    Some(facet),
                    Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>,
                ));
            }
        }
        if f.from.is_some() || f.to.is_some() {
            groups.push((None, builder.dates(f.from, f.to)));
        }
        Ok(groups)
    }

    /// Counts a facet's values among the matches it is handed (see `Counted`).
    fn facet_collector(&self, facet: FacetName, vocabulary: &Vocabulary) -> FacetCollector {
        let mut collector = FacetCollector::for_field(
            self.fields
                .schema
                .get_field_name(facet_field(&self.fields, facet)),
        );
        if facet == FacetName::Region {
            let countries: BTreeSet<&String> = vocabulary
                .values(FacetName::Region)
                .iter()
                .filter_map(|p| p.first())
                .collect();
            for country in countries {
                collector.add_facet(Facet::from_path([country]));
            }
        } else if facet == FacetName::Topic {
            for key in vocabulary.topic_keys() {
                collector.add_facet(Facet::from_path([key]));
            }
        } else {
            collector.add_facet(Facet::root());
        }
        collector
    }

    fn facet_counts(
        &self,
        facet: FacetName,
        counts: &tantivy::collector::FacetCounts,
        vocabulary: &Vocabulary,
    ) -> FacetCounts {
        let mut out = FacetCounts::new();
        let mut add = |root: Facet| {
            for (value, count) in counts.get(root) {
                if count > 0 {
                    out.insert(value.to_path().join("/"), count);
                }
            }
        };
        if facet == FacetName::Region {
            let countries: BTreeSet<&String> = vocabulary
                .values(FacetName::Region)
                .iter()
                .filter_map(|p| p.first())
                .collect();
            for country in countries {
                add(Facet::from_path([country]));
            }
        } else if facet == FacetName::Topic {
            // A passage has one spelling per topic key, so the key counts its spellings.
            for key in vocabulary.topic_keys() {
                let count: u64 = counts
                    .get(Facet::from_path([key]))
                    .map(|(_, count)| count)
                    .sum();
                if count > 0 {
                    out.insert(vocabulary.topic_name(key).to_string(), count);
                }
            }
        } else {
            add(Facet::root());
        }
        out
    }

    fn passage(&self, searcher: &Searcher, address: DocAddress) -> Result<Passage> {
        stored_passage(searcher, &self.fields, address)
    }

    /// A passage's id alone: its stored `id` field, without parsing the stored record.
    fn passage_id(&self, searcher: &Searcher, address: DocAddress) -> Result<String> {
        let doc: TantivyDocument = searcher.doc(address)?;
        doc.get_first(self.fields.id)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| Error::Corrupt(format!("no id stored at {address:?}")))
    }

    fn passages_where(
        &self,
        searcher: &Searcher,
        field: Field,
        value: &str,
    ) -> Result<Vec<Passage>> {
        self.addresses_where(searcher, field, value)?
            .into_iter()
            .map(|a| self.passage(searcher, a))
            .collect()
    }

    /// The copies, in other documents, of the passages of the document `parent`: the
    /// passages that share a copy cluster with one of them (see `copies`). The index is read
    /// column by column, one pass over each segment's clusters.
    fn copies_elsewhere(
        &self,
        searcher: &Searcher,
        parent: &str,
    ) -> Result<BTreeMap<String, Vec<Duplicate>>> {
        let own = self.addresses_where(searcher, self.fields.parent, parent)?;
        let mut clusters = SegmentColumns::new(searcher, "cluster");
        // Cluster key → the document's passages in it.
        let mut mine: HashMap<u64, Vec<DocAddress>> = HashMap::new();
        for &address in &own {
            for key in clusters.of(address)?.values_for_doc(address.doc_id) {
                mine.entry(key).or_default().push(address);
            }
        }
        let mut out: BTreeMap<String, Vec<Duplicate>> = BTreeMap::new();
        if mine.is_empty() {
            return Ok(out);
        }
        let own: HashSet<DocAddress> = own.into_iter().collect();
        // (original, copy), each pair once.
        let mut pairs: BTreeSet<(DocAddress, DocAddress)> = BTreeSet::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let column = segment.fast_fields().u64("cluster")?;
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|a| a.is_deleted(doc)) {
                    continue;
                }
                let address = DocAddress::new(ord as u32, doc);
                for key in column.values_for_doc(doc) {
                    if let Some(originals) = mine.get(&key)
                        && !own.contains(&address)
                    {
                        pairs.extend(originals.iter().map(|&o| (o, address)));
                    }
                }
            }
        }
        let mut ids: HashMap<DocAddress, String> = HashMap::new();
        for (original, address) in pairs {
            let original = match ids.get(&original) {
                Some(id) => id.clone(),
                None => {
                    let id = self.passage_id(searcher, original)?;
                    ids.insert(original, id.clone());
                    id
                }
            };
            let listed = out.entry(original.clone()).or_default();
            if listed.len() >= MAX_DUPLICATES {
                continue;
            }
            listed.push(duplicate(searcher, &self.fields, address, original)?);
        }
        Ok(out)
    }

    /// The addresses of the passages whose `field` is `value`.
    fn addresses_where(
        &self,
        searcher: &Searcher,
        field: Field,
        value: &str,
    ) -> Result<Vec<DocAddress>> {
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(field, value),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            ),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.entry, ENTRY_PASSAGE),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        Ok(searcher
            .search(&query, &DocSetCollector)?
            .into_iter()
            .collect())
    }

    /// A document or passage by id, with all the passages of its document; `None` if no
    /// document or passage has that id.
    pub fn document(&self, id: &str) -> Result<Option<DocumentView>> {
        damage::guard(&self.dir, || {
            self.document_unguarded(&self.reader.searcher(), id)
        })
    }

    /// [`Engine::document`] as a reader sees it: with where else its passages appear
    /// (`copies`, one pass over the index's copy clusters) and, given a search, where the
    /// words its query searches are in each passage (`marks`), as a search's snippets mark
    /// them. Only the query and how it is read (`expand`, `typing`) matter; filters and
    /// paging do not.
    pub fn document_to_read(
        &self,
        id: &str,
        request: Option<&SearchRequest>,
    ) -> Result<Option<DocumentView>> {
        damage::guard(&self.dir, || {
            let searcher = self.reader.searcher();
            let Some(mut view) = self.document_unguarded(&searcher, id)? else {
                return Ok(None);
            };
            view.copies = self.copies_elsewhere(&searcher, &view.parent)?;
            let Some(request) = request else {
                return Ok(Some(view));
            };
            let node = parse(request)?;
            let generation = self.generation(&searcher)?;
            let mut builder = self.builder(&searcher, &generation, request);
            builder.node(&node)?;
            let highlight = builder.highlight;
            for passage in &view.passages {
                let marks = Marks::of(passage, &highlight, &self.analyzers);
                if !marks.is_empty() {
                    view.marks.insert(passage.id.clone(), marks);
                }
            }
            Ok(Some(view))
        })
    }

    fn document_unguarded(&self, searcher: &Searcher, id: &str) -> Result<Option<DocumentView>> {
        let passage = self
            .passages_where(searcher, self.fields.id, id)?
            .into_iter()
            .next();
        let parent = match &passage {
            Some(p) => p.parent.clone(),
            None => id.to_string(),
        };
        let mut passages = self.passages_where(searcher, self.fields.parent, &parent)?;
        if passages.is_empty() {
            return Ok(None);
        }
        passages.sort_by_key(|p| (p.kind == Kind::Lesson, p.position));
        Ok(Some(DocumentView {
            id: id.to_string(),
            parent,
            passage: passage.filter(|p| p.id != p.parent || passages.len() > 1),
            passages,
            marks: BTreeMap::new(),
            copies: BTreeMap::new(),
        }))
    }

    /// Every value of every facet with its count of passages.
    pub fn facets(&self) -> Result<BTreeMap<String, FacetCounts>> {
        let request = SearchRequest {
            facets: FacetName::ALL.to_vec(),
            limit: 1,
            ..SearchRequest::default()
        };
        Ok(self.search(&request)?.facets)
    }

    /// Counts and size of the index.
    pub fn stats(&self) -> Result<Stats> {
        let info = CommitInfo::of(&self.index, &self.dir)?.unwrap_or_default();
        let mut index_bytes = 0;
        for entry in walk(&self.dir) {
            index_bytes += entry;
        }
        let last_indexed = time::OffsetDateTime::from_unix_timestamp(info.committed_at)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default();
        Ok(Stats {
            files: info.files,
            documents: info.documents,
            passages: info.passages,
            index_bytes,
            last_indexed,
            schema_version: info.minga_schema,
        })
    }
}

/// Sizes of the files below `dir`.
fn walk(dir: &Path) -> Vec<u64> {
    let mut sizes = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return sizes;
    };
    for entry in entries.flatten() {
        match entry.metadata() {
            Ok(m) if m.is_dir() => sizes.extend(walk(&entry.path())),
            Ok(m) => sizes.push(m.len()),
            Err(_) => {}
        }
    }
    sizes
}

/// A search ranked and counted, but not yet turned into hits: every hit of a search that
/// folds copies (`every`), or the page asked for.
struct Ranked {
    expanded: Vec<Expansion>,
    suggestion: Option<String>,
    unmatched: Vec<String>,
    highlight: Highlight,
    total: usize,
    copies: usize,
    total_passages: usize,
    facets: BTreeMap<String, FacetCounts>,
    groups: Vec<Group>,
    every: bool,
    /// Whether semantic re-ranking took part.
    semantic: bool,
}

impl Ranked {
    /// About the bytes it holds, most of them its hits.
    fn size(&self) -> usize {
        let address = std::mem::size_of::<(f32, DocAddress)>();
        let hits: usize = self
            .groups
            .iter()
            .map(|g| {
                std::mem::size_of::<Group>()
                    + g.passages.capacity() * address
                    + g.copies.capacity() * 2 * address
            })
            .sum();
        let facets: usize = self.facets.values().map(|f| 64 * f.len()).sum();
        let words: usize = self.highlight.exact.len()
            + self
                .highlight
                .stems
                .values()
                .map(|s| s.len())
                .sum::<usize>();
        std::mem::size_of::<Ranked>() + hits + facets + 32 * words + 256 * self.expanded.len()
    }
}

/// The passages of one hit (a document's, or one passage), best first, and the best passage
/// of each hit folded into it as a copy.
struct Group {
    passages: Vec<(f32, DocAddress)>,
    /// Each copy and the passage of the group (or earlier copy) it copies.
    copies: Vec<(DocAddress, DocAddress)>,
}

impl Group {
    /// A hit's passages, with no copy folded into it.
    fn alone(passages: Vec<(f32, DocAddress)>) -> Group {
        Group {
            passages,
            copies: Vec::new(),
        }
    }
}

/// What `collector` collects of the best passage of each of `hits`.
fn collect_best<C: Collector>(
    searcher: &Searcher,
    collector: &C,
    hits: &[Group],
) -> Result<C::Fruit> {
    let mut best: Vec<(DocAddress, Score)> = hits
        .iter()
        .filter_map(|g| g.passages.first())
        .map(|&(score, address)| (address, score))
        .collect();
    best.sort_unstable_by_key(|&(address, _)| address);
    let mut fruits = Vec::with_capacity(searcher.segment_readers().len());
    let mut next = best.iter().peekable();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let ord = ord as SegmentOrdinal;
        let mut segment = collector.for_segment(ord, reader)?;
        while let Some(&&(address, score)) = next.peek() {
            if address.segment_ord != ord {
                break;
            }
            segment.collect(address.doc_id, score);
            next.next();
        }
        fruits.push(segment.harvest());
    }
    Ok(collector.merge_fruits(fruits)?)
}

/// A u64 fast field's column in each segment met, opened once.
struct SegmentColumns<'a> {
    searcher: &'a Searcher,
    field: &'static str,
    /// By segment ordinal (a lookup per passage read: no hashing).
    open: Vec<Option<Column<u64>>>,
}

impl<'a> SegmentColumns<'a> {
    fn new(searcher: &'a Searcher, field: &'static str) -> SegmentColumns<'a> {
        SegmentColumns {
            searcher,
            field,
            open: vec![None; searcher.segment_readers().len()],
        }
    }

    /// The column of the segment `address` is in.
    fn of(&mut self, address: DocAddress) -> Result<&Column<u64>> {
        let slot = &mut self.open[address.segment_ord as usize];
        if slot.is_none() {
            *slot = Some(
                self.searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .u64(self.field)?,
            );
        }
        Ok(slot.as_ref().expect("opened above"))
    }
}

/// Whether the counts of `facet` leave out the filter group `group`: a facet is counted under
/// every filter but its own, and the region filter (which also takes countries) is the
/// country facet's own too.
fn counts_apart(facet: FacetName, group: Option<FacetName>) -> bool {
    match group {
        Some(g) => g == facet || (facet == FacetName::Country && g == FacetName::Region),
        None => false,
    }
}

/// The filters on one facet (`None`: the date range), as one query.
type FilterGroup = (Option<FacetName>, Box<dyn Query>);

/// The facet field of a facet.
fn facet_field(fields: &Fields, facet: FacetName) -> Field {
    match facet {
        FacetName::Country => fields.country,
        FacetName::Region => fields.region,
        FacetName::Institution => fields.institution,
        FacetName::Kind => fields.kind,
        FacetName::Lang => fields.lang,
        FacetName::Year => fields.year,
        FacetName::Topic => fields.topic,
    }
}

/// The text query restricted by the filter groups that `keep` keeps (by their place in
/// `groups` and facet).
fn combine(
    builder: &QueryBuilder<'_>,
    text: Option<&dyn Query>,
    groups: &[FilterGroup],
    keep: impl Fn(usize, &Option<FacetName>) -> bool,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    clauses.push((
        Occur::Must,
        text.map_or_else(|| builder.all_passages(), |q| q.box_clone()),
    ));
    for (i, (facet, query)) in groups.iter().enumerate() {
        if keep(i, facet) {
            clauses.push((Occur::Must, query.box_clone()));
        }
    }
    if clauses.len() == 1 {
        return clauses.remove(0).1;
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Every passage a query matches, with the key that ranks it as `Engine::by_score`
/// (`Relevance`, with the lesson multiplier) or `newest_first` (`Date`) rank their top ones,
/// ties broken alike by the id's hash, and gathered by document (`group`): for folding copies
/// over all the hits (once `AllHits::rank` has ranked them), so that what is counted is what
/// paging shows. What folding reads of each passage (its document,
/// clusters and work) is read here, in the segment's order, where reading a column is cheap.
#[derive(Clone)]
struct AllRanked {
    by: RankBy,
    group: bool,
    /// Filters each match is tested against (`Match::passes`): those left out of the query
    /// so that its matches serve the facets counted apart from them too.
    filters: Option<Arc<Vec<Box<dyn Weight>>>>,
}

#[derive(Clone, Copy)]
enum RankBy {
    Relevance { lesson: f32 },
    Date,
}

/// A passage's place in `AllRanked`'s order: a key that sorts as the score (or date) does,
/// then the id's hash.
type RankKey = (u64, u64);

/// A matching passage as `AllRanked` keeps it.
#[derive(Clone, Copy)]
struct Match {
    key: RankKey,
    score: Score,
    address: DocAddress,
    /// Its hit before folding (its document, or itself), numbered per search.
    group: u32,
    /// Its copy clusters: a span of `AllHits::clusters`.
    clusters: (u32, u32),
    /// Its work, when documents are hits. (A work key is a hash: one of zero, which a hash
    /// gives once in 2⁶⁴, is taken for none, and saves a match 8 bytes.)
    work: Option<NonZeroU64>,
    /// Which of `AllRanked::filters` it passes, bit by bit.
    passes: u8,
}

// Every match of a search is held at once: keep them small.
const _: () = assert!(std::mem::size_of::<Match>() == 56);

/// Every match of a search, put in rank order by `rank`, each hit's passages together (see
/// `AllRanked`).
#[derive(Default)]
struct AllHits {
    matches: Vec<Match>,
    clusters: Vec<u64>,
    /// How many hits (documents, or passages) before folding.
    groups: u32,
}

impl AllHits {
    fn clusters(&self, m: &Match) -> &[u64] {
        &self.clusters[m.clusters.0 as usize..m.clusters.1 as usize]
    }

    /// The matches that pass each filter of `filters` (bits of `Match::passes`), not yet
    /// ranked. Their hits are numbered afresh: a hit none of whose passages pass is gone.
    fn passing(&self, filters: u8) -> AllHits {
        let mut renumbered = vec![u32::MAX; self.groups as usize];
        let mut out = AllHits {
            matches: Vec::with_capacity(self.matches.len()),
            clusters: self.clusters.clone(),
            groups: 0,
        };
        for m in self
            .matches
            .iter()
            .filter(|m| m.passes & filters == filters)
        {
            let group = &mut renumbered[m.group as usize];
            if *group == u32::MAX {
                *group = out.groups;
                out.groups += 1;
            }
            out.matches.push(Match {
                group: *group,
                ..*m
            });
        }
        out
    }

    /// Puts the matches in rank order: a hit ranks as its best passage; its passages follow
    /// it, best first. The hits are sorted, then the passages placed hit by hit and sorted
    /// within each: cheaper than sorting every passage by its hit's rank (a look-up per
    /// comparison).
    fn rank(&mut self) {
        let groups = self.groups as usize;
        let mut best: Vec<RankKey> = vec![(0, 0); groups];
        for m in &self.matches {
            let b = &mut best[m.group as usize];
            *b = (*b).max(m.key);
        }
        let mut order: Vec<u32> = (0..self.groups).collect();
        order.sort_unstable_by(|&a, &b| best[b as usize].cmp(&best[a as usize]).then(a.cmp(&b)));
        // Where each hit's passages start in rank order, and where the next one goes.
        let mut counts = vec![0usize; groups];
        for m in &self.matches {
            counts[m.group as usize] += 1;
        }
        let mut starts = vec![0usize; groups];
        let mut at = 0;
        for &g in &order {
            starts[g as usize] = at;
            at += counts[g as usize];
        }
        let mut next = starts.clone();
        let mut places = vec![0u32; self.matches.len()];
        for (i, m) in self.matches.iter().enumerate() {
            let slot = &mut next[m.group as usize];
            places[*slot] = i as u32;
            *slot += 1;
        }
        let mut ranked: Vec<Match> = places.iter().map(|&i| self.matches[i as usize]).collect();
        for &g in &order {
            let (from, to) = (starts[g as usize], next[g as usize]);
            if to - from > 1 {
                ranked[from..to]
                    .sort_unstable_by(|a, b| b.key.cmp(&a.key).then(a.address.cmp(&b.address)));
            }
        }
        self.matches = ranked;
    }
}

struct AllRankedSegment {
    by: RankBy,
    segment: SegmentOrdinal,
    lessons: Lessons,
    ids: Arc<dyn tantivy::columnar::ColumnValues<u64>>,
    dates: Option<Arc<dyn tantivy::columnar::ColumnValues<DateTime>>>,
    cluster: Column<u64>,
    /// `parent_key` and `work`, when documents are hits.
    documents: Option<(Column<u64>, Column<u64>)>,
    /// The segment's documents met, by `parent_key`, with their group.
    groups: KeyMap<u32>,
    /// The last document met: its passages come one after another.
    last: Option<(u64, u32)>,
    /// The segment's passages that pass each of `AllRanked::filters`, met in order.
    filters: Vec<Box<dyn Scorer>>,
    hits: AllHits,
}

/// Re-ranks the best passages (at most three per hit) of the first hits of `hits`, ranked by
/// their lexical scores, by their blend with the query's embedding (`Semantic::rescore`),
/// and ranks the hits again. False when no candidate had a vector.
fn rerank_hits(
    semantic: &crate::semantic::Semantic,
    searcher: &Searcher,
    query: &str,
    hits: &mut AllHits,
) -> Result<bool> {
    let mut picked = Vec::new();
    let mut at = 0;
    for hit in hits.matches.chunk_by(|a, b| a.group == b.group) {
        picked.extend(at..at + hit.len().min(3));
        at += hit.len();
        if picked.len() >= crate::semantic::DEPTH {
            break;
        }
    }
    // Ranked by relevance, the first match scores highest.
    let ceiling = hits.matches.first().map_or(0.0, |m| m.score);
    let candidates: Vec<(f32, DocAddress)> = picked
        .iter()
        .map(|&i| (hits.matches[i].score, hits.matches[i].address))
        .collect();
    let Some(scores) = semantic.rescore(searcher, query, &candidates, ceiling)? else {
        return Ok(false);
    };
    for (&i, score) in picked.iter().zip(scores) {
        let m = &mut hits.matches[i];
        m.score = score;
        m.key.0 = score_key(score);
    }
    hits.rank();
    Ok(true)
}

/// A score as a key that sorts as the score does (`f32::total_cmp`).
fn score_key(score: Score) -> u64 {
    let bits = score.to_bits();
    u64::from(if bits >> 31 == 1 {
        !bits
    } else {
        bits | 1 << 31
    })
}

impl Collector for AllRanked {
    type Fruit = AllHits;
    type Child = AllRankedSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<AllRankedSegment> {
        let fast = reader.fast_fields();
        let dates = match self.by {
            RankBy::Date => fast
                .date("date")
                .map(|c| c.first_or_default_col(DateTime::MIN))
                .ok(),
            RankBy::Relevance { .. } => None,
        };
        let documents = if self.group {
            Some((fast.u64("parent_key")?, fast.u64("work")?))
        } else {
            None
        };
        Ok(AllRankedSegment {
            by: self.by,
            segment,
            lessons: Lessons::of(reader),
            ids: id_keys(reader),
            dates,
            cluster: fast.u64("cluster")?,
            documents,
            groups: KeyMap::default(),
            last: None,
            filters: self
                .filters
                .iter()
                .flat_map(|weights| weights.iter())
                .map(|weight| weight.scorer(reader, 1.0))
                .collect::<tantivy::Result<_>>()?,
            hits: AllHits::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        matches!(self.by, RankBy::Relevance { .. })
    }

    fn merge_fruits(&self, fruits: Vec<AllHits>) -> tantivy::Result<AllHits> {
        // Each segment's matches copied once, not again each time the list outgrows its
        // allocation (that was a twentieth of a broad search).
        let mut all = AllHits {
            matches: Vec::with_capacity(fruits.iter().map(|f| f.matches.len()).sum()),
            clusters: Vec::with_capacity(fruits.iter().map(|f| f.clusters.len()).sum()),
            groups: 0,
        };
        for mut fruit in fruits {
            let offset = all.clusters.len() as u32;
            for m in &mut fruit.matches {
                m.group += all.groups;
                m.clusters = (m.clusters.0 + offset, m.clusters.1 + offset);
            }
            all.groups += fruit.groups;
            all.matches.append(&mut fruit.matches);
            all.clusters.append(&mut fruit.clusters);
        }
        Ok(all)
    }
}

impl SegmentCollector for AllRankedSegment {
    type Fruit = AllHits;

    fn collect(&mut self, doc: DocId, score: Score) {
        let (primary, score) = match self.by {
            RankBy::Relevance { lesson } => {
                let score = if self.lessons.contains(doc) {
                    score * lesson
                } else {
                    score
                };
                (score_key(score), score)
            }
            RankBy::Date => {
                let date = self
                    .dates
                    .as_ref()
                    .map_or(DateTime::MIN, |d| d.get_val(doc));
                ((date.into_timestamp_nanos() as u64) ^ (1 << 63), 0.0)
            }
        };
        let hits = &mut self.hits;
        let start = hits.clusters.len() as u32;
        hits.clusters.extend(self.cluster.values_for_doc(doc));
        let (group, work) = match &self.documents {
            Some((parents, works)) => {
                let parent = parents.first(doc).unwrap_or_default();
                let group = match self.last {
                    Some((last, group)) if last == parent => group,
                    _ => *self.groups.entry(parent).or_insert_with(|| {
                        hits.groups += 1;
                        hits.groups - 1
                    }),
                };
                self.last = Some((parent, group));
                (group, works.first(doc).and_then(NonZeroU64::new))
            }
            None => {
                hits.groups += 1;
                (hits.groups - 1, None)
            }
        };
        let passes = if self.filters.is_empty() {
            0
        } else {
            passes(&mut self.filters, doc)
        };
        hits.matches.push(Match {
            key: (primary, self.ids.get_val(doc)),
            score,
            address: DocAddress::new(self.segment, doc),
            group,
            clusters: (start, hits.clusters.len() as u32),
            work,
            passes,
        });
    }

    fn harvest(self) -> AllHits {
        self.hits
    }
}

/// Which of `filters` (bit by bit) the segment's passage `doc` passes. Passages come in
/// order, so each filter's matches are walked once.
#[inline(never)]
fn passes(filters: &mut [Box<dyn Scorer>], doc: DocId) -> u8 {
    let mut passes = 0;
    for (bit, filter) in filters.iter_mut().enumerate() {
        if filter.doc() < doc {
            filter.seek(doc);
        }
        if filter.doc() == doc {
            passes |= 1 << bit;
        }
    }
    passes
}

/// Which of a segment's passages are lesson records: the segment's reader of the `kind`
/// facet and the ordinal of `/lesson` in it, if the segment has any lesson.
pub(crate) struct Lessons(Option<(tantivy::fastfield::FacetReader, u64)>);

impl Lessons {
    pub(crate) fn of(segment: &SegmentReader) -> Lessons {
        Lessons((|| {
            let reader = segment.facet_reader("kind").ok()?;
            let facet = Facet::from_path([Kind::Lesson.as_str()]);
            let ord = reader.facet_dict().term_ord(facet.encoded_str()).ok()??;
            Some((reader, ord))
        })())
    }

    /// Whether the segment's passage `doc` is a lesson record.
    pub(crate) fn contains(&self, doc: DocId) -> bool {
        self.0
            .as_ref()
            .is_some_and(|(reader, ord)| reader.facet_ords(doc).any(|o| o == *ord))
    }
}

/// The segment's `id_key` column (zero where a document has none).
fn id_keys(segment: &SegmentReader) -> Arc<dyn tantivy::columnar::ColumnValues<u64>> {
    match segment.fast_fields().u64("id_key") {
        Ok(column) => column.first_or_default_col(0),
        Err(_) => Arc::new(tantivy::columnar::column_values::EmptyColumnValues),
    }
}

/// The Tantivy index in `dir`; one with another schema is [`Error::IncompatibleIndex`].
pub(crate) fn open_index(dir: &Path) -> Result<Index> {
    Index::open_in_dir(dir).map_err(|e| match e {
        tantivy::TantivyError::SchemaError(_) => Error::IncompatibleIndex {
            path: dir.to_path_buf(),
            found: e.to_string(),
        },
        other => other.into(),
    })
}

/// The passage stored at `address`.
pub(crate) fn stored_passage(
    searcher: &Searcher,
    fields: &Fields,
    address: DocAddress,
) -> Result<Passage> {
    stored_record(searcher, fields, address)
}

/// What `T` reads of the record stored at `address` (fields `T` does not name are skipped).
fn stored_record<T: serde::de::DeserializeOwned>(
    searcher: &Searcher,
    fields: &Fields,
    address: DocAddress,
) -> Result<T> {
    let doc: TantivyDocument = searcher.doc(address)?;
    let json = doc
        .get_first(fields.record)
        .and_then(|v| v.as_str())
        .ok_or_else(|| Error::Corrupt(format!("no record stored at {address:?}")))?;
    serde_json::from_str(json).map_err(|e| Error::Corrupt(e.to_string()))
}

/// The top passages by date, newest first (`offset`, `limit`); ties broken by a hash of the id.
fn newest_first(
    offset: usize,
    limit: usize,
) -> impl Collector<Fruit = Vec<((DateTime, u64), DocAddress)>> {
    TopDocs::with_limit(limit)
        .and_offset(offset)
        .tweak_score(move |segment: &SegmentReader| {
            let dates = segment
                .fast_fields()
                .date("date")
                .map(|c| c.first_or_default_col(DateTime::MIN))
                .ok();
            let ids = id_keys(segment);
            move |doc: DocId, _score: Score| {
                let date = dates.as_ref().map_or(DateTime::MIN, |d| d.get_val(doc));
                (date, ids.get_val(doc))
            }
        })
}

/// Ranked passages from what `Engine::by_score` collected: the score, without its tie-breaker.
fn scored(collected: Vec<((Score, u64), DocAddress)>) -> Vec<(f32, DocAddress)> {
    collected
        .into_iter()
        .map(|((score, _), address)| (score, address))
        .collect()
}

/// Ranked passages from what `newest_first` collected, in its order (no score).
fn dated(collected: Vec<((DateTime, u64), DocAddress)>) -> Vec<(f32, DocAddress)> {
    collected
        .into_iter()
        .map(|(_, address)| (0.0, address))
        .collect()
}

/// What a hit lists of a copy, read from its stored record without the rest (its text above
/// all): a page lists up to [`MAX_DUPLICATES`] copies for each of its hits.
#[derive(Deserialize)]
struct StoredCopy {
    id: String,
    parent: String,
    kind: minga_core::Kind,
    title: String,
    date: Option<minga_core::Date>,
    source: minga_core::SourceRef,
}

/// The copy at `address`, listed as a copy of the passage `copy_of`.
fn duplicate(
    searcher: &Searcher,
    fields: &Fields,
    address: DocAddress,
    copy_of: String,
) -> Result<Duplicate> {
    let copy: StoredCopy = stored_record(searcher, fields, address)?;
    Ok(Duplicate {
        copy_of,
        id: copy.id,
        parent: copy.parent,
        kind: copy.kind,
        title: copy.title,
        date: copy.date,
        source: copy.source,
    })
}

/// The query of a request parsed. While typing, a quote or parenthesis not yet closed is not
/// yet an error, and the last word is unfinished unless a blank follows it.
fn parse(request: &SearchRequest) -> Result<query::Node> {
    let mut node = match query::parse(&request.query) {
        Err(error) if request.typing => {
            query::parse(&query::completed(&request.query)).map_err(|_| error)?
        }
        parsed => parsed?,
    };
    if request.typing && !request.query.ends_with(char::is_whitespace) {
        node = node.typing();
    }
    Ok(node)
}
