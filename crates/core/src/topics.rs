//! One name per topic: the glossary's, or one spelling shared by every way of writing it.
//!
//! A topic is compared by its [`topic_key`]: folded (case and accents), each word stemmed
//! with the Spanish and then the English Snowball stemmer, so `Cadenas de Valor`, `cadena de
//! valor` and `value chains` meet their glossary concept whichever form the glossary lists.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use rust_stemmers::{Algorithm, Stemmer};

use crate::{Glossary, fold};

/// The key under which topics are the same: words folded and stemmed as Spanish, then as
/// English (a topic list mixes both languages), joined by single spaces. `Cadenas
/// productivas` and `cadena productiva` share `caden product`.
///
/// Keys are remembered (per thread, up to [`TOPIC_KEYS`]): a corpus repeats a few hundred
/// topics on every document and passage, and stemming them again was some 5% of indexing.
pub fn topic_key(topic: &str) -> String {
    thread_local! {
        static STEMMERS: (Stemmer, Stemmer) =
            (Stemmer::create(Algorithm::Spanish), Stemmer::create(Algorithm::English));
        static KEYS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    }
    if let Some(key) = KEYS.with_borrow(|keys| keys.get(topic).cloned()) {
        return key;
    }
    let key = STEMMERS.with(|(es, en)| {
        topic
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|word| fold(&en.stem(&fold(&es.stem(&accented(word))))))
            .collect::<Vec<_>>()
            .join(" ")
    });
    KEYS.with_borrow_mut(|keys| {
        if keys.len() >= TOPIC_KEYS {
            keys.clear();
        }
        keys.insert(topic.to_owned(), key.clone());
    });
    key
}

/// Topic keys a thread remembers before it starts over.
const TOPIC_KEYS: usize = 10_000;

/// The [`topic_key`] of each comma-separated part, so that where the commas fall counts.
fn comma_key(topic: &str) -> String {
    topic
        .split(',')
        .map(topic_key)
        .collect::<Vec<_>>()
        .join(",")
}

/// A Spanish word with the accent of its ending restored when written without it
/// (`innovacion`, `gestion`): Snowball stems only the accented endings, so `innovacion`
/// would otherwise not meet `innovación`.
fn accented(word: &str) -> std::borrow::Cow<'_, str> {
    match word.strip_suffix("ion") {
        Some(stem) if stem.ends_with(['c', 's', 'x']) => format!("{stem}ión").into(),
        _ => word.into(),
    }
}

/// The glossary's names for topics: every form of a concept (Spanish, English, acronym)
/// stands for its first Spanish form, as the glossary writes it.
#[derive(Debug, Clone, Default)]
pub struct Topics {
    names: HashMap<String, String>,
    /// The forms written with a comma, by [`comma_key`].
    with_comma: HashSet<String>,
}

impl Topics {
    /// The topic names of a glossary; where two concepts share a form, the earlier one wins.
    pub fn new(glossary: &Glossary) -> Topics {
        let mut names = HashMap::new();
        let mut with_comma = HashSet::new();
        for concept in glossary.concepts() {
            let Some(name) = concept
                .es
                .first()
                .or(concept.en.first())
                .or(concept.acronyms.first())
            else {
                continue;
            };
            for form in concept.forms() {
                let key = topic_key(form);
                if !key.is_empty() {
                    if form.contains(',') {
                        with_comma.insert(comma_key(form));
                    }
                    names.entry(key).or_insert_with(|| name.clone());
                }
            }
        }
        Topics { names, with_comma }
    }

    /// Whether the topic is one of the glossary's forms that hold a comma (`ciencia,
    /// tecnología e innovación`), so that keywords split at commas can be joined again.
    pub fn is_term_with_comma(&self, topic: &str) -> bool {
        topic.contains(',') && self.with_comma.contains(&comma_key(topic))
    }

    /// The canonical name of a topic: the glossary's, else the topic as written (trimmed).
    pub fn canonical(&self, topic: &str) -> String {
        self.names
            .get(&topic_key(topic))
            .cloned()
            .unwrap_or_else(|| topic.trim().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn topics() -> Topics {
        let csv = "es,en,acronyms,note\n\
            cadena de valor,value chain,,\n\
            pequeña y mediana empresa|pymes,small and medium-sized enterprise,PYME|SME,\n";
        Topics::new(&Glossary::from_reader(csv.as_bytes(), Path::new("g.csv")).unwrap())
    }

    #[test]
    fn singular_plural_case_accents_and_language_are_one_key() {
        assert_eq!(
            topic_key("Cadenas productivas"),
            topic_key("cadena productiva")
        );
        assert_eq!(topic_key("Innovación"), topic_key("innovaciones"));
        assert_eq!(topic_key("value chains"), topic_key("Value chain"));
        assert_eq!(
            topic_key("  Gobernanza  regional "),
            topic_key("gobernanza regional")
        );
        assert_ne!(topic_key("cadena de valor"), topic_key("cadena productiva"));
    }

    #[test]
    fn every_form_of_a_concept_is_its_first_spanish_name() {
        let topics = topics();
        for form in [
            "cadena de valor",
            "Cadenas de Valor",
            "value chains",
            "VALUE CHAIN",
        ] {
            assert_eq!(topics.canonical(form), "cadena de valor", "{form}");
        }
        for form in ["pyme", "SME", "pequeñas y medianas empresas", "Pymes"] {
            assert_eq!(
                topics.canonical(form),
                "pequeña y mediana empresa",
                "{form}"
            );
        }
        assert_eq!(
            topics.canonical(" Cadenas productivas "),
            "Cadenas productivas"
        );
    }
}
