//! One module per command: each parses nothing itself, takes its typed arguments and calls
//! the libraries.

pub mod brief;
pub mod check;
pub mod eval;
pub mod facets;
pub mod index;
pub mod search;
pub mod serve;
pub mod show;
pub mod snapshot;

use std::ffi::OsStr;
use std::path::PathBuf;

use anyhow::Context;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use minga_engine::Engine;

/// Where the index lives; every command takes it.
#[derive(Debug, Clone, clap::Args)]
pub struct IndexDir {
    /// Index folder.
    #[arg(
        long = "index",
        id = "index",
        env = "MINGA_INDEX",
        default_value = "index",
        value_name = "DIR"
    )]
    pub dir: PathBuf,
}

impl IndexDir {
    /// Opens the index for searching; a missing or incompatible index says which command
    /// fixes it.
    pub fn open(&self) -> anyhow::Result<Engine> {
        Engine::open(&self.dir)
            .with_context(|| format!("cannot open the index at {}", self.dir.display()))
    }
}

/// The embedding model, for semantic re-ranking.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ModelFile {
    /// Embedding model for semantic re-ranking: e5-small-q4.bin (or e5-small-enpt-q4.bin), as
    /// `scripts/fetch-model.sh` puts it in models/, or a folder in the Hugging Face layout
    /// (config.json, model.safetensors, tokenizer.json) of a multilingual-e5 model. Without
    /// one, ranking is lexical only.
    #[arg(long = "model", id = "model", env = "MINGA_MODEL", value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Embed only the first N tokens of each text (faster for long passages; the rest of a
    /// passage then plays no part in its vector). Default: the whole text.
    #[arg(
        long = "model-tokens",
        env = "MINGA_MODEL_TOKENS",
        value_name = "N",
        requires = "model"
    )]
    pub tokens: Option<usize>,
}

impl ModelFile {
    /// The model, loaded, if one was named.
    pub fn load(&self) -> anyhow::Result<Option<std::sync::Arc<minga_semantic::Model>>> {
        let Some(path) = &self.path else {
            return Ok(None);
        };
        let model = minga_semantic::Model::load(path)?.with_max_tokens(self.tokens);
        Ok(Some(std::sync::Arc::new(model)))
    }

    /// `engine` with the model, if one was named; says so when its index has no vectors to
    /// re-rank with.
    pub fn attach(&self, engine: minga_engine::Engine) -> anyhow::Result<minga_engine::Engine> {
        let model = self.load()?;
        if model.is_some() {
            warn_without_vectors(&engine);
        }
        Ok(engine.with_model(model))
    }
}

/// A warning when a model is given for an index that holds no vectors: results are then
/// ranked by words alone, whatever the model.
pub fn warn_without_vectors(engine: &minga_engine::Engine) {
    if !engine.has_vectors() {
        eprintln!(
            "warning: the index at {} has no embeddings, so results are ranked by words alone: \
             run `minga index --model PATH` (with the same --index) to embed it",
            engine.dir().display()
        );
    }
}

/// Where the corpus lives.
#[derive(Debug, Clone, clap::Args)]
pub struct CorpusDir {
    /// Corpus folder.
    #[arg(
        long = "corpus",
        id = "corpus",
        env = "MINGA_CORPUS",
        default_value = "corpus",
        value_name = "DIR"
    )]
    pub dir: PathBuf,
}

/// The words of a query, as `minga search` and `minga brief` take them.
///
/// The first word is an argument of its own that takes values starting with `-`, so that a
/// query opening with an exclusion needs no `--` (`minga search -lima agencia`): clap gives
/// it a word starting with `-` only when no short option of the command is spelt by all of
/// its letters (`-n 5` stays `--limit 5`). The other words take no such values, so that
/// options after the query (`agencia --region Cusco`) are options, and an unknown one is an
/// error.
#[derive(Debug, Clone, clap::Args)]
pub struct QueryWords {
    #[arg(value_name = "QUERY", hide = true, allow_hyphen_values = true, value_parser = FirstWord)]
    first: Option<String>,
    /// The query: words, "exact phrases", -exclusions, OR, (groups), region:… kind:… date:…
    /// (a word starting with `-` after the first: quoted with the others, or after `--`).
    /// Empty: everything the filters let through.
    #[arg(value_name = "QUERY", num_args = 0..)]
    rest: Vec<String>,
}

impl QueryWords {
    /// The query as one string, its words joined by spaces.
    pub fn text(&self) -> String {
        let words: Vec<&str> = self
            .first
            .iter()
            .chain(&self.rest)
            .map(String::as_str)
            .collect();
        words.join(" ")
    }
}

/// Parses the first word of a query, refusing what can only be a mistyped option: clap hands
/// an unknown `--option` to the argument that takes values starting with `-`, and no query
/// word starts with `--`. The error is clap's own for an unknown argument, with the option
/// it was likely meant to be.
#[derive(Debug, Clone, Copy)]
struct FirstWord;

impl clap::builder::TypedValueParser for FirstWord {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        let Some(word) = value.to_str() else {
            return Err(clap::Error::new(ErrorKind::InvalidUtf8).with_cmd(cmd));
        };
        let Some(name) = word.strip_prefix("--") else {
            return Ok(word.to_string());
        };
        let mut error = clap::Error::new(ErrorKind::UnknownArgument).with_cmd(cmd);
        error.insert(
            ContextKind::InvalidArg,
            ContextValue::String(word.to_string()),
        );
        // The closest option by Jaro similarity, above clap's own threshold for suggestions.
        let name = name.split('=').next().unwrap_or(name);
        let closest = cmd
            .get_arguments()
            .filter_map(clap::Arg::get_long)
            .map(|long| (strsim::jaro(name, long), long))
            .filter(|(similarity, _)| *similarity > 0.7)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, long)) = closest {
            error.insert(
                ContextKind::SuggestedArg,
                ContextValue::String(format!("--{long}")),
            );
        }
        error.insert(
            ContextKind::Usage,
            ContextValue::StyledStr(cmd.clone().render_usage()),
        );
        Err(error)
    }
}
