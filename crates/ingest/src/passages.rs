//! Splitting a document into passages, the unit Minga indexes and returns.

use std::borrow::Cow;

use minga_core::{
    Block, Document, Kind, Lang, LessonParts, Normalizer, Passage, Section, SourceRef,
    render_blocks,
};

use crate::detect_lang;
use crate::draft::join_paragraphs;
use crate::lessons::{self, Part, is_lessons_heading, part_of};

/// Most words in a passage. Longer sections are split at paragraphs (then sentences, then
/// words) into chunks of roughly even size, none over this.
pub const MAX_PASSAGE_WORDS: usize = 300;

/// The passages of a document, in order: its regular passages (`{doc}:p{n}`, or the
/// document's own id when there is just one and no lessons) and its lessons (`{doc}:l{n}`).
///
/// Each section gives one passage, or several when it is longer than [`MAX_PASSAGE_WORDS`];
/// each keeps its section's heading and the page and line where it starts. A section headed
/// "Lecciones aprendidas" (and the like) gives lessons instead, see the `lessons` module:
/// each lesson is titled (its `heading`), cites where it starts, and carries the regions and
/// institutions its own text names (found with `normalizer`), else its document's. A
/// document of [`Kind::Lesson`] is one lesson passage with the document's id. Passages
/// without a letter or a digit are dropped; a document with no text gives one passage of its title.
pub fn passages(doc: &Document, normalizer: &Normalizer) -> Vec<Passage> {
    let lang = doc
        .lang
        .unwrap_or_else(|| detect_lang(&format!("{}\n\n{}", doc.title, doc.full_text())));
    if doc.kind == Kind::Lesson {
        return vec![lesson_record(doc, lang)];
    }

    let sections = &doc.sections;
    let mut regular: Vec<(usize, Chunk)> = Vec::new();
    let mut found: Vec<lessons::Lesson> = Vec::new();
    let mut i = 0;
    while i < sections.len() {
        let section = &sections[i];
        if section.heading.as_deref().is_some_and(is_lessons_heading) {
            let end = i
                + 1
                + sections[i + 1..]
                    .iter()
                    .take_while(|s| s.level > section.level)
                    .count();
            if let Some(block) = lessons::extract(&sections[i..end]) {
                for (offset, blocks) in block.leftover {
                    regular.extend(chunks(&blocks).into_iter().map(|c| (i + offset, c)));
                }
                found.extend(block.lessons);
                i = end;
                continue;
            }
        }
        regular.extend(chunks(&section.blocks).into_iter().map(|c| (i, c)));
        i += 1;
    }
    regular.sort_by_key(|(index, _)| *index);

    let mut out = Vec::with_capacity(regular.len() + found.len());
    if regular.is_empty() && found.is_empty() {
        if doc.title.chars().any(char::is_alphabetic) {
            let first = sections.first();
            let mut passage = base(doc, lang, doc.id.clone(), first);
            passage.text = doc.title.clone();
            out.push(passage);
        }
        return out;
    }
    let single = regular.len() == 1 && found.is_empty();
    for (n, (index, chunk)) in regular.into_iter().enumerate() {
        let id = if single {
            doc.id.clone()
        } else {
            format!("{}:p{}", doc.id, n + 1)
        };
        let mut passage = base(doc, lang, id, sections.get(index));
        passage.source.page = chunk.page.or(passage.source.page);
        passage.source.line = chunk.line.or(passage.source.line);
        passage.text = chunk.text;
        passage.position = position(n);
        out.push(passage);
    }
    for (n, lesson) in found.into_iter().enumerate() {
        let mut passage = base(doc, lang, format!("{}:l{}", doc.id, n + 1), None);
        passage.kind = Kind::Lesson;
        passage.heading = Some(lesson.title.clone());
        passage.source.section = lesson.section;
        passage.source.page = lesson.page;
        passage.source.line = lesson.line.or(doc.line);
        let mentions = normalizer.mentions(&format!("{}\n\n{}", lesson.title, lesson.text));
        if !mentions.regions.is_empty() {
            passage.country = mentions.country.or(passage.country);
            passage.regions = mentions.regions;
        }
        if !mentions.institutions.is_empty() {
            passage.institutions = mentions.institutions;
        }
        passage.text = lesson.text;
        passage.lesson = Some(lesson.parts);
        passage.position = position(n);
        out.push(passage);
    }
    out
}

fn position(n: usize) -> u32 {
    u32::try_from(n + 1).unwrap_or(u32::MAX)
}

