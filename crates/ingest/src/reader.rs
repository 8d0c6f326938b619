//! Reading one corpus file into documents: the format's reader, then what every document
//! gets whatever its format (id, inherited metadata, title, language, canonical names).

use std::collections::HashMap;
use std::path::Path;

use minga_core::{Date, DateSource, Document, Kind, Normalizer, Section, TitleSource, Warning};

use crate::draft::{Draft, Extracted};
use crate::lessons::Part;
use crate::meta::{Field, Metadata};
use crate::sidecar::Sidecars;
use crate::{
    Error, Format, Problem, Result, Severity, decode, delimited, detect_lang, docx, guard, html,
    ids, json, markdown, pdf, text,
};

/// Default for [`ReadOptions::max_file_bytes`]: 64 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Default for [`ReadOptions::max_record_bytes`]: 16 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// Enough text to tell the language (about [`crate::DETECT_WORDS`] words).
const MAX_LANGUAGE_SAMPLE_BYTES: usize = 20_000;

/// Longest title taken from the start of a record's text, in characters.
const MAX_DERIVED_TITLE_CHARS: usize = 80;

/// Limits on what [`Reader::read`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Files larger than this are skipped, JSON Lines files excepted. Default
    /// [`DEFAULT_MAX_FILE_BYTES`].
    pub max_file_bytes: u64,
    /// JSON Lines records (lines) longer than this are skipped and reported with their line;
    /// the rest of the file is read. Default [`DEFAULT_MAX_RECORD_BYTES`].
    pub max_record_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
        }
    }
}

/// The documents read from one file and the problems met on the way.
#[derive(Debug, Clone, Default)]
pub struct FileOutcome {
    /// Normalised documents, in file order.
    pub documents: Vec<Document>,
    /// Skipped records, repairs and warnings (and the problems of a sidecar read for the
    /// first time).
    pub problems: Vec<Problem>,
}

/// Reads corpus files into documents. Cheap to share: `Send + Sync`, it caches parsed
/// sidecars, so one reader serves every file and thread of an indexing run.
#[derive(Debug)]
pub struct Reader {
    normalizer: Normalizer,
    sidecars: Sidecars,
    options: ReadOptions,
    /// The day of the run: dates after it are nobody's document's date.
    today: Date,
}

impl Reader {
    /// A reader for the corpus folder `corpus`, with its gazetteer and institutions files
    /// loaded. Fails if the folder is missing or a data file is malformed (the error names
    /// the file and line).
    pub fn new(corpus: &Path, options: ReadOptions) -> Result<Reader> {
        if !corpus.is_dir() {
            return Err(Error::CorpusMissing {
                path: corpus.to_path_buf(),
            });
        }
        Ok(Reader {
            normalizer: Normalizer::load(corpus)?,
            sidecars: Sidecars::new(corpus),
            options,
            today: Date::today(),
        })
    }

    /// The normalizer built from the corpus's data files.
    pub fn normalizer(&self) -> &Normalizer {
        &self.normalizer
    }

    /// The passages of a document this reader read (see [`passages()`](crate::passages)),
    /// with the corpus's gazetteer and institutions to place its lessons.
    pub fn passages(&self, doc: &Document) -> Vec<minga_core::Passage> {
        crate::passages(doc, &self.normalizer)
    }

    /// The options this reader was built with.
    pub fn options(&self) -> ReadOptions {
        self.options
    }

    /// Reads the file at `rel` (relative to the corpus, `/`-separated) whose content is
    /// `bytes`. The format comes from the extension, inherited metadata from the sidecars of
    /// its folders. Never fails and never panics: whatever cannot be read is a
    /// [`Problem`].
    pub fn read(&self, rel: &str, bytes: &[u8]) -> FileOutcome {
        let mut outcome = FileOutcome::default();
        let Some(format) = Format::from_path(rel) else {
            outcome.problems.push(Problem::ignored(
                rel,
                "unsupported file type: not a document type Minga reads",
            ));
            return outcome;
        };
        let size = bytes.len() as u64;
        // A JSON Lines export is one file however many records it holds: its limit is per
        // record.
        if size > self.options.max_file_bytes && format != Format::Jsonl {
            outcome.problems.push(Problem::skipped(
                rel,
                format!(
                    "file is {}, over the {} limit",
                    human_size(size),
                    human_size(self.options.max_file_bytes)
                ),
            ));
            return outcome;
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            outcome.problems.push(Problem::skipped(rel, "empty file"));
            return outcome;
        }
        let sidecar = self
            .sidecars
            .for_file(rel, &self.normalizer, &mut outcome.problems);

        let extracted = match guard::guarded(|| self.extract(format, rel, bytes)) {
            Ok(Ok(extracted)) => extracted,
            Ok(Err(problem)) => {
                tracing::debug!(path = rel, reason = %problem.reason, "file skipped");
                outcome.problems.push(problem);
                return outcome;
            }
            Err(panic) => {
                tracing::warn!(path = rel, panic, "parser panicked");
                let reason = match format {
                    Format::Pdf => "could not parse PDF".to_string(),
                    other => format!("could not parse {} file (parser crashed)", other.as_str()),
                };
                outcome.problems.push(Problem::skipped(rel, reason));
                return outcome;
            }
        };
        self.finish(rel, extracted, &sidecar, &mut outcome);
        tracing::debug!(
            path = rel,
            documents = outcome.documents.len(),
            problems = outcome.problems.len(),
            "read"
        );
        outcome
    }

