use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Month, macros::format_description};

use crate::Error;

/// A calendar day, written `YYYY-MM-DD` in every output.
///
/// Parsing accepts what documents really carry: `2023-01-24`, `2023-01` and `2023` (read as the
/// first day of the month or year), `24/01/2023` and `24-01-2023` (day first, as written in Peru
/// and Chile), and an ISO date-time whose date part is kept (`2023-01-24T10:00:00Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(time::Date);

impl Date {
    /// The day from its parts; `None` if it does not exist.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Date> {
        let month = Month::try_from(month).ok()?;
        time::Date::from_calendar_date(year, month, day)
            .ok()
            .map(Date)
    }

    /// The last day of a date written at day, month or year precision: `2023` gives
    /// 2023-12-31, `2023-02` gives 2023-02-28, a full date gives itself. For the upper end of
    /// a range, where `2023` means "through 2023".
    pub fn parse_end(text: &str) -> Result<Date, Error> {
        let start: Date = text.parse()?;
        let (year, month) = (start.0.year(), start.0.month());
        let precision = text.trim().split(['-', '/', '.']).count();
        Ok(match precision {
            1 => Date::from_ymd(year, 12, 31).unwrap_or(start),
            2 => Date(start.0.replace_day(month.length(year)).unwrap_or(start.0)),
            _ => start,
        })
    }

    /// Today, in UTC.
    pub fn today() -> Date {
        Date(time::OffsetDateTime::now_utc().date())
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// Seconds since 1970-01-01T00:00:00Z at the start of this day (UTC).
    pub fn unix_timestamp(self) -> i64 {
        self.0.midnight().assume_utc().unix_timestamp()
    }

    /// The day that holds the given Unix timestamp (UTC).
    pub fn from_unix_timestamp(seconds: i64) -> Option<Date> {
        time::OffsetDateTime::from_unix_timestamp(seconds)
            .ok()
            .map(|t| Date(t.date()))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = format_description!("[year]-[month]-[day]");
        let text = self.0.format(&format).map_err(|_| fmt::Error)?;
        f.write_str(&text)
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
        let (year, month, day) = match numbers.as_slice() {
            [y] if y.len() == 4 => (num(y)?, 1, 1),
            [y, m] if y.len() == 4 => (num(y)?, num(m)?, 1),
            [y, m, d] if y.len() == 4 => (num(y)?, num(m)?, num(d)?),
            [d, m, y] if y.len() == 4 && d.len() <= 2 => (num(y)?, num(m)?, num(d)?),
            _ => return Err(invalid()),
        };
        let (Ok(month), Ok(day)) = (u8::try_from(month), u8::try_from(day)) else {
            return Err(invalid());
        };
        Date::from_ymd(year as i32, month, day).ok_or_else(invalid)
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
        assert_eq!(d("2023-01").unwrap(), "2023-01-01");
        assert_eq!(d("2023").unwrap(), "2023-01-01");
        assert_eq!(d("24/01/2023").unwrap(), "2023-01-24");
        assert_eq!(d("24-01-2023").unwrap(), "2023-01-24");
        assert_eq!(d("2023-01-24T10:30:00Z").unwrap(), "2023-01-24");
        assert!(d("2023-02-30").is_err());
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
    fn round_trips_unix_time() {
        let day: Date = "2023-01-26".parse().unwrap();
        assert_eq!(Date::from_unix_timestamp(day.unix_timestamp()), Some(day));
        assert_eq!(day.year(), 2023);
    }
}
