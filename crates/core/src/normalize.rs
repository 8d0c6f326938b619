//! Making a document's metadata canonical: one spelling per region, country, institution and
//! glossary topic, whatever the source file wrote.

use std::fmt;
use std::path::Path;

use crate::mentions::{MentionIndex, Mentions};
use crate::{Document, Gazetteer, Glossary, Institutions, Result, Topics, fold_key, topic_key};

/// File names, inside a corpus folder, of the data files the normalizer reads.
pub const GAZETTEER_FILE: &str = "_gazetteer.csv";
/// See [`GAZETTEER_FILE`].
pub const INSTITUTIONS_FILE: &str = "_institutions.csv";
/// See [`GAZETTEER_FILE`].
pub const GLOSSARY_FILE: &str = "_glossary.csv";
/// The corpus's data files, which every document's metadata is resolved with.
pub const DATA_FILES: [&str; 3] = [GAZETTEER_FILE, INSTITUTIONS_FILE, GLOSSARY_FILE];

/// The version of the rules that read and resolve documents' metadata (which fields a key
/// names, which places are countries, which titles are placeholders…). Bumped with a change
/// to them, it is kept with the built-in lists' hash (see [`built_in_data`]), so an index
/// made by an earlier release re-reads its corpus once and its metadata follows the new
/// rules, without a rebuild. (2: catalogue coverage gives countries, the names of a report's
/// parts are no title, Quechua, Aymara and Guaraní are languages.)
pub const METADATA_RULES: u32 = 2;

/// The list built into Minga that a corpus's data file is merged over, if any: a release
/// that changes it resolves metadata anew, as a change of the file itself would.
pub fn built_in_data(name: &str) -> Option<&'static str> {
    match name {
        GAZETTEER_FILE => Some(crate::gazetteer::BUILTIN),
        INSTITUTIONS_FILE => Some(crate::institutions::BUILTIN),
        _ => None,
    }
}

/// Metadata the normalizer could not make canonical; the value is kept as written. Shown,
/// each says which row of which data file would make the value known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// A region the gazetteer does not know, in the document's country (if known).
    UnknownRegion {
        name: String,
        country: Option<String>,
    },
    /// A country the gazetteer does not know.
    UnknownCountry(String),
    /// An institution the directory does not know.
    UnknownInstitution(String),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::UnknownRegion { name, country } => {
                let country = csv_field(country.as_deref().unwrap_or("<country>"));
                let region = csv_field(name.trim());
                write!(
                    f,
                    "unknown region {name:?}: to make it known, add the row \
                     \"{country},<region>,{region}\" to {GAZETTEER_FILE} in the corpus folder if \
                     it is another name of a region, or \"{country},{region},\" if it is a \
                     region of its own"
                )
            }
            Warning::UnknownCountry(name) => {
                let country = csv_field(name.trim());
                write!(
                    f,
                    "unknown country {name:?}: to make it known, add the row \
                     \"<country>,,{country}\" to {GAZETTEER_FILE} in the corpus folder if it is \
                     another name of a country, or \"{country},,\" if it is a country of its own"
                )
            }
            Warning::UnknownInstitution(name) => {
                let institution = csv_field(name.trim());
                write!(
                    f,
                    "unknown institution {name:?}: to make it known, add the row \
                     \"<name>,,,,,,,{institution}\" to {INSTITUTIONS_FILE} in the corpus folder \
                     if it is another name of an institution, or \"{institution}\" if it is one \
                     of its own"
                )
            }
        }
    }
}