    /// The metadata the sidecars of `rel`'s folders give it (their problems, the first time
    /// a sidecar is read, added to `problems`).
    pub(crate) fn sidecars_for(&self, rel: &str, problems: &mut Vec<Problem>) -> Metadata {
        self.sidecars.for_file(rel, &self.normalizer, problems)
    }

    /// Runs the format's reader.
    fn extract(&self, format: Format, rel: &str, bytes: &[u8]) -> Result<Extracted, Problem> {
        type TextReader = fn(&str, &str) -> Result<Extracted, Problem>;
        let read: TextReader = match format {
            Format::Pdf => {
                let max_text = self
                    .options
                    .max_file_bytes
                    .saturating_mul(16)
                    .min(pdf::MAX_PDF_TEXT_BYTES);
                return pdf::read(bytes, rel, max_text);
            }
            Format::Docx => return docx::read(bytes, rel),
            Format::Markdown => markdown::read,
            Format::Json => json::read,
            Format::Jsonl => {
                let decoded = decode::decode(bytes, "jsonl")
                    .map_err(|reason| Problem::skipped(rel, reason))?;
                let mut extracted =
                    json::read_lines(&decoded.text, rel, self.options.max_record_bytes);
                if let Some(repair) = decoded.repair {
                    extracted.problems.insert(0, Problem::repaired(rel, repair));
                }
                return Ok(extracted);
            }
            Format::Csv => delimited::read,
            Format::Text => |source, _| Ok(text::read(source)),
            Format::Html => html::read,
        };
        let extension = rel.rsplit('.').next().unwrap_or("").to_lowercase();
        let decoded =
            decode::decode(bytes, &extension).map_err(|reason| Problem::skipped(rel, reason))?;
        if decoded.text.trim().is_empty() {
            return Err(Problem::skipped(rel, "empty file"));
        }
        let mut extracted = read(&decoded.text, rel)?;
        if let Some(repair) = decoded.repair {
            extracted.problems.insert(0, Problem::repaired(rel, repair));
        }
        Ok(extracted)
    }

    /// Turns drafts into documents: ids, metadata, title, lesson parts, language, canonical
    /// names.
    fn finish(
        &self,
        rel: &str,
        extracted: Extracted,
        sidecar: &Metadata,
        outcome: &mut FileOutcome,
    ) {
        outcome.problems.extend(extracted.problems);
        let mut file = FileScope {
            rel,
            id: ids::path_id(rel),
            multi_record: extracted.multi_record,
            sidecar,
            seen: HashMap::new(),
        };
        for draft in extracted.drafts {
            if let Some(doc) = self.document(&mut file, draft, &mut outcome.problems) {
                outcome.documents.push(doc);
            }
        }
        let skipped = outcome
            .problems
            .iter()
            .any(|p| p.severity == Severity::Skipped);
        if outcome.documents.is_empty() && !skipped {
            let reason = if file.multi_record {
                "no records"
            } else {
                "no text"
            };
            outcome.problems.push(Problem::skipped(rel, reason));
        }
    }

