use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Month;

use crate::{Error, Lang};

/// How precisely a date is known: the day, the month or only the year, as its source wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// A date as a source gives it: a day (`2023-01-24`), a month (`2023-01`) or a year (`2023`).
/// It is written back at the same precision in every output, never made more precise than
/// the source, and covers a range of days ([`Date::first_day`] to [`Date::last_day`]) that
/// filters test for overlap.
///
/// Parsing accepts what documents really carry: `2023-01-24`, `2023-01` and `2023`,
/// `24/01/2023` and `24-01-2023` (day first, as written in Peru and Chile), `01/2023`, and an
/// ISO date-time whose date part is kept (`2023-01-24T10:00:00Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    /// The first day the date covers.
    day: time::Date,
    precision: Precision,
}

impl Date {
    /// The day from its parts; `None` if it does not exist.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Date> {
        let month = Month::try_from(month).ok()?;
        time::Date::from_calendar_date(year, month, day)
            .ok()
            .map(|day| Date {
                day,
                precision: Precision::Day,
            })
    }

    /// A month, as in "mayo de 2024"; `None` if `month` is not 1 to 12 or the year is out of
    /// range.
    pub fn from_ym(year: i32, month: u8) -> Option<Date> {
        Date::from_ymd(year, month, 1).map(|d| d.with_precision(Precision::Month))
    }

    /// A whole year.
    pub fn from_year(year: i32) -> Option<Date> {
        Date::from_ymd(year, 1, 1).map(|d| d.with_precision(Precision::Year))
    }

    fn with_precision(self, precision: Precision) -> Date {
        Date { precision, ..self }
    }

    /// The date as the first day it covers: `2023` gives 2023-01-01, `2023-02` gives
    /// 2023-02-01. For the lower end of a range, where `2023` means "from 2023 on".
    pub fn parse_start(text: &str) -> Result<Date, Error> {
        text.parse::<Date>().map(Date::first_day)
    }

    /// The date as the last day it covers: `2023` gives 2023-12-31, `2023-02` gives
    /// 2023-02-28, a day gives itself. For the upper end of a range, where `2023` means
    /// "through 2023".
    pub fn parse_end(text: &str) -> Result<Date, Error> {
        text.parse::<Date>().map(Date::last_day)
    }

    /// How precisely the date is known.
    pub fn precision(self) -> Precision {
        self.precision
    }

    /// The first day the date covers, as a day.
    pub fn first_day(self) -> Date {
        self.with_precision(Precision::Day)
    }

    /// The last day the date covers, as a day.
    pub fn last_day(self) -> Date {
        let (year, month) = (self.day.year(), self.day.month());
        let day = match self.precision {
            Precision::Day => self.day,
            Precision::Month => self.day.replace_day(month.length(year)).unwrap_or(self.day),
            Precision::Year => {
                time::Date::from_calendar_date(year, Month::December, 31).unwrap_or(self.day)
            }
        };
        Date {
            day,
            precision: Precision::Day,
        }
    }

    /// Today, in UTC.
    pub fn today() -> Date {
        Date {
            day: time::OffsetDateTime::now_utc().date(),
            precision: Precision::Day,
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.day.year()
    }

    /// The month, 1 to 12 (January for a year).
    pub fn month(self) -> u8 {
        u8::from(self.day.month())
    }

    /// Seconds since 1970-01-01T00:00:00Z at the start of the first day the date covers
    /// (UTC).
    pub fn unix_timestamp(self) -> i64 {
        self.day.midnight().assume_utc().unix_timestamp()
    }

    /// The day that holds the given Unix timestamp (UTC).
    pub fn from_unix_timestamp(seconds: i64) -> Option<Date> {
        time::OffsetDateTime::from_unix_timestamp(seconds)
            .ok()
            .map(|t| Date {
                day: t.date(),
                precision: Precision::Day,
            })
    }

    /// The date as a reader says it, at its precision: "24 de mayo de 2024", "mayo de 2024",
    /// "2024" in Spanish; "24 May 2024", "May 2024", "2024" in English.
    pub fn label(self, lang: Lang) -> String {
        let month = usize::from(self.month()) - 1;
        let (year, day) = (self.year(), self.day.day());
        match (self.precision, lang.ui()) {
            (Precision::Year, _) => year.to_string(),
            (Precision::Month, Lang::Es) => format!("{} de {year}", MONTHS_ES[month]),
            (Precision::Month, _) => format!("{} {year}", MONTHS_EN[month]),
            (Precision::Day, Lang::Es) => format!("{day} de {} de {year}", MONTHS_ES[month]),
            (Precision::Day, _) => format!("{day} {} {year}", MONTHS_EN[month]),
        }
    }
}

