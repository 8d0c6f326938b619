//! Finding lessons learned inside documents, and their parts (lesson, context,
//! recommendation), the same way whatever the format the document came from.
//!
//! A section whose heading names lessons ("Lecciones aprendidas", "Paso 6: Lecciones
//! aprendidas", "Lessons learned", "Aprendizajes"…) opens a lessons block: the section and its
//! deeper subsections. In it, each sub-heading is one lesson (titled by it) and each item of a
//! top-level list is one lesson (titled by its first sentence), with what follows it up to the
//! next one; without either, lessons are told apart by their labels (a second `Contexto:`
//! starts the next one) or, with no labels either, each paragraph is one. Inside a lesson,
//! text labelled `Contexto:`, `Lección:`, `Recomendación:` (or `Context:`, `Lesson:`,
//! `Recommendation:`, `Aprendizaje:`…), at the start of a line or after a sentence, fills the
//! parts.

use minga_core::{Block, LessonParts, Section, fold, render_blocks};

use crate::draft::join_paragraphs;

/// Headings that open a lessons block, folded, numbering and a leading "Paso 6" left out.
const LESSONS_HEADINGS: &[&str] = &[
    "lecciones aprendidas",
    "lecciones",
    "aprendizajes",
    "lessons learned",
    "lessons",
    "leccion aprendida",
    "lesson learned",
    "key lessons",
    "principales aprendizajes",
];

/// Phrases that open a lessons block when a heading starts with them.
const LESSONS_PREFIXES: &[&str] = &[
    "lecciones aprendidas",
    "lessons learned",
    "leccion aprendida",
    "lesson learned",
    "aprendizajes",
    "lecciones y",
    "lessons and",
];

/// Phrases that open a lessons block wherever they stand in a heading ("Principales lecciones
/// aprendidas", "Resumen de lecciones aprendidas").
const LESSONS_PHRASES: &[&str] = &[
    "lecciones aprendidas",
    "lessons learned",
    "leccion aprendida",
    "lesson learned",
];

/// Words that number a part of a document before its name: "Paso 6:", "Capítulo 3 –".
const STEP_WORDS: &[&str] = &[
    "paso", "etapa", "fase", "capitulo", "seccion", "parte", "anexo", "apartado", "step", "stage",
    "phase", "chapter", "section", "part", "annex", "appendix",
];

/// Longest label before the colon, in characters.
const MAX_LABEL_CHARS: usize = 40;

/// Longest title taken from a lesson's first sentence, in characters; longer ones are cut at
/// a word and end in `…`.
pub(crate) const MAX_LESSON_TITLE_CHARS: usize = 140;

/// A part of a lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Lesson,
    Context,
    Recommendation,
}

impl Part {
    /// The heading a lesson record's part section carries, in the document's language (in
    /// English for a language other than Spanish).
    pub(crate) fn heading(self, lang: minga_core::Lang) -> &'static str {
        match (self, lang.ui()) {
            (Part::Lesson, minga_core::Lang::Es) => "Lección",
            (Part::Context, minga_core::Lang::Es) => "Contexto",
            (Part::Recommendation, minga_core::Lang::Es) => "Recomendación",
            (Part::Lesson, _) => "Lesson",
            (Part::Context, _) => "Context",
            (Part::Recommendation, _) => "Recommendation",
        }
    }
}

/// The words of a heading or label: folded, numbering, a leading "Paso 6" and punctuation
/// dropped.
fn words(text: &str) -> String {
    let folded = fold(text);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let numbering = |w: &&str| {
        w.chars().all(|c| c.is_ascii_digit())
            || (w.len() <= 4 && w.chars().all(|c| matches!(c, 'i' | 'v' | 'x')))
    };
    let mut rest = &words[..];
    loop {
        match rest {
            [first, next, tail @ ..] if STEP_WORDS.contains(first) && numbering(next) => {
                rest = tail;
            }
            [first, tail @ ..] if numbering(first) && !tail.is_empty() => rest = tail,
            [letter, tail @ ..]
                if letter.len() == 1
                    && letter.chars().all(|c| c.is_ascii_lowercase())
                    && tail.len() > 1 =>
            {
                rest = tail
            }
            _ => break,
        }
    }
    rest.join(" ")
}

