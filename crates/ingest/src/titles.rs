//! Placeholder titles and authors: what a file's properties say when nobody filled them in.
//!
//! Word processors, report tools and converters write their own name, the template's title or
//! the file's name into a document's title and author properties ("Microsoft Word -
//! informe.docx", "Seagate Crystal Reports - CTA_12.rpt", "Untitled - Notepad", "python-docx").
//! Shown as a title or cited as an author they mislead; the reader then looks for the title in
//! the document itself (see `Reader::document`).

use minga_core::fold;

/// Titles that are only a placeholder, compared after folding case and accents.
const PLACEHOLDER_TITLES: &[&str] = &[
    "untitled",
    "sin titulo",
    "no title",
    "notitle",
    "title",
    "titulo",
    "document title",
    "titulo del documento",
    "document",
    "documento",
    "new document",
    "nuevo documento",
    "presentation",
    "presentacion",
    "powerpoint presentation",
    "presentacion de powerpoint",
    "slide 1",
    "diapositiva 1",
    "book",
    "libro",
    "hoja1",
    "sheet1",
    "template",
    "plantilla",
    "normal",
    "draft",
    "borrador",
    "report",
    "informe",
    "test",
    "prueba",
    "temp",
    "tmp",
    "none",
    "null",
    "n/a",
    "unknown",
    "desconocido",
];

/// Programs whose name a generated file carries as its title, followed by the file's name
/// ("Microsoft Word - informe.docx"), or after it ("informe.txt - Notepad").
const GENERATORS: &[&str] = &[
    "microsoft word",
    "microsoft excel",
    "microsoft powerpoint",
    "microsoft visio",
    "seagate crystal reports",
    "crystal reports",
    "notepad",
    "bloc de notas",
    "wordpad",
    "libreoffice",
    "openoffice",
    "adobe acrobat",
    "acrobat pdfmaker",
    "pdfcreator",
    "cutepdf",
    "writer",
];

/// Extensions that mark a title as a file's name.
const FILE_EXTENSIONS: &[&str] = &[
    "doc", "docx", "dot", "dotx", "rtf", "odt", "pdf", "ppt", "pptx", "xls", "xlsx", "ods", "txt",
    "md", "html", "htm", "rpt", "indd", "tex", "ps", "eps", "qxd", "pub", "wpd", "csv", "json",
    "xml", "png", "jpg", "tif", "tiff",
];

/// Whether `title` is a placeholder rather than a document's title: empty or letterless, a
/// known placeholder ("Untitled", "Título", "Documento1", "Presentación1"), a program's name
/// with or without a file's ("Microsoft Word - x.docx", "Untitled - Notepad"), a file name
/// with an extension, or an identifier (a GUID, a code of letters and digits). See also
/// [`same_as_file_name`].
pub(crate) fn is_placeholder(title: &str) -> bool {
    let folded = fold(title.trim());
    let folded = folded.trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'');
    if folded.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return true;
    }
    let numbered = folded.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
    if PLACEHOLDER_TITLES.contains(&folded) || PLACEHOLDER_TITLES.contains(&numbered) {
        return true;
    }
    if GENERATORS.iter().any(|g| {
        folded == *g
            || folded.starts_with(&format!("{g} - "))
            || folded.ends_with(&format!(" - {g}"))
    }) {
        return true;
    }
    is_file_name(folded) || is_identifier(folded)
}

/// Whether `title` can stand as a document's title: neither a placeholder nor garbled.
pub(crate) fn is_real(title: &str) -> bool {
    !is_placeholder(title) && !is_garbled(title)
}

/// Names of the parts every report has, compared after folding case and accents: a page
/// that opens with one (a table of contents, an introduction, an executive summary) says
/// nothing of which work it opens.
const SECTION_NAMES: &[&str] = &[
    // Spanish
    "indice",
    "indice general",
    "contenido",
    "contenidos",
    "tabla de contenido",
    "tabla de contenidos",
    "sumario",
    "resumen",
    "resumen ejecutivo",
    "prologo",
    "prefacio",
    "introduccion",
    "agradecimientos",
    "antecedentes",
    "conclusion",
    "conclusiones",
    "recomendaciones",
    "bibliografia",
    "referencias",
    "referencias bibliograficas",
    "anexo",
    "anexos",
    "glosario",
    "siglas",
    "acronimos",
    "siglas y acronimos",
    "abreviaturas",
    "lista de siglas",
    "indice de cuadros",
    "indice de graficos",
    "indice de figuras",
    "indice de tablas",
    "lista de figuras",
    "lista de tablas",
    // English
    "contents",
    "table of contents",
    "summary",
    "executive summary",
    "abstract",
    "foreword",
    "preface",
    "introduction",
    "acknowledgements",
    "acknowledgments",
    "background",
    "conclusions",
    "recommendations",
    "references",
    "bibliography",
    "appendix",
    "annex",
    "annexes",
    "glossary",
    "acronyms",
    "abbreviations",
    "list of acronyms",
    "list of figures",
    "list of tables",
    // Portuguese and French
    "sumario executivo",
    "resumo",
    "introducao",
    "conclusoes",
    "sommaire",
    "table des matieres",
    "resume",
    "avant-propos",
    "remerciements",
];

