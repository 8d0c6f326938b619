//! The bilingual glossary of the field: acronyms, their expansions, and the Spanish and
//! English words for the same idea.
//!
//! File format (CSV with a header, UTF-8): `es,en,acronyms,note`. Each row is one concept;
//! `es` and `en` hold `|`-separated terms (single words or phrases), `acronyms` the short
//! forms in either language. Every form in a row means the same thing: a query for one of
//! them also looks for the others, below the words the user typed.

use std::io::Read;
use std::path::Path;

use crate::data::{open, parse_rows, split_list};
use crate::{Error, Result};

/// One idea and the ways it is written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Concept {
    /// Spanish terms, the preferred one first.
    pub es: Vec<String>,
    /// English terms, the preferred one first.
    pub en: Vec<String>,
    /// Acronyms and short forms (`ARD`, `SME`, `I+D+i`).
    pub acronyms: Vec<String>,
}

impl Concept {
    /// Every form of the concept: acronyms, then Spanish, then English terms.
    pub fn forms(&self) -> impl Iterator<Item = &str> {
        self.acronyms
            .iter()
            .chain(&self.es)
            .chain(&self.en)
            .map(String::as_str)
    }
}

/// The concepts of the glossary, in file order.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    concepts: Vec<Concept>,
}

impl Glossary {
    /// Reads a glossary file.
    pub fn load(path: &Path) -> Result<Glossary> {
        Glossary::from_reader(open(path)?, path)
    }

    /// Reads a glossary from CSV text; `path` names it in error messages.
    pub fn from_reader(reader: impl Read, path: &Path) -> Result<Glossary> {
        let mut concepts = Vec::new();
        for (line, row) in parse_rows(reader, path, &["es", "en", "acronyms", "note"])? {
            let list = |cell: &str| split_list(cell).map(str::to_string).collect::<Vec<_>>();
            let concept = Concept {
                es: list(&row[0]),
                en: list(&row[1]),
                acronyms: list(&row[2]),
            };
            if concept.forms().count() < 2 {
                return Err(Error::DataFile {
                    path: path.to_path_buf(),
                    line,
                    message: "a concept needs at least two forms (es, en or acronyms)".into(),
                });
            }
            concepts.push(concept);
        }
        Ok(Glossary { concepts })
    }

    /// Every concept, in file order.
    pub fn concepts(&self) -> &[Concept] {
        &self.concepts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_concepts_with_all_their_forms() {
        let csv = "es,en,acronyms,note\n\
            agencia regional de desarrollo,regional development agency,ARD|RDA,\n\
            gobernanza,governance,,\n";
        let glossary = Glossary::from_reader(csv.as_bytes(), Path::new("g.csv")).unwrap();
        let ard = &glossary.concepts()[0];
        assert_eq!(
            ard.forms().collect::<Vec<_>>(),
            [
                "ARD",
                "RDA",
                "agencia regional de desarrollo",
                "regional development agency"
            ]
        );
        assert_eq!(glossary.concepts()[1].en, ["governance"]);
    }

    #[test]
    fn a_lonely_term_is_an_error_with_its_line() {
        let csv = "es,en,acronyms,note\ngobernanza,governance,,\nsolo,,,\n";
        let err = Glossary::from_reader(csv.as_bytes(), Path::new("g.csv")).unwrap_err();
        assert!(err.to_string().starts_with("g.csv:3:"), "{err}");
    }
}
