//! Document metadata as files declare it (front matter, record fields, CSV columns, sidecars,
//! embedded properties), before it is checked and applied to a [`Document`].

use std::collections::BTreeMap;

use minga_core::{Date, Document, Kind, Lang, fold_key};

use crate::Problem;

/// A metadata key Minga understands. Keys are matched on their folded form, so `Título`,
/// `titulo` and `TITLE` are all [`Field::Title`]; unknown keys are ignored.
///
/// [`Field::from_key`] is the one list of names every format's reader uses (JSON and JSON
/// Lines keys, CSV and TSV columns, front matter and sidecar keys, HTML `<meta>` names); the
/// README's *Field names* table documents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Field {
    Id,
    Title,
    Kind,
    /// A repository's document type (`dc.type`, `type`): read as the kind when it names one
    /// (`info:eu-repo/semantics/report` is a report), else ignored without a warning, since
    /// repositories have vocabularies of their own.
    Genre,
    Lang,
    Country,
    Regions,
    Institutions,
    Date,
    Event,
    Location,
    Topics,
    Authors,
    EditionOf,
    Text,
    Lesson,
    Context,
    Recommendation,
}

/// Why a key names no field: what [`Field::lookup`] says of a key it does not map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unmapped {
    /// A name Minga does not know.
    Unknown,
    /// A Dublin Core element or qualifier Minga knows and leaves out on purpose
    /// (`dc.date.accessioned`, `dc.description.provenance`, `dc.identifier.uri`…).
    Unused,
}

impl Field {
    /// The field a key names, in English or Spanish, singular or plural, with or without a
    /// Dublin Core prefix (see [`Field::lookup`]).
    pub(crate) fn from_key(key: &str) -> Option<Field> {
        Field::lookup(key).ok()
    }

    /// The field a key names, or why it names none. A DSpace language suffix (`[es]`,
    /// `[en_US]`, `[]`) is dropped first; `dc.`, `dcterms.`, `dct.` (or `:`) keys are read as
    /// Dublin Core elements with their qualifiers; anything else is matched folded (case,
    /// accents, spaces and punctuation ignored: `Palabras clave`, `autor(es)`).
    ///
    /// A Dublin Core qualifier that closes with a language's code (`dc.coverage.spatialSpa`,
    /// `dc.description.abstractEng`, see [`key_language`]) names what the qualifier without
    /// it names, as a bracketed suffix does.
    pub(crate) fn lookup(key: &str) -> Result<Field, Unmapped> {
        let key = without_language_suffix(key.trim());
        if let Some(found) = dublin_core(key) {
            if found.is_err()
                && key_language(key).is_some()
                && let Some(Ok(field)) = dublin_core(&key[..key.len() - 3])
            {
                return Ok(field);
            }
            return found;
        }
        Ok(match fold_key(key).as_str() {
            "id" | "identificador" => Field::Id,
            "title" | "titulo" | "name" | "nombre" => Field::Title,
            "kind" | "tipo" => Field::Kind,
            "type" | "doctype" | "documenttype" | "tipodedocumento" | "tipodocumento" => {
                Field::Genre
            }
            "lang" | "language" | "idioma" | "lengua" => Field::Lang,
            "country" | "pais" => Field::Country,
            "regions" | "region" | "regiones" | "departamento" | "departamentos" => Field::Regions,
            "institutions" | "institution" | "institucion" | "instituciones" | "organization"
            | "organizacion" | "entidad" | "publisher" => Field::Institutions,
            "date" | "fecha" | "year" | "ano" | "anio" | "issued" | "published"
            | "publicationdate" | "fechadepublicacion" | "fechapublicacion" => Field::Date,
            "event" | "evento" => Field::Event,
            "location" | "lugar" => Field::Location,
            "topics" | "topic" | "tags" | "tag" | "temas" | "tema" | "keywords" | "keyword"
            | "palabrasclave" | "palabraclave" | "subject" | "subjects" | "materia"
            | "materias" | "etiquetas" => Field::Topics,
            "authors" | "author" | "autores" | "autor" | "creator" | "creators" | "creador" => {
                Field::Authors
            }
            "editionof" | "sameas" | "edicionde" | "ediciondel" => Field::EditionOf,
            "text" | "body" | "content" | "texto" | "contenido" | "cuerpo" | "fulltext"
            | "textocompleto" | "description" | "descripcion" | "abstract" | "resumen"
            | "summary" => Field::Text,
            "lesson" | "leccion" | "lessonlearned" | "leccionaprendida" => Field::Lesson,
            "context" | "contexto" => Field::Context,
            "recommendation" | "recomendacion" => Field::Recommendation,
            _ => return Err(Unmapped::Unknown),
        })
    }