/// A passage with the document's metadata and the section's place, text still empty.
fn base(doc: &Document, lang: Lang, id: String, section: Option<&Section>) -> Passage {
    let heading = section.and_then(|s| s.heading.clone());
    Passage {
        id,
        parent: doc.id.clone(),
        kind: doc.kind,
        title: doc.title.clone(),
        title_source: doc.title_source,
        heading: heading.clone(),
        heading_level: section
            .filter(|s| s.heading.is_some())
            .map_or(0, |s| s.level),
        text: String::new(),
        lang,
        country: doc.country.clone(),
        regions: doc.regions.clone(),
        institutions: doc.institutions.clone(),
        date: doc.date,
        date_source: doc.date_source,
        event: doc.event.clone(),
        location: doc.location.clone(),
        topics: doc.topics.clone(),
        authors: doc.authors.clone(),
        edition_of: doc.edition_of.clone(),
        source: SourceRef {
            path: doc.source.clone(),
            section: heading,
            page: section.and_then(|s| s.page),
            line: section.and_then(|s| s.line).or(doc.line),
        },
        position: 1,
        lesson: None,
    }
}

/// A lesson document as its one passage: parts from sections headed `Lección`, `Contexto`,
/// `Recomendación` (or English), else from labelled lines, else the whole text is the lesson.
fn lesson_record(doc: &Document, lang: Lang) -> Passage {
    let mut parts = LessonParts::default();
    let mut narrative = Vec::new();
    let mut from_sections = false;
    for section in &doc.sections {
        let text = section.text();
        match section.heading.as_deref().and_then(part_of) {
            Some(part) => {
                from_sections = true;
                let slot = match part {
                    Part::Lesson => &mut parts.lesson,
                    Part::Context => parts.context.get_or_insert_with(String::new),
                    Part::Recommendation => parts.recommendation.get_or_insert_with(String::new),
                };
                *slot = join_paragraphs([slot.as_str(), text.as_str()]);
            }
            None => narrative.push(text),
        }
    }
    let mut text = join_paragraphs(narrative.iter().map(String::as_str));
    if !from_sections {
        let labelled = lessons::parse_labelled(&text);
        if labelled.labelled {
            parts = labelled.parts;
            text = labelled.text;
        } else {
            parts.lesson = text.clone();
        }
    }
    parts.context = parts.context.filter(|c| !c.trim().is_empty());
    parts.recommendation = parts.recommendation.filter(|r| !r.trim().is_empty());
    // Every part must be findable in the passage's text.
    let pieces = [
        Some(parts.lesson.as_str()),
        parts.context.as_deref(),
        parts.recommendation.as_deref(),
    ];
    for piece in pieces.into_iter().flatten() {
        if !piece.trim().is_empty() && !text.contains(piece.trim()) {
            text = join_paragraphs([text.as_str(), piece]);
        }
    }
    if parts.lesson.trim().is_empty() {
        parts.lesson = if text.is_empty() {
            doc.title.clone()
        } else {
            text.clone()
        };
    }
    if text.is_empty() {
        text = doc.title.clone();
    }
    let mut passage = base(doc, lang, doc.id.clone(), doc.sections.first());
    passage.kind = Kind::Lesson;
    passage.heading = None;
    passage.heading_level = 0;
    passage.source.section = None;
    passage.source.line = doc.line.or(passage.source.line);
    passage.text = text;
    passage.lesson = Some(parts);
    passage
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// A passage's worth of a section: its text and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Chunk {
    text: String,
    page: Option<u32>,
    line: Option<u32>,
}

/// A piece of a section: a block, or part of a block too long to keep whole.
struct Piece<'a> {
    block: Cow<'a, Block>,
    words: usize,
    /// Continues the previous piece's block (joined with a space, not a blank line).
    continues: bool,
}

