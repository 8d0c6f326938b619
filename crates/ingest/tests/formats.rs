//! A user's session with the readers: a corpus folder with files of every format (built
//! here, in a temp dir), read as the indexer reads them.

use std::io::{Cursor, Write};
use std::path::Path;

use minga_core::{DateSource, Document, Kind, Lang, Passage};
use minga_ingest::{
    FileOutcome, Format, MAX_PASSAGE_WORDS, Problem, ReadOptions, Reader, Severity, detect_lang,
    discover,
};

/// A corpus folder with a gazetteer and an institutions directory.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "_gazetteer.csv",
        "country,region,aliases,places\nPerú,,Peru,\nPerú,Cusco,Cuzco,\nPerú,Apurímac,,Abancay\n\
         Chile,,,\nChile,Biobío,Bio Bio,Concepción\n",
    );
    write(
        dir.path(),
        "_institutions.csv",
        "name,acronym,name_es,name_en,country,region,type,aliases\n\
         GORE Cusco,,Gobierno Regional del Cusco,,Perú,Cusco,,\n",
    );
    dir
}

fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn reader(root: &Path) -> Reader {
    Reader::new(root, ReadOptions::default()).unwrap()
}

/// Writes the file into the corpus and reads it back as the indexer would.
fn read(root: &Path, rel: &str, content: impl AsRef<[u8]>) -> FileOutcome {
    write(root, rel, content.as_ref());
    reader(root).read(rel, content.as_ref())
}

/// A document's passages, its lessons placed with the test corpus's gazetteer.
fn passages(doc: &Document) -> Vec<Passage> {
    let dir = corpus();
    reader(dir.path()).passages(doc)
}

fn only_doc(outcome: &FileOutcome) -> &Document {
    assert_eq!(outcome.documents.len(), 1, "{:#?}", outcome.problems);
    &outcome.documents[0]
}

fn reasons(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

// --- Markdown -------------------------------------------------------------------------

const NOTE: &str = "---\n\
title: Pasantía en Cusco\n\
kind: nota de sesión\n\
regions: [Cuzco, Narnia]\n\
institutions: Gobierno Regional del Cusco; Acme\n\
date: 24/01/2023\n\
---\n\
\n\
# Primera jornada\n\
\n\
La **articulación** entre el [GORE](https://gore.pe) y los municipios fue clave.\n\
\n\
## Acuerdos\n\
\n\
- Reunirse cada mes.\n\
- Compartir los datos.\n";

#[test]
fn markdown_front_matter_sections_lines_and_normalised_metadata() {
    let dir = corpus();
    let outcome = read(dir.path(), "notas-de-sesion/Día 2.md", NOTE);
    let doc = only_doc(&outcome);
    assert_eq!(doc.id, "notas-de-sesion.dia-2");
    assert_eq!(doc.source, "notas-de-sesion/Día 2.md");
    assert_eq!(doc.title, "Pasantía en Cusco");
    assert_eq!(doc.kind, Kind::SessionNote);
    assert_eq!(doc.lang, Some(Lang::Es));
    assert_eq!(doc.country.as_deref(), Some("Perú"));
    assert_eq!(doc.regions, ["Cusco", "Narnia"]);
    assert_eq!(doc.institutions, ["GORE Cusco", "Acme"]);
    assert_eq!(doc.date.unwrap().to_string(), "2023-01-24");

    assert_eq!(doc.sections.len(), 2);
    assert_eq!(doc.sections[0].heading.as_deref(), Some("Primera jornada"));
    assert_eq!(doc.sections[0].line, Some(9));
    assert_eq!(
        doc.sections[0].text(),
        "La articulación entre el GORE y los municipios fue clave."
    );
    assert_eq!(doc.sections[1].heading.as_deref(), Some("Acuerdos"));
    assert_eq!(doc.sections[1].level, 2);
    assert_eq!(doc.sections[1].line, Some(13));
    assert_eq!(
        doc.sections[1].text(),
        "- Reunirse cada mes.\n- Compartir los datos."
    );

    // Unknown names are kept as written and reported, with the line that gave them.
    assert_eq!(
        reasons(&outcome.problems),
        [
            "notas-de-sesion/Día 2.md:4: unknown region \"Narnia\": to make it known, add the \
             row \"Perú,<region>,Narnia\" to _gazetteer.csv in the corpus folder if it is \
             another name of a region, or \"Perú,Narnia,\" if it is a region of its own",
            "notas-de-sesion/Día 2.md:5: unknown institution \"Acme\": to make it known, add \
             the row \"<name>,,,,,,,Acme\" to _institutions.csv in the corpus folder if it is \
             another name of an institution, or \"Acme\" if it is one of its own",
        ]
    );
    assert!(
        outcome
            .problems
            .iter()
            .all(|p| p.severity == Severity::Warning)
    );
}

#[test]
fn markdown_title_falls_back_to_heading_then_file_name() {
    let dir = corpus();
    let outcome = read(
        dir.path(),
        "a/con-titulo.md",
        "Intro.\n\n# El título\n\nTexto.\n",
    );
    assert_eq!(only_doc(&outcome).title, "El título");
    let outcome = read(
        dir.path(),
        "a/informe-de-cierre.md",
        "Solo texto, sin títulos.\n",
    );
    assert_eq!(only_doc(&outcome).title, "informe de cierre");
}

#[test]
fn bad_metadata_values_are_warnings_and_the_document_stays() {
    let dir = corpus();
    let text = "---\nkind: memorando\ndate: pronto\nlang: klingon\n---\nThe text of the note is in English and it is about the region.\n";
    let outcome = read(dir.path(), "x.md", text);
    let doc = only_doc(&outcome);
    assert_eq!(doc.kind, Kind::Other);
    assert_eq!(doc.date, None);
    assert_eq!(
        doc.lang,
        Some(Lang::En),
        "detected when the declared one is bad"
    );
    let lines: Vec<Option<u64>> = outcome.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [Some(2), Some(4), Some(3)]);
    assert!(
        outcome.problems[0].reason.contains("kind \"memorando\""),
        "{:?}",
        outcome.problems
    );
    assert!(
        outcome
            .problems
            .iter()
            .all(|p| p.severity == Severity::Warning)
    );
}

