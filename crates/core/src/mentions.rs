//! Finding the places and institutions a text names: "la CRDP de Coquimbo", "en el Biobío",
//! "con el MEF", by every spelling the gazetteer and the institutions directory know.
//!
//! A name counts only as a name: its words must be capitalised as the text writes proper
//! nouns (`La Libertad`, not "la libertad de elegir"), and an acronym must be written in
//! capitals (`MEF`, not "mef"). Names of one or two letters (`PE`, `CL`) are never looked for.

use std::collections::HashMap;

use crate::{Gazetteer, Institutions, fold};

/// Words that may stay lower-case inside a proper name (`Región de La Libertad`, `Ministerio
/// de Economía y Finanzas`, `Bank of the South`).
const LINKING_WORDS: &[&str] = &[
    "de", "del", "la", "las", "el", "los", "y", "e", "en", "para", "a", "al", "of", "the", "and",
    "for", "in",
];

/// Shortest name looked for, in characters.
const MIN_NAME_CHARS: usize = 3;

/// What a text names, canonical and deduplicated, in the order of first mention.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mentions {
    /// The country of the regions named, when they are all of one country; else the one
    /// country named, if only one is.
    pub country: Option<String>,
    /// Regions named, by themselves, by a city or province inside them, or by an institution
    /// of the region.
    pub regions: Vec<String>,
    /// Institutions named, by any of their names.
    pub institutions: Vec<String>,
}

/// What a spelling stands for.
#[derive(Debug, Clone)]
enum Target {
    Country(String),
    Region {
        country: String,
        region: String,
    },
    Institution {
        name: String,
        region: Option<String>,
    },
}

#[derive(Debug, Clone)]
struct Entry {
    target: Target,
    /// Written in capitals in the data file (`MEF`, `SD-PCM`): the text must write it so.
    acronym: bool,
}

/// A spelling: its folded words after the first, and what it stands for.
#[derive(Debug, Clone)]
struct Spelling {
    rest: Vec<String>,
    entries: Vec<Entry>,
}

/// The spellings of every place and institution, by their first folded word, longest first.
#[derive(Debug, Clone, Default)]
pub struct MentionIndex {
    names: HashMap<String, Vec<Spelling>>,
}

impl MentionIndex {
    /// The index of every spelling of a gazetteer and an institutions directory.
    pub fn new(gazetteer: &Gazetteer, institutions: &Institutions) -> MentionIndex {
        let mut index = MentionIndex::default();
        for (name, place) in gazetteer.local_spellings() {
            let target = match &place.region {
                Some(region) => Target::Region {
                    country: place.country.clone(),
                    region: region.clone(),
                },
                None => Target::Country(place.country.clone()),
            };
            index.add(name, target);
        }
        for (name, institution) in institutions.spellings() {
            let region = institution
                .region
                .as_deref()
                .and_then(|r| gazetteer.lookup_in(r, institution.country.as_deref()))
                .and_then(|p| p.region.clone());
            let target = Target::Institution {
                name: institution.name.clone(),
                region,
            };
            index.add(name, target);
        }
        index
    }

