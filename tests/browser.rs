//! The search page in a real browser: Debian's Chromium, headless, driven over the DevTools
//! protocol against the real `minga serve` on a copy of the shipped corpus.
//!
//! Run with `cargo test --features browser --test browser`. Without Chromium at
//! `/usr/bin/chromium` it fails and says how to install it; it never skips. Screenshots go
//! to `target/browser-artifacts/`.
#![cfg(feature = "browser")]

#[path = "support/browser.rs"]
mod chromium;
mod support;

use std::path::{Path, PathBuf};

use chromium::{WAIT, js, js_string, launch, navigate, wait_until};
use headless_chrome::Tab;
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::types::Bounds;
use serde_json::Value;
use support::Workspace;

/// `target/browser-artifacts/`, created.
fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder")
        .join("browser-artifacts");
    std::fs::create_dir_all(&dir).expect("create target/browser-artifacts");
    dir
}

/// Lets the browser save downloads into `dir` without asking.
fn allow_downloads(tab: &Tab, dir: &Path) {
    use headless_chrome::protocol::cdp::Browser::{
        SetDownloadBehavior, SetDownloadBehaviorBehaviorOption,
    };
    tab.call_method(SetDownloadBehavior {
        behavior: SetDownloadBehaviorBehaviorOption::Allow,
        browser_context_id: None,
        download_path: Some(dir.to_string_lossy().into_owned()),
        events_enabled: None,
    })
    .expect("allow downloads");
}

/// Waits until no search is in flight and the result count differs from `before`.
#[track_caller]
fn wait_for_results(tab: &Tab, before: &str) {
    let before = serde_json::to_string(before).expect("a JSON string");
    wait_until(
        tab,
        "new results",
        &format!(
            "!document.getElementById('results').hasAttribute('aria-busy') && \
             document.getElementById('count').textContent !== '' && \
             document.getElementById('count').textContent !== {before}"
        ),
    );
}

fn screenshot(tab: &Tab, name: &str) -> PathBuf {
    let png = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .expect("a screenshot");
    let path = artifacts().join(name);
    std::fs::write(&path, &png).expect("write the screenshot");
    assert!(png.starts_with(b"\x89PNG"), "{name} is not a PNG");
    assert!(
        png.len() > 30_000,
        "{name} is only {} bytes: is the page blank?",
        png.len()
    );
    path
}

/// The page of a server over a fresh index of the shipped corpus, open in a headless
/// Chromium; each part lives as long as the test holds it.
struct Page {
    tab: std::sync::Arc<Tab>,
    server: support::ServerProcess,
    _browser: headless_chrome::Browser,
    _profile: tempfile::TempDir,
    _workspace: Workspace,
}

impl Page {
    fn open() -> Page {
        let workspace = Workspace::new();
        workspace.index();
        let server = workspace.serve(&[]);
        let profile = tempfile::tempdir().expect("a browser profile folder");
        let browser = launch(profile.path());
        let tab = browser.new_tab().expect("a tab");
        tab.set_default_timeout(WAIT);
        navigate(&tab, &server.url("/"), "open the page");
        Page {
            tab,
            server,
            _browser: browser,
            _profile: profile,
            _workspace: workspace,
        }
    }
}

