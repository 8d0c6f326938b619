//! The directory of institutions: canonical names, acronyms and the other names documents
//! use for them.
//!
//! File format (CSV with a header, UTF-8):
//! `name,acronym,name_es,name_en,country,region,type,aliases`. `name` is the canonical short
//! name shown in facets (`CRDP Coquimbo`); `acronym`, `name_es`, `name_en` and the
//! `|`-separated `aliases` all resolve to it. `#` lines are comments.
//!
//! A directory of the public bodies of regional development in Peru and Chile is built in
//! ([`Institutions::builtin`]); a corpus folder's own file is merged over it
//! ([`Institutions::with_builtin`]).

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use crate::data::{open, parse_rows, split_list};
use crate::{Result, fold_key};

/// The built-in directory, kept by hand (see `crates/core/data/README.md`).
pub(crate) const BUILTIN: &str = include_str!("../data/institutions.csv");

/// An institution as the directory describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Institution {
    /// Canonical short name, as facets show it.
    pub name: String,
    pub acronym: Option<String>,
    /// Full name in Spanish.
    pub name_es: Option<String>,
    /// Full name in English.
    pub name_en: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    /// Free-form type: `agencia regional`, `ministerio`, `cooperación`…
    pub kind: Option<String>,
}

/// Institutions by every name they go by; lookups ignore case, accents and punctuation.
#[derive(Debug, Clone, Default)]
pub struct Institutions {
    list: Vec<Institution>,
    by_key: HashMap<String, usize>,
    /// Every name as written in the file, with the index of its institution.
    spellings: Vec<(String, usize)>,
}

impl Institutions {
    /// Reads an institutions file.
    pub fn load(path: &Path) -> Result<Institutions> {
        Institutions::from_reader(open(path)?, path)
    }

    /// Reads institutions from CSV text; `path` names it in error messages.
    pub fn from_reader(reader: impl Read, path: &Path) -> Result<Institutions> {
        const HEADER: [&str; 8] = [
            "name", "acronym", "name_es", "name_en", "country", "region", "type", "aliases",
        ];
        let mut directory = Institutions::default();
        for (_, row) in parse_rows(reader, path, &HEADER)? {
            let opt = |i: usize| Some(row[i].trim().to_string()).filter(|s| !s.is_empty());
            let institution = Institution {
                name: row[0].trim().to_string(),
                acronym: opt(1),
                name_es: opt(2),
                name_en: opt(3),
                country: opt(4),
                region: opt(5),
                kind: opt(6),
            };
            let index = directory.list.len();
            let names = [&row[0], &row[1], &row[2], &row[3]]
                .into_iter()
                .map(String::as_str)
                .chain(split_list(&row[7]));
            for name in names {
                let key = fold_key(name);
                if !key.is_empty() {
                    directory.by_key.entry(key).or_insert(index);
                    directory.spellings.push((name.trim().to_string(), index));
                }
            }
            directory.list.push(institution);
        }
        Ok(directory)
    }

    /// The built-in directory: ministries, planning and decentralisation bodies,
    /// development agencies and every regional government of Peru and Chile.
    pub fn builtin() -> Institutions {
        static BUILT: OnceLock<Institutions> = OnceLock::new();
        BUILT
            .get_or_init(|| {
                Institutions::from_reader(BUILTIN.as_bytes(), Path::new("institutions.csv"))
                    .expect("the built-in directory loads: its unit test reads it")
            })
            .clone()
    }

    /// This (a corpus folder's) directory merged over the built-in one. A folder row whose
    /// short, Spanish or English name is one of a built-in institution's is that institution:
    /// the folder's row wins and the built-in names become its aliases. On any other name
    /// two institutions share, the folder's wins.
    pub fn with_builtin(self) -> Institutions {
        let builtin = Institutions::builtin();
        let mut directory = self;
        let mut owners: HashMap<String, usize> = HashMap::new();
        for (index, institution) in directory.list.iter().enumerate() {
            for key in full_name_keys(institution) {
                owners.entry(key).or_insert(index);
            }
        }
        let mut target = Vec::with_capacity(builtin.list.len());
        for institution in &builtin.list {
            let owner = full_name_keys(institution)
                .iter()
                .find_map(|k| owners.get(k).copied());
            target.push(owner.unwrap_or_else(|| {
                directory.list.push(institution.clone());
                directory.list.len() - 1
            }));
        }
        for (name, index) in builtin.spellings {
            let index = target[index];
            directory.by_key.entry(fold_key(&name)).or_insert(index);
            directory.spellings.push((name, index));
        }
        directory
    }

    /// The institution a name stands for: `CRDP`, `crdp coquimbo` and `Corporación Regional
    /// de Desarrollo Productivo de Coquimbo` all give `CRDP Coquimbo`.
    pub fn lookup(&self, name: &str) -> Option<&Institution> {
        self.by_key.get(&fold_key(name)).map(|&i| &self.list[i])
    }

