use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Error, fold_key};

/// The language of a document, as an ISO 639-1 code. Spanish and English are the languages
/// of the interface and of translation; the others are those the language detector tells
/// apart that matter to Minga's readers, and [`Lang::Und`] is any other (or none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Spanish, the language of most documents and users.
    Es,
    /// English.
    En,
    /// Portuguese.
    Pt,
    /// French.
    Fr,
    /// German.
    De,
    /// Italian.
    It,
    /// Dutch.
    Nl,
    /// Swedish.
    Sv,
    /// Danish.
    Da,
    /// Norwegian (Bokmål).
    No,
    /// Finnish.
    Fi,
    /// Romanian.
    Ro,
    /// Hungarian.
    Hu,
    /// Turkish.
    Tr,
    /// Russian.
    Ru,
    /// Greek.
    El,
    /// Arabic.
    Ar,
    /// Tamil.
    Ta,
    /// Czech.
    Cs,
    /// Polish.
    Pl,
    /// Ukrainian.
    Uk,
    /// Catalan.
    Ca,
    /// Japanese.
    Ja,
    /// Chinese.
    Zh,
    /// Korean.
    Ko,
    /// Quechua, declared only (no detector knows it): a language of Peru's public documents.
    Qu,
    /// Aymara, declared only.
    Ay,
    /// Guarani, declared only.
    Gn,
    /// Any other language, or one that could not be told (`und`, ISO 639-2's
    /// "undetermined").
    Und,
}

/// A language's code, its ISO 639-2/3 codes, its Spanish and English names (as written) and
/// other names it is known by (folded): what [`Lang::from_str`] accepts and what labels say.
struct Names {
    code: &'static str,
    codes3: &'static [&'static str],
    es: &'static str,
    en: &'static str,
    more: &'static [&'static str],
}

const fn names(
    code: &'static str,
    codes3: &'static [&'static str],
    es: &'static str,
    en: &'static str,
    more: &'static [&'static str],
) -> Names {
    Names {
        code,
        codes3,
        es,
        en,
        more,
    }
}

impl Lang {
    /// Every language, Spanish first, [`Lang::Und`] last.
    pub const ALL: [Lang; 29] = [
        Lang::Es,
        Lang::En,
        Lang::Pt,
        Lang::Fr,
        Lang::De,
        Lang::It,
        Lang::Nl,
        Lang::Sv,
        Lang::Da,
        Lang::No,
        Lang::Fi,
        Lang::Ro,
        Lang::Hu,
        Lang::Tr,
        Lang::Ru,
        Lang::El,
        Lang::Ar,
        Lang::Ta,
        Lang::Cs,
        Lang::Pl,
        Lang::Uk,
        Lang::Ca,
        Lang::Ja,
        Lang::Zh,
        Lang::Ko,
        Lang::Qu,
        Lang::Ay,
        Lang::Gn,
        Lang::Und,
    ];

    /// The languages of the interface (labels, briefs): Spanish and English.
    pub const UI: [Lang; 2] = [Lang::Es, Lang::En];

    fn names(self) -> Names {
        match self {
            Lang::Es => names("es", &["spa", "esp"], "español", "Spanish", &["castellano"]),
            Lang::En => names("en", &["eng"], "inglés", "English", &[]),
            Lang::Pt => names("pt", &["por"], "portugués", "Portuguese", &["portugues"]),
            Lang::Fr => names("fr", &["fra", "fre"], "francés", "French", &["francais"]),
            Lang::De => names("de", &["deu", "ger"], "alemán", "German", &["deutsch"]),
            Lang::It => names("it", &["ita"], "italiano", "Italian", &[]),
            Lang::Nl => names("nl", &["nld", "dut"], "neerlandés", "Dutch", &["holandes"]),
            Lang::Sv => names("sv", &["swe"], "sueco", "Swedish", &[]),
            Lang::Da => names("da", &["dan"], "danés", "Danish", &[]),
            Lang::No => names(
                "no",
                &["nor", "nob", "nno"],
                "noruego",
                "Norwegian",
                &["nb", "nn"],
            ),
            Lang::Fi => names("fi", &["fin"], "finés", "Finnish", &["finlandes"]),
            Lang::Ro => names("ro", &["ron", "rum"], "rumano", "Romanian", &[]),
            Lang::Hu => names("hu", &["hun"], "húngaro", "Hungarian", &[]),
            Lang::Tr => names("tr", &["tur"], "turco", "Turkish", &[]),
            Lang::Ru => names("ru", &["rus"], "ruso", "Russian", &[]),
            Lang::El => names("el", &["ell", "gre"], "griego", "Greek", &[]),
            Lang::Ar => names("ar", &["ara"], "árabe", "Arabic", &[]),
            Lang::Ta => names("ta", &["tam"], "tamil", "Tamil", &[]),
            Lang::Cs => names("cs", &["ces", "cze"], "checo", "Czech", &[]),
            Lang::Pl => names("pl", &["pol"], "polaco", "Polish", &[]),
            Lang::Uk => names("uk", &["ukr"], "ucraniano", "Ukrainian", &[]),
            Lang::Ca => names("ca", &["cat"], "catalán", "Catalan", &[]),
            Lang::Ja => names("ja", &["jpn"], "japonés", "Japanese", &[]),
            Lang::Zh => names("zh", &["zho", "chi", "cmn"], "chino", "Chinese", &[]),
            Lang::Ko => names("ko", &["kor"], "coreano", "Korean", &[]),
            // ISO 639-3 also codes each variety (`quz`, Cusco Quechua; `ayr`, Central Aymara).
            Lang::Qu => names(
                "qu",
                &["que", "quz", "qub", "quy", "qxo", "qvi", "qug"],
                "quechua",
                "Quechua",
                &["runasimi", "kichwa", "quichua"],
            ),
            Lang::Ay => names(
                "ay",
                &["aym", "ayr", "ayc"],
                "aimara",
                "Aymara",
                &["aymara"],
            ),
            Lang::Gn => names("gn", &["grn", "gug"], "guaraní", "Guarani", &["avanee"]),
            Lang::Und => names(
                "und",
                &[],
                "otro idioma",
                "other language",
                &["otro", "other", "undetermined"],
            ),
        }
    }