/// A section's blocks in chunks of at most [`MAX_PASSAGE_WORDS`] words, split between blocks,
/// of even size where possible, each with the page and line of its first block; chunks
/// without a letter or a digit are dropped.
fn chunks(blocks: &[Block]) -> Vec<Chunk> {
    let counted: Vec<(&Block, usize)> = blocks
        .iter()
        .map(|b| (b, word_count(&b.text)))
        .filter(|(_, words)| *words > 0)
        .collect();
    if !counted
        .iter()
        .any(|(b, _)| b.text.chars().any(char::is_alphanumeric))
    {
        return Vec::new();
    }
    let total: usize = counted.iter().map(|(_, words)| words).sum();
    let chunk_of = |pieces: &[Cow<'_, Block>]| Chunk {
        text: render_blocks(pieces.iter().map(|b| b.as_ref())),
        page: pieces.first().and_then(|b| b.page),
        line: pieces.first().and_then(|b| b.line),
    };
    if total <= MAX_PASSAGE_WORDS {
        let pieces: Vec<Cow<'_, Block>> = counted.iter().map(|(b, _)| Cow::Borrowed(*b)).collect();
        return vec![chunk_of(&pieces)];
    }
    let mut pieces = Vec::new();
    for (block, words) in counted {
        if words <= MAX_PASSAGE_WORDS {
            pieces.push(Piece {
                block: Cow::Borrowed(block),
                words,
                continues: false,
            });
        } else {
            for (n, part) in split_paragraph(&block.text).into_iter().enumerate() {
                let mut piece = block.clone();
                piece.text = part;
                pieces.push(Piece {
                    words: word_count(&piece.text),
                    block: Cow::Owned(piece),
                    continues: n > 0,
                });
            }
        }
    }
    let count = total.div_ceil(MAX_PASSAGE_WORDS);
    let target = total.div_ceil(count);
    let mut out = Vec::new();
    let mut current: Vec<Cow<'_, Block>> = Vec::new();
    let mut words = 0;
    for piece in pieces {
        if words > 0 && (words + piece.words > MAX_PASSAGE_WORDS || words >= target) {
            out.push(chunk_of(&std::mem::take(&mut current)));
            words = 0;
        }
        match current.last_mut() {
            Some(last) if piece.continues => {
                let text = &mut last.to_mut().text;
                text.push(' ');
                text.push_str(&piece.block.text);
            }
            _ => current.push(piece.block),
        }
        words += piece.words;
    }
    if !current.is_empty() {
        out.push(chunk_of(&current));
    }
    out.retain(|c| c.text.chars().any(char::is_alphanumeric));
    out
}