/// Whether a heading opens a lessons block.
pub(crate) fn is_lessons_heading(heading: &str) -> bool {
    let words = words(heading);
    LESSONS_HEADINGS.contains(&words.as_str())
        || LESSONS_PREFIXES
            .iter()
            .any(|p| words.starts_with(p) && words[p.len()..].starts_with(' '))
        || LESSONS_PHRASES.iter().any(|p| has_phrase(&words, p))
}

/// Whether the words `phrase` appear in `words` (words separated by single spaces) as whole
/// words.
fn has_phrase(words: &str, phrase: &str) -> bool {
    words.match_indices(phrase).any(|(at, _)| {
        let end = at + phrase.len();
        (at == 0 || words.as_bytes()[at - 1] == b' ')
            && (end == words.len() || words.as_bytes()[end] == b' ')
    })
}

/// The part a label (`Contexto`) or a part heading names.
pub(crate) fn part_of(label: &str) -> Option<Part> {
    match words(label).as_str() {
        "leccion" | "leccion aprendida" | "lesson" | "lesson learned" | "aprendizaje"
        | "learning" => Some(Part::Lesson),
        "contexto" | "context" | "situacion" | "situation" | "antecedentes" | "background"
        | "problema" | "problem" => Some(Part::Context),
        "recomendacion" | "recomendaciones" | "recommendation" | "recommendations"
        | "sugerencia" | "propuesta" => Some(Part::Recommendation),
        _ => None,
    }
}

/// A labelled line (`Contexto: …`, `- **Contexto:** …`): its part and the text after the
/// label.
fn label(line: &str) -> Option<(Part, &str)> {
    let rest = match crate::blocks::list_marker(line) {
        Some(marker) => &line[marker.len..],
        None => line,
    };
    let rest = rest.trim_start().trim_start_matches(['*', '_']);
    let colon = rest.find(':')?;
    if rest[..colon].chars().count() > MAX_LABEL_CHARS {
        return None;
    }
    let part = part_of(&rest[..colon].replace(['*', '_'], ""))?;
    let after = rest[colon + 1..].trim_start_matches(['*', '_']).trim();
    Some((part, after))
}

/// Starts a new line before every label that follows a sentence inside a line ("…roles
/// explícitos. Contexto: el comité…"): a capitalised label word and a colon, after `.`, `;`,
/// `!` or `?`.
fn split_inline_labels(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut rest = line;
        loop {
            let cut = rest.match_indices([':']).find_map(|(colon, _)| {
                let before = &rest[..colon];
                let start = before
                    .rfind(['.', ';', '!', '?'])
                    .filter(|&p| before[p + 1..].starts_with(' '))?;
                let word = before[start + 1..].trim();
                let capitalised = word.chars().next().is_some_and(char::is_uppercase);
                (capitalised && word.chars().count() <= MAX_LABEL_CHARS && part_of(word).is_some())
                    .then_some(start + 1)
            });
            match cut {
                Some(at) => {
                    out.push_str(rest[..at].trim_end());
                    out.push('\n');
                    rest = rest[at..].trim_start();
                }
                None => {
                    out.push_str(rest);
                    break;
                }
            }
        }
    }
    out
}

/// Whether a text opens with a label.
fn opens_with_label(text: &str) -> Option<Part> {
    label(text.lines().next().unwrap_or("")).map(|(part, _)| part)
}

/// A lesson's text split into parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Labelled {
    /// The whole text, labels removed, pieces in source order separated by blank lines.
    pub text: String,
    pub parts: LessonParts,
    /// Whether any line carried a label.
    pub labelled: bool,
    /// The text before the first label, if any.
    pub unlabelled: String,
}

