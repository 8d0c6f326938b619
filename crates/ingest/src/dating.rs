//! A document's date when its metadata declares none: the date written on its title page
//! ("Lima, enero de 2023"), else its file's creation date if that is plausible.
//!
//! A file property says when the file was made: a PDF rendered today from a report on
//! 2021–2023 carries today's date, a DOCX made from a template carries the template's. Such a
//! date is kept only when it agrees with the years the text speaks of.

use minga_core::{Date, MONTHS_EN, MONTHS_ES, fold};

/// How much of the document's opening text is searched for its date: about a title page.
const TITLE_PAGE_CHARS: usize = 1_500;

/// How far, in years, a file's date may be from the latest year its text names.
const FILE_DATE_SLACK: i32 = 2;

/// How much text is scanned for the years it names.
const YEAR_SCAN_CHARS: usize = 200_000;

/// The first date written out in `text` (a title page), at the precision written: "15 de
/// marzo de 2022" and "March 15, 2022" are days, "enero de 2023" and "January 2023" months,
/// `2023-01-24` a day. Dates after `today` (deadlines, targets) are passed over.
pub(crate) fn in_text(text: &str, today: Date) -> Option<Date> {
    let head: String = text.chars().take(TITLE_PAGE_CHARS).collect();
    let folded = fold(&head);
    let words = words(&folded);
    (0..words.len())
        .filter_map(|i| date_at(&words[i..]))
        .find(|d| d.first_day() <= today)
}

/// A year named in a title, as the document's year ("Memoria anual 2022"), when the title
/// names exactly one year and no range of years.
pub(crate) fn year_in_title(title: &str, today: Date) -> Option<Date> {
    let folded = fold(title);
    let words = words(&folded);
    let years: Vec<i32> = words.iter().filter_map(|w| year(w)).collect();
    match years.as_slice() {
        [y] if *y <= today.year() => Date::from_year(*y),
        _ => None,
    }
}

/// Whether a file's creation date can stand as the document's date: not in the future, and,
/// when the text names years up to now, within [`FILE_DATE_SLACK`] years of the latest.
pub(crate) fn plausible_file_date(date: Date, text: &str, today: Date) -> bool {
    if date.first_day() > today || date.year() < 1970 {
        return false;
    }
    let head: String = text.chars().take(YEAR_SCAN_CHARS).collect();
    let folded = fold(&head);
    let latest = words(&folded)
        .iter()
        .filter_map(|w| year(w))
        .filter(|y| *y <= today.year())
        .max();
    match latest {
        Some(latest) => (date.year() - latest).abs() <= FILE_DATE_SLACK,
        None => true,
    }
}

/// Words and numbers, split at anything else; ISO dates (`2023-01-24`) stay whole.
fn words(folded: &str) -> Vec<&str> {
    folded
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .flat_map(|w| {
            let parts: Vec<&str> = if is_iso(w) {
                vec![w]
            } else {
                w.split('-').collect()
            };
            parts
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// `2023-01-24`.
fn is_iso(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// A plausible year of a document: 1900 to 2199.
fn year(word: &str) -> Option<i32> {
    if word.len() != 4 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = word.parse().ok()?;
    (1900..2200).contains(&y).then_some(y)
}

/// A month's number from its Spanish or English name (folded), or its usual abbreviation.
fn month(word: &str) -> Option<u8> {
    let found = MONTHS_ES
        .iter()
        .chain(MONTHS_EN.iter())
        .position(|m| fold(m) == word)
        .or_else(|| (word == "setiembre").then_some(8))?;
    u8::try_from(found % 12 + 1).ok()
}

/// A day of the month, 1 to 31.
fn day(word: &str) -> Option<u8> {
    let n: u8 = word.strip_suffix("th").unwrap_or(word).parse().ok()?;
    (1..=31).contains(&n).then_some(n)
}

/// The date that starts at `w[0]`, if one does.
fn date_at(w: &[&str]) -> Option<Date> {
    let get = |i: usize| w.get(i).copied().unwrap_or("");
    let linked = |i: usize| matches!(get(i), "de" | "del");
    if is_iso(w.first()?) {
        return get(0).parse::<Date>().ok();
    }
    // 15 de marzo de 2022 · 15 March 2022
    if let Some(d) = day(get(0)) {
        let at = if get(1) == "de" { 2 } else { 1 };
        if let Some(m) = month(get(at)) {
            let y_at = if linked(at + 1) { at + 2 } else { at + 1 };
            return year(get(y_at)).and_then(|y| Date::from_ymd(y, m, d));
        }
        return None;
    }
    let m = month(get(0))?;
    // March 15, 2022
    if let (Some(d), Some(y)) = (day(get(1)), year(get(2))) {
        return Date::from_ymd(y, m, d);
    }
    // enero de 2023 · enero 2023 · January 2023
    let y_at = if linked(1) { 2 } else { 1 };
    year(get(y_at)).and_then(|y| Date::from_ym(y, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::from_ymd(2026, 12, 5).unwrap()
    }

    fn found(text: &str) -> Option<String> {
        in_text(text, today()).map(|d| d.to_string())
    }

    #[test]
    fn dates_written_out_on_a_title_page() {
        assert_eq!(
            found("Informe final\nLima, enero de 2023").as_deref(),
            Some("2023-01")
        );
        assert_eq!(
            found("Lima, 15 de marzo del 2022.").as_deref(),
            Some("2022-03-15")
        );
        assert_eq!(
            found("Concepción, Setiembre 2021").as_deref(),
            Some("2021-09")
        );
        assert_eq!(
            found("Final report, March 15, 2021").as_deref(),
            Some("2021-03-15")
        );
        assert_eq!(found("Published 3 May 2020").as_deref(), Some("2020-05-03"));
        assert_eq!(
            found("Version of 2023-01-24.").as_deref(),
            Some("2023-01-24")
        );
        // A target year is not the document's date; a lone year or a name is no date.
        assert_eq!(
            found("Metas a diciembre de 2030. Lima, mayo de 2024").as_deref(),
            Some("2024-05")
        );
        assert_eq!(found("Plan 2021-2023 de la región"), None);
        assert_eq!(found("Mayo Torres presentó el informe"), None);
        assert_eq!(found("el 15 de marzo se reunieron"), None);
    }

    #[test]
    fn a_year_in_a_title() {
        let y = |t: &str| year_in_title(t, today()).map(|d| d.to_string());
        assert_eq!(y("Memoria anual 2022").as_deref(), Some("2022"));
        assert_eq!(y("Plan regional 2021-2023"), None);
        assert_eq!(y("Visión 2050"), None);
        assert_eq!(y("Informe de la ARD"), None);
    }

    #[test]
    fn file_dates_far_from_the_text_are_dropped() {
        let day = |s: &str| s.parse::<Date>().unwrap();
        let report = "Resultados 2021, 2022 y 2023; metas al 2030.";
        // Rendered years later, or made from an old template: not the document's date.
        assert!(!plausible_file_date(day("2026-11-30"), report, today()));
        assert!(!plausible_file_date(day("2013-12-23"), report, today()));
        assert!(plausible_file_date(day("2024-02-10"), report, today()));
        // No years in the text: nothing to contradict it.
        assert!(plausible_file_date(
            day("2019-06-01"),
            "Sin fechas.",
            today()
        ));
        // The future never.
        assert!(!plausible_file_date(
            day("2027-01-01"),
            "Sin fechas.",
            today()
        ));
    }
}