/// Whether `title` only names a part of a report ("Introducción", "1. Introduction", "ÍNDICE",
/// "Table of contents:"), numbered or not: a heading that opens a document, not its title.
pub(crate) fn is_section_name(title: &str) -> bool {
    let folded = fold(title.trim());
    // "1.", "1.2", "I.", "A)" and the like before the name; a colon or dots after it.
    let name = folded
        .trim_start_matches(|c: char| c.is_ascii_digit() || ".)-–— \t".contains(c))
        .trim_start();
    let name = match name.split_once(|c: char| ". )".contains(c)) {
        Some((numeral, rest))
            if !numeral.is_empty()
                && numeral.len() <= 4
                && numeral.chars().all(|c| "ivxl".contains(c)) =>
        {
            rest.trim_start_matches(['.', ')', ' '])
        }
        _ => name,
    };
    let name = name.trim_end_matches(|c: char| c == ':' || c == '.' || c.is_whitespace());
    SECTION_NAMES.contains(&name)
}

/// `informe.docx`, `CTA_12.rpt`, `C:\docs\a.doc`: a name with a known extension.
fn is_file_name(folded: &str) -> bool {
    let last = folded.rsplit(['/', '\\']).next().unwrap_or(folded);
    match last.rsplit_once('.') {
        Some((stem, ext)) => !stem.is_empty() && FILE_EXTENSIONS.contains(&ext),
        None => false,
    }
}

/// Whether the file at `rel` is of a format whose title is a file property a program fills in
/// (PDF, DOCX), rather than one its author writes (front matter, a record's field).
pub(crate) fn has_properties(rel: &str) -> bool {
    let ext = rel.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(ext.as_deref(), Some("pdf" | "docx"))
}

/// Whether the title only repeats the name of the file it is in, with or without its
/// extension, separators read as spaces.
pub(crate) fn same_as_file_name(title: &str, rel: &str) -> bool {
    let folded = fold(title);
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let words = |s: &str| -> String {
        fold(s)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    !stem.is_empty() && words(&folded) == words(stem)
}

/// A GUID, or a code of letters and digits with no word in it (`a3f9c2e1`, `IS-4.1-G2`).
fn is_identifier(folded: &str) -> bool {
    let compact: String = folded
        .chars()
        .filter(|c| !matches!(c, '-' | '{' | '}' | '_' | '.' | ' '))
        .collect();
    if compact.len() >= 16 && compact.chars().all(|c| c.is_ascii_hexdigit()) {
        return true;
    }
    // Every run of letters is short and the title has digits: a code, not words.
    let has_digit = folded.chars().any(|c| c.is_ascii_digit());
    let longest_word = folded
        .split(|c: char| !c.is_alphabetic())
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0);
    has_digit && longest_word <= 2 && !folded.contains(' ')
}

/// Whether text taken as a title is glyph soup rather than words: a PDF whose fonts map to no
/// characters yields replacement characters, private-use code points, runs of symbols or
/// digits and punctuation (`&/2&.:,6( &,5`); text decoded with the wrong code page is mostly
/// accented letters (`Îãëàâëåíèå`, `ƒƒƒK`).
pub(crate) fn is_garbled(title: &str) -> bool {
    let (mut total, mut odd, mut letters, mut accented) = (0usize, 0usize, 0usize, 0usize);
    for c in title.chars().filter(|c| !c.is_whitespace()) {
        total += 1;
        let private = ('\u{E000}'..='\u{F8FF}').contains(&c);
        let plain =
            (c.is_alphanumeric() && !private) || ".,;:()[]-–—'\"«»“”¿?¡!/&%°º#+".contains(c);
        if !plain || c == '\u{FFFD}' || c.is_control() {
            odd += 1;
        }
        if c.is_alphabetic() && !private {
            letters += 1;
            if ('\u{C0}'..='\u{2AF}').contains(&c) {
                accented += 1;
            }
        }
    }
    total == 0
        || odd * 5 > total
        || letters * 5 < total * 2
        || (accented >= 3 && accented * 2 > letters)
}