/// Splits text at labelled lines (and at labels after a sentence). Unlabelled text counts as
/// the lesson; a label alone on its line takes the paragraph that follows.
pub(crate) fn parse_labelled(text: &str) -> Labelled {
    let text = split_inline_labels(text);
    let mut segments: Vec<(Option<Part>, Vec<&str>)> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            // A label alone on its line keeps its part open across the blank line.
            let waiting = matches!(segments.last(), Some((Some(_), lines)) if lines.is_empty());
            open = open && waiting;
            if !open && let Some((_, lines)) = segments.last_mut() {
                lines.push("");
            }
            continue;
        }
        if let Some((part, after)) = label(line) {
            segments.push((Some(part), Vec::new()));
            if !after.is_empty()
                && let Some((_, lines)) = segments.last_mut()
            {
                lines.push(after);
            }
            open = true;
            continue;
        }
        match segments.last_mut() {
            Some((part, lines)) if open || part.is_none() => lines.push(line.trim()),
            _ => {
                segments.push((None, vec![line.trim()]));
                open = true;
            }
        }
    }

    let tidy = |lines: &[&str]| crate::draft::tidy_text(&lines.join("\n"));
    let join = |want: &dyn Fn(Option<Part>) -> bool| {
        let pieces: Vec<String> = segments
            .iter()
            .filter(|(part, _)| want(*part))
            .map(|(_, lines)| tidy(lines))
            .collect();
        join_paragraphs(pieces.iter().map(String::as_str))
    };
    let optional = |s: String| Some(s).filter(|s| !s.is_empty());
    Labelled {
        text: join(&|_| true),
        parts: LessonParts {
            lesson: join(&|p| matches!(p, None | Some(Part::Lesson))),
            context: optional(join(&|p| p == Some(Part::Context))),
            recommendation: optional(join(&|p| p == Some(Part::Recommendation))),
        },
        labelled: segments.iter().any(|(part, _)| part.is_some()),
        unlabelled: segments
            .first()
            .filter(|(part, _)| part.is_none())
            .map(|(_, lines)| tidy(lines))
            .unwrap_or_default(),
    }
}

/// A lesson found in a lessons block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lesson {
    /// Its title: its sub-heading, else its first sentence.
    pub title: String,
    /// The heading of the section it sits in: its own sub-heading, or the block's heading.
    pub section: Option<String>,
    /// Its text, labels removed.
    pub text: String,
    pub parts: LessonParts,
    /// Where it starts.
    pub page: Option<u32>,
    pub line: Option<u32>,
}

/// What a lessons block holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Found {
    pub lessons: Vec<Lesson>,
    /// The blocks of the block that are no lesson (an introduction, a closing remark), with
    /// the index, in the block, of the section they come from.
    pub leftover: Vec<(usize, Vec<Block>)>,
}

/// A lesson while the block is read: its title if a sub-heading gave one, its blocks.
#[derive(Debug, Default)]
struct Draft {
    title: Option<String>,
    section: Option<String>,
    blocks: Vec<Block>,
    page: Option<u32>,
    line: Option<u32>,
    /// The parts its labels have given so far.
    parts: Vec<Part>,
}

impl Draft {
    fn starting_with(block: Block, section: Option<&String>) -> Draft {
        let mut draft = Draft {
            section: section.cloned(),
            page: block.page,
            line: block.line,
            ..Draft::default()
        };
        draft.push(block);
        draft
    }

    fn push(&mut self, block: Block) {
        self.parts.extend(labels_in(&block.text));
        self.blocks.push(block);
    }
}

/// The parts the labels of a text name, in order.
fn labels_in(text: &str) -> Vec<Part> {
    if !text.contains(':') {
        return Vec::new();
    }
    split_inline_labels(text)
        .lines()
        .filter_map(|l| label(l).map(|(part, _)| part))
        .collect()
}