    /// One document from its draft. The file's own metadata is checked first (a bad value is
    /// dropped with a warning, so the sidecar's value, if any, shows through), then laid over
    /// the sidecars'.
    pub(crate) fn document(
        &self,
        file: &mut FileScope<'_>,
        draft: Draft,
        problems: &mut Vec<Problem>,
    ) -> Option<Document> {
        let rel = file.rel;
        let Draft {
            meta: mut own,
            mut sections,
            line,
            record,
            title_hint,
            file_date,
        } = draft;
        let line64 = line.map(u64::from);
        own.default_line(line64);
        own.validate(rel, problems);

        let id = file.id_for(&own, record, problems);
        let digest = minga_core::id_digest(&id);
        if let Some(first) = file.seen.get(&digest) {
            let first = first
                .map(|l| format!(" (first at line {l})"))
                .unwrap_or_default();
            problems
                .push(Problem::skipped(rel, format!("duplicate id {id:?}{first}")).at_line(line64));
            return None;
        }
        file.seen.insert(digest, line);

        let mut merged = file.sidecar.clone();
        merged.overlay(&own);
        let mut doc = Document::new(id, rel);
        merged.apply(&mut doc);
        doc.line = line;

        if sections.is_empty()
            && let Some(text) = own.text(Field::Text)
        {
            sections.push(Section {
                blocks: crate::blocks::from_text(text, None),
                line,
                ..Section::default()
            });
        }
        let parts: Vec<(Part, String)> = [
            (Part::Lesson, Field::Lesson),
            (Part::Context, Field::Context),
            (Part::Recommendation, Field::Recommendation),
        ]
        .into_iter()
        .filter_map(|(part, field)| own.text(field).map(|t| (part, t.to_string())))
        .collect();
        if !parts.is_empty() && !merged.has(Field::Kind) {
            doc.kind = Kind::Lesson;
        }

        let has_letters = |t: &str| t.chars().any(char::is_alphabetic);
        let has_text =
            sections.iter().any(Section::has_text) || parts.iter().any(|(_, t)| has_letters(t));
        // A record with only a title is a catalogue entry; with no real title either, there
        // is nothing to search.
        let real_title = own.text(Field::Title).is_some_and(crate::titles::is_real);
        if !has_text && !real_title {
            problems.push(Problem::skipped(rel, "no text").at_line(line64));
            return None;
        }
        (doc.title, doc.title_source) = title(
            own.text(Field::Title),
            title_hint,
            file.multi_record,
            &sections,
            &parts,
            rel,
        );
        self.date(&mut doc, file.multi_record, file_date, &sections, &parts);
        let lang = *doc
            .lang
            .get_or_insert_with(|| detect_lang(&language_sample(&doc.title, &sections, &parts)));

        // Lesson parts travel as sections with fixed headings; `passages()` reads them back.
        for (part, text) in parts {
            sections.push(Section {
                heading: Some(part.heading(lang).to_string()),
                level: 2,
                blocks: crate::blocks::from_text(&text, None),
                page: None,
                line,
            });
        }
        doc.sections = sections;
        without_controls(&mut doc);

        for warning in self.normalizer.normalize(&mut doc) {
            let field = match warning {
                Warning::UnknownRegion { .. } => Field::Regions,
                Warning::UnknownCountry(_) => Field::Country,
                Warning::UnknownInstitution(_) => Field::Institutions,
            };
            // Values inherited from a sidecar were reported against the sidecar.
            if !own.has(field) && file.sidecar.has(field) {
                continue;
            }
            problems.push(
                Problem::warning(rel, warning.to_string()).at_line(own.line(field).or(line64)),
            );
        }
        Some(doc)
    }
}

/// Drops control characters (but line breaks) from a document's title and text, whatever
/// its format wrote: they would reach terminals and pages as they are. A tab is a space.
fn without_controls(doc: &mut Document) {
    let clean = |text: &mut String| {
        // C0 controls and DEL are single bytes; C1 controls start with `C2`: a branch-free
        // pass over the bytes finds whether any may be there, the exact test follows.
        let suspect = text.bytes().fold(false, |found, b| {
            found | ((b < 0x20) & (b != b'\n')) | (b == 0x7F) | (b == 0xC2)
        });
        if suspect && text.chars().any(|c| c.is_control() && c != '\n') {
            *text = text
                .chars()
                .filter_map(|c| match c {
                    '\t' => Some(' '),
                    '\n' => Some('\n'),
                    c if c.is_control() => None,
                    c => Some(c),
                })
                .collect();
        }
    };
    clean(&mut doc.title);
    for section in &mut doc.sections {
        if let Some(heading) = section.heading.as_mut() {
            clean(heading);
        }
        for block in &mut section.blocks {
            clean(&mut block.text);
        }
    }
}