#[test]
fn invalid_front_matter_keeps_the_text_with_a_warning_and_its_line() {
    let dir = corpus();
    let text = "---\ntitle: Bien\nregions: [Cusco, Puno\nkind: nota\n---\n# Cuerpo\n\nTexto.\n";
    let outcome = read(dir.path(), "notas/rota.md", text);
    assert_eq!(outcome.documents.len(), 1, "{:?}", outcome.problems);
    assert_eq!(outcome.documents[0].title, "Cuerpo");
    let problem = outcome
        .problems
        .iter()
        .find(|p| p.reason.starts_with("invalid YAML front matter:"))
        .expect("the YAML error is reported");
    assert_eq!(problem.severity, Severity::Warning);
    assert_eq!(problem.path, "notas/rota.md");
    let line = problem.line.expect("the YAML error's line");
    assert!((3..=5).contains(&line), "{problem}");
}

#[test]
fn a_colon_in_a_front_matter_title_is_mended_with_advice() {
    let dir = corpus();
    let text = "---\ntitle: Mesa de trabajo: proveedores de la minería\nregions: [Coquimbo]\n---\n\
                Texto de la mesa.\n";
    let outcome = read(dir.path(), "notas/dos-puntos.md", text);
    assert_eq!(outcome.documents.len(), 1, "{:?}", outcome.problems);
    let document = &outcome.documents[0];
    assert_eq!(document.title, "Mesa de trabajo: proveedores de la minería");
    assert_eq!(document.regions, ["Coquimbo"]);
    let problem = &outcome.problems[0];
    assert_eq!(problem.severity, Severity::Repaired);
    assert_eq!(problem.line, Some(2));
    assert!(problem.reason.contains("write it in quotes"), "{problem}");
}

// --- Encodings, sizes -----------------------------------------------------------------

#[test]
fn windows_1252_text_is_decoded_and_reported_as_repaired() {
    let dir = corpus();
    let bytes = b"# A\xF1o de la innovaci\xF3n\n\nEl a\xF1o de la regi\xF3n.\n";
    let outcome = read(dir.path(), "viejo.md", bytes);
    let doc = only_doc(&outcome);
    assert_eq!(doc.title, "Año de la innovación");
    assert_eq!(doc.sections[0].text(), "El año de la región.");
    assert_eq!(
        reasons(&outcome.problems),
        ["viejo.md: decoded as Windows-1252"]
    );
    assert_eq!(outcome.problems[0].severity, Severity::Repaired);
}

#[test]
fn binary_empty_and_oversized_files_are_skipped() {
    let dir = corpus();
    let outcome = read(dir.path(), "foto.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
    assert_eq!(
        reasons(&outcome.problems),
        ["foto.md: binary file with a .md extension"]
    );
    assert_eq!(outcome.problems[0].severity, Severity::Skipped);

    let outcome = read(dir.path(), "vacio.txt", " \n\n ");
    assert_eq!(reasons(&outcome.problems), ["vacio.txt: empty file"]);
    let outcome = read(dir.path(), "cero.pdf", "");
    assert_eq!(reasons(&outcome.problems), ["cero.pdf: empty file"]);

    let small = Reader::new(
        dir.path(),
        ReadOptions {
            max_file_bytes: 1024 * 1024,
            ..ReadOptions::default()
        },
    )
    .unwrap();
    let big = "palabra ".repeat(200_000);
    let outcome = small.read("grande.txt", big.as_bytes());
    assert!(outcome.documents.is_empty());
    assert_eq!(
        reasons(&outcome.problems),
        ["grande.txt: file is 1.5 MB, over the 1 MB limit"]
    );
}

// --- JSON, JSONL, CSV -----------------------------------------------------------------

#[test]
fn jsonl_bad_lines_are_skipped_with_their_line_and_the_rest_indexed() {
    let dir = corpus();
    let text = "{\"id\":\"d1\",\"title\":\"Uno\",\"text\":\"Texto uno de la región.\",\"lang\":\"es\"}\n\
                {\"title\": \"Dos\", \"text\": \"Second text about the water of the valley.\"}\n\
                {\"title\": \"Roto\", \n\
                \n\
                {\"text\": \"Sin título: la articulación público-privada en el Biobío.\", \"region\": \"Bio Bio\"}\n\
                {\"id\":\"d1\",\"title\":\"Repetido\",\"text\":\"x\"}\n";
    let outcome = read(dir.path(), "bulk/docs.jsonl", text);
    let ids: Vec<&str> = outcome.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["d1", "bulk.docs.jsonl-2", "bulk.docs.jsonl-5"]);
    let problems = reasons(&outcome.problems);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].starts_with("bulk/docs.jsonl:3: invalid JSON"),
        "{problems:?}"
    );
    assert!(
        problems[1].starts_with("bulk/docs.jsonl:6: duplicate id \"d1\""),
        "{problems:?}"
    );
    let second = &outcome.documents[1];
    assert_eq!(second.lang, Some(Lang::En));
    assert_eq!(second.line, Some(2));
    let third = &outcome.documents[2];
    assert_eq!(third.regions, ["Biobío"]);
    assert_eq!(third.country.as_deref(), Some("Chile"));
    assert!(
        third.title.starts_with("Sin título: la articulación"),
        "{}",
        third.title
    );
}