    /// The canonical key, as problems name it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Title => "title",
            Field::Kind => "kind",
            Field::Genre => "type",
            Field::Lang => "lang",
            Field::Country => "country",
            Field::Regions => "regions",
            Field::Institutions => "institutions",
            Field::Date => "date",
            Field::Event => "event",
            Field::Location => "location",
            Field::Topics => "topics",
            Field::Authors => "authors",
            Field::EditionOf => "edition_of",
            Field::Text => "text",
            Field::Lesson => "lesson",
            Field::Context => "context",
            Field::Recommendation => "recommendation",
        }
    }

    /// Whether the field holds a list (given as a list, or a string split at `;` or `|`).
    pub(crate) fn is_list(self) -> bool {
        matches!(
            self,
            Field::Regions | Field::Institutions | Field::Topics | Field::Authors
        )
    }

    /// Whether the field holds running text (kept as written; values given twice become
    /// paragraphs).
    pub(crate) fn is_text(self) -> bool {
        matches!(
            self,
            Field::Text | Field::Lesson | Field::Context | Field::Recommendation
        )
    }

    /// Whether the field's values are words of a language, which a catalogue may give in
    /// several (not codes, dates, names of people or running text).
    pub(crate) fn is_worded(self) -> bool {
        matches!(
            self,
            Field::Title
                | Field::Topics
                | Field::Event
                | Field::Location
                | Field::Country
                | Field::Regions
                | Field::Institutions
        )
    }

    /// Whether the field belongs to one document only, so a sidecar must not give it to
    /// every file of a folder.
    pub(crate) fn is_per_document(self) -> bool {
        matches!(
            self,
            Field::Id
                | Field::Title
                | Field::Text
                | Field::Lesson
                | Field::Context
                | Field::Recommendation
        )
    }
}

/// A value as a source wrote it: a scalar or a list of scalars, all as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    value: Value,
    /// The line of the source file that gave it, when known.
    line: Option<u64>,
}

/// The metadata one source gives a document, key by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Metadata {
    entries: BTreeMap<Field, Entry>,
    /// Values of keys that name their language (`dc.subject[en]`, `dc.subject.unbisSpa`),
    /// until [`Metadata::settle_languages`] keeps the document's language's (once a record
    /// is read whole).
    variants: BTreeMap<Field, Vec<(Lang, Entry)>>,
}

impl Metadata {
    /// Adds a value from a key as written; unknown keys and blank values are ignored. A field
    /// that more than one key names in the same source (`dc.subject` twice, `text` and
    /// `resumen`) is added to as [`Metadata::add`] says.
    pub(crate) fn insert_key(&mut self, key: &str, value: Value, line: Option<u64>) {
        if let Some(field) = Field::from_key(key) {
            self.add_in(field, key_language(key), value, line);
        }
    }

    /// Adds the keys of a JSON object (see [`Metadata::insert_key`]).
    pub(crate) fn insert_json_keys(
        &mut self,
        object: &serde_json::Map<String, serde_json::Value>,
        line: Option<u64>,
    ) {
        for (key, value) in object {
            if let Some(value) = from_json(value) {
                self.insert_key(key, value, line);
            }
        }
    }

    /// Adds a value from a key that names its language, when it does (see [`key_language`]):
    /// a catalogue that gives a record's title or subjects in Spanish and in English gives
    /// the document the ones in its own language (call [`Metadata::settle_languages`] once
    /// the record is read), not both. Other fields (running text, codes, dates) are added as
    /// any other key's.
    pub(crate) fn add_in(
        &mut self,
        field: Field,
        lang: Option<Lang>,
        value: Value,
        line: Option<u64>,
    ) {
        match lang {
            Some(lang) if field.is_worded() => {
                self.variants
                    .entry(field)
                    .or_default()
                    .push((lang, Entry { value, line }));
            }
            _ => self.add(field, value, line),
        }
    }

    /// Adds the values given in a language: for each field, those in the document's
    /// language (as `lang` says, or else as its text reads) when there are some, else those
    /// in Spanish or else English (the users' languages), otherwise all of them.
    pub(crate) fn settle_languages(&mut self) {
        if self.variants.is_empty() {
            return;
        }
        let lang = self
            .text(Field::Lang)
            .and_then(|l| l.parse::<Lang>().ok())
            .or_else(|| {
                self.text(Field::Text)
                    .filter(|t| t.split_whitespace().nth(4).is_some())
                    .map(crate::lang::detect_lang)
            });
        for (field, given) in std::mem::take(&mut self.variants) {
            // The document's language, else the users' (Spanish, then English).
            let chosen = [lang, Some(Lang::Es), Some(Lang::En)]
                .into_iter()
                .flatten()
                .find(|l| given.iter().any(|(g, _)| g == l));
            for (g, entry) in given {
                if chosen.is_none_or(|c| c == g) {
                    self.add(field, entry.value, entry.line);
                }
            }
        }
    }

    /// Sets a field, replacing what it held; blank values are ignored. List fields split
    /// strings at `;` and `|`; other fields join lists with `, ` (text fields with blank
    /// lines).
    pub(crate) fn insert(&mut self, field: Field, value: Value, line: Option<u64>) {
        if let Some(value) = normalized(field, value) {
            self.entries.insert(field, Entry { value, line });
        }
    }