/// A value as a CSV field: quoted when it holds a comma or a quote.
fn csv_field(value: &str) -> String {
    if value.contains([',', '"']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// Rewrites document metadata to canonical names with a gazetteer, an institutions
/// directory and the glossary's topic names.
#[derive(Debug, Clone, Default)]
pub struct Normalizer {
    pub gazetteer: Gazetteer,
    pub institutions: Institutions,
    /// The glossary's names for topics (none by default).
    pub topics: Topics,
    mentions: MentionIndex,
}

impl Normalizer {
    /// The built-in gazetteer and institutions directory with the corpus folder's data files
    /// ([`GAZETTEER_FILE`], [`INSTITUTIONS_FILE`]) merged over them (see
    /// [`Gazetteer::with_builtin`], [`Institutions::with_builtin`]), and the topic names of
    /// its [`GLOSSARY_FILE`]; a missing file adds nothing, a malformed one is an error. The
    /// countries the folder's files name rank first among the places that share a name.
    pub fn load(corpus: &Path) -> Result<Normalizer> {
        let gazetteer_path = corpus.join(GAZETTEER_FILE);
        let institutions_path = corpus.join(INSTITUTIONS_FILE);
        let glossary_path = corpus.join(GLOSSARY_FILE);
        let gazetteer = if gazetteer_path.is_file() {
            Gazetteer::load(&gazetteer_path)?
        } else {
            Gazetteer::default()
        };
        let institutions = if institutions_path.is_file() {
            Institutions::load(&institutions_path)?
        } else {
            Institutions::default()
        };
        let mut gazetteer = gazetteer.with_builtin();
        let named: Vec<String> = institutions
            .all()
            .iter()
            .filter_map(|i| i.country.as_deref())
            .filter_map(|c| gazetteer.lookup(c).map(|p| p.country.clone()))
            .collect();
        gazetteer.prefer_countries(named.iter().map(String::as_str));
        let topics = if glossary_path.is_file() {
            Topics::new(&Glossary::load(&glossary_path)?)
        } else {
            Topics::default()
        };
        Ok(Normalizer::new(gazetteer, institutions.with_builtin()).with_topics(topics))
    }

    /// The same normalizer, naming topics with `topics`.
    pub fn with_topics(self, topics: Topics) -> Normalizer {
        Normalizer { topics, ..self }
    }

    /// The name a topic is indexed under: the glossary's (see [`Topics::canonical`]), else
    /// the topic as written.
    pub fn topic(&self, topic: &str) -> String {
        self.topics.canonical(topic)
    }

    /// A normalizer over a gazetteer and an institutions directory, as they are (nothing
    /// built in is added).
    pub fn new(gazetteer: Gazetteer, institutions: Institutions) -> Normalizer {
        Normalizer {
            mentions: MentionIndex::new(&gazetteer, &institutions),
            gazetteer,
            institutions,
            topics: Topics::default(),
        }
    }

    /// The country a name stands for: a country of that name, else the country of the region
    /// of that name.
    fn country(&self, name: &str) -> Option<&str> {
        let candidates = self.gazetteer.candidates(name);
        candidates
            .iter()
            .find(|p| p.region.is_none())
            .or(candidates.first())
            .map(|p| p.country.as_str())
    }

    /// The places and institutions a text names (see [`MentionIndex::find`]).
    pub fn mentions(&self, text: &str) -> Mentions {
        self.mentions.find(text)
    }

    /// The places of a comma-joined list of them (`CARIBE, BAHAMAS, BELICE`), when the
    /// gazetteer knows at least two of its items (a part of the world counts) and not the
    /// whole (`Bolivia, Estado plurinacional de`); else the name alone.
    fn place_list(&self, name: String) -> Vec<String> {
        let known =
            |n: &str| crate::gazetteer::is_world_area(n) || self.gazetteer.lookup(n).is_some();
        if !name.contains(',') || known(&name) {
            return vec![name];
        }
        let items: Vec<String> = name
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_string)
            .collect();
        if items.iter().filter(|item| known(item)).count() >= 2 {
            items
        } else {
            vec![name]
        }
    }

    /// The items of a comma-joined list of institutions (`CEPAL, BID`), each canonical where
    /// the directory knows it (`Err` with the name as written where it does not), when it
    /// knows at least two; `None` otherwise, since one institution's name may hold a comma
    /// (`ECLAC, Subregional Headquarters for the Caribbean`).
    fn known_list(&self, names: &str) -> Option<Vec<std::result::Result<String, String>>> {
        if !names.contains(',') {
            return None;
        }
        let items: Vec<_> = names
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(|name| match self.institutions.lookup(name) {
                Some(institution) => Ok(institution.name.clone()),
                None => Err(name.to_string()),
            })
            .collect();
        (items.iter().filter(|item| item.is_ok()).count() >= 2).then_some(items)
    }

    /// Topics with neighbours put back together where, joined by a comma, they are a glossary
    /// term: keywords are split at commas when read (`agua, riego`), which cuts a term that
    /// holds one (`ciencia, tecnología e innovación`).
    fn rejoined(&self, topics: Vec<String>) -> Vec<String> {
        let mut whole = Vec::with_capacity(topics.len());
        let mut at = 0;
        while at < topics.len() {
            let (topic, taken) = (2..=3)
                .rev()
                .filter(|n| at + n <= topics.len())
                .map(|n| (topics[at..at + n].join(", "), n))
                .find(|(joined, _)| self.topics.is_term_with_comma(joined))
                .unwrap_or_else(|| (topics[at].clone(), 1));
            whole.push(topic);
            at += taken;
        }
        whole
    }

    /// Canonical country, regions, institutions and topics for `doc`; deduplicated, in the
    /// order the document gave them (topics that share a [`topic_key`] are one, the first
    /// spelling kept). A region can be given by its name, an alias, or a city in
    /// `location` when no region is given; a name that is a country sets the country.
    pub fn normalize(&self, doc: &mut Document) -> Vec<Warning> {
        let mut warnings = Vec::new();
        let mut country = doc.country.take().map(|c| match self.country(&c) {
            Some(found) => found.to_string(),
            None => {
                warnings.push(Warning::UnknownCountry(c.clone()));
                c.trim().to_string()
            }
        });
        let declared = country.clone();
        let mut regions = Vec::new();
        // The countries named as countries among the regions (a catalogue's coverage:
        // `CHILE`, `BRASIL`): a work about several is about none of them alone.
        let mut named = Vec::new();
        let names: Vec<String> = std::mem::take(&mut doc.regions)
            .into_iter()
            .flat_map(|name| self.place_list(name))
            .collect();
        for name in names {
            if crate::gazetteer::is_world_area(&name) {
                // Latin America, the Caribbean: no country's region, and nothing to fix.
                continue;
            }
            let place = self
                .gazetteer
                .lookup_in(&name, country.as_deref())
                .or_else(|| {
                    // A country other than the one the document declares or took first.
                    self.gazetteer
                        .lookup(&name)
                        .filter(|place| place.region.is_none())
                });
            match place {
                Some(place) => {
                    if place.region.is_none() && !named.contains(&place.country) {
                        named.push(place.country.clone());
                    }
                    if country.is_none() {
                        country = Some(place.country.clone());
                    }
                    if let Some(region) = &place.region {
                        regions.push(region.clone());
                    }
                }
                None => {
                    warnings.push(Warning::UnknownRegion {
                        name: name.clone(),
                        country: country.clone(),
                    });
                    regions.push(name.trim().to_string());
                }
            }
        }
        if declared.is_none() && named.len() > 1 {
            country = None;
        }
        if regions.is_empty()
            && let Some(place) = doc
                .location
                .as_deref()
                .and_then(|l| self.gazetteer.locate(l, declared.as_deref()))
        {
            country.get_or_insert_with(|| place.country.clone());
            regions.extend(place.region.clone());
        }
        doc.country = country;
        doc.regions = dedup(regions);

        let mut institutions = Vec::new();
        for name in std::mem::take(&mut doc.institutions) {
            match self.institutions.lookup(&name) {
                Some(institution) => institutions.push(institution.name.clone()),
                None if let Some(each) = self.known_list(&name) => {
                    for item in each {
                        match item {
                            Ok(known) => institutions.push(known),
                            Err(unknown) => {
                                warnings.push(Warning::UnknownInstitution(unknown.clone()));
                                institutions.push(unknown);
                            }
                        }
                    }
                }
                None => {
                    warnings.push(Warning::UnknownInstitution(name.clone()));
                    institutions.push(name.trim().to_string());
                }
            }
        }
        doc.institutions = dedup(institutions);
        let mut seen = std::collections::HashSet::new();
        doc.topics = self
            .rejoined(std::mem::take(&mut doc.topics))
            .iter()
            .map(|t| self.topic(t))
            .filter(|t| !t.is_empty() && seen.insert(topic_key(t)))
            .collect();
        doc.authors = dedup(std::mem::take(&mut doc.authors));
        warnings
    }
}

/// Drops empty values and repeats (compared by [`fold_key`]), keeping the first spelling.
fn dedup(values: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    values
        .into_iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty() && seen.insert(fold_key(v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalizer() -> Normalizer {
        let gazetteer = "country,region,aliases,places\n\
            Chile,,CL,\nChile,Biobío,Bio Bio,Concepción\nPerú,,Peru,\nPerú,Cusco,Cuzco,\n";
        let institutions = "name,acronym,name_es,name_en,country,region,type,aliases\n\
            CDPR Biobío,CDPR,Comité de Desarrollo Productivo Regional del Biobío,,Chile,Biobío,,\n";
        Normalizer::new(
            Gazetteer::from_reader(gazetteer.as_bytes(), Path::new("g")).unwrap(),
            Institutions::from_reader(institutions.as_bytes(), Path::new("i")).unwrap(),
        )
    }

    #[test]
    fn canonical_names_whatever_the_spelling() {
        let mut doc = Document::new("d", "d.md");
        doc.regions = vec!["Bio Bio".into(), "biobío".into()];
        doc.institutions = vec![
            "cdpr".into(),
            "Comité de Desarrollo Productivo Regional del Biobío".into(),
        ];
        doc.topics = vec!["innovación".into(), "Innovacion".into(), " ".into()];
        let warnings = normalizer().normalize(&mut doc);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(doc.regions, ["Biobío"]);
        assert_eq!(doc.country.as_deref(), Some("Chile"));
        assert_eq!(doc.institutions, ["CDPR Biobío"]);
        assert_eq!(doc.topics, ["innovación"]);
    }

    #[test]
    fn a_comma_joined_list_of_known_institutions_is_split_and_a_name_with_a_comma_kept() {
        let normalizer = Normalizer::new(
            Gazetteer::from_reader("country,region,aliases,places\n".as_bytes(), Path::new("g"))
                .unwrap(),
            Institutions::builtin(),
        );
        let mut doc = Document::new("d", "d.csv");
        doc.institutions = vec![
            "CEPAL, BID".into(),
            "ECLAC".into(),
            "Ministerio de Economía, Fomento y Turismo".into(),
            "ECLAC, Subregional Headquarters for the Caribbean".into(),
            // Two known, so a list: the one the directory lacks is kept and reported.
            "BID, Red de Innovación Local, Unión Europea".into(),
        ];
        let warnings = normalizer.normalize(&mut doc);
        assert_eq!(
            doc.institutions,
            [
                "CEPAL",
                "BID",
                "Ministerio de Economía, Fomento y Turismo",
                "ECLAC, Subregional Headquarters for the Caribbean",
                "Red de Innovación Local",
                "Unión Europea",
            ]
        );
        assert_eq!(
            warnings,
            [
                Warning::UnknownInstitution(
                    "ECLAC, Subregional Headquarters for the Caribbean".into()
                ),
                Warning::UnknownInstitution("Red de Innovación Local".into()),
            ]
        );
    }

    #[test]
    fn a_glossary_term_with_a_comma_split_as_keywords_is_one_topic_again() {
        let glossary = "es,en,acronyms,note\n\
            \"ciencia, tecnología e innovación\",\"science, technology and innovation\",CTI,\n";
        let normalizer = normalizer().with_topics(Topics::new(
            &Glossary::from_reader(glossary.as_bytes(), Path::new("g")).unwrap(),
        ));
        let mut doc = Document::new("d", "d.csv");
        doc.topics = [
            "agua",
            "Ciencia",
            "tecnología e innovación",
            "science",
            "technology and innovation",
            "riego",
            // Two topics that make a term without its comma stay two.
            "ciencia tecnología",
            "e innovación",
        ]
        .map(String::from)
        .to_vec();
        normalizer.normalize(&mut doc);
        assert_eq!(
            doc.topics,
            [
                "agua",
                "ciencia, tecnología e innovación",
                "riego",
                "ciencia tecnología",
                "e innovación"
            ]
        );
    }

    #[test]
    fn topics_take_the_glossary_name_and_plurals_are_one() {
        let glossary = "es,en,acronyms,note\ncadena de valor|cadenas de valor,value chain,,\n";
        let glossary = Glossary::from_reader(glossary.as_bytes(), Path::new("g")).unwrap();
        let normalizer = normalizer().with_topics(Topics::new(&glossary));
        let mut doc = Document::new("d", "d.md");
        doc.topics = vec![
            "Value chains".into(),
            "Cadena productiva".into(),
            "CADENAS DE VALOR".into(),
            "cadenas productivas".into(),
        ];
        normalizer.normalize(&mut doc);
        assert_eq!(doc.topics, ["cadena de valor", "Cadena productiva"]);
    }

    #[test]
    fn location_gives_the_region_and_unknowns_are_kept_and_reported() {
        let mut doc = Document::new("d", "d.md");
        doc.location = Some("Concepción".into());
        doc.institutions = vec!["Acme".into()];
        let warnings = normalizer().normalize(&mut doc);
        assert_eq!(doc.regions, ["Biobío"]);
        assert_eq!(doc.institutions, ["Acme"]);
        assert_eq!(warnings, [Warning::UnknownInstitution("Acme".into())]);

        let mut doc = Document::new("d", "d.md");
        doc.country = Some("peru".into());
        doc.regions = vec!["Cuzco".into(), "Narnia".into()];
        let warnings = normalizer().normalize(&mut doc);
        assert_eq!(doc.country.as_deref(), Some("Perú"));
        assert_eq!(doc.regions, ["Cusco", "Narnia"]);
        assert_eq!(
            warnings,
            [Warning::UnknownRegion {
                name: "Narnia".into(),
                country: Some("Perú".into())
            }]
        );
    }

    #[test]
    fn running_text_finds_peru_and_chile_not_the_world() {
        let normalizer = Normalizer::new(
            Gazetteer::default().with_builtin(),
            Institutions::default().with_builtin(),
        );
        let m = normalizer.mentions(
            "En Santa Fe, en el Centre y en la zona Sur, como en Georgia, se habló del Centro.",
        );
        assert_eq!(m, crate::Mentions::default());
        let m = normalizer.mentions("El Gobierno Regional de Puno y el MEF, luego en Lima.");
        assert_eq!(m.regions, ["Lima"]);
        assert_eq!(m.country.as_deref(), Some("Perú"));
        assert_eq!(m.institutions, ["Gobierno Regional de Puno", "MEF"]);
        let m = normalizer.mentions("La CORFO y la SUBDERE en la Región del Biobío.");
        assert_eq!(m.regions, ["Biobío"]);
        assert_eq!(m.institutions, ["CORFO", "SUBDERE"]);
    }

    #[test]
    fn a_document_naming_a_region_of_peru_does_not_jump_to_another_country() {
        let normalizer = Normalizer::new(Gazetteer::builtin(), Institutions::builtin());
        let mut doc = Document::new("d", "d.md");
        doc.regions = vec!["Cusco".into(), "Santa Fe".into()];
        let warnings = normalizer.normalize(&mut doc);
        assert_eq!(doc.country.as_deref(), Some("Perú"));
        assert_eq!(doc.regions, ["Cusco", "Santa Fe"]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(
            warnings[0].to_string(),
            "unknown region \"Santa Fe\": to make it known, add the row \
             \"Perú,<region>,Santa Fe\" to _gazetteer.csv in the corpus folder if it is another \
             name of a region, or \"Perú,Santa Fe,\" if it is a region of its own"
        );
        let mut doc = Document::new("d", "d.md");
        doc.country = Some("Argentina".into());
        doc.regions = vec!["Santa Fe".into()];
        assert!(normalizer.normalize(&mut doc).is_empty());
        assert_eq!(doc.regions, ["Santa Fe"]);
    }

    #[test]
    fn a_catalogues_coverage_gives_one_country_and_no_region_of_a_continent() {
        let normalizer = Normalizer::new(Gazetteer::builtin(), Institutions::builtin());
        let resolve = |country: Option<&str>, names: &[&str]| {
            let mut doc = Document::new("d", "d.csv");
            doc.country = country.map(str::to_string);
            doc.regions = names.iter().map(|n| n.to_string()).collect();
            let warnings = normalizer.normalize(&mut doc);
            (doc.country, doc.regions, warnings)
        };
        // One country, as a catalogue writes it: the document's country, no region.
        let (country, regions, warnings) = resolve(None, &["BRASIL"]);
        assert_eq!(country.as_deref(), Some("Brasil"));
        assert!(
            regions.is_empty() && warnings.is_empty(),
            "{regions:?} {warnings:?}"
        );
        // A part of the world is no region, and nothing to report.
        let (country, regions, warnings) =
            resolve(None, &["AMERICA LATINA Y EL CARIBE", "Central America"]);
        assert_eq!(country, None);
        assert!(
            regions.is_empty() && warnings.is_empty(),
            "{regions:?} {warnings:?}"
        );
        let (country, regions, _) = resolve(
            None,
            &["REGION ANDINA", "BOLIVIA (ESTADO PLURINACIONAL DE)"],
        );
        assert_eq!((country.as_deref(), regions.len()), (Some("Bolivia"), 0));
        // Several countries: a comparison, about none of them alone; none becomes a region
        // of another.
        let (country, regions, warnings) =
            resolve(None, &["AMERICA LATINA", "CHILE", "BRASIL", "MEXICO"]);
        assert_eq!(country, None);
        assert!(
            regions.is_empty() && warnings.is_empty(),
            "{regions:?} {warnings:?}"
        );
        // The same, written in one cell with commas.
        let (country, regions, warnings) = resolve(None, &["CARIBBEAN REGION, JAMAICA, HAITI"]);
        assert_eq!(country, None);
        assert!(
            regions.is_empty() && warnings.is_empty(),
            "{regions:?} {warnings:?}"
        );
        let (country, regions, _) = resolve(None, &["Bolivia, Estado Plurinacional de"]);
        assert_eq!((country.as_deref(), regions.len()), (Some("Bolivia"), 0));
        // The country a document declares stands.
        let (country, regions, warnings) = resolve(Some("Chile"), &["CHILE", "BRASIL", "Biobío"]);
        assert_eq!(country.as_deref(), Some("Chile"));
        assert_eq!(regions, ["Biobío"]);
        assert!(warnings.is_empty(), "{warnings:?}");
    }
}