#[test]
fn json_arrays_give_one_document_a_record() {
    let dir = corpus();
    let text = r#"[
  {"title": "Perfil CRDP", "kind": "perfil", "text": "El comité articula actores.", "topics": "articulación | innovación"},
  {"id": "Lección #7", "kind": "lesson", "title": "Medir", "lesson": "Medir desde el inicio.",
   "contexto": "No había línea de base.", "recomendación": "Definir indicadores."}
]"#;
    let outcome = read(dir.path(), "perfiles.json", text);
    let ids: Vec<&str> = outcome.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["perfiles.json-1", "leccion-7"]);
    assert_eq!(outcome.documents[0].kind, Kind::AgencyProfile);
    assert_eq!(outcome.documents[0].topics, ["articulación", "innovación"]);
    assert_eq!(outcome.documents[1].line, Some(3));
    assert_eq!(
        reasons(&outcome.problems),
        [
            "perfiles.json:3: id \"Lección #7\" has characters other than A-Z a-z 0-9 . _ -: using \"leccion-7\""
        ]
    );

    // The lesson record's parts travel as sections, and come back as one lesson passage.
    let lesson = &outcome.documents[1];
    let headings: Vec<Option<&str>> = lesson
        .sections
        .iter()
        .map(|s| s.heading.as_deref())
        .collect();
    assert_eq!(
        headings,
        [Some("Lección"), Some("Contexto"), Some("Recomendación")]
    );
    let p = passages(lesson);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].id, "leccion-7");
    assert_eq!(p[0].kind, Kind::Lesson);
    let parts = p[0].lesson.as_ref().unwrap();
    assert_eq!(parts.lesson, "Medir desde el inicio.");
    assert_eq!(parts.context.as_deref(), Some("No había línea de base."));
    assert_eq!(
        parts.recommendation.as_deref(),
        Some("Definir indicadores.")
    );
    assert!(p[0].text.contains("Definir indicadores."));

    let outcome = read(dir.path(), "roto.json", "[\n{\"title\": \"x\",\n}\n]");
    assert!(outcome.documents.is_empty());
    assert_eq!(outcome.problems[0].line, Some(3));
    assert!(
        outcome.problems[0].reason.contains("column"),
        "{:?}",
        outcome.problems
    );
}

#[test]
fn csv_with_spanish_headers_semicolons_and_ragged_rows() {
    let dir = corpus();
    let text = "Título;Texto;Región;Fecha;Tipo\n\
                Taller Cusco;La mesa técnica acordó metas.;Cusco;2023-03-01;informe\n\
                Corto;Solo dos celdas\n\
                Largo;Con celdas de más;Apurímac;2023;informe;sobra;otra\n\
                ;;Cusco;;\n";
    let outcome = read(dir.path(), "tablas/talleres.csv", text);
    let ids: Vec<&str> = outcome.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "tablas.talleres.csv-1",
            "tablas.talleres.csv-2",
            "tablas.talleres.csv-3"
        ]
    );
    let first = &outcome.documents[0];
    assert_eq!(first.title, "Taller Cusco");
    assert_eq!(first.kind, Kind::Report);
    assert_eq!(first.regions, ["Cusco"]);
    assert_eq!(first.sections[0].text(), "La mesa técnica acordó metas.");
    assert_eq!(outcome.documents[2].regions, ["Apurímac"]);
    let got: Vec<(Severity, Option<u64>)> = outcome
        .problems
        .iter()
        .map(|p| (p.severity, p.line))
        .collect();
    assert_eq!(
        got,
        [
            (Severity::Repaired, Some(3)),
            (Severity::Repaired, Some(4)),
            (Severity::Skipped, Some(5)),
        ]
    );
}

// --- Plain text, HTML -----------------------------------------------------------------

#[test]
fn plain_text_paragraphs() {
    let dir = corpus();
    let outcome = read(
        dir.path(),
        "txt/acta.txt",
        "Acta de la mesa\n\nPrimer acuerdo del día.\n\nSegundo acuerdo.\n",
    );
    let doc = only_doc(&outcome);
    assert_eq!(doc.title, "Acta de la mesa");
    let blocks = &doc.sections[0].blocks;
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[1].line, Some(5));
    let p = passages(doc);
    let ids: Vec<&str> = p.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["txt.acta.txt"]);
    assert_eq!(p[0].text, "Primer acuerdo del día.\n\nSegundo acuerdo.");
    assert_eq!(p[0].source.line, Some(3));
}

#[test]
fn html_main_text_without_navigation_or_scripts() {
    let dir = corpus();
    let page = r#"<html lang="en"><head><title>CDPR Biobío</title>
<meta name="keywords" content="innovation; governance"><meta name="date" content="2022-11-03">
<script>track("visit")</script></head><body>
<nav><ul><li>Home</li><li>About</li></ul></nav>
<article><h1>The committee</h1><p>The committee brings the region's actors together.</p>
<aside>Related links</aside><h2>Lessons learned</h2>
<ul><li>Trust takes time to build.</li><li>Shared data helps every partner.</li></ul></article>
<footer>Copyright</footer></body></html>"#;
    let outcome = read(dir.path(), "web/cdpr.html", page);
    let doc = only_doc(&outcome);
    assert_eq!(doc.title, "CDPR Biobío");
    assert_eq!(doc.lang, Some(Lang::En));
    assert_eq!(doc.topics, ["innovation", "governance"]);
    assert_eq!(doc.date.unwrap().to_string(), "2022-11-03");
    let all = doc.full_text();
    for gone in ["Home", "About", "track", "Related links", "Copyright"] {
        assert!(!all.contains(gone), "{gone} in {all}");
    }
    let p = passages(doc);
    let ids: Vec<&str> = p.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        ["web.cdpr.html:p1", "web.cdpr.html:l1", "web.cdpr.html:l2"]
    );
    assert_eq!(p[2].text, "Shared data helps every partner.");
    assert_eq!(
        p[2].heading.as_deref(),
        Some("Shared data helps every partner")
    );
    assert_eq!(p[2].source.section.as_deref(), Some("Lessons learned"));
}