/// What the documents of one file share while they are being finished.
pub(crate) struct FileScope<'a> {
    pub(crate) rel: &'a str,
    /// The id derived from the path.
    pub(crate) id: String,
    pub(crate) multi_record: bool,
    /// Metadata inherited from the sidecars.
    pub(crate) sidecar: &'a Metadata,
    /// The ids given so far (their digests: a JSON Lines export may hold millions), with
    /// the line that took each.
    pub(crate) seen: HashMap<minga_core::IdDigest, Option<u32>>,
}

impl FileScope<'_> {
    /// The declared id (cleaned if needed), else `{file}-{n}` for records, else the file's.
    fn id_for(&self, own: &Metadata, record: Option<usize>, problems: &mut Vec<Problem>) -> String {
        let derived = || match (self.multi_record, record) {
            (true, Some(n)) => format!("{}-{n}", self.id),
            _ => self.id.clone(),
        };
        let Some(declared) = own.text(Field::Id) else {
            return derived();
        };
        if ids::is_valid(declared) {
            return declared.to_string();
        }
        let (id, reason) = match ids::sanitize(declared) {
            Some(clean) => {
                let reason = format!(
                    "id {declared:?} has characters other than A-Z a-z 0-9 . _ -: using {clean:?}"
                );
                (clean, reason)
            }
            None => {
                let id = derived();
                let reason = format!("id {declared:?} unusable: using {id:?}");
                (id, reason)
            }
        };
        problems.push(Problem::repaired(self.rel, reason).at_line(own.line(Field::Id)));
        id
    }
}

/// The text language detection looks at: title, the first sections, lesson parts.
fn language_sample(title: &str, sections: &[Section], parts: &[(Part, String)]) -> String {
    let mut sample = title.to_string();
    let texts = sections
        .iter()
        .flat_map(|s| s.blocks.iter().map(|b| b.text.as_str()))
        .chain(parts.iter().map(|(_, t)| t.as_str()));
    for text in texts {
        if sample.len() > MAX_LANGUAGE_SAMPLE_BYTES {
            break;
        }
        sample.push_str("\n\n");
        sample.push_str(text);
    }
    sample
}

/// A file's name without extension, dashes and underscores as spaces: `dia-2.md` → `dia 2`.
fn file_title(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    };
    let title = crate::meta::collapse_spaces(&stem.replace(['-', '_'], " "));
    if title.is_empty() {
        name.to_string()
    } else {
        title
    }
}

/// A document's title and where it comes from: its declared title, else its first heading,
/// else the name of a note or text file, else the opening words of its text, else its file's
/// name; placeholders ("Untitled", "Microsoft Word - x.docx", a PDF's own file name, a code,
/// garbled glyphs) are passed over, and so is a heading or a PDF's or DOCX's title property
/// that only names a part of a report ("Índice", "Introduction"). An untitled record of a many-record file, or an untitled
/// PDF or DOCX, is labelled by its opening words.
fn title(
    declared: Option<&str>,
    hint: Option<String>,
    multi_record: bool,
    sections: &[Section],
    parts: &[(Part, String)],
    rel: &str,
) -> (String, TitleSource) {
    let real = crate::titles::is_real;
    // A title that repeats the file's name was filled in by the program that wrote a PDF or
    // DOCX, but chosen by whoever wrote a note's front matter or a record.
    let from_properties = !multi_record && crate::titles::has_properties(rel);
    let declared_real = |t: &&str| {
        real(t)
            && !(from_properties
                && (crate::titles::same_as_file_name(t, rel) || crate::titles::is_section_name(t)))
    };
    if let Some(t) = declared.filter(declared_real) {
        return (t.to_string(), TitleSource::Metadata);
    }
    // A first heading that names a part ("Índice", "Introduction") opens the text, it does
    // not title it.
    let untitled_part = |t: &String| real(t) && !crate::titles::is_section_name(t);
    if let Some(h) = hint.filter(untitled_part) {
        return (h, TitleSource::Heading);
    }
    // A note's or a text file's name was chosen by its author (`informe-de-cierre.md`); a
    // PDF's or a record's name is a code or the same for every record, and its first line
    // (page 1, the record's start) says more.
    let file = file_title(rel);
    if !multi_record && !from_properties && real(&file) {
        return (file, TitleSource::File);
    }
    if let Some(t) = derived_title(sections, parts).filter(untitled_part) {
        return (t, TitleSource::Text);
    }
    (file, TitleSource::File)
}

