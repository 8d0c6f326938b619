//! Copies found at index time. Each passage joins the copy cluster of every passage it
//! copies (see `sketch`), or starts one of its own; the cluster is written with the passage, in
//! the same commit, so a search folds copies by reading one fast field and a killed run
//! leaves clusters as consistent as the rest of the index.
//!
//! Candidates are the passages that share an LSH band key with the new one: in the
//! committed index a term lookup on `bands`, among passages added since the last commit a
//! table in memory. A few passages per cluster and band are enough to find a cluster, so a text
//! held a thousand times costs what a text held twice does.
//!
//! It stays incremental: a changed file's passages are looked up again as they are
//! re-added, a deleted file's are no longer candidates. A cluster's key is made from its
//! first passage's id and sketch, so a passage that changes starts a cluster its old copies
//! are not in, and a deleted passage leaves its copies together under a key nobody else
//! takes.

use std::collections::{HashMap, HashSet};
use std::num::NonZeroU32;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use tantivy::columnar::Column;
use tantivy::fastfield::AliveBitSet;
use tantivy::schema::IndexRecordOption;
use tantivy::{
    DocId, DocSet, Index, IndexReader, InvertedIndexReader, ReloadPolicy, TERMINATED, Term,
};

use crate::Result;
use crate::collectors::KeyMap;
use crate::engine::Lessons;
use crate::schema::{Fields, fnv};
use crate::sketch::{self, SLOTS, Sketch};

/// At most this many candidates are taken per band key in the committed index, over all its
/// segments: a cluster's passages share their keys, so the first few name the clusters there
/// are. (Taken per segment, a key common to a text held a thousand times cost a look-up and
/// eight reads in every segment, for clusters the first segment had already named.)
const PER_BAND: usize = 8;

/// At most this many passages are read per band key in the committed index, candidates or
/// not (deleted, of a file being replaced, a lesson for a passage): a bound on the work of a
/// key whose first passages are all gone.
const PER_BAND_READ: usize = 4 * PER_BAND;

/// At most this many passages of one cluster are compared with a new passage, and kept per
/// band key as candidates for later ones: a cluster's passages differ (a lesson, its
/// restatement, a longer report quoting it), so a new copy may be close to only some.
const PER_CLUSTER: usize = 4;

/// A band key held by this many pending passages (of other clusters) takes no more: it is a
/// pair of word pairs common to many texts ("gobierno regional"), which says little of any,
/// and reading a long list for every new passage would make indexing quadratic.
const CROWDED: usize = 8;

/// At most this many passages added since the last commit are kept as candidates for those
/// added after them (each costs some 2 KB: its sketch and its band keys). A run commits every
/// 64 MB of input, some 30,000 passages, so only a single file larger than that (a JSON
/// Lines export of hundreds of megabytes, written whole before a commit) reaches it: its
/// later passages are still matched with the committed index and with the first ones, not
/// with each other, and memory stays bounded however large the file.
pub const MAX_PENDING_PASSAGES: usize = 65_536;

/// A passage added since the last commit, as a candidate for those added after it.
struct Pending {
    /// The low 16 bits of each slot's minimum (a sketch's value without its slot number).
    mins: [u16; SLOTS],
    shingles: u64,
}

/// A band key's passages among pending ones: a linked list through `Copies::links`, each
/// with what decides whether it is a candidate.
#[derive(Clone, Copy)]
struct Link {
    cluster: u64,
    pending: u32,
    /// The `put` of a file it came from (see `Copies::file`).
    file: u32,
    lesson: bool,
    /// The next link's place in `Copies::links`, counted from 1 (so that a link takes 24
    /// bytes, not 32).
    next: Option<NonZeroU32>,
}

const _: () = assert!(std::mem::size_of::<Link>() == 24);

/// A band key's list of pending passages: its first link, held in the table itself (most
/// lists have one link, and reading it costs no second trip to memory), and its length.
#[derive(Clone, Copy)]
struct List {
    head: Link,
    len: u32,
}

/// A committed segment's columns that copies are looked up in.
struct Columns {
    sketch: Column<u64>,
    shingles: Column<u64>,
    cluster: Column<u64>,
    parent: Column<u64>,
    lessons: Lessons,
    alive: Option<AliveBitSet>,
    bands: Arc<InvertedIndexReader>,
}