/// The lessons of a block (`block[0]` is the section with the lessons heading, the rest its
/// subsections); `None` when none can be recognised.
pub(crate) fn extract(block: &[Section]) -> Option<Found> {
    let (head, subsections) = block.split_first()?;
    let mut found = Found::default();
    let mut drafts: Vec<Draft> = Vec::new();

    // Under a heading with sub-headings, the heading's own text is an introduction unless it
    // lists lessons.
    let head_lists = head.blocks.iter().any(|b| b.item.is_some());
    if subsections.is_empty() || head_lists {
        let (lessons, leftover) = segment(&head.blocks, head.heading.as_ref());
        drafts.extend(lessons);
        if !leftover.is_empty() {
            found.leftover.push((0, leftover));
        }
    } else if !head.blocks.is_empty() {
        found.leftover.push((0, head.blocks.clone()));
    }

    let top = subsections.iter().map(|s| s.level).min();
    let mut i = 0;
    while i < subsections.len() {
        let section = &subsections[i];
        let end = i
            + 1
            + subsections[i + 1..]
                .iter()
                .take_while(|s| Some(s.level) > top)
                .count();
        let group = &subsections[i..end];
        i = end;
        let heading = section.heading.clone().unwrap_or_default();
        let mut blocks: Vec<Block> = section.blocks.clone();
        for deeper in &group[1..] {
            let mut heading_block = Block::paragraph(deeper.heading.clone().unwrap_or_default())
                .at_line(deeper.line)
                .on_page(deeper.page);
            // A part named by a sub-heading ("Contexto") reads as its label.
            if let Some(h) = &deeper.heading
                && part_of(h).is_some()
            {
                heading_block.text = format!("{}:", h.trim_end_matches(':'));
            }
            blocks.push(heading_block);
            blocks.extend(deeper.blocks.iter().cloned());
        }

        // A sub-heading that names a part ("Contexto") belongs to the lesson before it, unless
        // that lesson has the part already.
        if let Some(part) = part_of(&heading) {
            let labelled: Vec<Block> = std::iter::once(
                Block::paragraph(format!("{}:", heading.trim_end_matches(':')))
                    .at_line(section.line)
                    .on_page(section.page),
            )
            .chain(blocks)
            .collect();
            match drafts.last_mut() {
                Some(last) if !last.parts.contains(&part) => {
                    labelled.into_iter().for_each(|b| last.push(b));
                }
                _ => {
                    let mut draft = Draft {
                        section: head.heading.clone(),
                        page: section.page,
                        line: section.line,
                        ..Draft::default()
                    };
                    labelled.into_iter().for_each(|b| draft.push(b));
                    drafts.push(draft);
                }
            }
            continue;
        }

        // A sub-heading over a list of unlabelled items groups lessons ("Sobre el
        // financiamiento": - …, - …); otherwise it is one lesson.
        let items = blocks
            .iter()
            .filter(|b| b.item.is_some_and(|i| i.depth == 0))
            .count();
        let labelled = blocks.iter().any(|b| !labels_in(&b.text).is_empty());
        if items >= 2 && !labelled {
            let (lessons, leftover) = segment(&blocks, Some(&heading));
            drafts.extend(lessons);
            if !leftover.is_empty() {
                found.leftover.push((i, leftover));
            }
            continue;
        }
        let mut draft = Draft {
            title: Some(heading.clone()).filter(|h| !h.trim().is_empty()),
            section: section.heading.clone(),
            page: section.page.or(blocks.first().and_then(|b| b.page)),
            line: section.line,
            ..Draft::default()
        };
        blocks.into_iter().for_each(|b| draft.push(b));
        drafts.push(draft);
    }

    let block_heading = head.heading.as_deref().unwrap_or("");
    for draft in drafts {
        if let Some(lesson) = finish(draft, block_heading) {
            found.lessons.push(lesson);
        }
    }
    (!found.lessons.is_empty()).then_some(found)
}

/// The lessons of a run of blocks without sub-headings, and the blocks that are no lesson.
fn segment(blocks: &[Block], section: Option<&String>) -> (Vec<Draft>, Vec<Block>) {
    let mut drafts: Vec<Draft> = Vec::new();
    let mut leftover: Vec<Block> = Vec::new();
    let top = blocks.iter().filter_map(|b| b.item.map(|i| i.depth)).min();

    if let Some(top) = top {
        let is_top = |b: &Block| b.item.is_some_and(|i| i.depth == top);
        let last_top = blocks.iter().rposition(is_top).unwrap_or(0);
        for (n, block) in blocks.iter().enumerate() {
            let label = opens_with_label(&block.text);
            match drafts.last_mut() {
                // A top-level item opens a lesson, unless it only adds a part the lesson
                // before it lacks (`- Contexto: …`, `- Lección: …` as one lesson's items).
                Some(last) if is_top(block) => match label {
                    Some(part) if !last.parts.contains(&part) => last.push(block.clone()),
                    _ => drafts.push(Draft::starting_with(block.clone(), section)),
                },
                None if is_top(block) => drafts.push(Draft::starting_with(block.clone(), section)),
                // Before the first item: an introduction.
                None => leftover.push(block.clone()),
                // Between items, what follows an item is its; after the last one, only what
                // carries a label or is a deeper item.
                Some(last) => {
                    if n > last_top && label.is_none() && block.item.is_none() {
                        leftover.push(block.clone());
                    } else {
                        last.push(block.clone());
                    }
                }
            }
        }
        return (drafts, leftover);
    }

    let labels: Vec<Vec<Part>> = blocks.iter().map(|b| labels_in(&b.text)).collect();
    let labelled = labels.iter().any(|parts| !parts.is_empty());
    for (n, block) in blocks.iter().enumerate() {
        let text = block.text.trim();
        if text.is_empty() {
            continue;
        }
        let parts = &labels[n];
        let intro = drafts.is_empty() && parts.is_empty() && text.ends_with(':');
        if intro {
            leftover.push(block.clone());
            continue;
        }
        if !labelled {
            // No items and no labels: each paragraph is a lesson.
            drafts.push(Draft::starting_with(block.clone(), section));
            continue;
        }
        let starts_new = match (drafts.last(), parts.first()) {
            (None, _) => true,
            (Some(last), Some(first)) => last.parts.contains(first),
            // Unlabelled text after a labelled lesson opens the next lesson when the label
            // that follows it names a part the current lesson already has.
            (Some(last), None) => {
                !last.parts.is_empty()
                    && labels[n + 1..]
                        .iter()
                        .find_map(|parts| parts.first().copied())
                        .is_some_and(|next| last.parts.contains(&next))
            }
        };
        match drafts.last_mut() {
            Some(last) if !starts_new => last.push(block.clone()),
            _ => drafts.push(Draft::starting_with(block.clone(), section)),
        }
    }
    (drafts, leftover)
}