    /// Adds a value to a field given again in the same source (repeated columns, several
    /// keys for one field): a list gains the items it lacks, a text gains a paragraph, any
    /// other field keeps its first value.
    pub(crate) fn add(&mut self, field: Field, value: Value, line: Option<u64>) {
        let Some(value) = normalized(field, value) else {
            return;
        };
        let Some(entry) = self.entries.get_mut(&field) else {
            self.entries.insert(field, Entry { value, line });
            return;
        };
        match (&mut entry.value, value) {
            (Value::Many(items), Value::Many(more)) => {
                for item in more {
                    if !items.contains(&item) {
                        items.push(item);
                    }
                }
            }
            (Value::One(text), Value::One(more)) if field.is_text() && *text != more => {
                text.push_str("\n\n");
                text.push_str(&more);
            }
            _ => {}
        }
    }

    /// Removes a field.
    pub(crate) fn remove(&mut self, field: Field) {
        self.entries.remove(&field);
    }

    /// Whether the field is set.
    pub(crate) fn has(&self, field: Field) -> bool {
        self.entries.contains_key(&field)
    }

    /// A scalar field's text.
    pub(crate) fn text(&self, field: Field) -> Option<&str> {
        match &self.entries.get(&field)?.value {
            Value::One(s) => Some(s),
            Value::Many(_) => None,
        }
    }

    /// A list field's items.
    pub(crate) fn list(&self, field: Field) -> Option<&[String]> {
        match &self.entries.get(&field)?.value {
            Value::Many(items) => Some(items),
            Value::One(_) => None,
        }
    }

    /// The line a field was given on, if known.
    pub(crate) fn line(&self, field: Field) -> Option<u64> {
        self.entries.get(&field)?.line
    }

    /// Sets the line of every field that has none (the start of a record).
    pub(crate) fn default_line(&mut self, line: Option<u64>) {
        for entry in self.entries.values_mut() {
            entry.line = entry.line.or(line);
        }
    }

    /// Forgets where every field was given (for metadata inherited from another file).
    pub(crate) fn clear_lines(&mut self) {
        for entry in self.entries.values_mut() {
            entry.line = None;
        }
    }

    /// `nearer` laid over `self`, key by key.
    pub(crate) fn overlay(&mut self, nearer: &Metadata) {
        for (field, entry) in &nearer.entries {
            self.entries.insert(*field, entry.clone());
        }
    }

    /// Drops the per-document fields (id, title, text, lesson parts), for sidecars.
    pub(crate) fn retain_shared(&mut self) {
        self.entries.retain(|field, _| !field.is_per_document());
        self.variants.retain(|field, _| !field.is_per_document());
    }

    /// Checks the typed fields (kind, lang, date): a value that does not parse is dropped and
    /// reported as a Warning against `path`.
    pub(crate) fn validate(&mut self, path: &str, problems: &mut Vec<Problem>) {
        let mut bad = Vec::new();
        for field in [Field::Kind, Field::Lang, Field::Date] {
            let Some(value) = self.text(field) else {
                if self.has(field) {
                    bad.push((
                        field,
                        "a list".to_string(),
                        "expected a single value".into(),
                    ));
                }
                continue;
            };
            let error = match field {
                Field::Kind => value.parse::<Kind>().err(),
                Field::Lang => value.parse::<Lang>().err(),
                _ => value.parse::<Date>().err(),
            };
            if let Some(error) = error {
                bad.push((field, value.to_string(), error.to_string()));
            }
        }
        for (field, value, error) in bad {
            tracing::debug!(path, field = field.name(), value, "invalid metadata value");
            problems.push(
                Problem::warning(path, format!("{} {value:?} ignored: {error}", field.name()))
                    .at_line(self.line(field)),
            );
            self.remove(field);
        }
        self.settle_languages();
    }

    /// Writes the descriptive fields onto `doc` (not id, title, text or lesson parts, which
    /// the reader handles). Call [`Metadata::validate`] first: unparsable values are skipped
    /// here silently.
    pub(crate) fn apply(&self, doc: &mut Document) {
        if let Some(kind) = self.text(Field::Kind).and_then(|k| k.parse().ok()) {
            doc.kind = kind;
        } else if let Some(kind) = self.text(Field::Genre).and_then(genre_kind) {
            doc.kind = kind;
        }
        if let Some(lang) = self.text(Field::Lang).and_then(|l| l.parse().ok()) {
            doc.lang = Some(lang);
        }
        if let Some(date) = self.text(Field::Date).and_then(|d| d.parse().ok()) {
            doc.date = Some(date);
        }
        let text = |field| self.text(field).map(str::to_string);
        let list = |field| self.list(field).map(<[String]>::to_vec).unwrap_or_default();
        doc.country = text(Field::Country);
        doc.event = text(Field::Event);
        doc.location = text(Field::Location);
        doc.regions = list(Field::Regions);
        doc.institutions = list(Field::Institutions);
        doc.topics = list(Field::Topics);
        doc.authors = list(Field::Authors);
        // A document is not an edition of itself.
        doc.edition_of = text(Field::EditionOf).filter(|original| *original != doc.id);
    }
}