/// A candidate copy: where its sketch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Candidate {
    Pending(u32),
    Committed(usize, DocId),
}

/// Finds each new passage's copy cluster (see the module's documentation).
pub(crate) struct Copies {
    fields: Fields,
    reader: IndexReader,
    /// The committed index's segments: none while it is being discarded (a rebuild).
    segments: Vec<Columns>,
    /// Whether `segments` are to be read again (from the last commit) before a lookup.
    stale: bool,
    /// `parent_key`s of committed passages removed since the last commit.
    removed: HashSet<u64>,
    pending: Vec<Pending>,
    bands: FxHashMap<u64, List>,
    links: Vec<Link>,
    /// Whether each `put` of a file since the last commit still stands.
    files: Vec<bool>,
    /// A file's standing `put`, by path.
    current: HashMap<String, u32>,
    /// What each band key's look-up in the committed index has read since it was loaded:
    /// a key met again (a text held many times) is not looked up and read again.
    looked: Looked,
}

/// A passage a band key's look-up read in the committed index, with what decides whether it
/// is a candidate (its `parent_key` against the files removed since, whether it is a lesson).
#[derive(Clone, Copy)]
struct Seen {
    parent: u64,
    cluster: u64,
    doc: DocId,
    segment: u16,
    alive: bool,
    lesson: bool,
}

const _: () = assert!(std::mem::size_of::<Seen>() == 24);

/// The passages read by each band key's look-up in the committed index, in the order read
/// (segment by segment, each in its postings' order), so that replaying them takes the
/// candidates a new look-up would. Bounded: once `max` keys or passages are held, keys not
/// yet held are looked up every time.
struct Looked {
    keys: FxHashMap<u64, Span>,
    seen: Vec<Seen>,
    /// `MAX_LOOKED`, or 0 to look every key up every time.
    max: usize,
}

/// A band key's passages in `Looked::seen`, and whether they are all the key has (every
/// segment's postings read to their end).
#[derive(Clone, Copy)]
struct Span {
    start: u32,
    len: u8,
    complete: bool,
}

/// At most this many band keys, and passages read by their look-ups, are kept (some 16
/// bytes a key, 24 a passage): 32 MB at most.
const MAX_LOOKED: usize = 1 << 20;

impl Looked {
    fn new(max: usize) -> Looked {
        Looked {
            keys: FxHashMap::default(),
            seen: Vec::new(),
            max,
        }
    }

    fn clear(&mut self) {
        self.keys.clear();
        self.seen.clear();
    }
}