// --- DOCX -----------------------------------------------------------------------------

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn paragraph(style: Option<&str>, text: &str) -> String {
    let style = style
        .map(|s| format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>"))
        .unwrap_or_default();
    format!("<w:p>{style}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

#[test]
fn docx_headings_become_sections_and_core_properties_metadata() {
    let dir = corpus();
    let body = [
        paragraph(Some("Title"), "Informe de pasantía"),
        paragraph(None, "Texto de introducción."),
        paragraph(Some("Heading1"), "Contexto regional"),
        paragraph(None, "El Cusco tiene una mesa de innovación."),
        paragraph(Some("Ttulo2"), "Resultados &amp; logros"),
        paragraph(None, "Se firmaron dos convenios."),
    ]
    .concat();
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:tbl><w:tr><w:tc>{}</w:tc></w:tr></w:tbl></w:body></w:document>",
        paragraph(None, "Celda de tabla")
    );
    let core = r#"<?xml version="1.0" encoding="UTF-8"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">
<dc:title>Pasantía Cusco 2023</dc:title><dc:creator>Ana Pérez; Luis Soto</dc:creator>
<cp:keywords>innovación, articulación</cp:keywords><dcterms:created>2023-02-10T09:00:00Z</dcterms:created>
<dc:language>es-PE</dc:language></cp:coreProperties>"#;
    let bytes = zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", document.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
    ]);
    let outcome = read(dir.path(), "informes/pasantia.docx", &bytes);
    let doc = only_doc(&outcome);
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    assert_eq!(doc.id, "informes.pasantia.docx");
    assert_eq!(doc.title, "Pasantía Cusco 2023");
    assert_eq!(doc.authors, ["Ana Pérez", "Luis Soto"]);
    assert_eq!(doc.topics, ["innovación", "articulación"]);
    // The year in its title is the document's own date; the file's creation day is not.
    assert_eq!(doc.date.unwrap().to_string(), "2023");
    assert_eq!(doc.date_source, Some(DateSource::Text));
    assert_eq!(doc.lang, Some(Lang::Es));
    let headings: Vec<(Option<&str>, u8)> = doc
        .sections
        .iter()
        .map(|s| (s.heading.as_deref(), s.level))
        .collect();
    assert_eq!(
        headings,
        [
            (Some("Informe de pasantía"), 1),
            (Some("Contexto regional"), 1),
            (Some("Resultados & logros"), 2),
        ]
    );
    assert_eq!(doc.sections[0].text(), "Texto de introducción.");
    assert_eq!(
        doc.sections[2].text(),
        "Se firmaron dos convenios.\n\nCelda de tabla"
    );
}

#[test]
fn docx_lessons_from_list_numbering_labels_and_sub_headings() {
    let dir = corpus();
    let outcome = read(
        dir.path(),
        "informes/pasantia.docx",
        minga_fixtures::report_docx(),
    );
    let doc = only_doc(&outcome);
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    let p = passages(doc);
    let lessons: Vec<&Passage> = p.iter().filter(|p| p.kind == Kind::Lesson).collect();
    let titles: Vec<&str> = lessons
        .iter()
        .map(|l| l.heading.as_deref().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Las mesas funcionan cuando tienen un objeto concreto",
            "La continuidad técnica sostiene la articulación",
            "Los datos compartidos ahorran reuniones",
            "Medir desde el inicio",
            "Invitar a los municipios",
        ]
    );
    let parts: Vec<(&str, Option<&str>, Option<&str>)> = lessons
        .iter()
        .map(|l| {
            let parts = l.lesson.as_ref().unwrap();
            (
                parts.lesson.as_str(),
                parts.context.as_deref(),
                parts.recommendation.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        parts[1],
        (
            "La continuidad técnica sostiene la articulación.",
            Some("El GORE Cusco cambió tres veces de equipo."),
            Some("Formar un equipo estable.")
        )
    );
    assert_eq!(
        parts[4],
        (
            "Invitar a los municipios",
            Some("los municipios llegaron tarde."),
            Some("convocarlos en la primera sesión.")
        )
    );
    let sections: Vec<Option<&str>> = lessons
        .iter()
        .map(|l| l.source.section.as_deref())
        .collect();
    assert_eq!(
        sections,
        [
            Some("Paso 6: Lecciones aprendidas"),
            Some("Paso 6: Lecciones aprendidas"),
            Some("Paso 6: Lecciones aprendidas"),
            Some("Medir desde el inicio"),
            Some("Invitar a los municipios"),
        ]
    );
    // Each lesson's places and institutions are those its own text names.
    let places: Vec<(&[String], &[String])> = lessons
        .iter()
        .map(|l| (l.regions.as_slice(), l.institutions.as_slice()))
        .collect();
    assert_eq!(places[0].0, ["Biobío"]);
    assert_eq!(
        places[1],
        (&["Cusco".to_string()][..], &["GORE Cusco".to_string()][..])
    );
    assert_eq!(places[2].0, ["Apurímac"]);
    assert_eq!(lessons[0].country.as_deref(), Some("Chile"));
    assert_eq!(lessons[1].country.as_deref(), Some("Perú"));
    // The closing remark stays a passage, not part of the third lesson.
    assert!(p.iter().any(|p| p.kind != Kind::Lesson
        && p.text == "Estas lecciones se discutieron en el taller de cierre."));
    assert!(!lessons[2].text.contains("taller de cierre"));
}

#[test]
fn docx_that_is_not_a_zip_or_lacks_its_body_is_skipped() {
    let dir = corpus();
    let outcome = read(dir.path(), "falso.docx", "esto no es un zip");
    assert_eq!(outcome.problems.len(), 1);
    assert!(
        outcome.problems[0]
            .reason
            .starts_with("not a DOCX (not a zip archive"),
        "{:?}",
        outcome.problems
    );
    let bytes = zip(&[("hola.txt", b"hola")]);
    let outcome = read(dir.path(), "vacio.docx", &bytes);
    assert_eq!(
        reasons(&outcome.problems),
        ["vacio.docx: not a DOCX (no word/document.xml)"]
    );
}

#[test]
fn docx_zip_bombs_are_refused() {
    let dir = corpus();
    let zeros = vec![b' '; 8 * 1024 * 1024];
    let bytes = zip(&[("word/document.xml", &zeros)]);
    assert!(
        bytes.len() < 100_000,
        "the archive is small: {}",
        bytes.len()
    );
    let outcome = read(dir.path(), "bomba.docx", &bytes);
    assert!(outcome.documents.is_empty());
    assert_eq!(outcome.problems.len(), 1);
    assert_eq!(outcome.problems[0].severity, Severity::Skipped);
    assert!(
        outcome.problems[0].reason.contains("zip bomb"),
        "{:?}",
        outcome.problems
    );
}

// --- PDF ------------------------------------------------------------------------------

/// A PDF with one page per entry, each page's lines written top to bottom in Helvetica.
fn pdf(pages: &[&[&str]], title: &str) -> lopdf::Document {
    use lopdf::content::{Content, Operation};
    use lopdf::{Object, Stream, dictionary};

    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids = Vec::new();
    for lines in pages {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 12.into()]),
            Operation::new("Td", vec![72.into(), 760.into()]),
        ];
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                operations.push(Operation::new("Td", vec![0.into(), (-16).into()]));
            }
            operations.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    let info_id = doc.add_object(dictionary! {
        "Title" => Object::string_literal(title),
        "Author" => Object::string_literal("Equipo Minga"),
        "Keywords" => Object::string_literal("agua, riego"),
        "CreationDate" => Object::string_literal("D:20230315120000-05'00'"),
    });
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set("Info", info_id);
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::string_literal(b"0123456789abcdef".to_vec()),
            Object::string_literal(b"0123456789abcdef".to_vec()),
        ]),
    );
    doc
}