/// A paragraph over the limit, in pieces of whole sentences (or, for a sentence over the
/// limit, of [`MAX_PASSAGE_WORDS`] words).
fn split_paragraph(paragraph: &str) -> Vec<String> {
    let mut sentences: Vec<Vec<&str>> = vec![Vec::new()];
    for word in paragraph.split_whitespace() {
        if let Some(sentence) = sentences.last_mut() {
            sentence.push(word);
        }
        let end = word.trim_end_matches(['"', '\'', ')', ']', '»', '”', '’']);
        if end.ends_with(['.', '!', '?', '…']) {
            sentences.push(Vec::new());
        }
    }
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for sentence in sentences.into_iter().filter(|s| !s.is_empty()) {
        if !current.is_empty() && current.len() + sentence.len() > MAX_PASSAGE_WORDS {
            out.push(current.join(" "));
            current.clear();
        }
        if sentence.len() > MAX_PASSAGE_WORDS {
            for words in sentence.chunks(MAX_PASSAGE_WORDS) {
                if current.len() + words.len() > MAX_PASSAGE_WORDS {
                    out.push(current.join(" "));
                    current.clear();
                }
                current.extend_from_slice(words);
            }
        } else {
            current.extend(sentence);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(sections: Vec<Section>) -> Document {
        let mut doc = Document::new("notas.taller", "notas/taller.md");
        doc.title = "Taller".into();
        doc.lang = Some(Lang::Es);
        doc.regions = vec!["Cusco".into()];
        doc.sections = sections;
        doc
    }

    fn section(heading: Option<&str>, level: u8, text: &str, line: u32) -> Section {
        Section {
            heading: heading.map(str::to_string),
            level,
            blocks: crate::blocks::from_text(text, Some(line)),
            page: None,
            line: Some(line),
        }
    }

    fn passages(doc: &Document) -> Vec<Passage> {
        super::passages(doc, &Normalizer::default())
    }

    fn words(n: usize, word: &str) -> String {
        let mut s = vec![word; n].join(" ");
        s.push('.');
        s
    }

    #[test]
    fn a_short_document_is_one_passage_with_the_document_id() {
        let d = doc(vec![section(Some("Jornada"), 1, "Texto breve.", 5)]);
        let p = passages(&d);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].id, "notas.taller");
        assert_eq!(p[0].parent, "notas.taller");
        assert_eq!(p[0].heading.as_deref(), Some("Jornada"));
        assert_eq!(p[0].source.line, Some(5));
        assert_eq!(p[0].source.path, "notas/taller.md");
        assert_eq!(p[0].regions, ["Cusco"]);
        assert_eq!(p[0].position, 1);
    }

    #[test]
    fn long_sections_split_at_paragraphs_under_the_limit() {
        let long = [
            words(120, "uno"),
            words(120, "dos"),
            words(120, "tres"),
            words(50, "cuatro"),
        ]
        .join("\n\n");
        let d = doc(vec![
            section(Some("Intro"), 1, "Breve.", 1),
            section(Some("Largo"), 2, &long, 3),
            section(Some("Vacío"), 2, "---", 9),
        ]);
        let p = passages(&d);
        let ids: Vec<&str> = p.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            ["notas.taller:p1", "notas.taller:p2", "notas.taller:p3"]
        );
        for passage in &p[1..] {
            assert_eq!(passage.heading.as_deref(), Some("Largo"));
            assert!(word_count(&passage.text) <= MAX_PASSAGE_WORDS);
        }
        // Each passage cites the line its first paragraph starts on.
        assert_eq!(p[1].source.line, Some(3));
        assert_eq!(p[2].source.line, Some(7));
        assert_eq!(word_count(&p[1].text), 240);
        assert_eq!(word_count(&p[2].text), 170);
        assert_eq!(p[2].position, 3);
    }

    #[test]
    fn a_huge_paragraph_splits_at_sentences_then_words() {
        let text = format!(
            "{} {} {}",
            words(200, "a"),
            words(200, "b"),
            words(700, "c")
        );
        let parts: Vec<String> = chunks(&[Block::paragraph(text)])
            .into_iter()
            .map(|c| c.text)
            .collect();
        assert!(
            parts.iter().all(|c| word_count(c) <= MAX_PASSAGE_WORDS),
            "{:?}",
            parts.iter().map(|c| word_count(c)).collect::<Vec<_>>()
        );
        assert_eq!(parts.iter().map(|c| word_count(c)).sum::<usize>(), 1100);
        assert!(parts[0].starts_with("a a"));
        assert!(parts[1].starts_with("b b"));
    }

    #[test]
    fn lessons_become_passages_of_their_own() {
        let d = doc(vec![
            section(Some("Taller"), 1, "Se reunieron los equipos.", 1),
            section(
                Some("Lecciones aprendidas"),
                2,
                "- Confiar toma tiempo.\n- Medir ayuda.",
                4,
            ),
        ]);
        let p = passages(&d);
        let ids: Vec<&str> = p.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            ["notas.taller:p1", "notas.taller:l1", "notas.taller:l2"]
        );
        assert_eq!(p[1].kind, Kind::Lesson);
        assert_eq!(p[1].parent, "notas.taller");
        assert_eq!(p[1].heading.as_deref(), Some("Confiar toma tiempo"));
        assert_eq!(p[1].source.section.as_deref(), Some("Lecciones aprendidas"));
        assert_eq!(p[1].source.line, Some(4));
        assert_eq!(p[2].source.line, Some(5));
        assert_eq!(p[1].text, "Confiar toma tiempo.");
        assert_eq!(p[1].lesson.as_ref().unwrap().lesson, "Confiar toma tiempo.");
        assert_eq!(p[2].position, 2);
        assert_eq!(p[0].kind, Kind::Other);
    }

    #[test]
    fn a_lesson_record_is_one_passage() {
        let mut d = doc(vec![
            section(None, 0, "Narrativa del caso.", 2),
            section(Some("Lección"), 2, "Hay que medir.", 2),
            section(Some("Contexto"), 2, "No había datos.", 2),
        ]);
        d.kind = Kind::Lesson;
        d.id = "l-7".into();
        let p = passages(&d);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].id, "l-7");
        assert_eq!(p[0].kind, Kind::Lesson);
        let parts = p[0].lesson.as_ref().unwrap();
        assert_eq!(parts.lesson, "Hay que medir.");
        assert_eq!(parts.context.as_deref(), Some("No había datos."));
        assert_eq!(parts.recommendation, None);
        assert_eq!(
            p[0].text,
            "Narrativa del caso.\n\nHay que medir.\n\nNo había datos."
        );
    }

    #[test]
    fn a_document_without_text_is_its_title() {
        let mut d = doc(Vec::new());
        d.lang = None;
        let p = passages(&d);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].text, "Taller");
        assert_eq!(p[0].lang, Lang::Es);
    }
}