impl Copies {
    /// Copies against the committed `index`, or against nothing when it is being discarded.
    pub(crate) fn new(index: &Index, fields: Fields, discard: bool) -> Result<Copies> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Copies {
            fields,
            reader,
            segments: Vec::new(),
            stale: !discard,
            removed: HashSet::new(),
            pending: Vec::new(),
            bands: FxHashMap::default(),
            links: Vec::new(),
            files: Vec::new(),
            current: HashMap::new(),
            looked: Looked::new(MAX_LOOKED),
        })
    }

    /// Starts from the index as last committed: what was pending is in it now. Its segments
    /// are read when a passage is next looked up (the last commit of a run needs none).
    pub(crate) fn committed(&mut self) {
        self.stale = true;
        self.segments.clear();
        self.removed.clear();
        self.pending.clear();
        self.bands.clear();
        self.links.clear();
        self.files.clear();
        self.current.clear();
        self.looked.clear();
    }

    /// Reads the committed index's segments.
    fn load(&mut self) -> Result<()> {
        self.reader.reload()?;
        let searcher = self.reader.searcher();
        self.segments = searcher
            .segment_readers()
            .iter()
            .map(|segment| {
                let fast = segment.fast_fields();
                Ok(Columns {
                    sketch: fast.u64("sketch")?,
                    shingles: fast.u64("shingles")?,
                    cluster: fast.u64("cluster")?,
                    parent: fast.u64("parent_key")?,
                    lessons: Lessons::of(segment),
                    alive: segment.alive_bitset().cloned(),
                    bands: segment.inverted_index(self.fields.bands)?,
                })
            })
            .collect::<Result<_>>()?;
        self.looked.clear();
        self.stale = false;
        Ok(())
    }

    /// Forgets the committed index (a rebuild discards it).
    pub(crate) fn discard_committed(&mut self) {
        self.stale = false;
        self.segments.clear();
        self.looked.clear();
    }

    /// Forgets what a file's passages were: the committed ones (of documents with these
    /// `parent_key`s) and the pending ones. Returns the number its new passages go in with.
    pub(crate) fn file(&mut self, path: &str, parent_keys: impl IntoIterator<Item = u64>) -> u32 {
        self.removed.extend(parent_keys);
        if let Some(old) = self.current.get(path) {
            self.files[*old as usize] = false;
        }
        let file = self.files.len() as u32;
        self.files.push(true);
        self.current.insert(path.to_owned(), file);
        file
    }

    /// The copy clusters of a new passage of `file` (its `id_key`, sketch and whether it is
    /// a lesson: a lesson only ever copies a lesson), and its band keys, to index with it.
    /// The first cluster is the one it copies most closely, or its own; the others are those
    /// of other passages it copies too (a report that quotes two lessons).
    pub(crate) fn cluster(
        &mut self,
        id_key: u64,
        sketch: &Sketch,
        lesson: bool,
        file: u32,
    ) -> Result<(Vec<u64>, Vec<u64>)> {
        if self.stale {
            self.load()?;
        }
        let own = fnv(sketch.values.iter().flat_map(|v| v.to_le_bytes()), id_key);
        let bands = sketch::bands(sketch);
        if bands.is_empty() {
            return Ok((vec![own], bands));
        }
        // Each candidate, its cluster and how many bands it shares with the new passage.
        let mut candidates: FxHashMap<Candidate, (u64, u32)> = FxHashMap::default();
        for &band in &bands {
            let Some(list) = self.bands.get(&band) else {
                continue;
            };
            for l in chain(&self.links, &list.head) {
                if self.files[l.file as usize] && l.lesson == lesson {
                    candidates
                        .entry(Candidate::Pending(l.pending))
                        .or_insert((l.cluster, 0))
                        .1 += 1;
                }
            }
        }
        for &band in &bands {
            self.committed_candidates(band, lesson, &mut candidates)?;
        }
        // The cluster of the candidate it copies most closely (ties: the smaller key, so the
        // choice does not depend on the order candidates were met in). The candidates that
        // share the most bands are compared first, a few per cluster.
        let mut ranked: Vec<(Candidate, u64, u32)> = candidates
            .into_iter()
            .map(|(candidate, (cluster, hits))| (candidate, cluster, hits))
            .collect();
        ranked.sort_unstable_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)).then(a.0.cmp(&b.0)));
        // Per cluster: its passages compared, those copied, and the most slots shared with
        // one. A cluster is joined when most of its passages compared are copied: a text
        // that merely shares a template's frame with one member of a cluster of profiles
        // written from it does not chain into it.
        let mut tally: FxHashMap<u64, (usize, usize, usize)> = FxHashMap::default();
        for (candidate, cluster, _) in ranked {
            let (compared, copies, common) = tally.entry(cluster).or_default();
            if *compared == PER_CLUSTER {
                continue;
            }
            *compared += 1;
            let (shared, shingles) = match candidate {
                Candidate::Pending(i) => {
                    let p = &self.pending[i as usize];
                    let values = p.mins.iter().enumerate().map(|(s, &m)| sketch::value(s, m));
                    (sketch::common(sketch, values), p.shingles)
                }
                Candidate::Committed(s, doc) => {
                    let columns = &self.segments[s];
                    let values = columns.sketch.values_for_doc(doc);
                    let shingles = columns.shingles.first(doc).unwrap_or_default();
                    (sketch::common(sketch, values), shingles)
                }
            };
            if sketch::copies_given(shared, sketch.shingles, shingles, lesson) {
                *copies += 1;
                *common = (*common).max(shared);
            }
        }
        let mut clusters: Vec<(usize, u64)> = tally
            .into_iter()
            .filter(|(_, (compared, copies, _))| 2 * copies > *compared)
            .map(|(cluster, (_, _, common))| (common, cluster))
            .collect();
        clusters.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut clusters: Vec<u64> = clusters.into_iter().map(|(_, k)| k).collect();
        if clusters.is_empty() {
            clusters.push(own);
        }
        self.add(sketch, lesson, clusters[0], file, &bands);
        Ok((clusters, bands))
    }

    /// Adds a band key's candidates in the committed index: at most `PER_BAND` passages
    /// over all segments that are alive, not of a file removed since the last commit, and
    /// lessons when the new passage is one, among the first `PER_BAND_READ` it holds. What a
    /// look-up read is kept and replayed for the key's next look-ups; only when the replay
    /// runs out before taking or reading enough (files removed since, or a lesson where
    /// passages were taken before) is the key looked up again, further.
    fn committed_candidates(
        &mut self,
        band: u64,
        lesson: bool,
        candidates: &mut FxHashMap<Candidate, (u64, u32)>,
    ) -> Result<()> {
        let qualifies = |seen: &Seen| {
            seen.alive && seen.lesson == lesson && !self.removed.contains(&seen.parent)
        };
        if let Some(span) = self.looked.keys.get(&band) {
            let held = &self.looked.seen[span.start as usize..][..span.len as usize];
            let (mut taken, mut read) = (0, 0);
            for seen in held {
                if taken == PER_BAND || read == PER_BAND_READ {
                    break;
                }
                read += 1;
                taken += usize::from(qualifies(seen));
            }
            if span.complete || taken == PER_BAND || read == PER_BAND_READ {
                for seen in held[..read].iter().filter(|s| qualifies(s)) {
                    candidates
                        .entry(Candidate::Committed(usize::from(seen.segment), seen.doc))
                        .or_insert((seen.cluster, 0))
                        .1 += 1;
                }
                return Ok(());
            }
        }
        let term = Term::from_field_u64(self.fields.bands, band);
        let (mut taken, mut read, mut complete) = (0, 0, true);
        let mut held = Vec::new();
        for (s, columns) in self.segments.iter().enumerate() {
            if taken == PER_BAND || read == PER_BAND_READ {
                complete = false;
                break;
            }
            let Some(mut postings) = columns
                .bands
                .read_postings(&term, IndexRecordOption::Basic)
                .map_err(tantivy::TantivyError::from)?
            else {
                continue;
            };
            let mut doc = postings.doc();
            while doc != TERMINATED && taken < PER_BAND && read < PER_BAND_READ {
                read += 1;
                let alive = columns.alive.as_ref().is_none_or(|a| a.is_alive(doc));
                let seen = Seen {
                    parent: columns.parent.first(doc).unwrap_or_default(),
                    cluster: if alive {
                        columns.cluster.first(doc).unwrap_or_default()
                    } else {
                        0
                    },
                    doc,
                    segment: s as u16,
                    alive,
                    lesson: columns.lessons.contains(doc),
                };
                if qualifies(&seen) {
                    taken += 1;
                    candidates
                        .entry(Candidate::Committed(s, doc))
                        .or_insert((seen.cluster, 0))
                        .1 += 1;
                }
                held.push(seen);
                doc = postings.advance();
            }
            complete &= doc == TERMINATED;
        }
        if self.looked.keys.len() < self.looked.max
            && self.looked.seen.len() + held.len() <= self.looked.max
            && self.segments.len() <= 1 << 16
        {
            let span = Span {
                start: self.looked.seen.len() as u32,
                len: held.len() as u8,
                complete,
            };
            self.looked.seen.extend(held);
            self.looked.keys.insert(band, span);
        }
        Ok(())
    }

    /// Makes a new passage a candidate for those added after it (up to
    /// [`MAX_PENDING_PASSAGES`]), under each band key whose
    /// list holds fewer than `PER_CLUSTER` passages of its cluster and is not crowded.
    fn add(&mut self, sketch: &Sketch, lesson: bool, cluster: u64, file: u32, bands: &[u64]) {
        if self.pending.len() >= MAX_PENDING_PASSAGES {
            return;
        }
        let index = self.pending.len() as u32;
        let mut needed = false;
        let Copies {
            bands: table,
            links,
            files,
            ..
        } = self;
        for &band in bands {
            let head = Link {
                cluster,
                pending: index,
                file,
                lesson,
                next: None,
            };
            match table.entry(band) {
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(List { head, len: 1 });
                }
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    let list = e.get_mut();
                    let full = list.len as usize >= CROWDED
                        || (list.len as usize >= PER_CLUSTER
                            && chain(links, &list.head)
                                .filter(|l| {
                                    l.cluster == cluster
                                        && files[l.file as usize]
                                        && l.lesson == lesson
                                })
                                .nth(PER_CLUSTER - 1)
                                .is_some());
                    if full {
                        continue;
                    }
                    links.push(list.head);
                    list.head = Link {
                        next: NonZeroU32::new(links.len() as u32),
                        ..head
                    };
                    list.len += 1;
                }
            }
            needed = true;
        }
        if needed {
            let mut mins = [0u16; SLOTS];
            for (min, value) in mins.iter_mut().zip(&sketch.values) {
                *min = *value as u16;
            }
            self.pending.push(Pending {
                mins,
                shingles: sketch.shingles,
            });
        }
    }
}