/// A value as a field holds it (see [`Metadata::insert`]); `None` when it is blank.
fn normalized(field: Field, value: Value) -> Option<Value> {
    let value = match value {
        // Keywords are written `a, b, c` more often than not; an institution's name may hold
        // a comma (`ECLAC, Subregional Headquarters for the Caribbean`).
        Value::One(s) if field == Field::Topics => Value::Many(split_list(&s, &[';', '|', ','])),
        Value::One(s) if field.is_list() => Value::Many(split_list(&s, &[';', '|'])),
        Value::Many(items) if field.is_list() => Value::Many(
            items
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        ),
        Value::One(s) => {
            let s = if field.is_text() {
                s.trim().to_string()
            } else {
                collapse_spaces(&s)
            };
            if s.is_empty() {
                return None;
            }
            Value::One(s)
        }
        Value::Many(items) => {
            let sep = if field.is_text() { "\n\n" } else { ", " };
            let joined = items
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(sep);
            if joined.is_empty() {
                return None;
            }
            Value::One(joined)
        }
    };
    Some(value)
}

/// The kind a repository's document type names, if any: its last `/` or `:` segment
/// (`info:eu-repo/semantics/report`), else its first word (`Informe técnico`), else a
/// report when it names a publication (`libro`, `info:eu-repo/semantics/workingPaper`).
fn genre_kind(genre: &str) -> Option<Kind> {
    let last = genre.rsplit(['/', ':']).next().unwrap_or(genre);
    last.parse()
        .ok()
        .or_else(|| last.split_whitespace().next()?.parse().ok())
        .or_else(|| publication(last).then_some(Kind::Report))
}

/// Whether a repository's type names a publication of an institution's own, a report in
/// all but name (COAR's and eu-repo's `book`, `libro`, `working paper`, `documento de
/// proyecto`…): a catalogue of them is a list of reports. Theses, articles, datasets and
/// the like are not.
fn publication(genre: &str) -> bool {
    matches!(
        fold_key(genre).as_str(),
        "book"
            | "libro"
            | "libros"
            | "monograph"
            | "monografia"
            | "workingpaper"
            | "documentodetrabajo"
            | "documentodeproyecto"
            | "documentodeproyectos"
            | "documentosdeproyectos"
            | "technicalreport"
            | "researchreport"
            | "policybrief"
            | "projectdocument"
    )
}

/// The items of a list written as one string, split at any of `separators`, trimmed, blanks
/// dropped.
pub(crate) fn split_list(text: &str, separators: &[char]) -> Vec<String> {
    text.split(separators)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(collapse_spaces)
        .collect()
}

/// Runs of white space as one space, trimmed.
pub(crate) fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A column name without the language suffix DSpace appends to it: `dc.title[es]`,
/// `dc.subject[en_US]`, `dc.title[]` → `dc.title`.
fn without_language_suffix(key: &str) -> &str {
    match bracketed_suffix(key) {
        Some((bare, _)) if !bare.trim().is_empty() => bare.trim_end(),
        _ => key,
    }
}

/// A key split before its bracketed suffix (`dc.title[es]` → `dc.title`, `es`).
fn bracketed_suffix(key: &str) -> Option<(&str, &str)> {
    let k = key.strip_suffix(']')?;
    let at = k.rfind('[')?;
    Some((&k[..at], &k[at + 1..]))
}

