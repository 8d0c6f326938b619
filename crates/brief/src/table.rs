//! The CSV form: one row per lesson with its metadata and citation, RFC 4180 (comma, quotes
//! where needed, CRLF line ends), column names in the brief's language.

use crate::labels::labels;
use crate::model::Brief;

pub(crate) fn render(brief: &Brief) -> String {
    let l = labels(brief.lang);
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    write_record(&mut writer, l.columns);
    for lesson in &brief.lessons {
        let source = brief.source_of(lesson);
        let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        write_record(
            &mut writer,
            [
                std::iter::once(lesson.citation)
                    .chain(lesson.also.iter().map(|c| c.number))
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                lesson.region.clone().unwrap_or_default(),
                lesson.institution.clone().unwrap_or_default(),
                lesson.date.map(|d| d.to_string()).unwrap_or_default(),
                lesson.event.clone().unwrap_or_default(),
                lesson.lesson.clone(),
                lesson.context.clone().unwrap_or_default(),
                lesson.recommendation.clone().unwrap_or_default(),
                source.map(|s| s.title.clone()).unwrap_or_default(),
                lesson.source.path.clone(),
                number(lesson.source.page),
                number(lesson.source.line),
                lesson.source.section.clone().unwrap_or_default(),
                source.map(|s| s.id.clone()).unwrap_or_default(),
                lesson.id.clone(),
                lesson.regions.join("; "),
                lesson.institutions.join("; "),
            ],
        );
    }
    let bytes = writer
        .into_inner()
        .expect("flushing a CSV writer into memory cannot fail");
    String::from_utf8(bytes).expect("CSV written from strings is UTF-8")
}

fn write_record<I, T>(writer: &mut csv::Writer<Vec<u8>>, record: I)
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    writer
        .write_record(record)
        .expect("writing a CSV row of fixed width into memory cannot fail");
}

#[cfg(test)]
mod tests {
    use minga_core::Lang;

    use crate::sample;

    #[test]
    fn one_row_per_lesson_quoted_as_rfc_4180_says() {
        let text = super::render(&sample::brief(Lang::Es));
        assert!(text.starts_with("cita,región,institución,fecha,"));
        assert!(text.ends_with("\r\n"));
        // Quotes doubled inside a quoted field; commas and line breaks quoted.
        assert!(text.contains(r#""La articulación dura con un mandato <script>alert(""x"")</script> y una secretaría, ""formal""."#));
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().expect("a header row").clone();
        assert_eq!(headers.len(), 17);
        let rows: Vec<csv::StringRecord> = reader
            .records()
            .collect::<Result<_, _>>()
            .expect("rows that parse back");
        assert_eq!(rows.len(), 3);
        assert_eq!(&rows[0][0], "1");
        assert_eq!(
            &rows[0][6],
            "Las mesas sin mandato se disolvían.\n\nSegundo párrafo, con coma."
        );
        assert_eq!(&rows[1][10], "21", "the page of the PDF lesson");
        assert_eq!(&rows[2][1], "", "no region");
        assert_eq!(&rows[2][13], "lec-9");
    }

    #[test]
    fn english_column_names() {
        let text = super::render(&sample::brief(Lang::En));
        assert!(text.starts_with("citation,region,institution,date,event,lesson,context,"));
    }
}