/// The links of a band key's list, from its head.
fn chain<'a>(links: &'a [Link], head: &'a Link) -> impl Iterator<Item = &'a Link> + 'a {
    std::iter::successors(Some(head), |l| l.next.map(|i| &links[i.get() as usize - 1]))
}

/// A text as the one passage of a document of its own, in a file of its own named after it.
pub(crate) fn lone_passage(
    id: &str,
    text: &str,
) -> (crate::indexer::FileRecord, minga_core::Passage) {
    use minga_core::{Kind, Lang, Passage, SourceRef};

    let path = format!("{id}.txt");
    let passage = Passage {
        id: id.to_owned(),
        parent: id.to_owned(),
        kind: Kind::Other,
        title: String::new(),
        title_source: Default::default(),
        heading: None,
        heading_level: 0,
        text: text.to_owned(),
        lang: Lang::Es,
        country: None,
        regions: Vec::new(),
        institutions: Vec::new(),
        date: None,
        date_source: None,
        event: None,
        location: None,
        topics: Vec::new(),
        authors: Vec::new(),
        edition_of: None,
        source: SourceRef {
            path: path.clone(),
            ..SourceRef::default()
        },
        position: 1,
        lesson: None,
    };
    let record = crate::indexer::FileRecord {
        path,
        hash: format!("{:x}", fnv(text.bytes(), crate::schema::FNV_OFFSET)),
        size: text.len() as u64,
        modified: None,
        documents: [id].into_iter().collect(),
        passages: 0,
        problems: Vec::new(),
        embedded_with: None,
    };
    (record, passage)
}