#[test]
fn an_analyst_searches_filters_reads_a_document_and_switches_language() {
    // The page opens in Spanish with an empty search.
    let page = Page::open();
    let (tab, server) = (page.tab.clone(), &page.server);
    wait_until(
        tab.as_ref(),
        "the first results",
        "document.querySelectorAll('#hits li').length > 0",
    );
    assert_eq!(js_string(&tab, "document.documentElement.lang"), "es");
    assert_eq!(
        js_string(
            &tab,
            "document.querySelector('label[for=sort]').textContent"
        ),
        "Ordenar por"
    );

    // Typing searches as you type.
    let before = js_string(&tab, "document.getElementById('count').textContent");
    tab.wait_for_element("#q")
        .and_then(|input| input.click().map(|_| ()))
        .expect("focus the search box");
    tab.type_str("articulacion").expect("type a query");
    wait_for_results(&tab, &before);
    // Typed slowly, the page may first show what the start of the word finds (`articula`):
    // wait for the results of the whole word, as many as the API counts for it.
    let total = tab
        .evaluate(
            "fetch('/api/search?q=articulacion&typing=true&facets=all')\
             .then(r => r.json()).then(b => String(b.total))",
            true,
        )
        .expect("the API's count for the word")
        .value
        .and_then(|v| v.as_str().map(str::to_string))
        .expect("a count");
    wait_until(
        &tab,
        "the results of the whole word",
        &format!(
            "new URL(location.href).searchParams.get('q') === 'articulacion' \
             && !document.getElementById('results').hasAttribute('aria-busy') \
             && document.getElementById('count').textContent.startsWith({:?})",
            format!("{total} ")
        ),
    );
    let count = js_string(&tab, "document.getElementById('count').textContent");
    assert!(
        count.contains("resultado") && count.chars().next().is_some_and(|c| c.is_ascii_digit()),
        "count: {count:?}"
    );
    assert!(
        js(
            &tab,
            "document.querySelectorAll('#hits .snippet mark').length"
        )
        .as_u64()
            > Some(0),
        "no highlighted word in the snippets"
    );
    assert!(
        tab.get_url().contains("q=articulacion"),
        "{}",
        tab.get_url()
    );

    // The word being typed is the start of a word: `interinst` already finds
    // "interinstitucional" (marked in the snippets); erased, the search is as before.
    tab.type_str(" interinst")
        .expect("type the start of a word");
    wait_until(
        &tab,
        "a snippet marking a word that begins with what was typed",
        "[...document.querySelectorAll('#hits .snippet mark')]\
         .some(m => m.textContent.toLowerCase().startsWith('interinst'))",
    );
    for _ in " interinst".chars() {
        tab.press_key("Backspace")
            .expect("erase the start of a word");
    }
    // The same count (the time it took aside).
    let counted = count.split(" · ").next().unwrap_or_default();
    let again = format!(
        "new URL(location.href).searchParams.get('q') === 'articulacion' \
         && document.getElementById('count').textContent.startsWith({counted:?} + ' · ')"
    );
    wait_until(&tab, "the search for the first word again", &again);

    // Ticking the Biobío region filters the results and lands in the URL.
    let before = count;
    tab.wait_for_element(r#"input[data-facet="region"][data-value="Chile/Biobío"]"#)
        .expect("the Biobío facet")
        .click()
        .expect("tick Biobío");
    wait_for_results(&tab, &before);
    assert!(
        js(&tab, "document.querySelectorAll('#hits .hit').length").as_u64() > Some(0),
        "no results in Biobío"
    );
    wait_until(
        &tab,
        "every result to mention Biobío",
        "[...document.querySelectorAll('#hits .hit')].every(h => h.textContent.includes('Biobío'))",
    );
    assert!(
        js(
            &tab,
            "document.querySelector('input[data-value=\"Chile/Biobío\"]').checked"
        ) == Value::Bool(true),
        "the ticked facet is not ticked after the search"
    );
    let url = js_string(&tab, "decodeURIComponent(location.search)");
    assert!(url.contains("region=Chile/Biobío"), "{url}");
    screenshot(&tab, "search.png");

    // "Exportar brief" opens by keyboard, offers every format for this search, and its
    // Markdown link downloads the brief (a real download into a folder of the test's).
    let downloads = tempfile::tempdir().expect("a downloads folder");
    allow_downloads(&tab, downloads.path());
    js(&tab, "document.querySelector('#export summary').focus()");
    tab.press_key("Enter").expect("open the export menu");
    wait_until(
        &tab,
        "the export menu",
        "document.getElementById('export').open && \
         document.querySelector('#export a[data-format=md]').offsetHeight > 0",
    );
    assert_eq!(
        js_string(
            &tab,
            "document.querySelector('#export summary').textContent"
        ),
        "Exportar brief"
    );
    let href = js_string(
        &tab,
        "document.querySelector('#export a[data-format=md]').getAttribute('href')",
    );
    assert!(
        href.starts_with("/api/brief?q=articulacion&region=Chile%2FBio")
            && href.ends_with("&ui=es&format=md"),
        "{href}"
    );
    assert_eq!(
        js(
            &tab,
            "document.querySelectorAll('#export a[data-format]').length"
        ),
        serde_json::json!(5)
    );
    screenshot(&tab, "export-menu.png");
    js(
        &tab,
        "document.querySelector('#export a[data-format=md]').focus()",
    );
    tab.press_key("Enter").expect("choose Markdown");
    let file = downloads.path().join("minga-brief-articulacion-biobio.md");
    support::wait_for("the downloaded brief", WAIT, || {
        std::fs::read_to_string(&file)
            .ok()
            .filter(|t| t.contains("## Fuentes"))
    });
    let brief = std::fs::read_to_string(&file).expect("the downloaded brief");
    assert!(
        brief.starts_with("# Lecciones aprendidas: articulacion — Biobío\n"),
        "{brief}"
    );
    assert!(
        brief.contains("\n## Biobío\n") && brief.contains(" [1]\n"),
        "{brief}"
    );
    wait_until(
        &tab,
        "the menu closed after choosing",
        "!document.getElementById('export').open",
    );
    // Escape closes it too, back on its button.
    js(&tab, "document.getElementById('export').open = true");
    tab.press_key("Escape").expect("press Escape");
    wait_until(
        &tab,
        "the menu closed by Escape",
        "!document.getElementById('export').open && \
         document.activeElement === document.querySelector('#export summary')",
    );

    // The first result is a lesson inside a session note: it goes by its own title, with
    // the note's below it.
    let first: Value = serde_json::from_str(&js_string(
        &tab,
        "(() => { const hit = document.querySelector('#hits li.hit'); \
           const from = hit.querySelector('.from-document'); \
           return JSON.stringify([hit.querySelector('a.hit-link').textContent, \
                                  from && from.textContent]); })()",
    ))
    .expect("JSON");
    let lesson = first[0].as_str().expect("a title").to_string();
    let from = first[1].as_str().expect("the first hit names its document");
    let title = from
        .strip_prefix("Lección de: ")
        .unwrap_or_else(|| panic!("{from}"))
        .to_string();
    assert_ne!(lesson, title);

    // Enter on it opens its document, the lesson among its passages.
    js(&tab, "document.querySelector('#hits a.hit-link').focus()");
    tab.press_key("Enter").expect("press Enter");
    wait_until(
        &tab,
        "the document view",
        "!document.getElementById('doc-view').hidden && \
         document.querySelectorAll('#doc-passages > li').length > 0",
    );
    assert_eq!(
        js_string(&tab, "document.getElementById('doc-title').textContent"),
        title
    );
    assert!(
        js_string(&tab, "document.getElementById('doc-passages').textContent").contains(&lesson),
        "{lesson}"
    );
    assert!(js(&tab, "document.getElementById('results').hidden") == Value::Bool(true));
    assert!(tab.get_url().contains("doc="), "{}", tab.get_url());

    // Escape goes back to the same results.
    tab.press_key("Escape").expect("press Escape");
    wait_until(
        &tab,
        "the results again",
        "document.getElementById('doc-view').hidden && !document.getElementById('results').hidden",
    );
    wait_until(
        &tab,
        "the URL without the document",
        "!location.search.includes('doc=')",
    );
    let url = js_string(&tab, "decodeURIComponent(location.search)");
    assert!(
        url.contains("region=Chile/Biobío") && url.contains("q=articulacion"),
        "{url}"
    );
    assert_eq!(
        js_string(&tab, "document.getElementById('q').value"),
        "articulacion"
    );

    // A document of many passages opens on the passage that matched, highlighted and in
    // view; the browser's Back returns to the results.
    let more = tab
        .wait_for_element("#hits a.hit-more")
        .expect("a result with more matching passages");
    let passage = more
        .get_attribute_value("data-id")
        .ok()
        .flatten()
        .expect("its passage id");
    more.click().expect("open the document");
    wait_until(
        &tab,
        "the highlighted passage",
        "document.querySelectorAll('#doc-passages li.current').length === 1",
    );
    assert!(
        js(
            &tab,
            "document.querySelectorAll('#doc-passages > li').length"
        )
        .as_u64()
            > Some(1)
    );
    assert_eq!(
        js_string(
            &tab,
            "document.querySelector('#doc-passages li.current').id"
        ),
        format!("passage-{passage}")
    );
    wait_until(
        &tab,
        "the passage scrolled into view",
        "(() => { const r = document.querySelector('#doc-passages li.current')\
           .getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; })()",
    );
    screenshot(&tab, "document.png");
    js(&tab, "history.back()");
    wait_until(
        &tab,
        "the results after Back",
        "document.getElementById('doc-view').hidden && !location.search.includes('doc=') && \
         document.querySelectorAll('#hits .hit').length > 0",
    );

    // English, remembered.
    tab.wait_for_element(r#"button[data-ui="en"]"#)
        .expect("the EN button")
        .click()
        .expect("switch to English");
    wait_until(
        &tab,
        "English labels",
        "document.querySelector('label[for=sort]').textContent === 'Sort by'",
    );
    assert_eq!(js_string(&tab, "document.documentElement.lang"), "en");
    assert!(
        js_string(&tab, "document.getElementById('count').textContent").contains("result"),
        "the count is not in English"
    );
    assert_eq!(js_string(&tab, "localStorage.getItem('minga.ui')"), "en");
    assert_eq!(
        js_string(
            &tab,
            "document.querySelector('#export summary').textContent"
        ),
        "Export brief"
    );
    assert!(
        js_string(
            &tab,
            "document.querySelector('#export a[data-format=html]').href"
        )
        .ends_with("&ui=en&format=html"),
        "the brief links do not follow the interface language"
    );
    assert!(tab.get_url().contains("ui=en"), "{}", tab.get_url());

    // An invalid query, searched (while typing, an unclosed quote is not yet an error),
    // shows what is wrong in the page's language.
    js(
        &tab,
        "(() => { const q = document.getElementById('q'); q.value = '\"agencia'; \
           q.dispatchEvent(new Event('input')); q.form.requestSubmit(); })()",
    );
    wait_until(
        &tab,
        "the error message",
        "!document.getElementById('error').hidden",
    );
    let error = js_string(&tab, "document.getElementById('error').textContent");
    assert!(
        error.contains("The query is not valid")
            && error.contains("At column 1: this quote is never closed"),
        "{error}"
    );

    // Paging: 20 a page, the page in the URL.
    navigate(&tab, &server.url("/?q=gobernanza"), "open a long search");
    wait_until(
        &tab,
        "a first page",
        "document.querySelectorAll('#hits > li').length === 20 && \
         !document.getElementById('pager').hidden",
    );
    let before = js_string(&tab, "document.getElementById('count').textContent");
    tab.find_element("#next")
        .expect("the next button")
        .click()
        .expect("next page");
    wait_for_results(&tab, &before);
    assert!(tab.get_url().contains("page=2"), "{}", tab.get_url());
    assert!(
        js_string(&tab, "document.getElementById('count').textContent").contains("21"),
        "{}",
        js_string(&tab, "document.getElementById('count').textContent")
    );
    assert_eq!(
        js(&tab, "document.getElementById('prev').disabled"),
        Value::Bool(false)
    );

    // A shared link restores its search, in the language it names.
    navigate(
        &tab,
        &server.url("/?q=gobernanza&kind=report&ui=es"),
        "open a shared link",
    );
    wait_until(
        &tab,
        "results from the link",
        "document.querySelectorAll('#hits li').length > 0",
    );
    assert_eq!(
        js_string(&tab, "document.getElementById('q').value"),
        "gobernanza"
    );
    assert_eq!(js_string(&tab, "document.documentElement.lang"), "es");
    assert_eq!(
        js(
            &tab,
            "document.querySelector('input[data-facet=kind][data-value=report]').checked"
        ),
        Value::Bool(true)
    );
    screenshot(&tab, "shared-link.png");

    // A word that matches nothing in the index is named, while the other word's hits show;
    // the word is the page's text, not markup.
    navigate(
        &tab,
        &server.url("/?q=gobernanza%20Tacna%3Cb%3E"),
        "open a search with a word the index lacks",
    );
    wait_until(
        &tab,
        "the words that matched nothing",
        "document.querySelector('#understood .unmatched') !== null && \
         document.querySelectorAll('#hits > *').length > 0",
    );
    assert_eq!(
        js_string(
            &tab,
            "document.querySelector('#understood .unmatched').textContent"
        ),
        "Sin resultados para: Tacna<b"
    );
    assert_eq!(
        js_string(
            &tab,
            "String(document.querySelectorAll('#understood b').length)"
        ),
        "0"
    );

    // A question's word that says what it asks for: the page says it was not searched.
    navigate(
        &tab,
        &server
            .url("/?q=%C2%BFEn%20qu%C3%A9%20a%C3%B1o%20se%20cre%C3%B3%20la%20ARD%20de%20Cusco%3F"),
        "open a question asking for a year",
    );
    wait_until(
        &tab,
        "the words not searched",
        "document.getElementById('understood').textContent.includes('Sin buscar') && \
         document.querySelectorAll('#hits > *').length > 0",
    );
    let understood = js_string(&tab, "document.getElementById('understood').textContent");
    assert!(
        understood.contains("Sin buscar (dicen qué pide la pregunta, no de qué trata): año"),
        "{understood}"
    );

    // A misspelt word: the page says what else it searched and offers the index's own word,
    // which a click searches.
    navigate(
        &tab,
        &server.url("/?q=innvoacion"),
        "open a search with a typo",
    );
    wait_until(
        &tab,
        "the did-you-mean suggestion",
        "!document.getElementById('understood').hidden && \
         document.querySelector('#understood .suggestion') !== null",
    );
    let understood = js_string(&tab, "document.getElementById('understood').textContent");
    assert!(understood.contains("¿Quisiste decir"), "{understood}");
    assert!(
        understood.contains("innvoacion → innovación"),
        "{understood}"
    );
    assert_eq!(
        js_string(
            &tab,
            "document.querySelector('#understood .suggestion').textContent"
        ),
        "innovación"
    );
    js(
        &tab,
        "document.querySelector('#understood .suggestion').click()",
    );
    wait_until(
        &tab,
        "the suggested search",
        "document.getElementById('q').value === 'innovación' && \
         new URLSearchParams(location.search).get('q') === 'innovación'",
    );
    wait_until(
        &tab,
        "the translation searched too",
        "document.getElementById('understood').textContent.includes('innovation')",
    );
    // Only the words typed: no expansion, said in the URL, nothing else searched.
    js(&tab, "document.getElementById('expand').click()");
    wait_until(
        &tab,
        "a search without expansion",
        "location.search.includes('expand=false') && \
         document.getElementById('understood').hidden",
    );

    // A phone-sized window folds the filters into a closed <details>.
    tab.set_bounds(Bounds::Normal {
        left: None,
        top: None,
        width: Some(390.0),
        height: Some(844.0),
    })
    .expect("resize the window");
    navigate(&tab, &server.url("/?q=lecciones"), "reload narrow");
    wait_until(&tab, "a narrow window", "window.innerWidth < 600");
    wait_until(
        &tab,
        "results on the phone",
        "document.querySelectorAll('#hits li').length > 0",
    );
    assert_eq!(
        js(&tab, "document.getElementById('filters-panel').open"),
        Value::Bool(false),
        "the filters are not folded on a narrow screen"
    );
    screenshot(&tab, "phone.png");

    // With a filter on, the panel stays folded: its button counts the filters and the
    // results, and the filter is a chip above the results that removes it.
    navigate(
        &tab,
        &server.url("/?q=lecciones&region=Chile%2FBiob%C3%ADo"),
        "a search with a filter on the phone",
    );
    wait_until(
        &tab,
        "the chip of the filter",
        "document.querySelectorAll('#chips .chip').length === 1",
    );
    assert_eq!(
        js(&tab, "document.getElementById('filters-panel').open"),
        Value::Bool(false),
        "a filter opened the folded panel"
    );
    let summary = js_string(
        &tab,
        "document.getElementById('filters-summary').textContent",
    );
    assert!(
        summary.contains("1 activo") && summary.contains("resultado"),
        "{summary:?}"
    );
    let chip = js_string(&tab, "document.querySelector('#chips .chip').textContent");
    assert!(chip.contains("Biobío"), "{chip:?}");
    // The first result is on the first screen, not below the filters.
    let top = js(
        &tab,
        "document.querySelector('#hits .hit').getBoundingClientRect().top",
    );
    assert!(
        top.as_f64().is_some_and(|y| y < 844.0),
        "the first result is at {top}"
    );
    screenshot(&tab, "phone-filter.png");
    js(&tab, "document.querySelector('#chips .chip').click()");
    wait_until(
        &tab,
        "the filter removed",
        "document.getElementById('chips').hidden && !location.search.includes('region=')",
    );
}

/// A script giving the bounding box of the first element a selector finds, as
/// `[left, top, right, bottom]`.
fn rect(selector: &str) -> String {
    format!(
        "(() => {{ const r = document.querySelector({selector:?}).getBoundingClientRect(); \
           return JSON.stringify([r.left, r.top, r.right, r.bottom]); }})()"
    )
}

fn rect_of(tab: &Tab, selector: &str) -> [f64; 4] {
    serde_json::from_str(&js_string(tab, &rect(selector))).expect("a box")
}

#[test]
fn a_document_reads_as_its_source_with_the_words_searched_marked() {
    let page = Page::open();
    let tab = page.tab.clone();
    let server = &page.server;
    // A report opened from a search: its headings, lists and table as the source has them.
    navigate(
        &tab,
        &server.url("/?q=financiamiento&doc=informes.nota-comparativa-gobernanza-chile-peru"),
        "open a shared link to a document",
    );
    wait_until(
        &tab,
        "the document with its marks",
        "!document.getElementById('doc-view').hidden && \
         document.querySelectorAll('#doc-passages mark').length > 0",
    );
    let headings: Vec<String> = serde_json::from_str(&js_string(
        &tab,
        "JSON.stringify([...document.querySelectorAll('#doc-passages .section-heading')]\
           .map(h => h.tagName + ' ' + h.textContent))",
    ))
    .expect("headings");
    assert!(
        headings.contains(&"H3 Comparación por dimensiones".to_string()),
        "{headings:?}"
    );
    assert!(
        headings.contains(&"H4 Modelo de comité de decisión (CDPR Biobío)".to_string()),
        "{headings:?}"
    );
    // Each heading once, though long sections span several passages.
    let mut unique = headings.clone();
    unique.dedup();
    assert_eq!(unique, headings);
    // Lists are lists: the three bullets under each model are items, not one run-on line.
    let items: Vec<String> = serde_json::from_str(&js_string(
        &tab,
        "JSON.stringify([...document.querySelectorAll('#doc-passages .passage ul > li')]\
           .map(li => li.textContent))",
    ))
    .expect("list items");
    assert!(
        items
            .iter()
            .filter(|i| i.starts_with("Fuente de legitimidad:"))
            .count()
            >= 2,
        "{items:?}"
    );
    // The comparison table is a table: a header row of four and a row per dimension.
    assert_eq!(
        js(
            &tab,
            "document.querySelectorAll('#doc-passages table thead th').length"
        )
        .as_u64(),
        Some(4)
    );
    assert_eq!(
        js_string(
            &tab,
            "document.querySelector('#doc-passages table tbody td').textContent"
        ),
        "Personalidad jurídica"
    );
    // Every word marked is a form of the word searched.
    let marked: Vec<String> = serde_json::from_str(&js_string(
        &tab,
        "JSON.stringify([...document.querySelectorAll('#doc-passages mark')].map(m => m.textContent))",
    ))
    .expect("marks");
    assert!(
        marked
            .iter()
            .all(|m| m.to_lowercase().starts_with("financ")),
        "{marked:?}"
    );
    // The bar counts them and steps through them, each brought into view.
    let info = js_string(
        &tab,
        "document.getElementById('doc-match-info').textContent",
    );
    assert!(
        info.contains(&format!("{} coincidencias", marked.len())),
        "{info}"
    );
    for step in 1..=2 {
        js(&tab, "document.getElementById('doc-match-next').click()");
        wait_until(
            &tab,
            "the mark stepped to, in view",
            &format!(
                "(() => {{ const m = [...document.querySelectorAll('#doc-passages mark')]; \
                   const here = document.querySelector('#doc-passages mark.here'); \
                   const r = here && here.getBoundingClientRect(); \
                   return m.indexOf(here) === {} && r.top >= 0 && r.bottom <= window.innerHeight; }})()",
                step - 1
            ),
        );
        let info = js_string(
            &tab,
            "document.getElementById('doc-match-info').textContent",
        );
        assert!(
            info.starts_with(&format!("Coincidencia {step} de ")),
            "{info}"
        );
    }
    // The width is used: the text in a readable column, the details and outline beside it.
    let text = rect_of(&tab, "#doc-passages");
    let side = rect_of(&tab, ".doc-side");
    assert!(
        side[0] >= text[2],
        "the side column is not beside the text: {text:?} {side:?}"
    );
    assert!(
        text[2] - text[0] <= 740.0,
        "the text column is too wide: {text:?}"
    );
    assert!(
        side[2] > 1000.0,
        "the right of the screen is empty: {side:?}"
    );
    // The outline lists the sections; a link goes to its section and puts the focus there.
    let outline = js(
        &tab,
        "document.querySelectorAll('#doc-outline-list a').length",
    )
    .as_u64()
    .unwrap_or(0);
    assert!(outline >= 6, "{outline} headings in the outline");
    js(
        &tab,
        "[...document.querySelectorAll('#doc-outline-list a')]\
           .find(a => a.textContent === 'Comparación por dimensiones').click()",
    );
    wait_until(
        &tab,
        "the section in view and focused",
        "(() => { const f = document.activeElement; \
           const h = f && f.querySelector('.section-heading'); \
           const r = f.getBoundingClientRect(); \
           return h && h.textContent === 'Comparación por dimensiones' && r.top >= 0 && r.top < window.innerHeight / 2; })()",
    );
    screenshot(&tab, "document-structure.png");
    // The keyboard goes the way the eye does: from the back button to the match bar, the
    // details, the outline in its order, then the footer; every stop visible and outlined.
    js(&tab, "document.getElementById('doc-back').focus()");
    let mut stops = Vec::new();
    for _ in 0..60 {
        tab.press_key("Tab").expect("press Tab");
        let stop = js_string(
            &tab,
            "(() => { const a = document.activeElement;                const name = a.closest('#doc-outline-list') ? 'outline: ' + a.textContent                  : a.matches('#doc-outline > summary') ? 'outline'                  : a.closest('.footer') ? 'footer' : a.id || a.className || a.tagName;                const seen = a.getClientRects().length > 0 && getComputedStyle(a).outlineStyle !== 'none';                return seen ? name : 'UNSEEN ' + name; })()",
        );
        let done = stop == "footer";
        stops.push(stop);
        if done {
            break;
        }
    }
    let outline: Vec<String> = serde_json::from_str(&js_string(
        &tab,
        "JSON.stringify([...document.querySelectorAll('#doc-outline-list a')]\
           .map(a => 'outline: ' + a.textContent))",
    ))
    .expect("the outline");
    let mut expected = vec![
        "doc-match-prev".to_string(),
        "doc-match-next".to_string(),
        // The other edition (the report's DOCX), named in the details.
        "hit-copy".to_string(),
        "outline".to_string(),
    ];
    expected.extend(outline);
    expected.push("footer".to_string());
    assert_eq!(stops, expected);

    // A report's lessons where the report has them, before its annex, each part labelled
    // and the other places each lesson appears linked.
    navigate(
        &tab,
        &server.url("/?q=personas+puente&doc=informe-sintesis-pasantia-2023"),
        "open the synthesis report",
    );
    wait_until(
        &tab,
        "the report's lessons",
        "!document.getElementById('doc-view').hidden && \
         document.querySelectorAll('#doc-passages > li.lesson').length >= 10",
    );
    let order: Vec<String> = serde_json::from_str(&js_string(
        &tab,
        "JSON.stringify([...document.querySelectorAll('#doc-passages > li')].map(li => \
           li.classList.contains('lesson') ? 'lesson' : \
           (li.querySelector('.section-heading, h3') || {}).textContent || ''))",
    ))
    .expect("the order");
    let annex = order
        .iter()
        .position(|h| h == "Anexo: programa de la pasantía")
        .expect("the annex");
    let last_lesson = order.iter().rposition(|h| h == "lesson").expect("lessons");
    assert!(
        last_lesson < annex,
        "the lessons come after the annex: {order:?}"
    );
    let lesson = "[...document.querySelectorAll('#doc-passages > li.lesson')]\
                    .find(l => l.textContent.includes('Las personas puente sostienen'))";
    let labels = js_string(
        &tab,
        &format!("[...{lesson}.querySelectorAll('strong')].map(s => s.textContent).join('|')"),
    );
    assert!(labels.starts_with("Lección: |Contexto: "), "{labels}");
    assert!(
        js(&tab, &format!("{lesson}.querySelectorAll('mark').length")).as_u64() > Some(0),
        "the lesson's words are not marked"
    );
    let elsewhere = js_string(
        &tab,
        &format!("{lesson}.querySelector('.also-in').textContent"),
    );
    assert!(elsewhere.starts_with("También en: "), "{elsewhere}");
    js(
        &tab,
        &format!("{lesson}.scrollIntoView({{block: 'center'}})"),
    );
    screenshot(&tab, "document-lesson.png");
    // Each place is a link that opens that document at the copy; Back returns.
    js(
        &tab,
        &format!("{lesson}.querySelector('.also-in a').click()"),
    );
    wait_until(
        &tab,
        "the copy's document",
        "!location.search.includes('informe-sintesis') && \
         document.querySelector('#doc-passages li.current, #doc-passages > li') !== null && \
         document.getElementById('doc-passages').textContent.toLowerCase().includes('puente')",
    );
    js(&tab, "history.back()");
    wait_until(
        &tab,
        "the report again",
        "location.search.includes('informe-sintesis') && \
         document.querySelectorAll('#doc-passages > li.lesson').length >= 10",
    );

    // On a phone: one column, details above the text, the outline folded, nothing wider
    // than the screen (the table scrolls inside its own box).
    tab.set_bounds(Bounds::Normal {
        left: None,
        top: None,
        width: Some(390.0),
        height: Some(844.0),
    })
    .expect("resize the window");
    navigate(
        &tab,
        &server.url("/?q=financiamiento&doc=informes.nota-comparativa-gobernanza-chile-peru"),
        "open the report narrow",
    );
    wait_until(&tab, "a narrow window", "window.innerWidth < 600");
    wait_until(
        &tab,
        "the document on the phone",
        "document.querySelectorAll('#doc-passages mark').length > 0",
    );
    let text = rect_of(&tab, "#doc-passages");
    let side = rect_of(&tab, ".doc-side");
    assert!(
        side[3] <= text[1],
        "the details are not above the text: {text:?} {side:?}"
    );
    assert_eq!(
        js(&tab, "document.getElementById('doc-outline').open"),
        Value::Bool(false)
    );
    assert_eq!(
        js(
            &tab,
            "document.documentElement.scrollWidth <= window.innerWidth"
        ),
        Value::Bool(true),
        "the page is wider than the phone"
    );
    screenshot(&tab, "document-phone.png");
}

/// A script telling whether the element with this id takes room on the page.
fn shown(id: &str) -> String {
    format!("document.getElementById('{id}').getClientRects().length > 0")
}

#[test]
fn typing_an_unclosed_quote_an_error_and_an_empty_result() {
    let page = Page::open();
    let tab = page.tab.clone();
    tab.wait_for_element("#q")
        .and_then(|input| input.click().map(|_| ()))
        .expect("focus the search box");

    // While typing, a quote not yet closed is not an error: the words found so far are
    // shown, the one being typed as the start of a word.
    tab.type_str("\"agencia reg")
        .expect("type an unclosed quote");
    wait_until(
        &tab,
        "results for the words typed so far",
        "document.getElementById('error').hidden \
         && document.querySelectorAll('#hits .hit').length > 0 \
         && [...document.querySelectorAll('#hits .snippet mark')]\
            .some(m => m.textContent.toLowerCase().startsWith('reg'))",
    );
    screenshot(&tab, "typing-unclosed-quote.png");

    // A long facet (the topics) has a search box: typing in it keeps the values that
    // contain what is typed, accents aside, and the focus stays in the box.
    js(
        &tab,
        "document.querySelector('[data-facet-search=topic]').focus()",
    );
    tab.type_str("gober")
        .expect("type in the topics' search box");
    wait_until(
        &tab,
        "only the topics with the words typed",
        "(() => { const labels = [...document.querySelectorAll('.facet-topic .facet-label')]\
           .map(l => l.textContent); \
           return labels.length > 0 && labels.every(l => l.toLowerCase().includes('gober')) \
             && document.activeElement.dataset.facetSearch === 'topic'; })()",
    );

    js(&tab, "document.getElementById('q').focus()");

    // Searched as it stands (Enter), it is an error, said in Spanish with the column
    // marked in the query; no result, pager, export or facet of an earlier search stays.
    tab.press_key("Enter").expect("press Enter");
    wait_until(
        &tab,
        "the error in Spanish",
        "!document.getElementById('error').hidden \
         && document.getElementById('error').textContent.includes('En la columna 1:') \
         && document.getElementById('error').textContent.includes('estas comillas no se cierran')",
    );
    assert_eq!(
        js_string(
            &tab,
            "document.querySelector('#error .error-query mark').textContent"
        ),
        "\""
    );
    for hidden in ["pager", "export", "facets"] {
        assert_eq!(
            js(&tab, &shown(hidden)),
            Value::Bool(false),
            "#{hidden} is shown beside the error"
        );
    }
    assert_eq!(
        js(&tab, "document.querySelectorAll('#hits .hit').length"),
        Value::from(0)
    );
    screenshot(&tab, "query-error.png");

    // A search that finds nothing: no export, no pager; the empty state says so.
    js(
        &tab,
        "(() => { const q = document.getElementById('q'); q.value = 'xylofono'; \
           q.dispatchEvent(new Event('input')); })()",
    );
    tab.press_key("Enter").expect("press Enter");
    wait_until(
        &tab,
        "the empty state",
        "document.getElementById('error').hidden && !document.getElementById('empty').hidden",
    );
    for hidden in ["pager", "export"] {
        assert_eq!(
            js(&tab, &shown(hidden)),
            Value::Bool(false),
            "#{hidden} is shown for an empty result"
        );
    }
    screenshot(&tab, "empty-result.png");

    // Dates are written day first, at any precision, as the page's readers write them; one
    // that does not exist is refused where it was typed.
    let set_from = |value: &str| {
        js(
            &tab,
            &format!(
                "(() => {{ const f = document.getElementById('from'); f.value = {value:?}; \
                   f.dispatchEvent(new Event('change')); }})()"
            ),
        );
    };
    set_from("24/01/2023");
    wait_until(
        &tab,
        "the date in the URL and as a chip",
        "new URL(location.href).searchParams.get('from') === '2023-01-24' \
         && document.getElementById('chips').textContent.includes('desde 24/01/2023')",
    );
    set_from("31/02/2023");
    assert_eq!(
        js(
            &tab,
            "document.getElementById('from').getAttribute('aria-invalid')"
        ),
        Value::from("true")
    );
    assert_eq!(
        js(&tab, "new URL(location.href).searchParams.get('from')"),
        Value::from("2023-01-24")
    );
    set_from("01/2023");
    wait_until(
        &tab,
        "a month",
        "new URL(location.href).searchParams.get('from') === '2023-01'",
    );
}

/// Where the accessibility checker is: `MINGA_AXE`, or where `.ci/run` installs it from the
/// npm registry (`npm install --prefix target/axe axe-core@4.10.2`).
fn axe_source() -> String {
    let path = std::env::var_os("MINGA_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/axe/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is not at {} ({e}): `npm install --prefix target/axe axe-core@4.10.2`, \
             or set MINGA_AXE",
            path.display()
        )
    })
}

