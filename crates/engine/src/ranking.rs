//! The weights of ranking, in one place.

/// How much each kind of match counts. Scores are BM25 per field, multiplied by these weights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranking {
    /// Weight of a match in the document's title.
    pub title: f32,
    /// Weight of a match in the passage's section heading.
    pub heading: f32,
    /// Weight of a match in the passage's text.
    pub body: f32,
    /// Extra weight where the word matches as typed (folded but unstemmed), so `agencia`
    /// ranks the passages saying `agencia` above those saying only `agencias`.
    pub exact: f32,
    /// How much the fields a word matches beside its best one add (0: only the best counts;
    /// 1: all add up).
    pub tie_breaker: f32,
    /// Extra weight where the words stand within `proximity_slop` positions of each other.
    pub proximity: f32,
    pub proximity_slop: u32,
    /// Weight of a glossary equivalent (an acronym's expansion, the other language's term).
    pub glossary: f32,
    /// Weight of a dictionary translation.
    pub translation: f32,
    /// Weight of a close word standing in for a misspelt one.
    pub typo: f32,
}

impl Default for Ranking {
    fn default() -> Self {
        Ranking {
            title: 2.0,
            heading: 1.5,
            body: 1.0,
            exact: 0.3,
            tie_breaker: 0.3,
            proximity: 0.5,
            proximity_slop: 3,
            glossary: 0.6,
            translation: 0.5,
            typo: 0.6,
        }
    }
}
