use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Error, fold_key};

/// A language Minga analyses: each has its own stop words and stemmer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Spanish, the language of most documents and users.
    Es,
    /// English.
    En,
}

impl Lang {
    /// Every language, Spanish first.
    pub const ALL: [Lang; 2] = [Lang::Es, Lang::En];

    /// The ISO 639-1 code: `es` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
        }
    }

    /// The other language of the pair.
    pub fn other(self) -> Lang {
        match self {
            Lang::Es => Lang::En,
            Lang::En => Lang::Es,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = Error;

    /// Accepts codes (`es`, `spa`, `es-PE`, `en-GB`) and names in either language
    /// (`español`, `Spanish`, `inglés`, `English`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = fold_key(s.split(['-', '_']).next().unwrap_or(s));
        match key.as_str() {
            "es" | "spa" | "esp" | "espanol" | "castellano" | "spanish" => Ok(Lang::Es),
            "en" | "eng" | "ingles" | "english" => Ok(Lang::En),
            _ => Err(Error::InvalidLang(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_names() {
        assert_eq!("es".parse::<Lang>().unwrap(), Lang::Es);
        assert_eq!("es-PE".parse::<Lang>().unwrap(), Lang::Es);
        assert_eq!("Español".parse::<Lang>().unwrap(), Lang::Es);
        assert_eq!("en_GB".parse::<Lang>().unwrap(), Lang::En);
        assert_eq!("Inglés".parse::<Lang>().unwrap(), Lang::En);
        assert!("fr".parse::<Lang>().is_err());
    }
}