/// For an untitled document or record: the start of its text, cut at a word.
fn derived_title(sections: &[Section], parts: &[(Part, String)]) -> Option<String> {
    let text = sections
        .iter()
        .flat_map(|s| s.blocks.iter().map(|b| b.text.as_str()))
        .chain(parts.iter().map(|(_, t)| t.as_str()))
        .find(|t| t.chars().any(char::is_alphabetic))?;
    let first_line = text.lines().find(|l| !l.trim().is_empty())?.trim();
    let first_line = crate::markdown::inline_text(first_line);
    if first_line.chars().count() <= MAX_DERIVED_TITLE_CHARS {
        return Some(first_line);
    }
    let mut title = String::new();
    for word in first_line.split_whitespace() {
        if title.chars().count() + word.chars().count() + 1 > MAX_DERIVED_TITLE_CHARS {
            break;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    title.push('…');
    Some(title)
}

impl Reader {
    /// Settles a document's date and its source: declared metadata wins; else, for a single
    /// document, a date written on its title page or a year in its title; else its file's
    /// creation date if the text does not contradict it. Never the day of the run.
    fn date(
        &self,
        doc: &mut Document,
        multi_record: bool,
        file_date: Option<Date>,
        sections: &[Section],
        parts: &[(Part, String)],
    ) {
        if doc.date.is_some() {
            doc.date_source = Some(DateSource::Metadata);
            return;
        }
        if multi_record && file_date.is_none() {
            return;
        }
        let text = {
            let mut text = doc.title.clone();
            for s in sections {
                text.push_str("\n\n");
                if let Some(h) = &s.heading {
                    text.push_str(h);
                    text.push('\n');
                }
                for block in &s.blocks {
                    text.push_str(&block.text);
                    text.push('\n');
                }
            }
            for (_, t) in parts {
                text.push_str(t);
                text.push('\n');
            }
            text
        };
        if !multi_record {
            let written = crate::dating::in_text(&text, self.today)
                .or_else(|| crate::dating::year_in_title(&doc.title, self.today));
            if let Some(date) = written {
                (doc.date, doc.date_source) = (Some(date), Some(DateSource::Text));
                return;
            }
        }
        if let Some(date) =
            file_date.filter(|d| crate::dating::plausible_file_date(*d, &text, self.today))
        {
            (doc.date, doc.date_source) = (Some(date), Some(DateSource::File));
        }
    }
}

/// `70.5 MB`, `12 KB`, `300 bytes`.
pub(crate) fn human_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    const MB: f64 = 1024.0 * 1024.0;
    let b = bytes as f64;
    let (value, unit) = if b >= MB {
        (b / MB, "MB")
    } else if b >= KB {
        (b / KB, "KB")
    } else {
        return format!("{bytes} bytes");
    };
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_is_shareable_across_threads() {
        fn check<T: Send + Sync>() {}
        check::<Reader>();
    }

    #[test]
    fn titles_from_file_names_and_sizes() {
        assert_eq!(file_title("notas/Día-2_final.md"), "Día 2 final");
        assert_eq!(human_size(70 * 1024 * 1024 + 512 * 1024), "70.5 MB");
        assert_eq!(human_size(64 * 1024 * 1024), "64 MB");
        assert_eq!(human_size(2048), "2 KB");
        assert_eq!(human_size(12), "12 bytes");
    }

    #[test]
    fn a_heading_that_names_a_part_of_a_report_is_not_its_title() {
        let sections = [Section {
            heading: Some("Índice".into()),
            level: 1,
            blocks: vec![minga_core::Block {
                text: "Economía del agua en la sierra: informe anual\n1. Introducción".into(),
                ..Default::default()
            }],
            ..Default::default()
        }];
        let title = |declared: Option<&str>, hint: Option<&str>, rel: &str| {
            title(
                declared,
                hint.map(str::to_string),
                false,
                &sections,
                &[],
                rel,
            )
        };
        let opening = (
            "Economía del agua en la sierra: informe anual".to_string(),
            TitleSource::Text,
        );
        assert_eq!(title(None, Some("Índice"), "informes/a12.pdf"), opening);
        assert_eq!(
            title(Some("Introduction"), None, "informes/a12.pdf"),
            opening
        );
        assert_eq!(
            title(None, Some("1. Introducción"), "informes/a12.docx"),
            opening
        );
        // A heading that is a title, and a title its author declared, stand.
        assert_eq!(
            title(None, Some("Agua en la sierra"), "informes/a12.pdf"),
            ("Agua en la sierra".to_string(), TitleSource::Heading)
        );
        assert_eq!(
            title(Some("Introducción"), None, "notas/intro.md"),
            ("Introducción".to_string(), TitleSource::Metadata)
        );
    }
}