/// Month names, January first.
pub const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// Month names, January first.
pub const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Where a document's date comes from, from most to least trustworthy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    /// Declared by whoever filed the document: front matter, a record's field, an HTML
    /// page's `date` meta tag.
    Metadata,
    /// Written in the document itself: "Lima, enero de 2023" on a title page.
    Text,
    /// A file property (a PDF's creation date, a DOCX's `created`): when the file was made,
    /// which is not always when the document was written. Used only when nothing better
    /// exists, and shown as such.
    File,
}

impl DateSource {
    /// The name the API and the index use: `metadata`, `text` or `file`.
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::Metadata => "metadata",
            DateSource::Text => "text",
            DateSource::File => "file",
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = (self.year(), self.month(), self.day.day());
        match self.precision {
            Precision::Year => write!(f, "{year:04}"),
            Precision::Month => write!(f, "{year:04}-{month:02}"),
            Precision::Day => write!(f, "{year:04}-{month:02}-{day:02}"),
        }
    }
}

impl FromStr for Date {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || Error::InvalidDate(s.to_string());
        let text = s.trim();
        // An ISO date-time: keep the date.
        let text = match text.find(['T', ' ']) {
            Some(10) => &text[..10],
            _ => text,
        };
        let numbers: Vec<&str> = text.split(['-', '/', '.']).collect();
        let num = |part: &str| -> Result<u32, Error> {
            if part.is_empty() || part.len() > 4 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            part.parse().map_err(|_| invalid())
        };
        let small = |n: u32| u8::try_from(n).map_err(|_| invalid());
        let date = match numbers.as_slice() {
            [y] if y.len() == 4 => Date::from_year(num(y)? as i32),
            [y, m] if y.len() == 4 => Date::from_ym(num(y)? as i32, small(num(m)?)?),
            [m, y] if y.len() == 4 && m.len() <= 2 => {
                Date::from_ym(num(y)? as i32, small(num(m)?)?)
            }
            [y, m, d] if y.len() == 4 => {
                Date::from_ymd(num(y)? as i32, small(num(m)?)?, small(num(d)?)?)
            }
            [d, m, y] if y.len() == 4 && d.len() <= 2 => {
                Date::from_ymd(num(y)? as i32, small(num(m)?)?, small(num(d)?)?)
            }
            _ => None,
        };
        date.ok_or_else(invalid)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_documents_use() {
        let d = |s: &str| s.parse::<Date>().map(|d| d.to_string());
        assert_eq!(d("2023-01-24").unwrap(), "2023-01-24");
        assert_eq!(d("2023-01").unwrap(), "2023-01");
        assert_eq!(d("01/2023").unwrap(), "2023-01");
        assert_eq!(d("2023").unwrap(), "2023");
        assert_eq!(d("24/01/2023").unwrap(), "2023-01-24");
        assert_eq!(d("24-01-2023").unwrap(), "2023-01-24");
        assert_eq!(d("2023-01-24T10:30:00Z").unwrap(), "2023-01-24");
        assert!(d("2023-02-30").is_err());
        assert!(d("2023-13").is_err());
        assert!(d("enero").is_err());
        assert!(d("").is_err());
    }

    #[test]
    fn ends_of_periods() {
        let end = |s: &str| Date::parse_end(s).map(|d| d.to_string());
        assert_eq!(end("2023").unwrap(), "2023-12-31");
        assert_eq!(end("2023-02").unwrap(), "2023-02-28");
        assert_eq!(end("2024-02").unwrap(), "2024-02-29");
        assert_eq!(end("2023-01-24").unwrap(), "2023-01-24");
        assert_eq!(end("24/01/2023").unwrap(), "2023-01-24");
        assert!(end("nope").is_err());
    }

    #[test]
    fn a_date_keeps_its_precision() {
        let may: Date = "2024-05".parse().unwrap();
        assert_eq!(may.precision(), Precision::Month);
        assert_eq!(may.first_day().to_string(), "2024-05-01");
        assert_eq!(may.last_day().to_string(), "2024-05-31");
        assert_eq!(may.label(Lang::Es), "mayo de 2024");
        assert_eq!(may.label(Lang::En), "May 2024");
        let year: Date = "2019".parse().unwrap();
        assert_eq!(
            (year.label(Lang::Es), year.precision()),
            ("2019".into(), Precision::Year)
        );
        let day: Date = "2024-05-24".parse().unwrap();
        assert_eq!(day.label(Lang::Es), "24 de mayo de 2024");
        assert_eq!(day.label(Lang::En), "24 May 2024");
        let json = serde_json::to_string(&may).unwrap();
        assert_eq!(json, "\"2024-05\"");
        assert_eq!(serde_json::from_str::<Date>(&json).unwrap(), may);
    }

    #[test]
    fn round_trips_unix_time() {
        let day: Date = "2023-01-26".parse().unwrap();
        assert_eq!(Date::from_unix_timestamp(day.unix_timestamp()), Some(day));
        assert_eq!(day.year(), 2023);
    }
}