/// The WCAG 2.2 A and AA violations axe-core finds on the page as it is, one line each.
fn violations(tab: &Tab, axe: &str) -> Vec<String> {
    tab.evaluate(axe, false).expect("load axe-core");
    let found = tab
        .evaluate(
            "axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', \
             'wcag22aa'] }).then(r => JSON.stringify(r.violations.map(v => v.id + ' (' \
             + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))",
            true,
        )
        .expect("run axe-core")
        .value
        .unwrap_or(Value::Null);
    serde_json::from_str(found.as_str().unwrap_or("[]")).expect("a list of violations")
}

#[test]
fn the_page_has_no_accessibility_violation() {
    let axe = axe_source();
    let page = Page::open();
    let tab = page.tab.clone();
    let mut report = Vec::new();
    let mut check = |what: &str| {
        for violation in violations(&tab, &axe) {
            report.push(format!("{what}: {violation}"));
        }
    };
    // The home page, with its first results.
    wait_until(
        &tab,
        "the first results",
        "document.querySelectorAll('#hits li').length > 0",
    );
    check("home page");
    // A results page with a filter, in both languages' results.
    navigate(
        &tab,
        &page
            .server
            .url("/?q=gobernanza+governance&region=Chile%2FBiob%C3%ADo"),
        "a results page",
    );
    wait_until(
        &tab,
        "results",
        "document.querySelectorAll('#hits li').length > 0 && \
         !document.getElementById('results').hasAttribute('aria-busy')",
    );
    check("results page");
    // What a result quotes is marked with its own language (a Spanish page, English text).
    assert_eq!(
        js(
            &tab,
            "[...document.querySelectorAll('#hits .hit')].filter(h => \
               h.querySelector('.badge.lang').textContent === 'EN').every(h => \
               h.querySelector('.hit-link').lang === 'en' && h.querySelector('.snippet').lang === 'en') \
             && [...document.querySelectorAll('#hits .badge.lang')].some(b => b.textContent === 'EN')"
        ),
        Value::Bool(true),
        "English results are not marked lang=en"
    );
    // A document view.
    js(&tab, "document.querySelector('#hits a.hit-link').click()");
    wait_until(
        &tab,
        "the document view",
        "!document.getElementById('doc-view').hidden && \
         document.querySelectorAll('#doc-passages > li').length > 0",
    );
    check("document view");
    // An empty result.
    navigate(&tab, &page.server.url("/?q=xylofono"), "an empty result");
    wait_until(
        &tab,
        "the empty state",
        "!document.getElementById('empty').hidden",
    );
    check("empty result");
    assert!(report.is_empty(), "{}", report.join("\n"));
}