fn save(mut doc: lopdf::Document) -> Vec<u8> {
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

#[test]
fn pdf_headings_from_fonts_lessons_mid_page_and_no_running_lines() {
    let dir = corpus();
    let outcome = read(
        dir.path(),
        "informes/evaluacion.pdf",
        minga_fixtures::report_pdf(),
    );
    let doc = only_doc(&outcome);
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    assert_eq!(doc.id, "informes.evaluacion.pdf");
    assert_eq!(doc.title, "Evaluación de la ARD Cusco");
    assert_eq!(doc.authors, ["Equipo Minga"]);
    assert_eq!(doc.topics, ["agua", "riego"]);
    assert_eq!(doc.date.unwrap().to_string(), "2023-03-15");
    let headings: Vec<(Option<&str>, u8, Option<u32>)> = doc
        .sections
        .iter()
        .map(|s| (s.heading.as_deref(), s.level, s.page))
        .collect();
    assert_eq!(
        headings,
        [
            (
                Some("Evaluación del primer año de la Agencia Regional de Desarrollo de Cusco"),
                1,
                Some(1)
            ),
            (Some("Resumen ejecutivo"), 2, Some(1)),
            (Some("Resultados"), 2, Some(2)),
            (Some("Lecciones aprendidas"), 2, Some(2)),
            (Some("Anexo"), 2, Some(3)),
        ]
    );
    let text = doc.full_text();
    // Ligatures are letters; running headers and page numbers are gone.
    assert!(text.contains("planificación conjunta"), "{text}");
    assert!(text.contains("fue eficiente y los beneficiarios"), "{text}");
    assert!(!text.contains('ﬁ'), "{text}");
    assert!(!text.contains("Informe de evaluación 2023"), "{text}");
    assert!(!text.contains("Página"), "{text}");

    let p = passages(doc);
    let lessons: Vec<&Passage> = p.iter().filter(|p| p.kind == Kind::Lesson).collect();
    let summary: Vec<(&str, &str, Option<u32>)> = lessons
        .iter()
        .map(|l| (l.id.as_str(), l.heading.as_deref().unwrap(), l.source.page))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "informes.evaluacion.pdf:l1",
                "La articulación necesita roles explícitos",
                Some(2)
            ),
            (
                "informes.evaluacion.pdf:l2",
                "El financiamiento de base es distinto del financiamiento por proyectos",
                Some(2)
            ),
            (
                "informes.evaluacion.pdf:l3",
                "Los objetos concretos ordenan la concertación",
                Some(3)
            ),
        ]
    );
    let first = lessons[0].lesson.as_ref().unwrap();
    assert_eq!(first.lesson, "La articulación necesita roles explícitos.");
    assert_eq!(
        first.context.as_deref(),
        Some("el comité y la agencia se superponían en la convocatoria de las mesas.")
    );
    assert_eq!(
        first.recommendation.as_deref(),
        Some("firmar con el gobierno regional un acuerdo de roles.")
    );
    assert_eq!(
        lessons[0].source.section.as_deref(),
        Some("Lecciones aprendidas")
    );
    // The lessons name their region through the institutions they mention, or keep the
    // document's.
    assert!(
        lessons
            .iter()
            .all(|l| l.title == "Evaluación de la ARD Cusco")
    );
    // The introduction of the lessons section stays a passage of its own.
    assert!(
        p.iter().any(|p| p.kind != Kind::Lesson
            && p.text == "El equipo extrajo tres lecciones del primer año:")
    );
}