/// A lesson from its draft: parts from the labels, a title.
fn finish(mut draft: Draft, block_heading: &str) -> Option<Lesson> {
    // The item that opens the lesson, and items that only carry a part, lose their markers;
    // the lesson's deeper items keep theirs, one level up.
    let top = draft.blocks.first().and_then(|b| b.item.map(|i| i.depth));
    for (i, block) in draft.blocks.iter_mut().enumerate() {
        if let Some(item) = block.item.as_mut() {
            if i == 0 || opens_with_label(&block.text).is_some() || Some(item.depth) == top {
                block.item = None;
            } else if let Some(top) = top {
                item.depth = item.depth.saturating_sub(top + 1);
            }
        }
    }
    let raw = render_blocks(&draft.blocks);
    let labelled = parse_labelled(&raw);
    let mut parts = labelled.parts.clone();
    let mut text = labelled.text.clone();
    let generic = |t: &str| {
        let key = fold(t.trim());
        key.is_empty() || key == fold(block_heading.trim()) || is_lessons_heading(t)
    };
    let title = match draft.title.filter(|t| !generic(t)) {
        Some(title) => {
            if parts.lesson.trim().is_empty() {
                parts.lesson = title.clone();
            }
            if text.is_empty() {
                text = title.clone();
            }
            title
        }
        None => {
            let source = [
                labelled.unlabelled.as_str(),
                parts.lesson.as_str(),
                text.as_str(),
            ]
            .into_iter()
            .find(|t| t.chars().any(char::is_alphabetic))?;
            first_sentence(source)
        }
    };
    if !text.chars().any(char::is_alphabetic) || generic(&title) {
        return None;
    }
    Some(Lesson {
        title,
        section: draft.section.or(Some(block_heading.to_string())),
        text,
        parts,
        page: draft.page,
        line: draft.line,
    })
}