    /// The ISO 639-1 code (`es`, `fr`), or `und` for [`Lang::Und`].
    pub fn code(self) -> &'static str {
        self.names().code
    }

    /// The language's name in the interface language `ui` (Spanish, or else English):
    /// `francés`, `French`.
    pub fn name(self, ui: Lang) -> &'static str {
        let names = self.names();
        if ui == Lang::Es { names.es } else { names.en }
    }

    /// The other language of the Spanish–English pair, which translation expansion searches
    /// a word in as well; `None` for the other languages, which have no dictionary.
    pub fn other(self) -> Option<Lang> {
        match self {
            Lang::Es => Some(Lang::En),
            Lang::En => Some(Lang::Es),
            _ => None,
        }
    }

    /// The interface language that serves a reader of this one: Spanish for Spanish and for
    /// the Andean and Paraguayan languages (whose readers here read Spanish), English for
    /// every other.
    pub fn ui(self) -> Lang {
        match self {
            Lang::Es | Lang::Qu | Lang::Ay | Lang::Gn => Lang::Es,
            _ => Lang::En,
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

    /// Accepts codes (`es`, `spa`, `es-PE`, `pt-BR`, `fra`) and names in Spanish, English
    /// or the language itself (`español`, `Spanish`, `francés`, `French`, `français`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = fold_key(s.split(['-', '_']).next().unwrap_or(s));
        let key = key.as_str();
        Lang::ALL
            .into_iter()
            .find(|lang| {
                let n = lang.names();
                n.code == key
                    || n.codes3.contains(&key)
                    || n.more.contains(&key)
                    || fold_key(n.es) == key
                    || fold_key(n.en) == key
            })
            .filter(|_| !key.is_empty())
            .ok_or_else(|| Error::InvalidLang(s.to_string()))
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
        assert_eq!("fr".parse::<Lang>().unwrap(), Lang::Fr);
        assert_eq!("francés".parse::<Lang>().unwrap(), Lang::Fr);
        assert_eq!("French".parse::<Lang>().unwrap(), Lang::Fr);
        assert_eq!("Français".parse::<Lang>().unwrap(), Lang::Fr);
        assert_eq!("pt-BR".parse::<Lang>().unwrap(), Lang::Pt);
        assert_eq!("deu".parse::<Lang>().unwrap(), Lang::De);
        assert_eq!("checo".parse::<Lang>().unwrap(), Lang::Cs);
        assert_eq!("nb".parse::<Lang>().unwrap(), Lang::No);
        assert_eq!("und".parse::<Lang>().unwrap(), Lang::Und);
        assert_eq!("que".parse::<Lang>().unwrap(), Lang::Qu);
        assert_eq!("Runasimi".parse::<Lang>().unwrap(), Lang::Qu);
        assert_eq!("aimara".parse::<Lang>().unwrap(), Lang::Ay);
        assert_eq!("Guaraní".parse::<Lang>().unwrap(), Lang::Gn);
        assert_eq!(Lang::Qu.ui(), Lang::Es);
        assert!("xx".parse::<Lang>().is_err());
        assert!("".parse::<Lang>().is_err());
    }

    #[test]
    fn codes_are_unique_and_serialise_as_themselves() {
        for lang in Lang::ALL {
            assert_eq!(lang.code().parse::<Lang>().unwrap(), lang);
            assert_eq!(
                serde_json::to_string(&lang).unwrap(),
                format!("\"{}\"", lang.code())
            );
        }
        assert_eq!(Lang::Fr.other(), None);
        assert_eq!(Lang::Es.other(), Some(Lang::En));
        assert_eq!(Lang::De.name(Lang::Es), "alemán");
        assert_eq!(Lang::De.name(Lang::En), "German");
    }
}
