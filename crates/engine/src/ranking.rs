//! The weights of ranking, in one place.

/// How much each kind of match counts. Scores are BM25 per field, multiplied by these weights.
///
/// The defaults were chosen on SciFact's train split and on the hand-judged `eval/sample`
/// collection (see the README's relevance section); no collection has settings of its own.
/// A title or heading weight of 1 already ranks a title match above the same word in the
/// body, because a word is rarer among titles than among bodies (a higher BM25 idf).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranking {
    /// Match words by their stems in the document's language (`false`: only as typed,
    /// folded; for measuring what stemming earns).
    pub stemming: bool,
    /// Weight of a match in the document's title field. The title is also part of every
    /// passage's body (as in a flat title-plus-text index), so this is a bonus on top.
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
    /// Factor on the score of a lesson record, so the lesson that answers a query can
    /// surface above the long report or note that mentions the same words in passing
    /// (lessons also repeat their source's title, which every other passage has too).
    pub lesson: f32,
}

impl Default for Ranking {
    fn default() -> Self {
        Ranking {
            stemming: true,
            title: 0.3,
            heading: 1.0,
            body: 1.0,
            exact: 0.15,
            tie_breaker: 0.7,
            proximity: 0.1,
            proximity_slop: 3,
            glossary: 0.8,
            translation: 0.7,
            typo: 0.6,
            lesson: 1.4,
        }
    }
}
