//! Making a document's metadata canonical: one spelling per region, country and institution,
//! whatever the source file wrote.

use std::fmt;
use std::path::Path;

use crate::mentions::{MentionIndex, Mentions};
use crate::{Document, Gazetteer, Institutions, Result, fold_key};

/// File names, inside a corpus folder, of the data files the normalizer reads.
pub const GAZETTEER_FILE: &str = "_gazetteer.csv";
/// See [`GAZETTEER_FILE`].
pub const INSTITUTIONS_FILE: &str = "_institutions.csv";
/// See [`GAZETTEER_FILE`].
pub const GLOSSARY_FILE: &str = "_glossary.csv";
/// The corpus's data files, which every document's metadata is resolved with.
pub const DATA_FILES: [&str; 3] = [GAZETTEER_FILE, INSTITUTIONS_FILE, GLOSSARY_FILE];

/// Metadata the normalizer could not make canonical; the value is kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// A region the gazetteer does not know.
    UnknownRegion(String),
    /// A country the gazetteer does not know.
    UnknownCountry(String),
    /// An institution the directory does not know.
    UnknownInstitution(String),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::UnknownRegion(r) => {
                write!(f, "unknown region {r:?} (not in {GAZETTEER_FILE})")
            }
            Warning::UnknownCountry(c) => {
                write!(f, "unknown country {c:?} (not in {GAZETTEER_FILE})")
            }
            Warning::UnknownInstitution(i) => {
                write!(f, "unknown institution {i:?} (not in {INSTITUTIONS_FILE})")
            }
        }
    }
}

/// Rewrites document metadata to canonical names with a gazetteer and an institutions
/// directory.
#[derive(Debug, Clone, Default)]
pub struct Normalizer {
    pub gazetteer: Gazetteer,
    pub institutions: Institutions,
    mentions: MentionIndex,
}

impl Normalizer {
    /// Reads the corpus folder's data files ([`GAZETTEER_FILE`], [`INSTITUTIONS_FILE`]); a
    /// missing file means an empty table, a malformed one is an error.
    pub fn load(corpus: &Path) -> Result<Normalizer> {
        let gazetteer_path = corpus.join(GAZETTEER_FILE);
        let institutions_path = corpus.join(INSTITUTIONS_FILE);
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
        Ok(Normalizer::new(gazetteer, institutions))
    }

    /// A normalizer over a gazetteer and an institutions directory.
    pub fn new(gazetteer: Gazetteer, institutions: Institutions) -> Normalizer {
        Normalizer {
            mentions: MentionIndex::new(&gazetteer, &institutions),
            gazetteer,
            institutions,
        }
    }

    /// The places and institutions a text names (see [`MentionIndex::find`]).
    pub fn mentions(&self, text: &str) -> Mentions {
        self.mentions.find(text)
    }

    /// Canonical country, regions and institutions for `doc`; deduplicated, in the order the
    /// document gave them. A region can be given by its name, an alias, or a city in
    /// `location` when no region is given; a name that is a country sets the country.
    pub fn normalize(&self, doc: &mut Document) -> Vec<Warning> {
        let mut warnings = Vec::new();
        let mut country = doc.country.take().map(|c| match self.gazetteer.lookup(&c) {
            Some(place) => place.country.clone(),
            None => {
                warnings.push(Warning::UnknownCountry(c.clone()));
                c.trim().to_string()
            }
        });
        let mut regions = Vec::new();
        for name in std::mem::take(&mut doc.regions) {
            match self.gazetteer.lookup(&name) {
                Some(place) => {
                    if country.is_none() {
                        country = Some(place.country.clone());
                    }
                    if let Some(region) = &place.region {
                        regions.push(region.clone());
                    }
                }
                None => {
                    warnings.push(Warning::UnknownRegion(name.clone()));
                    regions.push(name.trim().to_string());
                }
            }
        }
        if regions.is_empty()
            && let Some(place) = doc
                .location
                .as_deref()
                .and_then(|l| self.gazetteer.locate(l))
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
                None => {
                    warnings.push(Warning::UnknownInstitution(name.clone()));
                    institutions.push(name.trim().to_string());
                }
            }
        }
        doc.institutions = dedup(institutions);
        doc.topics = dedup(std::mem::take(&mut doc.topics));
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
        assert_eq!(warnings, [Warning::UnknownRegion("Narnia".into())]);
    }
}