#[test]
fn encrypted_corrupt_and_textless_pdfs_are_skipped() {
    use lopdf::{EncryptionState, EncryptionVersion, Permissions};

    let dir = corpus();
    let mut doc = pdf(&[&["Secreto"]], "Cifrado");
    let version = EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: "user",
        key_length: 128,
        permissions: Permissions::all(),
    };
    let state = EncryptionState::try_from(version).unwrap();
    doc.encrypt(&state).unwrap();
    let outcome = read(dir.path(), "cifrado.pdf", save(doc));
    assert_eq!(reasons(&outcome.problems), ["cifrado.pdf: encrypted PDF"]);

    let outcome = read(
        dir.path(),
        "roto.pdf",
        b"%PDF-1.5\n1 0 obj << /Type /Catalog",
    );
    assert_eq!(outcome.problems.len(), 1);
    assert!(
        outcome.problems[0]
            .reason
            .starts_with("could not parse PDF"),
        "{:?}",
        outcome.problems
    );

    let outcome = read(
        dir.path(),
        "escaneado.pdf",
        save(pdf(&[&[], &[]], "Escaneo")),
    );
    assert_eq!(
        reasons(&outcome.problems),
        ["escaneado.pdf: no text (scanned PDF?)"]
    );
}

// --- Sidecars -------------------------------------------------------------------------

#[test]
fn sidecars_are_inherited_and_nearer_ones_win_key_by_key() {
    let dir = corpus();
    let root = dir.path();
    write(
        root,
        "_meta.yaml",
        "country: Perú\nevent: Pasantía 2023\nkind: informe\n",
    );
    write(
        root,
        "notas/_meta.yml",
        "kind: nota de sesión\nregions: Cusco\ntitle: no se hereda\n",
    );
    write(
        root,
        "notas/cusco/_meta.json",
        r#"{"location": "Abancay", "topics": ["agua"]}"#,
    );
    let reader = reader(root);

    let outcome = reader.read(
        "notas/cusco/dia-1.md",
        b"---\nregions: [Apurimac]\n---\nTexto.\n",
    );
    let doc = only_doc(&outcome);
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    assert_eq!(doc.country.as_deref(), Some("Perú"));
    assert_eq!(doc.event.as_deref(), Some("Pasantía 2023"));
    assert_eq!(doc.kind, Kind::SessionNote);
    assert_eq!(doc.regions, ["Apurímac"], "the file's own value wins");
    assert_eq!(doc.location.as_deref(), Some("Abancay"));
    assert_eq!(doc.topics, ["agua"]);
    assert_eq!(doc.title, "dia 1", "titles are never inherited");

    let outcome = reader.read("notas/otra.md", b"Texto.\n");
    let doc = only_doc(&outcome);
    assert_eq!(doc.regions, ["Cusco"]);
    assert_eq!(doc.location, None);

    let outcome = reader.read("informe.md", b"Texto.\n");
    assert_eq!(only_doc(&outcome).kind, Kind::Report);
}

#[test]
fn a_broken_sidecar_is_reported_once_and_files_below_are_read_without_it() {
    let dir = corpus();
    let root = dir.path();
    write(root, "_meta.yaml", "country: Chile\n");
    write(
        root,
        "talleres/_meta.yaml",
        "kind: informe\nregions: [Biobío\n",
    );
    write(root, "otros/_meta.yaml", "regions: Ruritania\nkind: memo\n");
    let reader = reader(root);

    let first = reader.read("talleres/a.md", b"Texto a.\n");
    let second = reader.read("talleres/b.md", b"Texto b.\n");
    assert_eq!(first.problems.len(), 1, "{:?}", first.problems);
    let problem = &first.problems[0];
    assert_eq!(problem.path, "talleres/_meta.yaml");
    assert_eq!(problem.severity, Severity::Skipped);
    assert!(problem.reason.contains("not applied"), "{problem}");
    assert!(second.problems.is_empty(), "{:?}", second.problems);
    assert_eq!(only_doc(&second).kind, Kind::Other);
    assert_eq!(only_doc(&second).country.as_deref(), Some("Chile"));

    // Bad values in a sidecar are reported against it, once, not for every file below.
    let first = reader.read("otros/a.md", b"Texto.\n");
    let second = reader.read("otros/b.md", b"Texto.\n");
    let got: Vec<(&str, Severity)> = first
        .problems
        .iter()
        .map(|p| (p.path.as_str(), p.severity))
        .collect();
    assert_eq!(
        got,
        [
            ("otros/_meta.yaml", Severity::Warning),
            ("otros/_meta.yaml", Severity::Warning)
        ],
        "{:?}",
        first.problems
    );
    assert!(second.problems.is_empty(), "{:?}", second.problems);
    assert_eq!(only_doc(&second).regions, ["Ruritania"]);
}

// --- Ids, discovery -------------------------------------------------------------------

#[test]
fn ids_are_derived_from_paths_and_stable_across_runs() {
    let dir = corpus();
    let root = dir.path();
    write(root, "notas-de-sesion/Día 2.md", "# Día 2\n\nTexto.");
    write(
        root,
        "Informes/Informe Final (v2).txt",
        "Texto del informe.",
    );
    write(root, "declarado.md", "---\nid: MIN-2023.07_a\n---\nTexto.");
    let ids = || -> Vec<String> {
        let reader = reader(root);
        discover(root)
            .unwrap()
            .files
            .iter()
            .flat_map(|f| {
                let bytes = std::fs::read(&f.path).unwrap();
                reader.read(&f.rel, &bytes).documents
            })
            .map(|d| d.id)
            .collect()
    };
    let first = ids();
    assert_eq!(
        first,
        [
            "informes.informe-final-v2.txt",
            "MIN-2023.07_a",
            "notas-de-sesion.dia-2"
        ]
    );
    assert_eq!(first, ids());
}

