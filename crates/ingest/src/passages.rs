//! Splitting a document into passages, the unit Minga indexes and returns.

use minga_core::{Document, Kind, Lang, LessonParts, Passage, Section, SourceRef};

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
/// each keeps its section's heading, page and line. A section headed "Lecciones aprendidas"
/// (and the like) gives lessons instead, see the `lessons` module. A document of
/// [`Kind::Lesson`] is one lesson passage with the document's id. Passages without letters
/// are dropped; a document with no text gives one passage of its title.
pub fn passages(doc: &Document) -> Vec<Passage> {
    let lang = doc
        .lang
        .unwrap_or_else(|| detect_lang(&format!("{}\n\n{}", doc.title, doc.full_text())));
    if doc.kind == Kind::Lesson {
        return vec![lesson_record(doc, lang)];
    }

    let sections = &doc.sections;
    let mut regular: Vec<(usize, String)> = Vec::new();
    let mut found: Vec<(usize, lessons::Lesson)> = Vec::new();
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
                for (offset, text) in block.leftover {
                    regular.extend(chunks(&text).into_iter().map(|c| (i + offset, c)));
                }
                found.extend(block.lessons.into_iter().map(|l| (i + l.section, l)));
                i = end;
                continue;
            }
        }
        regular.extend(chunks(&section.text).into_iter().map(|c| (i, c)));
        i += 1;
    }

    let mut out = Vec::with_capacity(regular.len() + found.len());
    if regular.is_empty() && found.is_empty() {
        if doc.title.chars().any(char::is_alphabetic) {
            let mut passage = base(doc, lang, doc.id.clone(), sections.first());
            passage.text = doc.title.clone();
            out.push(passage);
        }
        return out;
    }
    let single = regular.len() == 1 && found.is_empty();
    for (n, (index, text)) in regular.into_iter().enumerate() {
        let id = if single {
            doc.id.clone()
        } else {
            format!("{}:p{}", doc.id, n + 1)
        };
        let mut passage = base(doc, lang, id, sections.get(index));
        passage.text = text;
        passage.position = position(n);
        out.push(passage);
    }
    for (n, (index, lesson)) in found.into_iter().enumerate() {
        let mut passage = base(
            doc,
            lang,
            format!("{}:l{}", doc.id, n + 1),
            sections.get(index),
        );
        passage.kind = Kind::Lesson;
        passage.heading = lesson.heading.clone();
        passage.source.section = lesson.heading;
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
        heading: heading.clone(),
        text: String::new(),
        lang,
        country: doc.country.clone(),
        regions: doc.regions.clone(),
        institutions: doc.institutions.clone(),
        date: doc.date,
        event: doc.event.clone(),
        location: doc.location.clone(),
        topics: doc.topics.clone(),
        authors: doc.authors.clone(),
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
        match section.heading.as_deref().and_then(part_of) {
            Some(part) => {
                from_sections = true;
                let slot = match part {
                    Part::Lesson => &mut parts.lesson,
                    Part::Context => parts.context.get_or_insert_with(String::new),
                    Part::Recommendation => parts.recommendation.get_or_insert_with(String::new),
                };
                *slot = join_paragraphs([slot.as_str(), section.text.as_str()]);
            }
            None => narrative.push(section.text.as_str()),
        }
    }
    let mut text = join_paragraphs(narrative);
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
    passage.source.section = None;
    passage.source.line = doc.line.or(passage.source.line);
    passage.text = text;
    passage.lesson = Some(parts);
    passage
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// A piece of a section's text: a paragraph, or part of a paragraph too long to keep whole.
struct Piece {
    text: String,
    words: usize,
    /// Continues the previous piece's paragraph (joined with a space, not a blank line).
    continues: bool,
}

/// A section's text in chunks of at most [`MAX_PASSAGE_WORDS`] words, split at paragraphs,
/// of even size where possible; chunks without letters are dropped.
fn chunks(text: &str) -> Vec<String> {
    let text = text.trim();
    if !text.chars().any(char::is_alphabetic) {
        return Vec::new();
    }
    let total = word_count(text);
    if total <= MAX_PASSAGE_WORDS {
        return vec![text.to_string()];
    }
    let mut pieces = Vec::new();
    for paragraph in paragraphs(text) {
        let words = word_count(paragraph);
        if words <= MAX_PASSAGE_WORDS {
            pieces.push(Piece {
                text: paragraph.to_string(),
                words,
                continues: false,
            });
        } else {
            for (n, part) in split_paragraph(paragraph).into_iter().enumerate() {
                pieces.push(Piece {
                    words: word_count(&part),
                    text: part,
                    continues: n > 0,
                });
            }
        }
    }
    let count = total.div_ceil(MAX_PASSAGE_WORDS);
    let target = total.div_ceil(count);
    let mut out = Vec::new();
    let mut current = String::new();
    let mut words = 0;
    for piece in pieces {
        if words > 0 && (words + piece.words > MAX_PASSAGE_WORDS || words >= target) {
            out.push(std::mem::take(&mut current));
            words = 0;
        }
        if !current.is_empty() {
            current.push_str(if piece.continues { " " } else { "\n\n" });
        }
        current.push_str(&piece.text);
        words += piece.words;
    }
    if !current.is_empty() {
        out.push(current);
    }
    out.retain(|c| c.chars().any(char::is_alphabetic));
    out
}

/// Paragraphs: text between blank lines.
fn paragraphs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut offset = 0;
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            if let Some(s) = start.take() {
                out.push(text[s..end].trim());
            }
        } else {
            start.get_or_insert(offset);
            end = offset + line.len();
        }
        offset += line.len();
    }
    if let Some(s) = start {
        out.push(text[s..end].trim());
    }
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
            text: text.to_string(),
            page: None,
            line: Some(line),
        }
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
            assert_eq!(passage.source.line, Some(3));
        }
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
        let parts = chunks(&text);
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
        assert_eq!(p[1].heading.as_deref(), Some("Lecciones aprendidas"));
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
