//! The query language: what a user may type in the search box, the CLI or the API.
//!
//! ```text
//! gobernanza regional           words: the best passages have all of them
//! "agencia regional"            an exact phrase (accents and case still ignored)
//! -minería                      exclude passages with the word
//! +financiamiento               require the word (a sign before a digit is a number's: -3)
//! cusco OR piura                either; binds tighter than the space between words
//! (café OR cacao) exportación   parentheses group
//! region:biobio  institution:CRDP  kind:lesson  lang:es  topic:gobernanza
//! year:2023  year:2022..2023  date:2023-01-01..2023-03-31  date:2023-01  date:..2023-06
//! ```
//! Field names have Spanish forms too (`región:`, `institución:`, `tipo:`, `idioma:`, `tema:`,
//! `año:`, `fecha:`). A `name:value` whose name is not a field is searched as words. Errors
//! say what is wrong and at which column; nothing a user types can make the parser panic.

use std::fmt;

use minga_core::{Date, Kind, Lang, fold_key};

/// Longest query accepted, in bytes; longer ones are refused rather than truncated.
pub const MAX_QUERY_BYTES: usize = 4096;
/// Deepest nesting of parentheses accepted.
pub const MAX_DEPTH: usize = 32;

/// A query the parser refused, with the 1-based column (in characters) of the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at column {column})")]
pub struct QueryError {
    pub message: String,
    pub column: usize,
}

/// A metadata filter written in the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldFilter {
    /// A region or a country, as written; resolved against the gazetteer when searching.
    Region(String),
    /// An institution, as written; resolved against the directory when searching.
    Institution(String),
    Kind(Kind),
    Lang(Lang),
    Topic(String),
    /// Inclusive range of years.
    Years(i32, i32),
    /// Inclusive range of days; either end may be open.
    Dates(Option<Date>, Option<Date>),
}

/// A node of the parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A word to search for.
    Word(String),
    /// Words that must appear together, in order.
    Phrase(String),
    /// The start of a word still being typed (the last word of a search made while typing):
    /// matches the words that begin with it.
    Prefix(String),
    /// A metadata filter.
    Filter(FieldFilter),
    /// Any of the children.
    Or(Vec<Node>),
    /// A sequence of clauses, as written side by side.
    Seq(Vec<Clause>),
}

/// How a clause of a sequence counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    /// Plain: ranks higher when present.
    Should,
    /// `+`: must be present.
    Must,
    /// `-`: must be absent.
    MustNot,
}

/// A node of a sequence with how it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub occur: Occur,
    pub node: Node,
}

impl Node {
    /// The same query with its last word taken as the start of a word still being typed,
    /// when the query ends in a plain or required word (`agencia regio`, `cusco OR piu`);
    /// unchanged otherwise (a phrase, a filter, an excluded word).
    pub fn typing(self) -> Node {
        match self {
            Node::Word(w) => Node::Prefix(w),
            Node::Or(mut nodes) => {
                if let Some(last) = nodes.pop() {
                    nodes.push(last.typing());
                }
                Node::Or(nodes)
            }
            Node::Seq(mut clauses) => {
                if let Some(last) = clauses.pop() {
                    clauses.push(match last.occur {
                        Occur::MustNot => last,
                        occur => Clause {
                            occur,
                            node: last.node.typing(),
                        },
                    });
                }
                Node::Seq(clauses)
            }
            node => node,
        }
    }

    /// The query with its phrases (those not excluded) loosened into their words, with the
    /// phrases that were; `None` when it has none. For a query whose exact phrase matches
    /// nothing: the same words, in any order and form, usually still find something.
    pub fn phrases_as_words(&self) -> Option<(Node, Vec<String>)> {
        let mut phrases = Vec::new();
        let node = self.loosen(&mut phrases);
        (!phrases.is_empty()).then_some((node, phrases))
    }