#[test]
fn discovery_and_reading_together() {
    let dir = corpus();
    let root = dir.path();
    write(root, "a.md", "# A\n\nTexto.");
    write(root, "README.md", "# Léeme");
    write(root, "notas/_meta.yaml", "kind: nota");
    write(root, "datos.xlsx", "xx");
    let found = discover(root).unwrap();
    let rels: Vec<(&str, Format)> = found
        .files
        .iter()
        .map(|f| (f.rel.as_str(), f.format))
        .collect();
    assert_eq!(rels, [("a.md", Format::Markdown)]);
    assert_eq!(
        reasons(&found.ignored),
        ["datos.xlsx: unsupported file type .xlsx"]
    );
    assert!(Reader::new(&root.join("nada"), ReadOptions::default()).is_err());
}

#[test]
fn a_malformed_data_file_fails_the_reader_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "_gazetteer.csv", "pais,region\nPerú,Cusco\n");
    let err = Reader::new(dir.path(), ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("_gazetteer.csv"), "{err}");
}

// --- Passages and lessons -------------------------------------------------------------

#[test]
fn long_sections_split_into_passages_that_keep_their_heading() {
    let dir = corpus();
    let paragraph = |word: &str| format!("{} fin.", vec![word; 99].join(" "));
    let body = (0..7)
        .map(|i| paragraph(&format!("palabra{i}")))
        .collect::<Vec<_>>()
        .join("\n\n");
    let text = format!("# Informe\n\nIntroducción breve.\n\n## Desarrollo\n\n{body}\n");
    let outcome = read(dir.path(), "largo.md", text);
    let doc = only_doc(&outcome);
    let p = passages(doc);
    assert!(p.len() >= 4, "{}", p.len());
    assert_eq!(p[0].id, "largo:p1");
    assert_eq!(p[0].heading.as_deref(), Some("Informe"));
    for (n, passage) in p.iter().enumerate() {
        assert_eq!(passage.id, format!("largo:p{}", n + 1));
        assert_eq!(passage.position as usize, n + 1);
        assert!(passage.text.split_whitespace().count() <= MAX_PASSAGE_WORDS);
        assert_eq!(passage.parent, "largo");
        assert_eq!(passage.lang, Lang::Es);
    }
    for passage in &p[1..] {
        assert_eq!(passage.heading.as_deref(), Some("Desarrollo"));
        assert!(passage.text.split_whitespace().count() >= 100);
    }
    // Each passage cites the line its first paragraph starts on.
    let lines: Vec<Option<u32>> = p[1..].iter().map(|p| p.source.line).collect();
    assert_eq!(lines[0], Some(7));
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "{lines:?}");
    let words: usize = p[1..]
        .iter()
        .map(|p| p.text.split_whitespace().count())
        .sum();
    assert_eq!(words, 700);

    let outcome = read(dir.path(), "corto.md", "# Corto\n\nUna sola idea.");
    let p = passages(only_doc(&outcome));
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].id, "corto");
}

#[test]
fn lessons_in_subsections_and_in_bullets() {
    let dir = corpus();
    let text = "---\ntitle: Pasantía Biobío\n---\n\
# Pasantía\n\nVisitamos el comité regional.\n\n\
## Lecciones aprendidas\n\nTres lecciones del equipo.\n\n\
### Articular desde el inicio\n\n\
- **Contexto:** Los municipios llegaron tarde a la mesa.\n\
- **Lección:** La articulación temprana evita duplicar esfuerzos.\n\
- **Recomendación:** Convocar a los municipios en la primera sesión.\n\n\
### Medir\n\nSin línea de base no hay aprendizaje.\n\n\
## Próximos pasos\n\nVolver en marzo.\n";
    let outcome = read(dir.path(), "pasantias/biobio.md", text);
    let p = passages(only_doc(&outcome));
    let ids: Vec<(&str, Kind)> = p.iter().map(|p| (p.id.as_str(), p.kind)).collect();
    assert_eq!(
        ids,
        [
            ("pasantias.biobio:p1", Kind::Other),
            ("pasantias.biobio:p2", Kind::Other),
            ("pasantias.biobio:p3", Kind::Other),
            ("pasantias.biobio:l1", Kind::Lesson),
            ("pasantias.biobio:l2", Kind::Lesson),
        ]
    );
    assert_eq!(p[1].text, "Tres lecciones del equipo.");
    assert_eq!(p[2].heading.as_deref(), Some("Próximos pasos"));
    let first = &p[3];
    assert_eq!(first.heading.as_deref(), Some("Articular desde el inicio"));
    assert_eq!(first.parent, "pasantias.biobio");
    assert_eq!(first.position, 1);
    assert_eq!(first.source.line, Some(12));
    let parts = first.lesson.as_ref().unwrap();
    assert_eq!(
        parts.lesson,
        "La articulación temprana evita duplicar esfuerzos."
    );
    assert_eq!(
        parts.context.as_deref(),
        Some("Los municipios llegaron tarde a la mesa.")
    );
    assert_eq!(
        parts.recommendation.as_deref(),
        Some("Convocar a los municipios en la primera sesión.")
    );
    assert_eq!(
        first.text,
        "Los municipios llegaron tarde a la mesa.\n\nLa articulación temprana evita duplicar \
         esfuerzos.\n\nConvocar a los municipios en la primera sesión."
    );
    let second = p[4].lesson.as_ref().unwrap();
    assert_eq!(second.lesson, "Sin línea de base no hay aprendizaje.");
    assert_eq!(p[4].title, "Pasantía Biobío");

    let bullets = "# Taller\n\nTexto.\n\n## Lessons learned\n\n\
- Trust takes time.\n- Open data helps:\n  it lowers the cost of coordination.\n";
    let outcome = read(dir.path(), "taller.md", bullets);
    let p = passages(only_doc(&outcome));
    let ids: Vec<&str> = p.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["taller:p1", "taller:l1", "taller:l2"]);
    assert_eq!(
        p[2].text,
        "Open data helps:\nit lowers the cost of coordination."
    );
    assert_eq!(
        p[2].lesson.as_ref().unwrap().lesson,
        "Open data helps:\nit lowers the cost of coordination."
    );
    assert_eq!(p[2].heading.as_deref(), Some("Open data helps"));
    assert_eq!(p[2].source.section.as_deref(), Some("Lessons learned"));
    assert_eq!(p[2].source.line, Some(8));
}