/// Each passage's clusters in the index in `dir`, by `id_key`.
fn clusters_in(dir: &std::path::Path) -> Result<HashMap<u64, Vec<u64>>> {
    let index = Index::open_in_dir(dir)?;
    let searcher = crate::indexer::searcher_once(&index)?;
    let mut clusters = HashMap::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let (ids, cluster) = (fast.u64("id_key")?, fast.u64("cluster")?);
        for doc in segment.doc_ids_alive() {
            if let Some(id) = ids.first(doc).filter(|&id| id != 0) {
                clusters.insert(id, cluster.values_for_doc(doc).collect::<Vec<u64>>());
            }
        }
    }
    Ok(clusters)
}

/// Whether each pair of texts (two lesson records, when its flag says so) ends up in one copy
/// cluster when indexed, each text a document of its own, into a new index in `dir`: what
/// `minga eval` measures. The first texts are
/// indexed and committed, then the second ones, so their copies are found by the lookups a
/// later run makes in the committed index.
pub fn clustered_pairs(dir: &std::path::Path, pairs: &[(&str, &str, bool)]) -> Result<Vec<bool>> {
    use crate::indexer::{Indexer, IndexerOptions};

    let options = IndexerOptions {
        threads: Some(1),
        ..IndexerOptions::default()
    };
    let mut indexer = Indexer::open(dir, &options)?;
    let id = |side: &str, i: usize| format!("{side}{i}");
    for side in ["a", "b"] {
        for (i, pair) in pairs.iter().enumerate() {
            let text = if side == "a" { pair.0 } else { pair.1 };
            let (record, mut passage) = lone_passage(&id(side, i), text);
            if pair.2 {
                passage.kind = minga_core::Kind::Lesson;
            }
            indexer.put(record, &[passage])?;
        }
        indexer.commit()?;
    }
    indexer.finish()?;
    let clusters = clusters_in(dir)?;
    let cluster = |id: &str| clusters.get(&fnv(id.bytes(), crate::schema::FNV_OFFSET));
    Ok((0..pairs.len())
        .map(|i| match (cluster(&id("a", i)), cluster(&id("b", i))) {
            (Some(a), Some(b)) => linked(a, b),
            _ => false,
        })
        .collect())
}