    fn loosen(&self, phrases: &mut Vec<String>) -> Node {
        let words = |text: &str| -> Vec<Clause> {
            text.split_whitespace()
                .map(|w| Clause {
                    occur: Occur::Should,
                    node: Node::Word(w.to_string()),
                })
                .collect()
        };
        match self {
            Node::Phrase(text) => {
                phrases.push(text.clone());
                Node::Seq(words(text))
            }
            Node::Or(nodes) => Node::Or(nodes.iter().map(|n| n.loosen(phrases)).collect()),
            Node::Seq(clauses) => {
                let mut out = Vec::new();
                for clause in clauses {
                    match (&clause.node, clause.occur) {
                        // Excluding a phrase stays exact: loosening it would exclude more.
                        (_, Occur::MustNot) => out.push(clause.clone()),
                        // Plain phrases become plain words side by side with the others.
                        (Node::Phrase(text), Occur::Should) => {
                            phrases.push(text.clone());
                            out.extend(words(text));
                        }
                        (node, occur) => out.push(Clause {
                            occur,
                            node: node.loosen(phrases),
                        }),
                    }
                }
                Node::Seq(out)
            }
            node => node.clone(),
        }
    }
}

/// A query still being typed, made whole: a quote not yet closed is left out (its words are
/// searched as they are typed, the last as the start of a word), parentheses not yet closed
/// are closed, and an `OR` with nothing yet on its right is left out. What the user sees
/// while typing `"agencia reg` or `(cusco OR` is then results, not an error.
pub fn completed(input: &str) -> String {
    let mut open_quote = None;
    let mut depth = 0usize;
    for (at, c) in input.char_indices() {
        match c {
            '"' => open_quote = if open_quote.is_some() { None } else { Some(at) },
            '(' if open_quote.is_none() => depth += 1,
            ')' if open_quote.is_none() => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let mut out = match open_quote {
        Some(at) => format!("{}{}", &input[..at], &input[at + 1..]),
        None => input.to_string(),
    };
    let kept = out.trim_end().len();
    if let Some(rest) = out[..kept].strip_suffix("OR")
        && (rest.is_empty() || rest.ends_with(char::is_whitespace) || rest.ends_with('('))
    {
        out.truncate(rest.len());
    }
    out.extend(std::iter::repeat_n(')', depth));
    out
}

/// Parses a query. The empty query (or one of blanks) parses to an empty sequence, which
/// matches every passage.
pub fn parse(input: &str) -> Result<Node, QueryError> {
    if input.len() > MAX_QUERY_BYTES {
        return Err(QueryError {
            message: format!(
                "the query is {} bytes long; the limit is {MAX_QUERY_BYTES}",
                input.len()
            ),
            column: 1,
        });
    }
    let mut parser = Parser {
        input,
        chars: input.char_indices().collect(),
        pos: 0,
        depth: 0,
    };
    let seq = parser.sequence()?;
    if let Some(&(_, c)) = parser.chars.get(parser.pos) {
        debug_assert_eq!(c, ')');
        return Err(parser.error("this ')' closes no '('", parser.pos));
    }
    Ok(seq)
}

struct Parser<'a> {
    input: &'a str,
    chars: Vec<(usize, char)>,
    /// Index into `chars`.
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>, at: usize) -> QueryError {
        QueryError {
            message: message.into(),
            column: at + 1,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|&(_, c)| c)
    }

    fn skip_blanks(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    /// Clauses up to a `)` or the end.
    fn sequence(&mut self) -> Result<Node, QueryError> {
        let mut clauses = Vec::new();
        loop {
            self.skip_blanks();
            match self.peek() {
                None | Some(')') => break,
                _ => {}
            }
            if self.at_operator("OR") {
                return Err(self.error("OR needs something on its left", self.pos));
            }
            if self.at_operator("AND") {
                self.pos += 3;
                continue;
            }
            let first = self.unary()?;
            let mut alternatives = vec![first];
            loop {
                let save = self.pos;
                self.skip_blanks();
                if !self.at_operator("OR") {
                    self.pos = save;
                    break;
                }
                let or_at = self.pos;
                self.pos += 2;
                self.skip_blanks();
                if matches!(self.peek(), None | Some(')'))
                    || self.at_operator("OR")
                    || self.at_operator("AND")
                {
                    return Err(self.error("OR needs something on its right", or_at));
                }
                alternatives.push(self.unary()?);
            }
            let clause = if alternatives.len() == 1 {
                alternatives.remove(0)
            } else {
                // An excluded or empty alternative adds nothing to "any of".
                let mut nodes: Vec<Node> = alternatives
                    .into_iter()
                    .flatten()
                    .filter_map(|c| match c.occur {
                        Occur::MustNot => None,
                        _ => Some(c.node),
                    })
                    .collect();
                match nodes.len() {
                    0 => None,
                    1 => nodes.pop().map(|node| Clause {
                        occur: Occur::Should,
                        node,
                    }),
                    _ => Some(Clause {
                        occur: Occur::Should,
                        node: Node::Or(nodes),
                    }),
                }
            };
            clauses.extend(clause);
        }
        Ok(Node::Seq(clauses))
    }

    /// Whether the input at `pos` is the bare operator `op` (upper case, alone).
    fn at_operator(&self, op: &str) -> bool {
        let Some(&(start, _)) = self.chars.get(self.pos) else {
            return false;
        };
        let rest = &self.input[start..];
        rest.starts_with(op)
            && rest[op.len()..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || c == '(' || c == ')' || c == '"')
    }

    /// An atom with an optional `-` or `+`; `None` for a lone sign or a word with no letters.
    /// A sign before a digit is a number's (`+1 nucleosomes`, `-3 %`), not an operator.
    fn unary(&mut self) -> Result<Option<Clause>, QueryError> {
        let number = self
            .chars
            .get(self.pos + 1)
            .is_some_and(|&(_, c)| c.is_ascii_digit());
        let occur = match self.peek() {
            Some('-') if !number => Occur::MustNot,
            Some('+') if !number => Occur::Must,
            _ => Occur::Should,
        };
        if occur != Occur::Should {
            self.pos += 1;
            if matches!(self.peek(), None | Some(')'))
                || self.peek().is_some_and(char::is_whitespace)
            {
                return Ok(None);
            }
        }
        Ok(self.atom()?.map(|node| Clause { occur, node }))
    }

    fn atom(&mut self) -> Result<Option<Node>, QueryError> {
        match self.peek() {
            Some('(') => {
                let open = self.pos;
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.error(
                        format!("parentheses nest deeper than {MAX_DEPTH} levels"),
                        open,
                    ));
                }
                self.pos += 1;
                let inner = self.sequence()?;
                if self.peek() != Some(')') {
                    return Err(self.error("this '(' is never closed", open));
                }
                self.pos += 1;
                self.depth -= 1;
                match inner {
                    // `tasa (%)`, `alpha (+)-`: a group with nothing to search is nothing.
                    Node::Seq(clauses) if clauses.is_empty() => Ok(None),
                    // `(a OR b)` is the alternatives themselves.
                    Node::Seq(mut clauses)
                        if clauses.len() == 1 && clauses[0].occur == Occur::Should =>
                    {
                        Ok(clauses.pop().map(|c| c.node))
                    }
                    inner => Ok(Some(inner)),
                }
            }
            Some('"') => Ok(Some(Node::Phrase(self.phrase()?))),
            _ => self.word_or_filter(),
        }
    }

    /// A quoted phrase starting at the current `"`.
    fn phrase(&mut self) -> Result<String, QueryError> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == '"' {
                let text = self.slice(start, self.pos).to_string();
                self.pos += 1;
                return Ok(text);
            }
            self.pos += 1;
        }
        Err(self.error("this quote is never closed", open))
    }

    fn slice(&self, from: usize, to: usize) -> &str {
        let byte = |i: usize| self.chars.get(i).map_or(self.input.len(), |&(b, _)| b);
        &self.input[byte(from)..byte(to)]
    }

    fn word_or_filter(&mut self) -> Result<Option<Node>, QueryError> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c == '(' || c == ')' || c == '"' {
                break;
            }
            self.pos += 1;
        }
        let word = self.slice(start, self.pos).to_string();
        if let Some((name, value)) = word.split_once(':')
            && let Some(field) = FieldName::parse(name)
        {
            let value_at = start + name.chars().count() + 1;
            let value = if value.is_empty() && self.peek() == Some('"') {
                self.phrase()?
            } else {
                value.to_string()
            };
            if value.trim().is_empty() {
                return Err(self.error(format!("{name}: needs a value"), start));
            }
            return field
                .filter(&value)
                .map(|f| Some(Node::Filter(f)))
                .map_err(|message| self.error(format!("{name}:{value}: {message}"), value_at));
        }
        if word.chars().any(char::is_alphanumeric) {
            Ok(Some(Node::Word(word.to_string())))
        } else {
            Ok(None)
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum FieldName {
    Region,
    Institution,
    Kind,
    Lang,
    Topic,
    Year,
    Date,
}

impl FieldName {
    fn parse(name: &str) -> Option<FieldName> {
        Some(match fold_key(name).as_str() {
            "region" | "regions" | "regiones" | "country" | "pais" => FieldName::Region,
            "institution" | "institutions" | "institucion" | "instituciones" | "inst" => {
                FieldName::Institution
            }
            "kind" | "tipo" | "type" => FieldName::Kind,
            "lang" | "language" | "idioma" | "lengua" => FieldName::Lang,
            "topic" | "topics" | "tema" | "temas" | "tag" => FieldName::Topic,
            "year" | "ano" | "anio" => FieldName::Year,
            "date" | "fecha" => FieldName::Date,
            _ => return None,
        })
    }

    fn filter(self, value: &str) -> Result<FieldFilter, String> {
        let value = value.trim();
        Ok(match self {
            FieldName::Region => FieldFilter::Region(value.to_string()),
            FieldName::Institution => FieldFilter::Institution(value.to_string()),
            FieldName::Topic => FieldFilter::Topic(value.to_string()),
            FieldName::Kind => FieldFilter::Kind(value.parse().map_err(|e| format!("{e}"))?),
            FieldName::Lang => FieldFilter::Lang(value.parse().map_err(|e| format!("{e}"))?),
            FieldName::Year => {
                let (from, to) = range(value);
                let year = |s: &str| {
                    s.parse::<i32>()
                        .ok()
                        .filter(|y| (1000..=9999).contains(y))
                        .ok_or_else(|| format!("{s:?} is not a year"))
                };
                let from = from.map(year).transpose()?.unwrap_or(1000);
                let to = to.map(year).transpose()?.unwrap_or(9999);
                if from > to {
                    return Err("the range ends before it starts".into());
                }
                FieldFilter::Years(from, to)
            }
            FieldName::Date => {
                let (from, to) = range(value);
                let from = from.map(period_start).transpose()?;
                let to = to.map(period_end).transpose()?;
                if from.is_none() && to.is_none() {
                    return Err("a date range needs at least one end".into());
                }
                if let (Some(f), Some(t)) = (from, to)
                    && f > t
                {
                    return Err("the range ends before it starts".into());
                }
                FieldFilter::Dates(from, to)
            }
        })
    }
}

/// Splits `a..b` into its ends (either may be missing); a value without `..` is both ends.
fn range(value: &str) -> (Option<&str>, Option<&str>) {
    fn some(s: &str) -> Option<&str> {
        Some(s.trim()).filter(|s| !s.is_empty())
    }
    match value.split_once("..") {
        Some((from, to)) => (some(from), some(to)),
        None => (some(value), some(value)),
    }
}

/// The first day of a date written at day, month or year precision.
fn period_start(text: &str) -> Result<Date, String> {
    Date::parse_start(text).map_err(|e| e.to_string())
}

/// The last day of a date written at day, month or year precision.
fn period_end(text: &str) -> Result<Date, String> {
    Date::parse_end(text).map_err(|e| e.to_string())
}

impl fmt::Display for Node {
    /// The query written back in the query language, normalised.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Word(w) | Node::Prefix(w) => f.write_str(w),
            Node::Phrase(p) => write!(f, "\"{p}\""),
            Node::Filter(filter) => match filter {
                FieldFilter::Region(v) => write!(f, "region:{}", quoted(v)),
                FieldFilter::Institution(v) => write!(f, "institution:{}", quoted(v)),
                FieldFilter::Topic(v) => write!(f, "topic:{}", quoted(v)),
                FieldFilter::Kind(k) => write!(f, "kind:{k}"),
                FieldFilter::Lang(l) => write!(f, "lang:{l}"),
                FieldFilter::Years(a, b) if a == b => write!(f, "year:{a}"),
                FieldFilter::Years(a, b) => write!(f, "year:{a}..{b}"),
                FieldFilter::Dates(a, b) => {
                    let show = |d: &Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
                    write!(f, "date:{}..{}", show(a), show(b))
                }
            },
            Node::Or(nodes) => {
                for (i, node) in nodes.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" OR ")?;
                    }
                    match node {
                        Node::Seq(_) | Node::Or(_) => write!(f, "({node})")?,
                        node => write!(f, "{node}")?,
                    }
                }
                Ok(())
            }
            Node::Seq(clauses) => {
                for (i, clause) in clauses.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    match clause.occur {
                        Occur::Should => {}
                        Occur::Must => f.write_str("+")?,
                        Occur::MustNot => f.write_str("-")?,
                    }
                    // `+(3)`: a sign written before a digit would read as the number's.
                    let signed_number = clause.occur != Occur::Should
                        && matches!(&clause.node, Node::Word(w) | Node::Prefix(w) if w.starts_with(|c: char| c.is_ascii_digit()));
                    match &clause.node {
                        Node::Seq(_) | Node::Or(_) => write!(f, "({})", clause.node)?,
                        node if signed_number => write!(f, "({node})")?,
                        node => write!(f, "{node}")?,
                    }
                }
                Ok(())
            }
        }
    }
}