    fn add(&mut self, name: &str, target: Target) {
        if name.chars().filter(|c| c.is_alphanumeric()).count() < MIN_NAME_CHARS {
            return;
        }
        let mut words = words_of(name).map(fold);
        let Some(first) = words.next() else {
            return;
        };
        let rest: Vec<String> = words.collect();
        let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
        let acronym = letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase());
        let entry = Entry { target, acronym };
        let spellings = self.names.entry(first).or_default();
        match spellings.iter_mut().find(|s| s.rest == rest) {
            Some(spelling) => spelling.entries.push(entry),
            None => {
                spellings.push(Spelling {
                    rest,
                    entries: vec![entry],
                });
                spellings.sort_by_key(|s| std::cmp::Reverse(s.rest.len()));
            }
        }
    }

    /// The places and institutions `text` names.
    pub fn find(&self, text: &str) -> Mentions {
        let words: Vec<&str> = words_of(text).collect();
        let mut regions: Vec<(String, String)> = Vec::new();
        let mut countries: Vec<String> = Vec::new();
        let mut institutions: Vec<String> = Vec::new();
        let mut institution_regions: Vec<String> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            // A name opens with a capital: other words are passed over without folding.
            if !words[i].starts_with(|c: char| c.is_uppercase()) {
                i += 1;
                continue;
            }
            let found = self.names.get(&fold(words[i])).and_then(|spellings| {
                spellings.iter().find_map(|spelling| {
                    let n = spelling.rest.len() + 1;
                    let span = words.get(i..i + n)?;
                    let same = span[1..]
                        .iter()
                        .zip(&spelling.rest)
                        .all(|(w, r)| fold(w) == *r);
                    if !same {
                        return None;
                    }
                    let entries: Vec<&Entry> = spelling
                        .entries
                        .iter()
                        .filter(|e| written_as_name(span, e.acronym))
                        .collect();
                    (!entries.is_empty()).then_some((n, entries))
                })
            });
            let Some((n, entries)) = found else {
                i += 1;
                continue;
            };
            for entry in entries {
                match &entry.target {
                    Target::Country(country) => push_new(&mut countries, country),
                    Target::Region { country, region } => {
                        if !regions.iter().any(|(_, r)| r == region) {
                            regions.push((country.clone(), region.clone()));
                        }
                    }
                    Target::Institution { name, region } => {
                        push_new(&mut institutions, name);
                        if let Some(region) = region {
                            push_new(&mut institution_regions, region);
                        }
                    }
                }
            }
            i += n;
        }
        if regions.is_empty() {
            for region in institution_regions {
                if let Some(country) = self.country_of_region(&region) {
                    regions.push((country, region));
                }
            }
        }
        let mut region_countries: Vec<String> = Vec::new();
        for (country, _) in &regions {
            push_new(&mut region_countries, country);
        }
        let country = match (region_countries.len(), countries.len()) {
            (1, _) => region_countries.pop(),
            (0, 1) => countries.pop(),
            _ => None,
        };
        Mentions {
            country,
            regions: regions.into_iter().map(|(_, r)| r).collect(),
            institutions,
        }
    }

    fn country_of_region(&self, region: &str) -> Option<String> {
        let mut words = words_of(region).map(fold);
        let first = words.next()?;
        let rest: Vec<String> = words.collect();
        self.names
            .get(&first)?
            .iter()
            .filter(|s| s.rest == rest)
            .flat_map(|s| &s.entries)
            .find_map(|e| match &e.target {
                Target::Region { country, region: r } if r == region => Some(country.clone()),
                _ => None,
            })
    }
}

/// The words of a text: runs of letters and digits (`SD-PCM` is `SD`, `PCM`).
fn words_of(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

fn push_new(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

/// Whether the words of a text are written as a name: an acronym in capitals; otherwise
/// every word but the linking ones (`de`, `la`…) capitalised, the first one always.
fn written_as_name(span: &[&str], acronym: bool) -> bool {
    let capitalised = |w: &str| w.chars().next().is_some_and(|c| !c.is_lowercase());
    if acronym {
        return span
            .iter()
            .all(|w| w.chars().all(|c| !c.is_alphabetic() || c.is_uppercase()));
    }
    span.iter()
        .enumerate()
        .all(|(i, w)| capitalised(w) || (i > 0 && LINKING_WORDS.contains(&fold(w).as_str())))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn index() -> MentionIndex {
        let gazetteer = "country,region,aliases,places\n\
            Chile,,República de Chile,\n\
            Chile,Biobío,Bio Bio|Región del Biobío,Concepción\n\
            Chile,Coquimbo,,La Serena\n\
            Perú,,Peru|PE,\n\
            Perú,La Libertad,,Trujillo\n\
            Perú,Cusco,Cuzco,\n";
        let institutions = "name,acronym,name_es,name_en,country,region,type,aliases\n\
            CRDP Coquimbo,CRDP,Corporación Regional de Desarrollo Productivo de Coquimbo,,Chile,Coquimbo,,\n\
            MEF,MEF,Ministerio de Economía y Finanzas,Ministry of Economy and Finance,Perú,,,\n";
        MentionIndex::new(
            &Gazetteer::from_reader(gazetteer.as_bytes(), Path::new("g")).unwrap(),
            &Institutions::from_reader(institutions.as_bytes(), Path::new("i")).unwrap(),
        )
    }

    #[test]
    fn places_and_institutions_by_any_spelling() {
        let m = index().find(
            "En la Región del Biobío y en Concepción, con el Ministerio de Economía y Finanzas.",
        );
        assert_eq!(m.regions, ["Biobío"]);
        assert_eq!(m.country.as_deref(), Some("Chile"));
        assert_eq!(m.institutions, ["MEF"]);
    }

    #[test]
    fn an_institution_gives_its_region_when_no_region_is_named() {
        let m = index().find("La CRDP aprendió a medir.");
        assert_eq!(m.institutions, ["CRDP Coquimbo"]);
        assert_eq!(m.regions, ["Coquimbo"]);
        assert_eq!(m.country.as_deref(), Some("Chile"));
    }

    #[test]
    fn common_words_are_not_names() {
        let m = index().find("la libertad de elegir; el mef no; la crdp tampoco; un PE");
        assert_eq!(m, Mentions::default());
        let m = index().find("Trabajó en La Libertad y en el Cusco.");
        assert_eq!(m.regions, ["La Libertad", "Cusco"]);
        assert_eq!(m.country.as_deref(), Some("Perú"));
        let m = index().find("De Perú y de Chile.");
        assert_eq!(m.country, None);
        assert!(m.regions.is_empty());
    }
}