    /// Every institution, in file order.
    pub fn all(&self) -> &[Institution] {
        &self.list
    }

    /// Every name the file gives (short name, acronym, full names, aliases) with the
    /// institution it stands for, in file order.
    pub fn spellings(&self) -> impl Iterator<Item = (&str, &Institution)> {
        self.spellings
            .iter()
            .map(|(name, i)| (name.as_str(), &self.list[*i]))
    }
}

/// The keys of an institution's short, Spanish and English names.
fn full_name_keys(institution: &Institution) -> HashSet<String> {
    [
        Some(&institution.name),
        institution.name_es.as_ref(),
        institution.name_en.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(|n| fold_key(n))
    .filter(|k| !k.is_empty())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_resolves_to_the_canonical_one() {
        let csv = "name,acronym,name_es,name_en,country,region,type,aliases\n\
            CRDP Coquimbo,CRDP,Corporación Regional de Desarrollo Productivo de Coquimbo,\
            Regional Corporation for Productive Development of Coquimbo,Chile,Coquimbo,\
            corporación,CRDP-Coquimbo|Corporación de Coquimbo\n\
            MEF,MEF,Ministerio de Economía y Finanzas,Ministry of Economy and Finance,Perú,,\
            ministerio,\n";
        let directory = Institutions::from_reader(csv.as_bytes(), Path::new("i.csv")).unwrap();
        for name in [
            "CRDP",
            "crdp coquimbo",
            "Corporacion Regional de Desarrollo Productivo de Coquimbo",
            "Regional Corporation for Productive Development of Coquimbo",
            "CRDP-Coquimbo",
        ] {
            assert_eq!(
                directory.lookup(name).unwrap().name,
                "CRDP Coquimbo",
                "{name}"
            );
        }
        let mef = directory
            .lookup("Ministerio de Economía y Finanzas")
            .unwrap();
        assert_eq!(mef.name, "MEF");
        assert_eq!(mef.region, None);
        assert!(directory.lookup("NASA").is_none());
    }

    #[test]
    fn every_builtin_row_loads_and_names_resolve() {
        let directory = Institutions::builtin();
        assert!(directory.all().len() > 50, "{}", directory.all().len());
        for (name, canonical) in [
            ("Ministerio de Economía y Finanzas", "MEF"),
            ("Secretaría de Descentralización", "SD-PCM"),
            ("Centro Nacional de Planeamiento Estratégico", "CEPLAN"),
            ("GORE Puno", "Gobierno Regional de Puno"),
            (
                "Regional Government of Cusco",
                "Gobierno Regional del Cusco",
            ),
            ("Corfo", "CORFO"),
            (
                "Subsecretaría de Desarrollo Regional y Administrativo",
                "SUBDERE",
            ),
            (
                "Gobierno Regional de Biobío",
                "Gobierno Regional del Biobío",
            ),
        ] {
            let found = directory
                .lookup(name)
                .unwrap_or_else(|| panic!("{name} not found"));
            assert_eq!(found.name, canonical, "{name}");
        }
        let puno = directory.lookup("Gobierno Regional de Puno").unwrap();
        assert_eq!(puno.country.as_deref(), Some("Perú"));
        assert_eq!(puno.region.as_deref(), Some("Puno"));
        // Every region the directory names is a built-in region of its country.
        let gazetteer = crate::Gazetteer::builtin();
        for institution in directory.all() {
            if let Some(region) = &institution.region {
                assert_eq!(
                    gazetteer.country_of(region, None),
                    institution.country.as_deref(),
                    "{}",
                    institution.name
                );
            }
        }
    }

    #[test]
    fn a_folder_row_takes_over_the_builtin_one() {
        let csv = "name,acronym,name_es,name_en,country,region,type,aliases\n\
            Ministerio de Economía y Finanzas,,,,Perú,,,Economía\n\
            Acme,MEF,,,,,,\n";
        let directory = Institutions::from_reader(csv.as_bytes(), Path::new("i.csv"))
            .unwrap()
            .with_builtin();
        // The folder calls the MEF by its full name: that is the canonical name now, and the
        // built-in names (but the acronym the folder gives Acme) resolve to it.
        for name in ["Economía", "Ministry of Economy and Finance", "MEF Perú"] {
            assert_eq!(
                directory.lookup(name).unwrap().name,
                "Ministerio de Economía y Finanzas",
                "{name}"
            );
        }
        assert_eq!(directory.lookup("MEF").unwrap().name, "Acme");
        assert_eq!(directory.lookup("CORFO").unwrap().name, "CORFO");
        assert_eq!(
            directory
                .all()
                .iter()
                .filter(|i| i.name == "MEF" || i.name.starts_with("Ministerio de Economía y"))
                .count(),
            1
        );
    }
}