fn quoted(value: &str) -> String {
    if value.contains(char::is_whitespace) {
        format!("\"{value}\"")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(q: &str) -> String {
        parse(q)
            .unwrap_or_else(|e| panic!("{q:?}: {e}"))
            .to_string()
    }

    fn err(q: &str) -> String {
        parse(q).unwrap_err().to_string()
    }

    /// The last clause of a query typed so far.
    fn typing_last(q: &str) -> Clause {
        match parse(q).unwrap().typing() {
            Node::Seq(mut clauses) => clauses.pop().unwrap(),
            node => panic!("{q:?}: {node:?}"),
        }
    }

    #[test]
    fn a_query_being_typed_is_made_whole() {
        assert_eq!(completed("\"agencia reg"), "agencia reg");
        assert_eq!(completed("\"agencia\" \"reg"), "\"agencia\" reg");
        assert_eq!(completed("(cusco OR"), "(cusco )");
        assert_eq!(completed("cusco OR "), "cusco ");
        assert_eq!(completed("(a (b"), "(a (b))");
        assert_eq!(completed("CORE"), "CORE");
        // Each made whole parses, as does what was whole already.
        for q in ["\"agencia reg", "(cusco OR", "(a (b", "gobernanza"] {
            parse(&completed(q)).unwrap_or_else(|e| panic!("{q:?}: {e}"));
        }
        assert_eq!(completed("\"agencia regional\""), "\"agencia regional\"");
    }

    #[test]
    fn the_last_word_typed_is_a_prefix() {
        let prefix = |w: &str| Node::Prefix(w.into());
        assert_eq!(typing_last("agencia regio").node, prefix("regio"));
        assert_eq!(typing_last("agencia +regio").occur, Occur::Must);
        assert_eq!(typing_last("agencia +regio").node, prefix("regio"));
        assert_eq!(
            typing_last("cusco OR piu").node,
            Node::Or(vec![Node::Word("cusco".into()), prefix("piu")])
        );
        // Only the last word; a phrase, a filter or an excluded word stays as it is.
        let Node::Seq(clauses) = parse("agencia regio").unwrap().typing() else {
            unreachable!()
        };
        assert_eq!(clauses[0].node, Node::Word("agencia".into()));
        for q in [
            "agencia \"regional\"",
            "agencia -regio",
            "agencia region:piura",
        ] {
            assert_eq!(parse(q).unwrap().typing(), parse(q).unwrap(), "{q}");
        }
        // Written back, the query reads as typed.
        assert_eq!(
            parse("agencia regio").unwrap().typing().to_string(),
            "agencia regio"
        );
    }

    #[test]
    fn words_phrases_signs_and_groups() {
        assert_eq!(ok("gobernanza  regional"), "gobernanza regional");
        assert_eq!(
            ok("\"agencia regional\" -minería +café"),
            "\"agencia regional\" -minería +café"
        );
        assert_eq!(
            ok("cusco OR piura innovación"),
            "(cusco OR piura) innovación"
        );
        assert_eq!(
            ok("(café OR cacao) exportación"),
            "(café OR cacao) exportación"
        );
        assert_eq!(ok("a AND b"), "a b");
        assert_eq!(ok(""), "");
        assert_eq!(ok("   "), "");
        assert_eq!(ok("- + ¿?"), "");
        assert_eq!(ok("tasa (%) alpha (+)- ()"), "tasa alpha");
    }

    #[test]
    fn phrases_loosen_into_words_except_excluded_ones() {
        let loose = |q: &str| {
            parse(q)
                .unwrap()
                .phrases_as_words()
                .map(|(node, phrases)| (node.to_string(), phrases))
        };
        assert_eq!(loose("agencia regional"), None);
        assert_eq!(
            loose("\"ley del agua\" Piura -\"agua potable\""),
            Some((
                "ley del agua Piura -\"agua potable\"".into(),
                vec!["ley del agua".into()]
            ))
        );
        assert_eq!(
            loose("+\"mesa técnica\" (\"café especial\" OR cacao)"),
            Some((
                "+(mesa técnica) ((café especial) OR cacao)".into(),
                vec!["mesa técnica".into(), "café especial".into()]
            ))
        );
    }

    #[test]
    fn a_sign_before_a_digit_is_part_of_a_number() {
        let Node::Seq(clauses) = parse("destabilizing +1 nucleosomes E2f-1, -2, -3").unwrap()
        else {
            panic!()
        };
        assert!(clauses.iter().all(|c| c.occur == Occur::Should));
        assert_eq!(clauses[1].node, Node::Word("+1".into()));
        assert_eq!(clauses[4].node, Node::Word("-2,".into()));
        assert_eq!(ok("-3 +1"), "-3 +1");
        let Node::Seq(clauses) = parse("-3").unwrap() else {
            panic!()
        };
        assert_eq!(clauses[0].occur, Occur::Should);
        assert_eq!(ok("-minería +café"), "-minería +café");
        // A number required or excluded keeps its operator through the parentheses.
        assert_eq!(ok("+(3) -(2023)"), "+(3) -(2023)");
    }

    #[test]
    fn grouping_is_kept_where_it_matters() {
        let node = parse("-(a OR b) c").unwrap();
        assert_eq!(node.to_string(), "-(a OR b) c");
        let Node::Seq(clauses) = node else { panic!() };
        assert_eq!(clauses[0].occur, Occur::MustNot);
        assert!(matches!(clauses[0].node, Node::Or(_)));
    }

    #[test]
    fn field_filters_in_both_languages() {
        assert_eq!(ok("región:Biobío"), "region:Biobío");
        assert_eq!(ok("region:\"San Martín\""), "region:\"San Martín\"");
        assert_eq!(ok("tipo:lección idioma:inglés"), "kind:lesson lang:en");
        assert_eq!(ok("year:2023"), "year:2023");
        assert_eq!(ok("año:2022..2023"), "year:2022..2023");
        assert_eq!(
            ok("date:2023-01-01..2023-03-31"),
            "date:2023-01-01..2023-03-31"
        );
        assert_eq!(ok("fecha:2023-01"), "date:2023-01-01..2023-01-31");
        assert_eq!(ok("date:..2023"), "date:..2023-12-31");
        assert_eq!(ok("date:2024-02"), "date:2024-02-01..2024-02-29");
        // Not a field: searched as a word.
        assert_eq!(ok("http://example.org"), "http://example.org");
    }

    #[test]
    fn errors_say_what_and_where() {
        assert_eq!(
            err("\"agencia regional"),
            "this quote is never closed (at column 1)"
        );
        assert_eq!(
            err("innovación (cusco"),
            "this '(' is never closed (at column 12)"
        );
        assert_eq!(err("innovación)"), "this ')' closes no '(' (at column 11)");
        assert_eq!(
            err("OR piura"),
            "OR needs something on its left (at column 1)"
        );
        assert_eq!(
            err("cusco OR"),
            "OR needs something on its right (at column 7)"
        );
        assert_eq!(
            err("date:2023-13-01"),
            "date:2023-13-01: invalid date \"2023-13-01\": expected YYYY-MM-DD, YYYY-MM, YYYY \
             or DD/MM/YYYY (at column 6)"
        );
        assert!(err("kind:memo").starts_with("kind:memo: unknown kind"));
        assert_eq!(err("region:"), "region: needs a value (at column 1)");
        assert_eq!(
            err("year:2024..2023"),
            "year:2024..2023: the range ends before it starts (at column 6)"
        );
        assert!(err(&"(".repeat(100)).contains("deeper than"));
        assert!(err(&"a".repeat(MAX_QUERY_BYTES + 1)).contains("limit"));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for q in [
            "\"",
            "(",
            ")",
            "-",
            "+",
            "OR",
            "AND",
            "::",
            "region:\"",
            "a:b:c",
            "\u{0}",
            "((a)",
            "\"\"",
            "-\"\"",
            "+()",
            "ñ:ñ",
            "year:..",
            "date:..",
            "a OR OR b",
            "(OR)",
            "🙂 OR 🙃",
        ] {
            let _ = parse(q);
        }
    }

    use proptest::prelude::Strategy;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Whatever is typed, the parser answers (never panics), and what it understood,
        /// written back, parses to the same thing.
        #[test]
        fn any_input_parses_or_is_refused_and_round_trips(
            input in proptest::prop_oneof![
                "[a-zñá-ú0-9 \"()+:.\\-]{0,40}",
                proptest::collection::vec(
                    "OR|AND|region:cusco|kind:lesson|date:2023|year:2022..2023|\"|\\(|\\)|-|\\+|cusco|piura|café|2023|\\.\\.|\"a b\"",
                    0..12,
                ).prop_map(|tokens| tokens.join(" ")),
            ]
        ) {
            if let Ok(node) = parse(&input) {
                let written = node.to_string();
                let again = parse(&written);
                proptest::prop_assert_eq!(again.as_ref().ok(), Some(&node), "{:?} -> {:?}", input, written);
            }
        }

        #[test]
        fn arbitrary_unicode_never_panics(input in "\\PC{0,60}") {
            let _ = parse(&input);
        }
    }
}