/// The first sentence of a text, on one line, without its final full stop; cut at a word
/// when longer than [`MAX_LESSON_TITLE_CHARS`].
pub(crate) fn first_sentence(text: &str) -> String {
    let flat = crate::meta::collapse_spaces(&text.replace('\n', " "));
    let mut end = flat.len();
    for (i, c) in flat.char_indices() {
        if matches!(c, '.' | '!' | '?' | ':' | ';') {
            let next = flat[i + c.len_utf8()..].chars().next();
            let previous_word = flat[..i].rsplit(' ').next().unwrap_or("");
            // "Sr.", "p. ej." and "N.º" do not end a sentence.
            let abbreviation = previous_word.chars().count() <= 2
                && previous_word.chars().all(char::is_alphabetic)
                && c == '.';
            if next.is_none_or(char::is_whitespace) && !abbreviation {
                end = i + if matches!(c, '!' | '?') {
                    c.len_utf8()
                } else {
                    0
                };
                break;
            }
        }
    }
    let sentence = flat[..end].trim();
    if sentence.chars().count() <= MAX_LESSON_TITLE_CHARS {
        return sentence.to_string();
    }
    let mut title = String::new();
    for word in sentence.split(' ') {
        if title.chars().count() + word.chars().count() + 1 > MAX_LESSON_TITLE_CHARS {
            break;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    title.push('…');
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(heading: &str, level: u8, blocks: Vec<Block>) -> Section {
        Section {
            heading: Some(heading.to_string()),
            level,
            blocks,
            ..Section::default()
        }
    }

    fn p(text: &str) -> Block {
        Block::paragraph(text)
    }

    fn item(text: &str, number: Option<u32>) -> Block {
        Block::item(text, 0, number)
    }

    fn titles(found: &Found) -> Vec<&str> {
        found.lessons.iter().map(|l| l.title.as_str()).collect()
    }

    #[test]
    fn lessons_headings() {
        for h in [
            "Lecciones aprendidas",
            "3. Lecciones aprendidas:",
            "LESSONS LEARNED",
            "Aprendizajes",
            "Lecciones aprendidas del taller",
            "IV. Lessons",
            "Paso 6: Lecciones aprendidas",
            "Capítulo 4 — Lecciones aprendidas",
            "Principales lecciones aprendidas",
            "Lecciones Aprendidas y recomendaciones",
            "B. Lessons learned",
        ] {
            assert!(is_lessons_heading(h), "{h}");
        }
        for h in [
            "Lecciones de vida",
            "Contexto",
            "Lessonsx",
            "Aprendizaje organizacional",
            "Paso 6: Presupuesto",
        ] {
            assert!(!is_lessons_heading(h), "{h}");
        }
    }

    #[test]
    fn labels_fill_parts_in_source_order() {
        let text = "Contexto: El GORE no tenía equipo.\nLección: Sin equipo no hay \
                    continuidad.\nRecomendación: Formar un equipo estable.";
        let l = parse_labelled(text);
        assert!(l.labelled);
        assert_eq!(l.parts.context.as_deref(), Some("El GORE no tenía equipo."));
        assert_eq!(l.parts.lesson, "Sin equipo no hay continuidad.");
        assert_eq!(
            l.parts.recommendation.as_deref(),
            Some("Formar un equipo estable.")
        );
        assert_eq!(
            l.text,
            "El GORE no tenía equipo.\n\nSin equipo no hay continuidad.\n\nFormar un equipo estable."
        );

        let l = parse_labelled("Context:\n\nThe region had no team.\n\nA free paragraph.");
        assert_eq!(l.parts.context.as_deref(), Some("The region had no team."));
        assert_eq!(l.parts.lesson, "A free paragraph.");
    }

    #[test]
    fn labels_after_a_sentence_inside_a_line() {
        let l = parse_labelled(
            "La articulación requiere roles. Contexto: el comité y la corporación se \
             superponían; en este contexto: nada. Recomendación: firmar un acuerdo.",
        );
        assert_eq!(l.unlabelled, "La articulación requiere roles.");
        assert_eq!(l.parts.lesson, "La articulación requiere roles.");
        assert_eq!(
            l.parts.context.as_deref(),
            Some("el comité y la corporación se superponían; en este contexto: nada.")
        );
        assert_eq!(
            l.parts.recommendation.as_deref(),
            Some("firmar un acuerdo.")
        );
    }

    #[test]
    fn subsections_are_lessons() {
        let block = [
            section(
                "Lecciones aprendidas",
                2,
                vec![p("Del taller salieron dos.")],
            ),
            section(
                "Articular con municipios",
                3,
                vec![
                    item("Contexto: Los municipios no participaban.", None),
                    item("Recomendación: Invitarlos desde el inicio.", None),
                ],
            ),
            section("Medir desde el inicio", 3, Vec::new()),
            section("Detalle", 4, vec![p("Un indicador de línea de base.")]),
        ];
        let found = extract(&block).unwrap();
        assert_eq!(
            titles(&found),
            ["Articular con municipios", "Medir desde el inicio"]
        );
        let first = &found.lessons[0];
        assert_eq!(first.parts.lesson, "Articular con municipios");
        assert_eq!(
            first.parts.context.as_deref(),
            Some("Los municipios no participaban.")
        );
        assert_eq!(
            first.parts.recommendation.as_deref(),
            Some("Invitarlos desde el inicio.")
        );
        assert_eq!(first.section.as_deref(), Some("Articular con municipios"));
        let second = &found.lessons[1];
        assert_eq!(second.text, "Detalle\n\nUn indicador de línea de base.");
        assert_eq!(found.leftover, [(0, vec![p("Del taller salieron dos.")])]);
    }

    #[test]
    fn items_are_lessons_titled_by_their_first_sentence() {
        let block = [section(
            "Lecciones",
            2,
            vec![
                p("Resumen:"),
                item(
                    "La confianza se construye con tiempo. Sobre todo en regiones.",
                    None,
                ),
                item("Los datos abiertos ayudan", None),
                p("Cierre del bloque."),
            ],
        )];
        let found = extract(&block).unwrap();
        assert_eq!(
            titles(&found),
            [
                "La confianza se construye con tiempo",
                "Los datos abiertos ayudan"
            ]
        );
        assert_eq!(
            found.lessons[0].parts.lesson,
            "La confianza se construye con tiempo. Sobre todo en regiones."
        );
        assert_eq!(found.lessons[0].section.as_deref(), Some("Lecciones"));
        assert_eq!(
            found.leftover,
            [(0, vec![p("Resumen:"), p("Cierre del bloque.")])]
        );
    }

    #[test]
    fn numbered_lessons_each_with_their_labelled_paragraphs() {
        let mut blocks = Vec::new();
        for n in 1..=3 {
            blocks.push(item(&format!("Lección número {n}."), Some(n)).on_page(Some(n)));
            blocks.push(p(&format!("Contexto: el contexto {n}.")));
            blocks.push(p(&format!("Recomendación: la recomendación {n}.")));
        }
        let found = extract(&[section("Lecciones aprendidas", 1, blocks)]).unwrap();
        assert_eq!(found.lessons.len(), 3);
        for (n, lesson) in (1..).zip(&found.lessons) {
            assert_eq!(lesson.title, format!("Lección número {n}"));
            assert_eq!(lesson.parts.lesson, format!("Lección número {n}."));
            assert_eq!(
                lesson.parts.context.as_deref(),
                Some(format!("el contexto {n}.").as_str())
            );
            assert_eq!(
                lesson.parts.recommendation.as_deref(),
                Some(format!("la recomendación {n}.").as_str())
            );
            assert_eq!(lesson.page, Some(n));
        }
        assert!(found.leftover.is_empty());
    }

    #[test]
    fn labelled_paragraphs_without_items_are_told_apart_by_their_labels() {
        let blocks = vec![
            p("Los comités sostienen la agenda."),
            p("Contexto: uno."),
            p("Recomendación: dos."),
            p("La neutralidad es un activo."),
            p("Contexto: tres."),
            p("Recomendación: cuatro."),
        ];
        let found = extract(&[section("Lecciones aprendidas", 2, blocks)]).unwrap();
        assert_eq!(
            titles(&found),
            [
                "Los comités sostienen la agenda",
                "La neutralidad es un activo"
            ]
        );
        assert_eq!(found.lessons[1].parts.context.as_deref(), Some("tres."));

        // Labelled items of one lesson are one lesson.
        let blocks = vec![
            item("Contexto: Antes.", None),
            item("Lección: Primera.", None),
            item("Recomendación: Después.", None),
            item("Contexto: Otro antes.", None),
            item("Lección: Segunda.", None),
        ];
        let found = extract(&[section("Lecciones", 2, blocks)]).unwrap();
        assert_eq!(titles(&found), ["Primera", "Segunda"]);
        assert_eq!(found.lessons[0].parts.context.as_deref(), Some("Antes."));
        assert_eq!(found.lessons[0].text, "Antes.\n\nPrimera.\n\nDespués.");
    }

    #[test]
    fn plain_paragraphs_are_one_lesson_each_and_nothing_is_none() {
        let found = extract(&[section(
            "Lecciones",
            2,
            vec![p("Un párrafo sin viñetas ni etiquetas."), p("Otro más.")],
        )])
        .unwrap();
        assert_eq!(
            titles(&found),
            ["Un párrafo sin viñetas ni etiquetas", "Otro más"]
        );
        assert_eq!(extract(&[section("Lecciones", 2, vec![p("  ")])]), None);
    }

    #[test]
    fn first_sentences() {
        assert_eq!(first_sentence("Uno. Dos."), "Uno");
        assert_eq!(
            first_sentence("¿Qué aprendimos? Mucho."),
            "¿Qué aprendimos?"
        );
        assert_eq!(
            first_sentence("Según el Sr. Pérez, nada."),
            "Según el Sr. Pérez, nada"
        );
        assert_eq!(
            first_sentence("Monto de 3.5 millones."),
            "Monto de 3.5 millones"
        );
        let long = "palabra ".repeat(40);
        let title = first_sentence(&long);
        assert!(title.ends_with('…') && title.chars().count() <= MAX_LESSON_TITLE_CHARS + 1);
    }
}
