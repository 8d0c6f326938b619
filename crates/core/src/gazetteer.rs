//! The gazetteer: countries and their regions, with the aliases documents use for them.
//!
//! File format (CSV with a header, UTF-8): `country,region,aliases,places`. A row with an empty
//! `region` describes the country itself. `aliases` and `places` hold `|`-separated names;
//! `places` are cities and provinces inside the region, used to infer a region from a
//! document's `location`.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::data::{open, parse_rows, split_list};
use crate::{Error, Result, fold};

/// A place the gazetteer knows: a country, or a region of a country.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    /// Canonical country name (`Perú`, `Chile`).
    pub country: String,
    /// Canonical region name (`Biobío`); `None` for a whole country.
    pub region: Option<String>,
}

/// Countries and regions with their aliases; lookups ignore case, accents, spacing and the
/// words "región", "región de/del", "departamento de" and "region of".
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    names: HashMap<String, Place>,
    places: HashMap<String, Place>,
    regions: Vec<Place>,
    /// Every name as written in the file (canonical names, aliases and places), with its
    /// place, in file order.
    spellings: Vec<(String, Place)>,
}

impl Gazetteer {
    /// Reads a gazetteer file.
    pub fn load(path: &Path) -> Result<Gazetteer> {
        Gazetteer::from_reader(open(path)?, path)
    }

    /// Reads a gazetteer from CSV text; `path` names it in error messages.
    pub fn from_reader(reader: impl Read, path: &Path) -> Result<Gazetteer> {
        let mut gazetteer = Gazetteer::default();
        for (line, row) in parse_rows(reader, path, &["country", "region", "aliases", "places"])? {
            let country = row[0].trim();
            if country.is_empty() {
                return Err(Error::DataFile {
                    path: path.to_path_buf(),
                    line,
                    message: "the country column is empty".into(),
                });
            }
            let region = Some(row[1].trim()).filter(|r| !r.is_empty());
            let place = Place {
                country: country.to_string(),
                region: region.map(str::to_string),
            };
            let canonical = region.unwrap_or(country);
            for name in std::iter::once(canonical).chain(split_list(&row[2])) {
                gazetteer.names.insert(place_key(name), place.clone());
                gazetteer.spellings.push((name.to_string(), place.clone()));
            }
            for name in split_list(&row[3]) {
                gazetteer.places.insert(place_key(name), place.clone());
                gazetteer.spellings.push((name.to_string(), place.clone()));
            }
            if place.region.is_some() {
                gazetteer.regions.push(place);
            }
        }
        Ok(gazetteer)
    }

    /// The country or region a name stands for: `Bio Bio`, `Región del Biobío` and `biobio`
    /// all give Chile/Biobío.
    pub fn lookup(&self, name: &str) -> Option<&Place> {
        self.names.get(&place_key(name))
    }

    /// The region a city or province lies in (`Concepción` gives Chile/Biobío), or the region
    /// or country the name itself stands for.
    pub fn locate(&self, place: &str) -> Option<&Place> {
        let key = place_key(place);
        self.places.get(&key).or_else(|| self.names.get(&key))
    }

    /// The country a canonical region belongs to.
    pub fn country_of(&self, region: &str) -> Option<&str> {
        self.lookup(region)
            .filter(|p| p.region.as_deref() == Some(region))
            .map(|p| p.country.as_str())
    }

    /// Every region, in file order.
    pub fn regions(&self) -> &[Place] {
        &self.regions
    }

    /// Every name the file gives (canonical names, aliases, cities and provinces) with the
    /// place it stands for, in file order.
    pub fn spellings(&self) -> impl Iterator<Item = (&str, &Place)> {
        self.spellings
            .iter()
            .map(|(name, place)| (name.as_str(), place))
    }
}

/// Lookup key of a place name: folded, generic words at the edges dropped, letters and
/// digits only.
fn place_key(name: &str) -> String {
    const LEADING: &[&str] = &[
        "region",
        "departamento",
        "provincia",
        "de",
        "del",
        "of",
        "the",
    ];
    let folded = fold(name);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut slice = &words[..];
    while slice.len() > 1 && LEADING.contains(&slice[0]) {
        slice = &slice[1..];
    }
    while slice.len() > 1 && slice[slice.len() - 1] == "region" {
        slice = &slice[..slice.len() - 1];
    }
    slice.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Gazetteer {
        let csv = "country,region,aliases,places\n\
                   Chile,,CL|República de Chile,\n\
                   Chile,Biobío,Bio Bio|VIII Región,Concepción|Talcahuano\n\
                   Perú,,Peru|PE,\n\
                   Perú,San Martín,,Tarapoto|Moyobamba\n";
        Gazetteer::from_reader(csv.as_bytes(), Path::new("gazetteer.csv")).unwrap()
    }

    #[test]
    fn aliases_and_spellings_meet() {
        let g = sample();
        for name in [
            "Biobío",
            "biobio",
            "Bio Bio",
            "Región del Biobío",
            "BIOBIO region",
        ] {
            let place = g.lookup(name).unwrap_or_else(|| panic!("{name} not found"));
            assert_eq!(place.region.as_deref(), Some("Biobío"), "{name}");
            assert_eq!(place.country, "Chile");
        }
        assert_eq!(g.lookup("Peru").unwrap().region, None);
        assert_eq!(g.lookup("san martin").unwrap().country, "Perú");
        assert!(g.lookup("Atlantis").is_none());
    }

    #[test]
    fn cities_locate_their_region() {
        let g = sample();
        assert_eq!(
            g.locate("Concepción").unwrap().region.as_deref(),
            Some("Biobío")
        );
        assert_eq!(
            g.locate("Tarapoto").unwrap().region.as_deref(),
            Some("San Martín")
        );
        assert_eq!(g.country_of("Biobío"), Some("Chile"));
        assert_eq!(g.regions().len(), 2);
    }

    #[test]
    fn a_row_without_country_names_its_line() {
        let csv = "country,region,aliases,places\nChile,Biobío,,\n,Ñuble,,\n";
        let err = Gazetteer::from_reader(csv.as_bytes(), Path::new("g.csv")).unwrap_err();
        assert_eq!(err.to_string(), "g.csv:3: the country column is empty");
    }
}