/// The people an author property names (`Ana Pérez; Luis Soto`), those that name nobody
/// left out.
pub(crate) fn real_authors(property: &str) -> Vec<String> {
    crate::meta::split_list(property, &[';', '|'])
        .into_iter()
        .filter(|a| !is_placeholder_author(a))
        .collect()
}

/// Whether an author property names nobody: a program, a default account, a placeholder.
fn is_placeholder_author(author: &str) -> bool {
    let folded = fold(author.trim());
    if folded.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return true;
    }
    const NOBODY: &[&str] = &[
        "user",
        "usuario",
        "admin",
        "administrator",
        "administrador",
        "owner",
        "propietario",
        "author",
        "autor",
        "test",
        "anonymous",
        "anonimo",
        "unknown",
        "desconocido",
        "python-docx",
        "python docx",
        "docx4j",
        "apache poi",
        "reportlab",
        "pdfkit",
        "microsoft office user",
        "usuario de microsoft office",
        "usuario de windows",
        "windows user",
        "default",
        "pc",
    ];
    NOBODY.contains(&folded.as_str())
        || folded.starts_with("array(0x")
        || (folded.contains("windows") && folded.contains("user"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_told_from_titles() {
        for title in [
            "Untitled - Notepad",
            "No Title",
            "Title",
            "Document Title",
            "Sin título",
            "Documento1",
            "Presentación1",
            "Seagate Crystal Reports - CTA_0412.rpt",
            "Microsoft Word - Informe final ARD.docx",
            "informe_final.pdf",
            "IS-4.1-G2.md",
            "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}",
            "a3f9c2e1b7d04e5f9a0b1c2d3e4f5a6b",
            "IS-4.1-G2",
            "  ",
            "123",
        ] {
            assert!(is_placeholder(title), "{title:?}");
        }
        for title in [
            "Informe de la pasantía en Coquimbo",
            "Ordenanza Fiscal Nº 3057/2021",
            "The Crazy Ones",
            "Plan 2030",
            "Agenda regional de innovación",
            "ARD Cusco",
        ] {
            assert!(!is_placeholder(title), "{title:?}");
        }
    }

    #[test]
    fn the_name_of_a_reports_part_is_not_its_title() {
        for title in [
            "Introducción",
            "1. Introduction",
            "ÍNDICE",
            "Table of contents:",
            "I. Antecedentes",
            "Resumen ejecutivo",
            "Contents",
        ] {
            assert!(is_section_name(title), "{title:?}");
        }
        for title in [
            "Introducción a la gestión del agua",
            "Informe de la pasantía en Coquimbo",
            "Ivan",
            "Resumen de la mesa de trabajo de Biobío",
            "Lecciones aprendidas",
        ] {
            assert!(!is_section_name(title), "{title:?}");
        }
    }

    #[test]
    fn garbled_glyphs_are_not_a_title() {
        for title in [
            "\u{FFFD}\u{FFFD}\u{FFFD} \u{FFFD}",
            "\u{E001}\u{E002}\u{E003}ab",
            "@@ ^^ ~~ ||",
        ] {
            assert!(is_garbled(title), "{title:?}");
        }
        for title in [
            "Informe N° 12/2021: ¿qué aprendimos?",
            "Plan 2030 (versión final)",
        ] {
            assert!(!is_garbled(title), "{title:?}");
        }
    }

    #[test]
    fn a_title_that_repeats_the_file_name_is_a_placeholder() {
        assert!(same_as_file_name(
            "Ordenanza-Impositiva-3059-2021",
            "cda2/Ordenanza-Impositiva-3059-2021.pdf"
        ));
        assert!(same_as_file_name(
            "nota conceptual",
            "cepal/nota_conceptual.docx"
        ));
        assert!(!same_as_file_name(
            "Nota conceptual del curso",
            "cepal/nota_conceptual.docx"
        ));
        assert!(has_properties("a/b.PDF") && !has_properties("a/b.md"));
    }

    #[test]
    fn authors_that_name_nobody() {
        for author in [
            "python-docx",
            "User: Windows NT/95/98 User",
            "ARRAY(0x2c7cf020)",
            "anonymous",
            "Usuario de Windows",
            "",
        ] {
            assert!(is_placeholder_author(author), "{author:?}");
        }
        for author in ["Valeria Torres", "IBM", "Steve Canny", "MARCELA"] {
            assert!(!is_placeholder_author(author), "{author:?}");
        }
    }
}