/// Whether two passages, by their clusters (first the closest's), are copies as a search
/// folds them: one's first cluster is among the other's. Two passages that each copy a third
/// on different sides (two reports quoting the same lesson) are, so are a passage and every
/// copy of it; two passages that merely share a cluster other than their first are not.
pub(crate) fn linked(a: &[u64], b: &[u64]) -> bool {
    a.first().is_some_and(|k| b.contains(k)) || b.first().is_some_and(|k| a.contains(k))
}

/// The copy clusters of the passages met so far, each with what it was first met with (a
/// hit and its passage): `linked`'s rule against every passage met at once.
pub(crate) struct Met<V> {
    clusters: KeyMap<Roles<V>>,
}

/// What a cluster was first met with: as any cluster of a passage, and as a first one.
#[derive(Clone, Copy)]
struct Roles<V> {
    any: V,
    first: Option<V>,
}

impl<V: Copy> Met<V> {
    /// Room for the clusters of about `passages` passages (most have one).
    pub(crate) fn with_capacity(passages: usize) -> Met<V> {
        let mut clusters = KeyMap::default();
        clusters.reserve(passages);
        Met { clusters }
    }

    /// What the passage met earlier that a passage with `clusters` copies was met with.
    pub(crate) fn original(&self, clusters: &[u64]) -> Option<V> {
        let (first, rest) = clusters.split_first()?;
        // A cluster met as a first one was met as any cluster too.
        match self.clusters.get(first) {
            Some(roles) => Some(roles.any),
            None => rest
                .iter()
                .find_map(|k| self.clusters.get(k).and_then(|roles| roles.first)),
        }
    }

