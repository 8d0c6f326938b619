//! Lessons from the documents agencies really have: a PDF report whose lessons section starts
//! mid-page, a Word report whose lessons are `List Number` items with labelled paragraphs,
//! and the PDF edition of that Word report beside it. Each lesson is a record of its own,
//! found with `kind:lesson`, titled, with its parts and its page, through the command line and
//! through the API.

use crate::support::Workspace;
use serde_json::Value;

/// A corpus with the two reports and the Word report's PDF edition under the same name.
fn workspace() -> Workspace {
    let w = Workspace::empty();
    w.write_bytes("informes/evaluacion.pdf", &minga_fixtures::report_pdf());
    w.write_bytes("informes/pasantia.docx", &minga_fixtures::report_docx());
    let edition = minga_fixtures::Pdf::new()
        .info("Title", "Sistematización de la pasantía (PDF)")
        .page(|p| {
            p.heading("Sistematización de la pasantía", 18.0);
            p.paragraph("La delegación visitó Chile en enero de 2023.");
        })
        .bytes();
    w.write_bytes("informes/pasantia.pdf", &edition);
    w
}

fn json(output: std::process::Output) -> Value {
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

fn run(w: &Workspace, args: &[&str]) -> Value {
    json(
        w.minga()
            .args(args)
            .arg("--index")
            .arg(&w.index)
            .output()
            .expect("run minga"),
    )
}

#[test]
fn each_lesson_of_a_pdf_and_a_docx_is_a_record_through_the_command_line() {
    let w = workspace();
    let summary = json(
        w.minga()
            .arg("index")
            .arg(&w.corpus)
            .arg("--index")
            .arg(&w.index)
            .arg("--json")
            .output()
            .expect("run minga index"),
    );
    // Three files, three documents: the Word report and its PDF edition are two.
    assert_eq!(summary["documents"], 3, "{summary:#}");
    // What the PDF library says about a file is one summarised warning, never a skip.
    for problem in summary["problems"].as_array().expect("problems") {
        assert_eq!(problem["severity"], "warning", "{summary:#}");
        let reason = problem["reason"].as_str().unwrap_or("");
        assert!(reason.contains("from the PDF reader"), "{summary:#}");
    }

    let all = run(
        &w,
        &[
            "search",
            "kind:lesson",
            "--no-group",
            "--limit",
            "50",
            "--json",
        ],
    );
    let mut titles: Vec<&str> = all["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["heading"].as_str().expect("a lesson title"))
        .collect();
    titles.sort_unstable();
    assert_eq!(
        titles,
        [
            "El financiamiento de base es distinto del financiamiento por proyectos",
            "Invitar a los municipios",
            "La articulación necesita roles explícitos",
            "La continuidad técnica sostiene la articulación",
            "Las mesas funcionan cuando tienen un objeto concreto",
            "Los datos compartidos ahorran reuniones",
            "Los objetos concretos ordenan la concertación",
            "Medir desde el inicio",
        ]
    );

    // A lesson of the PDF, found by its recommendation, cites its page and section.
    let r = run(
        &w,
        &[
            "search",
            "costo operativo mínimo",
            "--kind",
            "lesson",
            "--json",
        ],
    );
    let top = &r["hits"][0];
    assert_eq!(top["id"], "informes.evaluacion.pdf:l2", "{r:#}");
    assert_eq!(top["kind"], "lesson");
    assert_eq!(
        top["heading"],
        "El financiamiento de base es distinto del financiamiento por proyectos"
    );
    assert_eq!(top["source"]["page"], 2);
    assert_eq!(top["source"]["section"], "Lecciones aprendidas");
    let shown = run(&w, &["show", "informes.evaluacion.pdf:l2", "--json"]);
    let parts = &shown["passage"]["lesson"];
    assert_eq!(
        parts["lesson"],
        "El financiamiento de base es distinto del financiamiento por proyectos."
    );
    assert_eq!(parts["context"], "la agencia dependía de la cooperación.");
    assert_eq!(
        parts["recommendation"],
        "documentar el costo operativo mínimo."
    );

    // A lesson of the Word report, placed by the town its own text names.
    let r = run(
        &w,
        &["search", "registro común", "--kind", "lesson", "--json"],
    );
    let top = &r["hits"][0];
    assert_eq!(top["id"], "informes.pasantia.docx:l3", "{r:#}");
    assert_eq!(top["heading"], "Los datos compartidos ahorran reuniones");
    assert_eq!(top["regions"], serde_json::json!(["Apurímac"]));
    assert_eq!(top["source"]["section"], "Paso 6: Lecciones aprendidas");
    let r = run(
        &w,
        &["search", "registro", "--region", "Apurímac", "--json"],
    );
    assert_eq!(r["hits"][0]["id"], "informes.pasantia.docx:l3", "{r:#}");

    // The PDF edition beside the Word file is a document of its own.
    let edition = run(&w, &["show", "informes.pasantia.pdf", "--json"]);
    assert_eq!(
        edition["passages"][0]["title"],
        "Sistematización de la pasantía (PDF)"
    );
    assert_eq!(
        edition["passages"][0]["source"]["path"],
        "informes/pasantia.pdf"
    );
}

#[test]
fn each_lesson_is_a_record_through_the_api() {
    let w = workspace();
    let server = w.serve(&[]);
    let client = reqwest::blocking::Client::new();
    let get = |path: &str| -> Value {
        let response = client.get(server.url(path)).send().expect("a response");
        assert_eq!(response.status(), 200, "{path}");
        serde_json::from_str(&response.text().expect("a body")).expect("JSON")
    };

    let r = get("/api/search?q=acuerdo%20de%20roles&kind=lesson");
    let top = &r["hits"][0];
    assert_eq!(top["id"], "informes.evaluacion.pdf:l1", "{r:#}");
    assert_eq!(top["heading"], "La articulación necesita roles explícitos");
    assert_eq!(top["parent"], "informes.evaluacion.pdf");
    assert_eq!(top["source"]["page"], 2);
    assert_eq!(top["kind"], "lesson");

    let view = get("/api/documents/informes.evaluacion.pdf:l1");
    let parts = &view["passage"]["lesson"];
    assert_eq!(
        parts["lesson"],
        "La articulación necesita roles explícitos."
    );
    assert_eq!(
        parts["context"],
        "el comité y la agencia se superponían en la convocatoria de las mesas."
    );
    assert_eq!(
        parts["recommendation"],
        "firmar con el gobierno regional un acuerdo de roles."
    );

    // The lessons of the sub-headed section keep their labelled parts too.
    let r = get("/api/search?q=municipios%20primera%20sesi%C3%B3n&kind=lesson");
    let top = &r["hits"][0];
    assert_eq!(top["id"], "informes.pasantia.docx:l5", "{r:#}");
    assert_eq!(top["heading"], "Invitar a los municipios");
    let view = get("/api/documents/informes.pasantia.docx:l5");
    assert_eq!(
        view["passage"]["lesson"]["recommendation"],
        "convocarlos en la primera sesión."
    );
    // Facets count documents: the two reports hold lessons.
    let kinds = &get("/api/facets")["facets"]["kind"];
    assert_eq!(kinds["lesson"], 2, "{kinds:#}");
    let lessons = get("/api/search?q=kind:lesson&group=false&limit=100");
    assert_eq!(lessons["total"], 8, "{lessons:#}");
}