/// The language a key names, as DSpace writes it (`dc.title[es]`, `dc.subject[en_US]`) or as
/// a catalogue's column names do (`dc.subject.unbisSpa`, `cepal.topicEng`: a language's code
/// of three letters, capitalised, closing a name in lower case).
pub(crate) fn key_language(key: &str) -> Option<Lang> {
    let key = key.trim();
    if let Some((_, tag)) = bracketed_suffix(key) {
        return tag.parse().ok();
    }
    let chars: Vec<char> = key.chars().rev().take(4).collect();
    match chars[..] {
        [c, b, a, before]
            if a.is_ascii_uppercase()
                && b.is_ascii_lowercase()
                && c.is_ascii_lowercase()
                && before.is_ascii_lowercase() =>
        {
            // Not any code (`fechaFin` is no Finnish): those of the languages catalogues of
            // the region give their columns in.
            match &key[key.len() - 3..] {
                "Spa" | "Esp" => Some(Lang::Es),
                "Eng" | "Ing" => Some(Lang::En),
                "Por" => Some(Lang::Pt),
                "Fra" | "Fre" => Some(Lang::Fr),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The field a Dublin Core key names (`dc.description.abstract`, `dcterms:issued`,
/// `dc.subject.other`); `None` when the key is not Dublin Core at all.
fn dublin_core(key: &str) -> Option<Result<Field, Unmapped>> {
    let lower = key.to_ascii_lowercase();
    let rest = ["dcterms.", "dcterms:", "dct.", "dct:", "dc.", "dc:"]
        .iter()
        .find_map(|prefix| lower.strip_prefix(prefix))?;
    let (element, qualifier) = match rest.split_once('.') {
        Some((element, qualifier)) => (element, Some(qualifier)),
        None => (rest, None),
    };
    let field = match (element, qualifier) {
        ("title", None) => Field::Title,
        ("description", None | Some("abstract" | "resumen")) | ("abstract", None) => Field::Text,
        ("date", None | Some("issued" | "created")) | ("issued" | "created", None) => Field::Date,
        ("creator", _) | ("contributor", None | Some("author" | "autor")) => Field::Authors,
        // Classification codes are not topics a reader would pick.
        ("subject", Some("ddc" | "lcc" | "udc" | "ocde" | "classification")) => {
            return Some(Err(Unmapped::Unused));
        }
        ("subject", _) => Field::Topics,
        ("language", None | Some("iso" | "rfc3066")) => Field::Lang,
        ("type", _) => Field::Genre,
        ("coverage", Some("spatial")) | ("spatial", None) => Field::Regions,
        // Where it was published (`dc.publisher.place`: Santiago) is no institution.
        ("publisher", Some("place")) => return Some(Err(Unmapped::Unused)),
        ("publisher", _) => Field::Institutions,
        _ => return Some(Err(Unmapped::Unused)),
    };
    Some(Ok(field))
}

/// A CSV cell as a value of `field`: DSpace separates the values of one cell with `||`, so
/// such a cell is a list (several topics, several abstracts as paragraphs), and a field
/// that takes one value takes the first.
///
/// A cell written as a list literal, as a data frame writes a column of lists
/// (`['CEPAL', 'FAO']`, `["a", "b"]`), is a list the same way.
pub(crate) fn cell_value(field: Field, cell: &str) -> Value {
    let items: Vec<String> = if let Some(items) = list_literal(cell) {
        items
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    } else if cell.contains("||") {
        cell.split("||")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    } else {
        return Value::One(cell.to_string());
    };
    if field.is_list() || field.is_text() {
        Value::Many(items)
    } else {
        Value::One(items.into_iter().next().unwrap_or_default())
    }
}

/// The strings of a list literal, as JSON (`["a", "b"]`) or Python (`['a', "b's"]`) writes
/// one: `None` for anything else, such as `[sic]` or a bracketed note, so that such a cell
/// is read as the text it is.
fn list_literal(cell: &str) -> Option<Vec<String>> {
    let inner = cell.trim().strip_prefix('[')?.strip_suffix(']')?;
    if let Ok(items) = serde_json::from_str::<Vec<String>>(cell.trim()) {
        return Some(items);
    }
    let mut items = Vec::new();
    let mut chars = inner.trim().chars().peekable();
    while let Some(quote) = chars.next() {
        if quote != '\'' && quote != '"' {
            return None;
        }
        let mut item = String::new();
        loop {
            match chars.next()? {
                '\\' => item.push(chars.next()?),
                c if c == quote => break,
                c => item.push(c),
            }
        }
        items.push(item);
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.next() {
            None => break,
            Some(',') => while chars.next_if(|c| c.is_whitespace()).is_some() {},
            Some(_) => return None,
        }
    }
    Some(items)
}

/// The scalar text of a JSON value: strings as they are, numbers and booleans written out,
/// `null` and objects as nothing.
fn json_scalar(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A JSON value as metadata: scalars and lists of scalars; anything else is not metadata.
pub(crate) fn from_json(value: &serde_json::Value) -> Option<Value> {
    match value {
        serde_json::Value::Array(items) => {
            Some(Value::Many(items.iter().filter_map(json_scalar).collect()))
        }
        other => json_scalar(other).map(Value::One),
    }
}

fn yaml_scalar(value: &serde_yaml_ng::Value) -> Option<String> {
    match value {
        serde_yaml_ng::Value::String(s) => Some(s.clone()),
        serde_yaml_ng::Value::Number(n) => Some(n.to_string()),
        serde_yaml_ng::Value::Bool(b) => Some(b.to_string()),
        serde_yaml_ng::Value::Tagged(tagged) => yaml_scalar(&tagged.value),
        _ => None,
    }
}

/// A YAML value as metadata (see [`from_json`]).
pub(crate) fn from_yaml(value: &serde_yaml_ng::Value) -> Option<Value> {
    match value {
        serde_yaml_ng::Value::Sequence(items) => {
            Some(Value::Many(items.iter().filter_map(yaml_scalar).collect()))
        }
        serde_yaml_ng::Value::Tagged(tagged) => from_yaml(&tagged.value),
        other => yaml_scalar(other).map(Value::One),
    }
}

/// The metadata of a JSON object; `line` is where the object starts.
pub(crate) fn from_json_object(
    object: &serde_json::Map<String, serde_json::Value>,
    line: Option<u64>,
) -> Metadata {
    let mut meta = Metadata::default();
    meta.insert_json_keys(object, line);
    meta.settle_languages();
    meta
}

/// The metadata of a YAML mapping; `line_of` gives the line a top-level key is written on.
pub(crate) fn from_yaml_mapping(
    mapping: &serde_yaml_ng::Mapping,
    line_of: impl Fn(&str) -> Option<u64>,
) -> Metadata {
    let mut meta = Metadata::default();
    for (key, value) in mapping {
        let Some(key) = yaml_scalar(key) else {
            continue;
        };
        if let Some(value) = from_yaml(value) {
            meta.insert_key(&key, value, line_of(&key));
        }
    }
    meta.settle_languages();
    meta
}

/// The 1-based line of each top-level key of a YAML mapping (keys folded with
/// [`fold_key`]), so problems can point at the line that gave a value.
pub(crate) fn yaml_key_lines(yaml: &str) -> std::collections::HashMap<String, u64> {
    let mut lines = std::collections::HashMap::new();
    for (i, line) in yaml.lines().enumerate() {
        if line.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        if let Some((key, _)) = line.split_once(':') {
            let key = key.trim().trim_matches(['"', '\'']);
            lines.entry(fold_key(key)).or_insert(i as u64 + 1);
        }
    }
    lines
}

/// Why YAML metadata could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum YamlError {
    /// Not valid YAML: the parser's message and the line, counted in the file.
    Invalid { line: Option<u64>, message: String },
    /// Valid YAML, but a single value or a list instead of `key: value` lines.
    NotMapping,
}

/// Deepest nesting of flow collections (`[…]`, `{…}`) accepted in YAML metadata: the YAML
/// parser takes time quadratic in it, so that a hundred kilobytes of `[` would take it
/// seconds; metadata never nests more than a few levels.
pub const MAX_YAML_DEPTH: usize = 64;

/// The deepest nesting of `[` and `{` in YAML, outside quotes and comments (a cheap,
/// generous estimate: brackets inside plain scalars count too).
fn flow_depth(yaml: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut chars = yaml.chars().peekable();
    let mut line_start = true;
    while let Some(c) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '#' if line_start => {
                    for c in chars.by_ref() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                '[' | '{' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        line_start = c == '\n' || (line_start && c.is_whitespace());
    }
    deepest
}

/// Parses YAML metadata (front matter, a sidecar): `Ok(None)` when it is empty.
/// `line_offset` is the number of file lines before the YAML's first line.
pub(crate) fn parse_yaml(yaml: &str, line_offset: u64) -> Result<Option<Metadata>, YamlError> {
    if flow_depth(yaml) > MAX_YAML_DEPTH {
        return Err(YamlError::Invalid {
            line: Some(line_offset + 1),
            message: format!("nested deeper than {MAX_YAML_DEPTH} levels of [ ] or {{ }}"),
        });
    }
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(yaml).map_err(|e| {
        let line = e.location().map(|l| l.line() as u64 + line_offset);
        let mut message = e.to_string();
        // The parser's own position counts from the start of the YAML, not of the file.
        if let Some(at) = message.find(" at line ") {
            message.truncate(at);
        }
        YamlError::Invalid { line, message }
    })?;
    match value {
        serde_yaml_ng::Value::Null => Ok(None),
        serde_yaml_ng::Value::Mapping(mapping) => {
            let lines = yaml_key_lines(yaml);
            Ok(Some(from_yaml_mapping(&mapping, |key| {
                lines.get(&fold_key(key)).map(|l| l + line_offset)
            })))
        }
        _ => Err(YamlError::NotMapping),
    }
}

/// A `key: value` line of YAML metadata whose plain value YAML cannot read as written,
/// found by [`quote_plain_values`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unquoted {
    /// The line in the YAML, from 1.
    pub line: u64,
    /// The key.
    pub key: String,
    /// What in the value needs the quotes, as written: `: `, ` #`, or its first character.
    pub culprit: String,
}

/// The metadata with every top-level `key: value` line whose plain value breaks YAML (a
/// `: ` or ` #` inside it, as in `title: Informe: lecciones`, or a first character YAML
/// reserves, such as `@` or a backtick) written as a double-quoted string; and those lines.
/// `None` if no line needs it. Lines with quoted, flow (`[…]`, `{…}`) or block (`|`, `>`)
/// values, indented lines and comments are left as they are.
pub(crate) fn quote_plain_values(yaml: &str) -> Option<(String, Vec<Unquoted>)> {
    let mut fixed = Vec::new();
    let mut out = String::with_capacity(yaml.len() + 16);
    for (i, line) in yaml.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let parsed = line.split_once(':').filter(|(key, rest)| {
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
                && rest.starts_with([' ', '\t'])
        });
        let Some((key, rest)) = parsed else {
            out.push_str(line);
            continue;
        };
        let value = rest.trim();
        let culprit = if value.starts_with(['"', '\'', '[', '{', '|', '>', '&', '*', '!', '#']) {
            None
        } else if value.contains(": ") || value.ends_with(':') {
            Some(": ".to_string())
        } else if value.contains(" #") {
            Some(" #".to_string())
        } else if value.starts_with(['@', '`', '%']) {
            value.chars().next().map(String::from)
        } else {
            None
        };
        match culprit {
            Some(culprit) => {
                let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
                out.push_str(&format!("{key}: \"{escaped}\""));
                fixed.push(Unquoted {
                    line: i as u64 + 1,
                    key: key.to_string(),
                    culprit,
                });
            }
            None => out.push_str(line),
        }
    }
    (!fixed.is_empty()).then_some((out, fixed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_that_break_yaml_are_quoted_and_named() {
        let yaml = "title: Informe: lecciones de la pasantía\nregions: [Cusco]\n\
                    event: Mesa #2: proveedores\nnota: \"ya: citada\"\nlugar: @Lima";
        let (fixed, lines) = quote_plain_values(yaml).unwrap();
        let meta = parse_yaml(&fixed, 0).unwrap().unwrap();
        assert_eq!(
            meta.text(Field::Title),
            Some("Informe: lecciones de la pasantía")
        );
        assert_eq!(meta.text(Field::Event), Some("Mesa #2: proveedores"));
        let keys: Vec<(u64, &str, &str)> = lines
            .iter()
            .map(|u| (u.line, u.key.as_str(), u.culprit.as_str()))
            .collect();
        assert_eq!(
            keys,
            [(1, "title", ": "), (3, "event", ": "), (5, "lugar", "@")]
        );
        assert!(fixed.contains("nota: \"ya: citada\""));
        let nested = "authors:\n  - name: Ana: coordinadora\n";
        assert_eq!(
            quote_plain_values(nested),
            None,
            "indented lines are left alone"
        );
        assert_eq!(quote_plain_values("title: Bien\nregions: [Cusco]\n"), None);
    }

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing() {
        assert_eq!(flow_depth("title: a\nregions: [Cusco, {a: [b]}]\n"), 3);
        assert_eq!(flow_depth("title: \"[[[[\"\n# [[[[\nx: '{{'\n"), 0);
        let deep = format!("title: {}x{}\n", "[".repeat(50_000), "]".repeat(50_000));
        let started = std::time::Instant::now();
        assert!(matches!(
            parse_yaml(&deep, 1),
            Err(YamlError::Invalid { .. })
        ));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert!(parse_yaml("title: [a, [b, [c]]]\n", 0).is_ok());
    }

    #[test]
    fn keys_match_in_either_language_and_any_case() {
        assert_eq!(Field::from_key("Título"), Some(Field::Title));
        assert_eq!(Field::from_key("LANGUAGE"), Some(Field::Lang));
        assert_eq!(Field::from_key("región"), Some(Field::Regions));
        assert_eq!(Field::from_key("tags"), Some(Field::Topics));
        assert_eq!(
            Field::from_key("Recomendación"),
            Some(Field::Recommendation)
        );
        assert_eq!(Field::from_key("body"), Some(Field::Text));
        assert_eq!(Field::from_key("colour"), None);
        // A catalogue's places, in Spanish and in English: the qualifier names its language.
        for key in [
            "dc.coverage.spatial",
            "dc.coverage.spatialSpa",
            "dc.coverage.spatialEng",
        ] {
            assert_eq!(Field::lookup(key), Ok(Field::Regions), "{key}");
        }
        assert_eq!(Field::lookup("dc.description.abstractEng"), Ok(Field::Text));
        assert_eq!(
            Field::lookup("dc.date.accessionedSpa"),
            Err(Unmapped::Unused)
        );
    }

    #[test]
    fn lists_split_and_scalars_join() {
        let mut meta = Metadata::default();
        meta.insert_key("regions", Value::One("Cusco; Apurímac | Puno".into()), None);
        meta.insert_key("title", Value::Many(vec!["A".into(), "B".into()]), None);
        meta.insert_key("event", Value::One("  ".into()), None);
        assert_eq!(
            meta.list(Field::Regions).unwrap(),
            ["Cusco", "Apurímac", "Puno"]
        );
        assert_eq!(meta.text(Field::Title), Some("A, B"));
        assert!(!meta.has(Field::Event));
    }

    #[test]
    fn bad_values_are_dropped_with_a_warning_naming_field_value_and_line() {
        let mut meta = Metadata::default();
        meta.insert(Field::Kind, Value::One("memo".into()), Some(3));
        meta.insert(Field::Date, Value::One("pronto".into()), Some(4));
        meta.insert(Field::Lang, Value::One("en".into()), Some(5));
        let mut problems = Vec::new();
        meta.validate("a.md", &mut problems);
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].line, Some(3));
        assert!(
            problems[0].reason.starts_with("kind \"memo\" ignored"),
            "{}",
            problems[0]
        );
        assert_eq!(problems[1].line, Some(4));
        assert!(problems[1].reason.contains("date \"pronto\""));
        let mut doc = Document::new("d", "a.md");
        meta.apply(&mut doc);
        assert_eq!(doc.kind, Kind::Other);
        assert_eq!(doc.lang, Some(Lang::En));
        assert_eq!(doc.date, None);
    }

    #[test]
    fn cells_written_as_list_literals_are_lists() {
        let many = |items: &[&str]| Value::Many(items.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            cell_value(Field::Institutions, "['CEPAL', 'FAO']"),
            many(&["CEPAL", "FAO"])
        );
        assert_eq!(
            cell_value(Field::Topics, r#"["agua", "riego"]"#),
            many(&["agua", "riego"])
        );
        assert_eq!(
            cell_value(
                Field::Authors,
                r#"['Zapata, Nancy', "O'Neill, Ana", 'Ruiz, \'Lalo\'']"#
            ),
            many(&["Zapata, Nancy", "O'Neill, Ana", "Ruiz, 'Lalo'"])
        );
        // A field of one value takes the first; text fields take each as a paragraph.
        assert_eq!(
            cell_value(Field::Genre, "['libro', 'libro']"),
            Value::One("libro".into())
        );
        assert_eq!(
            cell_value(Field::Text, "['Uno.', 'Dos.']"),
            many(&["Uno.", "Dos."])
        );
        // Brackets that are no list literal are text.
        for text in [
            "[sic] informe",
            "[Borrador]",
            "['abierto",
            "['a' 'b']",
            "[a, b]",
        ] {
            assert_eq!(
                cell_value(Field::Topics, text),
                Value::One(text.into()),
                "{text}"
            );
        }
        assert_eq!(cell_value(Field::Topics, "a||b"), many(&["a", "b"]));
    }

    #[test]
    fn a_repositorys_type_gives_the_kind_it_names_and_publications_are_reports() {
        for (genre, kind) in [
            ("info:eu-repo/semantics/report", Some(Kind::Report)),
            ("Informe técnico", Some(Kind::Report)),
            ("libro", Some(Kind::Report)),
            ("info:eu-repo/semantics/workingPaper", Some(Kind::Report)),
            ("Documento de proyecto", Some(Kind::Report)),
            ("Acta de sesión", Some(Kind::SessionNote)),
            ("info:eu-repo/semantics/doctoralThesis", None),
            ("info:eu-repo/semantics/article", None),
            ("contribución a congreso", None),
        ] {
            assert_eq!(genre_kind(genre), kind, "{genre}");
        }
    }

    #[test]
    fn a_field_given_in_two_languages_keeps_the_documents_own() {
        for (key, lang) in [
            ("dc.title[es]", Some(Lang::Es)),
            ("dc.subject[en_US]", Some(Lang::En)),
            ("dc.subject.unbisSpa", Some(Lang::Es)),
            ("cepal.topicEng", Some(Lang::En)),
            ("dc.title[]", None),
            ("dc.title", None),
            ("dc.language.iso", None),
            ("fechaFin", None),
            ("SPA", None),
        ] {
            assert_eq!(key_language(key), lang, "{key}");
        }
        let record = |language: Option<&str>, text: Option<&str>| {
            let mut object = serde_json::json!({
                "dc.title[es]": "Agua en la sierra",
                "dc.title[en]": "Water in the highlands",
                "dc.subject.unbisSpa": ["RIEGO", "AGUA POTABLE"],
                "dc.subject.unbisEng": ["IRRIGATION", "DRINKING WATER"],
                "dc.subject": ["Majes"],
            });
            if let Some(language) = language {
                object["dc.language.iso"] = language.into();
            }
            if let Some(text) = text {
                object["dc.description.abstract"] = text.into();
            }
            let mut meta = from_json_object(object.as_object().unwrap(), Some(3));
            meta.validate("c.json", &mut Vec::new());
            let topics = meta.list(Field::Topics).unwrap().to_vec();
            (meta.text(Field::Title).unwrap().to_string(), topics)
        };
        let english = record(Some("eng"), None);
        assert_eq!(english.0, "Water in the highlands");
        assert_eq!(english.1, ["Majes", "IRRIGATION", "DRINKING WATER"]);
        // No language given: the abstract's.
        let spanish = record(
            None,
            Some("La sierra necesitó reservorios pequeños para el riego."),
        );
        assert_eq!(spanish.0, "Agua en la sierra");
        assert_eq!(spanish.1, ["Majes", "RIEGO", "AGUA POTABLE"]);
        // A language neither is in, or none known: the users' first language.
        assert_eq!(record(Some("por"), None), spanish);
        assert_eq!(record(None, None), spanish);
    }

    #[test]
    fn topics_split_at_commas_institutions_do_not_and_a_place_is_no_publisher() {
        let mut meta = Metadata::default();
        meta.insert_key(
            "dc.subject",
            Value::One("CAMBIO CLIMATICO, FINANCIACION; GENERO".into()),
            None,
        );
        meta.insert_key(
            "dc.publisher",
            Value::One("ECLAC, Subregional Headquarters for the Caribbean".into()),
            None,
        );
        meta.insert_key(
            "dc.publisher.place",
            Value::One("Port-of-Spain".into()),
            None,
        );
        assert_eq!(
            meta.list(Field::Topics).unwrap(),
            ["CAMBIO CLIMATICO", "FINANCIACION", "GENERO"]
        );
        assert_eq!(
            meta.list(Field::Institutions).unwrap(),
            ["ECLAC, Subregional Headquarters for the Caribbean"]
        );
        assert_eq!(
            Field::lookup("dc.publisher.place[es]"),
            Err(Unmapped::Unused)
        );
    }

    #[test]
    fn nearer_metadata_overrides_key_by_key() {
        let mut far = Metadata::default();
        far.insert(Field::Country, Value::One("Perú".into()), None);
        far.insert(Field::Event, Value::One("Pasantía".into()), None);
        let mut near = Metadata::default();
        near.insert(Field::Event, Value::One("Taller".into()), None);
        far.overlay(&near);
        assert_eq!(far.text(Field::Country), Some("Perú"));
        assert_eq!(far.text(Field::Event), Some("Taller"));
    }
}