    /// Meets a passage with `clusters`; a cluster met before keeps what it was met with.
    pub(crate) fn meet(&mut self, clusters: &[u64], value: V) {
        for (i, &k) in clusters.iter().enumerate() {
            let roles = self.clusters.entry(k).or_insert(Roles {
                any: value,
                first: None,
            });
            if i == 0 && roles.first.is_none() {
                roles.first = Some(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indexer::{Indexer, IndexerOptions};

    const LESSON: &str = "La articulación interinstitucional funciona mejor cuando cada \
        institución sabe qué decide, qué ejecuta y qué solo coordina. En Biobío, el comité \
        orienta instrumentos y la corporación gestiona proyectos y mesas; cuando los roles se \
        confundieron hubo duplicaciones.";
    const OTHER: &str = "El presupuesto participativo del gobierno regional asigna fondos a \
        proyectos de riego menor que las comunidades priorizan en asambleas anuales, con el \
        apoyo técnico de la agencia y de las municipalidades provinciales.";

    #[test]
    fn clusters_follow_files_across_commits_changes_and_deletions() {
        let dir = tempfile::tempdir().unwrap();
        let options = IndexerOptions {
            threads: Some(1),
            ..IndexerOptions::default()
        };
        let put = |indexer: &mut Indexer, id: &str, text: &str| {
            let (record, passage) = lone_passage(id, text);
            indexer.put(record, &[passage]).unwrap();
        };
        let key = |id: &str| fnv(id.bytes(), crate::schema::FNV_OFFSET);
        let reflowed = LESSON.replace(". ", ".\n\n");
        let longer = format!("{LESSON} Firmar un acuerdo de roles entre cada ARD y su gobierno.");

        // Two copies pending in one run, a third found in the committed index by a later run.
        let mut indexer = Indexer::open(dir.path(), &options).unwrap();
        put(&mut indexer, "a", LESSON);
        put(&mut indexer, "b", &reflowed);
        put(&mut indexer, "x", OTHER);
        indexer.commit().unwrap();
        indexer.finish().unwrap();
        let mut indexer = Indexer::open(dir.path(), &options).unwrap();
        put(&mut indexer, "c", &longer);
        indexer.commit().unwrap();
        let clusters = clusters_in(dir.path()).unwrap();
        let of = |id: &str| clusters[&key(id)].clone();
        assert!(linked(&of("a"), &of("b")) && linked(&of("a"), &of("c")));
        assert!(!linked(&of("a"), &of("x")));

        // `a` changes into another text (a copy of `x` now) and `b` goes; a new copy of the
        // lesson still joins `c`.
        put(&mut indexer, "a", OTHER);
        indexer.remove("b.txt");
        put(&mut indexer, "d", LESSON);
        indexer.commit().unwrap();
        indexer.finish().unwrap();
        let clusters = clusters_in(dir.path()).unwrap();
        let of = |id: &str| clusters[&key(id)].clone();
        assert!(!clusters.contains_key(&key("b")));
        assert!(!linked(&of("a"), &of("c")));
        assert!(linked(&of("a"), &of("x")));
        assert!(linked(&of("c"), &of("d")));
    }

    #[test]
    fn a_band_key_met_again_takes_the_candidates_a_new_look_up_would() {
        let dir = tempfile::tempdir().unwrap();
        let options = IndexerOptions {
            threads: Some(1),
            ..IndexerOptions::default()
        };
        // Many copies of a few texts over several commits (several segments), lessons and
        // passages alike, some of them deleted since: every band key has a long list.
        let texts = [LESSON, OTHER];
        let variant = |t: &str, i: usize| format!("{t} Caso {i}.");
        let mut indexer = Indexer::open(dir.path(), &options).unwrap();
        for i in 0..60 {
            for (j, text) in texts.iter().enumerate() {
                let (record, mut passage) = lone_passage(&format!("t{j}-{i}"), &variant(text, i));
                if i % 3 == 0 {
                    passage.kind = minga_core::Kind::Lesson;
                }
                indexer.put(record, &[passage]).unwrap();
            }
            if i % 15 == 14 {
                indexer.commit().unwrap();
            }
        }
        for i in (0..60).step_by(7) {
            indexer.remove(&format!("t0-{i}.txt"));
        }
        indexer.commit().unwrap();
        indexer.finish().unwrap();

        let index = Index::open_in_dir(dir.path()).unwrap();
        let fields = Fields::new();
        let mut cached = Copies::new(&index, fields.clone(), false).unwrap();
        let mut uncached = Copies::new(&index, fields, false).unwrap();
        uncached.looked = Looked::new(0);
        let parents: Vec<u64> = (1..60)
            .step_by(4)
            .flat_map(|i| crate::schema::group_keys(&format!("t0-{i}")))
            .collect();
        let (mut met_again, mut found) = (0, 0);
        for round in 0..3 {
            // Files being replaced in this run are no longer candidates, from round 1 on.
            if round == 1 {
                for copies in [&mut cached, &mut uncached] {
                    copies.file("t0-1.txt", parents.clone());
                }
            }
            for (j, text) in texts.iter().enumerate() {
                for lesson in [false, true] {
                    let id = format!("new{round}-{j}-{lesson}");
                    let key = fnv(id.bytes(), crate::schema::FNV_OFFSET);
                    let sketch = if lesson {
                        crate::sketch::lesson_sketch(&variant(text, 99))
                    } else {
                        crate::sketch::sketch(&variant(text, 99))
                    };
                    for band in sketch::bands(&sketch) {
                        met_again += usize::from(cached.looked.keys.contains_key(&band));
                        let mut taken = [FxHashMap::default(), FxHashMap::default()];
                        for (copies, taken) in
                            [&mut cached, &mut uncached].into_iter().zip(&mut taken)
                        {
                            copies.committed_candidates(band, lesson, taken).unwrap();
                        }
                        assert_eq!(taken[0], taken[1], "{id}, band key {band}");
                        found += usize::from(!taken[0].is_empty());
                    }
                    let file = cached.file(&format!("{id}.txt"), []);
                    assert_eq!(file, uncached.file(&format!("{id}.txt"), []));
                    assert_eq!(
                        cached.cluster(key, &sketch, lesson, file).unwrap(),
                        uncached.cluster(key, &sketch, lesson, file).unwrap(),
                        "{id}"
                    );
                }
            }
        }
        assert!(
            met_again > 100 && found > 100,
            "{met_again} keys replayed, {found} found"
        );
        assert!(uncached.looked.keys.is_empty());
    }
}