#[test]
fn language_is_detected_when_not_declared() {
    assert_eq!(
        detect_lang(
            "Las lecciones aprendidas de la pasantía en el Biobío muestran que la articulación es clave."
        ),
        Lang::Es
    );
    assert_eq!(
        detect_lang(
            "The lessons learned from the internship show that coordination is key for the region."
        ),
        Lang::En
    );
    let dir = corpus();
    let outcome = read(
        dir.path(),
        "en.txt",
        "This note is about the water committee and the work that it has done in the valley.",
    );
    assert_eq!(only_doc(&outcome).lang, Some(Lang::En));
}

// --- Robustness -----------------------------------------------------------------------

#[test]
fn garbage_in_any_format_is_a_problem_never_a_panic() {
    let dir = corpus();
    let reader = reader(dir.path());
    let mut noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let samples: Vec<Vec<u8>> = vec![
        noise.clone(),
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Pages /Kids [2 0 R] >>\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF".to_vec(),
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00garbage".to_vec(),
        b"{\"text\": [1, {\"a\": null}], \"regions\": {\"x\": 1}}".to_vec(),
        b"<html><body><h1></h1><li></li></body>".to_vec(),
        "---\n---\n".as_bytes().to_vec(),
    ];
    noise.truncate(100);
    for ext in ["md", "json", "jsonl", "csv", "txt", "html", "pdf", "docx"] {
        for (i, bytes) in samples.iter().enumerate() {
            let rel = format!("ruido/{i}.{ext}");
            let outcome = reader.read(&rel, bytes);
            for doc in &outcome.documents {
                assert!(!doc.title.is_empty(), "{rel}");
                assert!(doc.lang.is_some(), "{rel}");
                let _ = passages(doc);
            }
            assert!(
                !outcome.documents.is_empty() || !outcome.problems.is_empty(),
                "{rel}: nothing read and nothing said"
            );
        }
    }
}

#[test]
fn utf16_files_are_decoded() {
    let dir = corpus();
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "Informe del año\n\nLa región avanzó.".encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    let outcome = read(dir.path(), "utf16.txt", &bytes);
    let doc = only_doc(&outcome);
    assert_eq!(doc.title, "Informe del año");
    assert_eq!(reasons(&outcome.problems), ["utf16.txt: decoded as UTF-16"]);
}

#[test]
fn one_reader_serves_many_threads_and_reports_a_sidecar_once() {
    let dir = corpus();
    let root = dir.path();
    write(root, "lote/_meta.yaml", "regions: [Cusco, Ruritania]\n");
    let reader = reader(root);
    let outcomes: Vec<FileOutcome> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let reader = &reader;
                scope.spawn(move || {
                    let rel = format!("lote/nota-{i}.md");
                    reader.read(&rel, format!("# Nota {i}\n\nTexto de la nota.").as_bytes())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let problems: Vec<&Problem> = outcomes.iter().flat_map(|o| &o.problems).collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "lote/_meta.yaml");
    assert!(problems[0].reason.contains("Ruritania"));
    for outcome in &outcomes {
        assert_eq!(only_doc(outcome).regions, ["Cusco", "Ruritania"]);
    }
}

#[test]
fn control_characters_are_never_stored() {
    let dir = corpus();
    let outcome = read(
        dir.path(),
        "notas/raro.txt",
        "T\u{7}ítulo\n\nUn texto con\u{1b}]0;otro título\u{7} escapes\tde terminal.\n",
    );
    let doc = only_doc(&outcome);
    assert_eq!(doc.title, "Título");
    let text = doc.full_text();
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
    assert!(text.contains("escapes de terminal"), "{text:?}");
}

#[test]
fn json_lines_have_a_record_limit_not_a_file_limit_read_whole_or_streamed_alike() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("\u{FEFF}");
    for i in 1..=50 {
        if i == 7 {
            text.push_str(&format!("{{\"text\": \"{}\"}}\n", "x".repeat(500)));
        } else if i == 9 {
            text.push_str("{roto\n");
        } else {
            text.push_str(&format!(
                "{{\"id\": \"r{i}\", \"resumen\": \"Registro {i} de la mesa.\"}}\n"
            ));
        }
    }
    let options = ReadOptions {
        max_file_bytes: 1024,
        max_record_bytes: 200,
    };
    let reader = Reader::new(dir.path(), options).unwrap();
    let whole = reader.read("export.jsonl", text.as_bytes());
    assert_eq!(whole.documents.len(), 48, "{:#?}", whole.problems);
    let lines: Vec<Option<u64>> = whole.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [Some(7), Some(9)]);
    assert!(whole.problems[0].reason.contains("limit of one record"));

    let batches: Vec<FileOutcome> = reader.read_lines("export.jsonl", text.as_bytes()).collect();
    let streamed: Vec<_> = batches.iter().flat_map(|b| &b.documents).collect();
    let problems: Vec<_> = batches.iter().flat_map(|b| &b.problems).collect();
    assert_eq!(streamed.len(), 48);
    assert_eq!(problems.len(), 2);
    for (a, b) in whole.documents.iter().zip(streamed) {
        assert_eq!(a, b);
    }
    for (a, b) in whole.problems.iter().zip(problems) {
        assert_eq!(a, b);
    }
}
