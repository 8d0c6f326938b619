//! The directory of institutions: canonical names, acronyms and the other names documents
//! use for them.
//!
//! File format (CSV with a header, UTF-8):
//! `name,acronym,name_es,name_en,country,region,type,aliases`. `name` is the canonical short
//! name shown in facets (`CRDP Coquimbo`); `acronym`, `name_es`, `name_en` and the
//! `|`-separated `aliases` all resolve to it.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::data::{open, parse_rows, split_list};
use crate::{Result, fold_key};

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
}
