// Minga's search page: instant search with facets, paging, a document view and briefs to
// export.
//
// Plain browser JavaScript, no build step. The whole search lives in the URL
// (?q=…&region=…&page=2&doc=ID&ui=en) so a search can be shared as a link and Back works.
// Only `hit.snippet` (escaped by the server, with <mark> tags) is ever inserted as HTML;
// everything else goes in with textContent.
"use strict";

(function () {
  const STRINGS = window.MINGA_STRINGS || {};
  const PAGE_SIZE = 20;
  const DEBOUNCE_MS = 250;
  const FACET_ORDER = ["region", "institution", "kind", "lang", "year", "topic"];
  const LIST_FILTERS = ["region", "institution", "kind", "lang", "year", "topic"];
  const FACET_PREVIEW = 8;
  const KINDS = ["session_note", "agency_profile", "report", "lesson", "other"];

  const $ = (id) => document.getElementById(id);
  const els = {
    form: $("search-form"),
    q: $("q"),
    sort: $("sort"),
    expand: $("expand"),
    from: $("from"),
    to: $("to"),
    facets: $("facets"),
    filtersPanel: $("filters-panel"),
    filtersSummary: $("filters-summary"),
    chips: $("chips"),
    clear: $("clear-filters"),
    results: $("results"),
    count: $("count"),
    understood: $("understood"),
    error: $("error"),
    intro: $("intro"),
    hits: $("hits"),
    empty: $("empty"),
    pager: $("pager"),
    prev: $("prev"),
    next: $("next"),
    pageInfo: $("page-info"),
    skipLink: $("skip-link"),
    docView: $("doc-view"),
    docBack: $("doc-back"),
    docTitle: $("doc-title"),
    docMeta: $("doc-meta"),
    docCount: $("doc-count"),
    docPassages: $("doc-passages"),
    docMatches: $("doc-matches"),
    docMatchInfo: $("doc-match-info"),
    docMatchPrev: $("doc-match-prev"),
    docMatchNext: $("doc-match-next"),
    docOutline: $("doc-outline"),
    docOutlineList: $("doc-outline-list"),
    exportMenu: $("export"),
  };

  // ---- State -------------------------------------------------------------------------

  function emptyState() {
    return {
      q: "",
      region: [],
      institution: [],
      kind: [],
      lang: [],
      year: [],
      topic: [],
      from: "",
      to: "",
      sort: "relevance",
      expand: true,
      page: 1,
      doc: null,
    };
  }

  let state = emptyState();
  let ui = "es";
  let lastResponse = null;
  let lastQuery = null;
  let lastDocument = null;
  let searchController = null;
  let documentController = null;
  let debounceTimer = null;
  let openedFrom = null; // the result link a document was opened from, to return focus
  let matchAt = -1; // the mark of the document view stepped to, -1 before the first step
  const expanded = new Set(); // facets showing all their values
  const facetQueries = new Map(); // what is typed in each long facet's search box

  // Lower case without accents, for matching what is typed against a facet's values.
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

  function stateFromUrl() {
    const params = new URLSearchParams(window.location.search);
    const s = emptyState();
    s.q = params.get("q") || "";
    for (const name of LIST_FILTERS) {
      s[name] = params.getAll(name).filter((v) => v !== "");
    }
    s.from = params.get("from") || "";
    s.to = params.get("to") || "";
    s.sort = params.get("sort") === "date" ? "date" : "relevance";
    s.expand = params.get("expand") !== "false";
    const page = parseInt(params.get("page") || "1", 10);
    s.page = Number.isFinite(page) && page > 0 ? page : 1;
    s.doc = params.get("doc") || null;
    return s;
  }

  function urlFromState(s) {
    const params = new URLSearchParams();
    if (s.q) params.set("q", s.q);
    for (const name of LIST_FILTERS) {
      for (const value of s[name]) params.append(name, value);
    }
    if (s.from) params.set("from", s.from);
    if (s.to) params.set("to", s.to);
    if (s.sort !== "relevance") params.set("sort", s.sort);
    if (!s.expand) params.set("expand", "false");
    if (s.page > 1) params.set("page", String(s.page));
    if (s.doc) params.set("doc", s.doc);
    if (ui !== "es") params.set("ui", ui);
    const query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  // `marker` tags a pushed entry (a document opened from the results, which Back leaves).
  function saveUrl(push, marker) {
    const url = urlFromState(state);
    if (url === window.location.pathname + window.location.search) return;
    if (push) {
      window.history.pushState(marker || null, "", url);
    } else {
      window.history.replaceState(window.history.state, "", url);
    }
  }

  function apiQuery(s) {
    const params = new URLSearchParams();
    params.set("q", s.q);
    for (const name of LIST_FILTERS) {
      for (const value of s[name]) params.append(name, value);
    }
    if (s.from) params.set("from", s.from);
    if (s.to) params.set("to", s.to);
    params.set("sort", s.sort);
    if (!s.expand) params.set("expand", "false");
    params.set("limit", String(PAGE_SIZE));
    params.set("offset", String((s.page - 1) * PAGE_SIZE));
    params.set("facets", "all");
    return params.toString();
  }

  // The brief of a search: its query and filters (a brief holds lessons only, so no kind
  // filter), with labels in the interface's language.
  function briefHref(s, format) {
    const params = new URLSearchParams();
    if (s.q) params.set("q", s.q);
    for (const name of LIST_FILTERS) {
      if (name === "kind") continue;
      for (const value of s[name]) params.append(name, value);
    }
    if (s.from) params.set("from", s.from);
    if (s.to) params.set("to", s.to);
    if (s.sort !== "relevance") params.set("sort", s.sort);
    if (!s.expand) params.set("expand", "false");
    params.set("ui", ui);
    params.set("format", format);
    return "/api/brief?" + params.toString();
  }

  function hasFilters(s) {
    return LIST_FILTERS.some((name) => s[name].length > 0) || s.from !== "" || s.to !== "";
  }

  // ---- Words -------------------------------------------------------------------------

  function t(key, vars) {
    const table = STRINGS[ui] || STRINGS.es || {};
    let text = table[key];
    if (text === undefined) text = (STRINGS.es || {})[key];
    if (text === undefined) return key;
    if (typeof text === "object") {
      const n = vars && typeof vars.n === "number" ? vars.n : 0;
      text = n === 1 ? text.one : text.other;
    }
    if (vars) {
      for (const [name, value] of Object.entries(vars)) {
        const shown = typeof value === "number" ? value.toLocaleString(ui) : String(value);
        text = text.split("{" + name + "}").join(shown);
      }
    }
    return text;
  }

  function kindLabel(kind) {
    return KINDS.includes(kind) ? t("kind_" + kind) : kind;
  }

  // A date at the precision its source gives ("2024", "2024-05", "2024-05-24") as a reader
  // says it ("mayo de 2024"), marked when it is only the file's creation date.
  function dateLabel(date, source) {
    const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(date || "");
    if (!m) return date || "";
    const months = t("months").split("|");
    const month = m[2] ? months[Number(m[2]) - 1] : null;
    let text = m[1];
    if (m[3]) text = t("date_day", { day: String(Number(m[3])), month, year: m[1] });
    else if (month) text = t("date_month", { month, year: m[1] });
    return source === "file" ? t("date_file", { date: text }) : text;
  }

  function dateTitle(source) {
    return source === "file" ? t("date_source_file") : source === "text" ? t("date_source_text") : null;
  }

  // A language's name in the interface's language: ours for Spanish and English, the
  // browser's (Intl.DisplayNames) for the others, the code where neither knows it.
  const langNames = {};
  function langLabel(lang) {
    if (lang === "es" || lang === "en") return t("lang_" + lang);
    if (lang === "und") return t("lang_und");
    try {
      langNames[ui] = langNames[ui] || new Intl.DisplayNames([ui], { type: "language" });
      const name = langNames[ui].of(lang);
      if (name && name !== lang) return name.charAt(0).toLocaleUpperCase(ui) + name.slice(1);
    } catch (e) {
      // An old browser without Intl.DisplayNames, or a code it refuses.
    }
    return lang;
  }

  function applyLanguage() {
    document.documentElement.lang = ui;
    document.title = t("pageTitle");
    for (const el of document.querySelectorAll("[data-i18n]")) {
      el.textContent = t(el.dataset.i18n);
    }
    for (const el of document.querySelectorAll("[data-i18n-placeholder]")) {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    }
    for (const el of document.querySelectorAll("[data-i18n-aria-label]")) {
      el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
    }
    for (const button of document.querySelectorAll("[data-ui]")) {
      button.setAttribute("aria-pressed", String(button.dataset.ui === ui));
    }
  }

  function setLanguage(lang, remember) {
    ui = lang === "en" ? "en" : "es";
    if (remember) {
      try {
        window.localStorage.setItem("minga.ui", ui);
      } catch (_) {
        // Private windows may refuse storage; the URL still carries the choice.
      }
    }
    applyLanguage();
    if (lastResponse) renderResponse(lastResponse);
    if (lastDocument) renderDocument(lastDocument);
  }

  function initialLanguage() {
    const fromUrl = new URLSearchParams(window.location.search).get("ui");
    if (fromUrl === "es" || fromUrl === "en") {
      try {
        window.localStorage.setItem("minga.ui", fromUrl);
      } catch (_) {
        // ignored: see setLanguage
      }
      return fromUrl;
    }
    try {
      const stored = window.localStorage.getItem("minga.ui");
      if (stored === "es" || stored === "en") return stored;
    } catch (_) {
      // ignored: see setLanguage
    }
    return "es";
  }

  // ---- DOM helpers -------------------------------------------------------------------

  function el(tag, options, children) {
    const node = document.createElement(tag);
    if (options) {
      for (const [key, value] of Object.entries(options)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === "text") node.textContent = value;
        else if (key === "className") node.className = value;
        else if (key === "dataset") Object.assign(node.dataset, value);
        else node.setAttribute(key, value === true ? "" : value);
      }
    }
    for (const child of children || []) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function sourceText(source) {
    if (!source) return "";
    const parts = [source.path];
    if (source.page) parts.push(t("pageNo", { n: source.page }));
    if (source.line) parts.push(t("line", { n: source.line }));
    return parts.join(", ");
  }

  // A filter's value as the page shows it: a region without its country, a kind or a
  // language by its name.
  function valueLabel(name, value) {
    if (name === "region") return regionNames([value])[0];
    if (name === "kind") return kindLabel(value);
    if (name === "lang") return langLabel(value);
    return value;
  }

  function regionNames(regions) {
    return (regions || []).map((r) => r.split("/").pop());
  }

  // ---- Searching ---------------------------------------------------------------------

  // Skips a search identical to the one shown (Back from a document), unless forced. A
  // search made while typing says so: the word being typed is the start of a word
  // (`regio`: región, regional), not one to translate or correct.
  async function search(force, typing) {
    const query = apiQuery(state) + (typing ? "&typing=true" : "");
    if (!force && query === lastQuery && lastResponse && !searchController) return;
    lastQuery = query;
    if (searchController) searchController.abort();
    const controller = new AbortController();
    searchController = controller;
    els.results.setAttribute("aria-busy", "true");
    els.results.classList.add("loading");
    try {
      const response = await fetch("/api/search?" + query, {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      });
      const body = await response.json().catch(() => null);
      if (controller !== searchController) return;
      if (!response.ok) {
        showError(body && body.error ? body.error : { code: "internal", message: response.statusText });
        return;
      }
      lastResponse = body;
      renderResponse(body);
    } catch (error) {
      if (error && error.name === "AbortError") return;
      showError({ code: "network", message: String(error && error.message ? error.message : error) });
    } finally {
      if (controller === searchController) {
        searchController = null;
        els.results.removeAttribute("aria-busy");
        els.results.classList.remove("loading");
      }
    }
  }

  // What the server says is wrong with a query (in English), in the page's language: the
  // parser's known messages, with the column they name; anything else as the server said it.
  const QUERY_ERRORS = [
    [/this quote is never closed/, "query_quote"],
    [/this '\(' is never closed/, "query_paren"],
    [/OR needs something on its left/, "query_or_left"],
    [/OR needs something on its right/, "query_or_right"],
    [/^invalid query: (\S+): needs a value/, "query_value"],
    [/parentheses nest deeper/, "query_depth"],
    [/the query is \d+ bytes long/, "query_long"],
  ];

  function queryErrorDetail(error) {
    const message = error.message || "";
    const column = /\(at column (\d+)\)$/.exec(message);
    let text = message;
    for (const [pattern, key] of QUERY_ERRORS) {
      const found = pattern.exec(message);
      if (found) {
        text = t(key, { name: found[1] || "" });
        break;
      }
    }
    if (!column) return [el("p", { className: "error-message", text: text })];
    // The query as typed, with the character the problem is at marked.
    const chars = Array.from(state.q);
    const at = Math.min(Number(column[1]) - 1, chars.length);
    return [
      el("p", {}, [t("errorAtColumn", { n: column[1] }) + " " + text]),
      el("p", { className: "error-message error-query" }, [
        chars.slice(0, at).join(""),
        el("mark", { text: chars[at] || " " }),
        chars.slice(at + 1).join(""),
      ]),
    ];
  }

  function showError(error) {
    lastResponse = null;
    const detail = error.code === "bad_query"
      ? queryErrorDetail(error)
      : [el("p", { className: "error-message", text: error.message || "" })];
    els.error.replaceChildren(
      el("p", { className: "error-title", text: t("error_" + error.code) !== "error_" + error.code ? t("error_" + error.code) : t("errorTitle") }),
      ...detail,
    );
    // Nothing that belongs to an earlier search stays: its facets counted other results.
    // The active filters can still be removed.
    els.facets.hidden = true;
    renderChips();
    renderFiltersSummary(null);
    els.error.hidden = false;
    els.hits.replaceChildren();
    els.empty.hidden = true;
    els.intro.hidden = true;
    els.pager.hidden = true;
    els.count.textContent = t("errorTitle");
    els.understood.hidden = true;
    els.exportMenu.open = false;
    els.exportMenu.hidden = true;
  }

  function scheduleSearch() {
    window.clearTimeout(debounceTimer);
    debounceTimer = window.setTimeout(() => {
      state.page = 1;
      saveUrl(false);
      search(false, true);
    }, DEBOUNCE_MS);
  }

  function searchNow(push, force) {
    window.clearTimeout(debounceTimer);
    saveUrl(push);
    search(force);
  }

  // ---- Rendering results -------------------------------------------------------------

  function renderResponse(response) {
    els.error.hidden = true;
    els.facets.hidden = false;
    const total = response.total;
    const first = total === 0 ? 0 : response.offset + 1;
    const last = response.offset + response.hits.length;
    const passages = response.total_passages;
    const details = [];
    if (typeof passages === "number" && passages !== total) {
      details.push(t("inPassages", { n: passages }));
    }
    if (response.copies > 0) {
      details.push(t("copiesFolded", { n: response.copies }));
    }
    if (response.hits.length > 0 && total > response.hits.length) {
      details.push(t("showing", { from: first, to: last }));
    }
    els.count.replaceChildren(
      el("strong", { text: t("results", { n: total }) }),
      details.length > 0 ? " " + details.join(" · ") : "",
      el("span", { className: "took", text: " · " + t("took", { ms: Math.max(1, Math.round(response.took_ms)) }) }),
    );
    renderUnderstood(response);
    els.intro.hidden = !(state.q.trim() === "" && !hasFilters(state));
    els.empty.hidden = total !== 0;
    els.hits.replaceChildren(...response.hits.map(renderHit));
    renderPager(response);
    renderFacets(response.facets || {});
    renderChips();
    renderFiltersSummary(total);
    els.clear.hidden = !hasFilters(state);
    renderExport(total);
  }

  // How the query was understood: the words that matched nothing in the whole index, a
  // "did you mean" from the index's own words, and the expansions (acronyms, glossary,
  // translations, typos) that were searched too.
  function renderUnderstood(response) {
    const parts = [];
    const unmatched = response.unmatched || [];
    if (unmatched.length > 0) {
      parts.push(el("span", { className: "unmatched", text: t("noResultsFor") + " " + unmatched.join(", ") }));
    }
    if (response.suggestion) {
      const link = el("a", {
        href: urlFromState({ ...state, q: response.suggestion, page: 1, doc: null }),
        className: "suggestion",
        text: response.suggestion,
      });
      link.addEventListener("click", (event) => {
        event.preventDefault();
        state.q = response.suggestion;
        els.q.value = state.q;
        state.page = 1;
        searchNow(true, true);
      });
      parts.push(el("span", {}, [t("didYouMean") + " ", link, "?"]));
    }
    // Stems and accent variants are how every word is matched, not news: the API lists them.
    const shown = (response.expanded || []).filter((e) => e.rule !== "accent" && e.rule !== "stem" && e.to.length > 0);
    if (shown.length > 0) {
      const items = shown.map((e) => e.from + " → " + e.to.join(", ") + " (" + t("rule_" + e.rule) + ")");
      parts.push(el("span", { className: "expansions", text: t("alsoSearched") + " " + items.join("; ") }));
    }
    const unsearched = (response.expanded || []).filter((e) => e.rule === "question").map((e) => e.from);
    if (unsearched.length > 0) {
      parts.push(el("span", { className: "expansions", text: t("notSearched") + " " + unsearched.join(", ") }));
    }
    els.understood.replaceChildren(...parts.flatMap((p, i) => (i === 0 ? [p] : [" · ", p])));
    els.understood.hidden = parts.length === 0;
  }

  // The export menu's links follow the search shown; a search that found nothing has no
  // brief to export.
  function renderExport(total) {
    for (const link of els.exportMenu.querySelectorAll("a[data-format]")) {
      link.href = briefHref(state, link.dataset.format);
    }
    els.exportMenu.hidden = total === 0;
    if (total === 0) els.exportMenu.open = false;
  }

  function closeExport(focusSummary) {
    if (!els.exportMenu.open) return false;
    els.exportMenu.open = false;
    if (focusSummary) els.exportMenu.querySelector("summary").focus();
    return true;
  }

  // The language a document's own text is in, for the `lang` of what quotes it (screen
  // readers then read an English title in English on a Spanish page); none when unknown.
  function textLang(lang) {
    return lang && lang !== "und" ? lang : undefined;
  }

  function renderHit(hit) {
    // A lesson found inside a document is shown by its own title, with the document's
    // below it, so a report and its lessons do not read as the same hit twice.
    const lessonTitle = hit.kind === "lesson" && hit.heading ? hit.heading : null;
    const link = el("a", {
      href: urlFromState({ ...state, doc: hit.id }),
      className: "hit-link",
      dataset: { id: hit.id },
      lang: textLang(hit.lang),
      text: lessonTitle || hit.title || hit.id,
    });
    const badges = el("div", { className: "badges" }, [
      el("span", { className: "badge kind kind-" + hit.kind, text: kindLabel(hit.kind) }),
      el("span", { className: "badge lang", text: hit.lang.toUpperCase(), title: langLabel(hit.lang) }),
      hit.date
        ? el("span", {
            className: "badge date" + (hit.date_source === "file" ? " date-file" : ""),
            text: dateLabel(hit.date, hit.date_source),
            title: dateTitle(hit.date_source),
            dataset: { date: hit.date },
          })
        : null,
    ]);
    const where = [];
    const places = regionNames(hit.regions);
    if (places.length > 0) where.push(places.join(", "));
    else if (hit.country) where.push(hit.country);
    if (hit.institutions && hit.institutions.length > 0) where.push(hit.institutions.join(", "));
    const snippet = el("p", { className: "snippet", lang: textLang(hit.lang) });
    snippet.innerHTML = hit.snippet; // escaped by the server; only <mark> is markup
    return el("li", { className: "hit" }, [
      el("article", {}, [
        el("h3", { className: "hit-title" }, [link]),
        badges,
        where.length > 0 ? el("p", { className: "where", text: where.join(" — ") }) : null,
        lessonTitle
          ? el("p", { className: "section from-document", text: t("fromDocument", { title: hit.title }) })
          : hit.heading
            ? el("p", { className: "section", text: "§ " + hit.heading })
            : null,
        snippet,
        hit.matches > 1
          ? el("p", { className: "more-passages" }, [el("a", { href: link.getAttribute("href"), className: "hit-more", dataset: { id: hit.id }, text: t("morePassages", { n: hit.matches - 1 }) })])
          : null,
        el("p", { className: "source" }, [el("span", { className: "visually-hidden", text: t("source") + ": " }), el("code", { text: sourceText(hit.source) })]),
        renderDuplicates(hit.duplicates),
      ]),
    ]);
  }

  // The other places a hit's text appears (editions, a lesson quoted elsewhere), each a link
  // to its document: "También en: informe.pdf, p. 12 · informe.docx".
  function renderDuplicates(duplicates) {
    if (!duplicates || duplicates.length === 0) return null;
    const items = [el("span", { text: t("alsoIn") + ": " })];
    duplicates.forEach((d, i) => {
      if (i > 0) items.push(el("span", { text: " · " }));
      items.push(copyLink(d, sourceText(d.source)));
    });
    return el("p", { className: "also-in" }, items);
  }

  // A link that opens the document of a copy at the copy.
  function copyLink(copy, text) {
    return el("a", { href: urlFromState({ ...state, doc: copy.id }), className: "hit-copy", dataset: { id: copy.id }, title: copy.title, text });
  }

  function renderPager(response) {
    const pages = Math.max(1, Math.ceil(response.total / PAGE_SIZE));
    els.pager.hidden = response.total <= PAGE_SIZE;
    els.pageInfo.textContent = t("page", { page: state.page, pages: pages });
    els.prev.disabled = state.page <= 1;
    els.next.disabled = state.page >= pages;
  }

  // ---- Active filters ----------------------------------------------------------------

  // Every active filter as a chip that removes it, above the results (on a phone the
  // filter panel is folded away).
  function renderChips() {
    const chips = [];
    for (const name of LIST_FILTERS) {
      for (const value of state[name]) {
        chips.push(chip(t("facet_" + name) + ": " + valueLabel(name, value), () => toggleFilter(name, value, false)));
      }
    }
    for (const name of ["from", "to"]) {
      if (!state[name]) continue;
      const label = t(name === "from" ? "dateFrom" : "dateTo", { date: showDate(state[name]) });
      chips.push(chip(label, () => {
        state[name] = "";
        els[name].value = "";
        state.page = 1;
        searchNow(true);
      }));
    }
    els.chips.replaceChildren(...chips);
    els.chips.hidden = chips.length === 0;
  }

  function chip(label, remove) {
    const button = el("button", {
      type: "button",
      className: "chip",
      "aria-label": t("removeFilter", { name: label }),
    }, [el("span", { text: label }), el("span", { className: "chip-x", "aria-hidden": "true", text: "×" })]);
    button.addEventListener("click", remove);
    return el("li", {}, [button]);
  }

  // The folded filter panel's button says how many filters are on and how many results
  // there are, so a phone user need not open it to know.
  function renderFiltersSummary(total) {
    const active = LIST_FILTERS.reduce((n, name) => n + state[name].length, 0)
      + (state.from ? 1 : 0) + (state.to ? 1 : 0);
    const parts = [];
    if (active > 0) parts.push(t("filtersActive", { n: active }));
    if (total !== null) parts.push(t("results", { n: total }));
    els.filtersSummary.textContent = parts.length > 0 ? " · " + parts.join(" · ") : "";
  }

  // ---- Facets ------------------------------------------------------------------------

  function facetEntries(counts, name) {
    const entries = Object.entries(counts || {});
    for (const selected of state[name]) {
      if (!entries.some(([value]) => value === selected)) entries.push([selected, 0]);
    }
    if (name === "year") entries.sort((a, b) => b[0].localeCompare(a[0]));
    else if (name === "kind") entries.sort((a, b) => KINDS.indexOf(a[0]) - KINDS.indexOf(b[0]));
    else entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], ui));
    return entries;
  }

  // `count` null: no count shown.
  function checkbox(name, value, label, count) {
    const id = "f-" + name + "-" + value.replace(/[^A-Za-z0-9_-]/g, (c) => "_" + c.charCodeAt(0));
    const input = el("input", {
      type: "checkbox",
      id: id,
      dataset: { facet: name, value: value },
    });
    input.checked = state[name].includes(value);
    return el("li", { className: input.checked ? "checked" : "" }, [
      input,
      el("label", { for: id }, [
        el("span", { className: "facet-label", text: label }),
        count === null ? null : el("span", { className: "facet-count", text: count.toLocaleString(ui) }),
      ]),
    ]);
  }

  function renderFacets(facets) {
    const focused = document.activeElement;
    const focusKey = focused && focused.dataset && focused.dataset.facet
      ? [focused.dataset.facet, focused.dataset.value]
      : focused && focused.dataset && focused.dataset.more ? ["more", focused.dataset.more]
      : focused && focused.dataset && focused.dataset.facetSearch ? ["search", focused.dataset.facetSearch]
      : null;
    const groups = [];
    for (const name of FACET_ORDER) {
      const entries = facetEntries(facets[name], name);
      if (entries.length === 0) continue;
      const fieldset = el("fieldset", { className: "facet facet-" + name }, [
        el("legend", { className: "control-label", text: t("facet_" + name) }),
      ]);
      if (name === "region") {
        fieldset.append(renderRegions(entries, facets.country || {}));
      } else {
        const label = (value) => valueLabel(name, value);
        const long = entries.length > FACET_PREVIEW + 2;
        // A long list has a search box: the values containing what is typed (accents and
        // case aside), and the ticked ones.
        const wanted = fold(facetQueries.get(name) || "");
        const showAll = expanded.has(name) || !long || wanted !== "";
        const shown = showAll
          ? entries.filter(([v]) => wanted === "" || fold(label(v)).includes(wanted) || state[name].includes(v))
          : entries.filter(([v], i) => i < FACET_PREVIEW || state[name].includes(v));
        if (long) {
          const hint = t("facetSearch", { name: t("facet_" + name).toLocaleLowerCase(ui) });
          fieldset.append(el("input", {
            type: "search",
            className: "facet-search",
            value: facetQueries.get(name) || "",
            placeholder: hint,
            "aria-label": hint,
            dataset: { facetSearch: name },
          }));
        }
        fieldset.append(el("ul", { className: "facet-list" }, shown.map(([value, count]) => checkbox(name, value, label(value), count))));
        if (long && wanted === "") {
          fieldset.append(el("button", {
            type: "button",
            className: "link-button more",
            dataset: { more: name },
            "aria-expanded": String(expanded.has(name)),
            text: expanded.has(name) ? t("showLess") : t("showMore") + " (" + (entries.length - shown.length) + ")",
          }));
        }
      }
      groups.push(fieldset);
    }
    els.facets.replaceChildren(...groups);
    if (focusKey) {
      const selector = focusKey[0] === "more"
        ? '[data-more="' + CSS.escape(focusKey[1]) + '"]'
        : focusKey[0] === "search"
          ? '[data-facet-search="' + CSS.escape(focusKey[1]) + '"]'
          : '[data-facet="' + CSS.escape(focusKey[0]) + '"][data-value="' + CSS.escape(focusKey[1]) + '"]';
      const again = els.facets.querySelector(selector);
      if (again) {
        again.focus();
        if (focusKey[0] === "search") again.setSelectionRange(again.value.length, again.value.length);
      }
    }
  }

  function renderRegions(entries, countries) {
    const byCountry = new Map();
    for (const [value, count] of entries) {
      const slash = value.indexOf("/");
      const country = slash >= 0 ? value.slice(0, slash) : value;
      if (!byCountry.has(country)) byCountry.set(country, []);
      if (slash >= 0) byCountry.get(country).push([value, count]);
    }
    for (const country of Object.keys(countries)) {
      if (!byCountry.has(country)) byCountry.set(country, []);
    }
    const list = el("ul", { className: "facet-list countries" });
    const names = [...byCountry.keys()].sort((a, b) => (countries[b] || 0) - (countries[a] || 0) || a.localeCompare(b, ui));
    for (const country of names) {
      const regions = byCountry.get(country).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], ui));
      // Country counts come under the region filter itself, so beside a ticked region
      // they would not compare with the region counts: shown only while none is ticked.
      const countryCount = state.region.length === 0 ? countries[country] || 0 : null;
      const countryItem = checkbox("region", country, country, countryCount);
      countryItem.classList.add("country");
      countryItem.querySelector(".facet-label").title = t("allOf", { name: country });
      if (regions.length > 0) {
        countryItem.append(el("ul", { className: "facet-list regions" }, regions.map(([value, count]) => checkbox("region", value, value.slice(country.length + 1), count))));
      }
      list.append(countryItem);
    }
    return list;
  }

  function toggleFilter(name, value, on) {
    const values = state[name].filter((v) => v !== value);
    if (on) values.push(value);
    state[name] = values;
    state.page = 1;
    searchNow(true);
  }

  // ---- The document view -------------------------------------------------------------

  async function openDocument(id, push) {
    state.doc = id;
    if (push) saveUrl(true, { fromResults: true });
    if (documentController) documentController.abort();
    const controller = new AbortController();
    documentController = controller;
    els.docView.hidden = false;
    els.results.hidden = true;
    document.body.classList.add("reading");
    skipTo(true);
    els.docTitle.textContent = t("loadingDocument");
    els.docMeta.replaceChildren();
    els.docPassages.replaceChildren();
    els.docOutlineList.replaceChildren();
    els.docOutline.hidden = true;
    els.docMatches.hidden = true;
    els.docCount.textContent = "";
    // The document's passages with the words of the search it was opened from marked.
    const marking = new URLSearchParams();
    if (state.q.trim() !== "") {
      marking.set("q", state.q);
      if (!state.expand) marking.set("expand", "false");
      if (!/\s$/.test(state.q)) marking.set("typing", "true");
    }
    const asked = marking.toString();
    try {
      const response = await fetch("/api/documents/" + encodeURIComponent(id) + (asked ? "?" + asked : ""), {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      });
      const body = await response.json().catch(() => null);
      if (controller !== documentController) return;
      if (!response.ok) {
        const error = body && body.error ? body.error : { code: "internal", message: response.statusText };
        els.docTitle.textContent = t("error_" + error.code) !== "error_" + error.code ? t("error_" + error.code) : t("errorTitle");
        els.docCount.textContent = error.message || "";
        return;
      }
      lastDocument = body;
      renderDocument(body);
      const current = els.docPassages.querySelector(".current");
      if (current) current.scrollIntoView({ block: "center" });
      els.docTitle.focus({ preventScroll: current !== null });
    } catch (error) {
      if (error && error.name === "AbortError") return;
      els.docTitle.textContent = t("error_network");
    }
  }

  // The skip link leads to what is shown: the document being read, or the results.
  function skipTo(reading) {
    els.skipLink.href = reading ? "#doc-title" : "#results";
    els.skipLink.dataset.i18n = reading ? "skipDocument" : "skip";
    els.skipLink.textContent = t(els.skipLink.dataset.i18n);
  }

  function closeDocument() {
    if (els.docView.hidden) return;
    if (documentController) documentController.abort();
    state.doc = null;
    lastDocument = null;
    els.docView.hidden = true;
    els.results.hidden = false;
    document.body.classList.remove("reading");
    skipTo(false);
    const back = openedFrom && document.body.contains(openedFrom)
      ? openedFrom
      : null;
    if (back) back.focus();
    else els.results.focus();
    openedFrom = null;
  }

  function renderDocument(view) {
    const passages = view.passages || [];
    const head = passages.find((p) => p.kind !== "lesson") || passages[0] || {};
    els.docTitle.textContent = head.title || view.parent;
    if (textLang(head.lang)) els.docTitle.lang = head.lang;
    else els.docTitle.removeAttribute("lang");
    const meta = [];
    const add = (key, value) => {
      if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) return;
      meta.push(el("div", {}, [el("dt", { text: t(key) }), el("dd", { text: Array.isArray(value) ? value.join(", ") : value })]));
    };
    add("meta_kind", kindLabel(head.kind));
    add("meta_lang", langLabel(head.lang));
    add("meta_date", head.date ? dateLabel(head.date, head.date_source) : "");
    add("meta_country", head.country);
    add("meta_regions", regionNames(head.regions));
    add("meta_institutions", head.institutions);
    add("meta_event", head.event);
    add("meta_location", head.location);
    add("meta_topics", head.topics);
    add("meta_authors", head.authors);
    add("meta_source", head.source ? head.source.path : "");
    els.docMeta.replaceChildren(...meta);
    els.docCount.textContent = t("passages", { n: passages.length });
    const currentId = view.passage ? view.passage.id : view.id;
    const marks = view.marks || {};
    const copies = view.copies || {};
    // Another document that holds a copy of most of this one's passages is another edition
    // of it: named once, beside the details, not under every passage.
    const shared = {};
    for (const list of Object.values(copies)) {
      for (const parent of new Set(list.map((c) => c.parent))) shared[parent] = (shared[parent] || 0) + 1;
    }
    const editions = Object.keys(shared).filter((parent) => passages.length > 1 && shared[parent] * 2 >= passages.length);
    if (editions.length > 0) {
      const first = (parent) => Object.values(copies).flat().find((c) => c.parent === parent);
      meta.push(el("div", {}, [
        el("dt", { text: t("meta_editions") }),
        el("dd", {}, editions.map((parent, i) => [i > 0 ? " · " : null, copyLink(first(parent), first(parent).source.path)]).flat()),
      ]));
      els.docMeta.replaceChildren(...meta);
    }
    const items = [];
    const outline = [];
    let lastHeading = null;
    let inLessons = false;
    for (const passage of readingOrder(passages)) {
      const isLesson = passage.kind === "lesson";
      // A section's heading opens its first passage; the passages that continue it do not
      // repeat it. A run of lessons drawn from the text opens with the heading of the
      // section they were read from, or a heading of their own.
      let heading = null;
      if (isLesson && !inLessons && passages.some((p) => p.kind !== "lesson")) {
        const section = passage.source && passage.source.section;
        const text = section && section !== passage.heading ? section : t("lessonsHeading");
        items.push(el("li", { className: "doc-section-heading" }, [el("h3", { id: "doc-lessons-" + items.length, text })]));
        outline.push({ id: "doc-lessons-" + (items.length - 1), text, level: 2 });
        lastHeading = null;
      }
      inLessons = isLesson;
      if (!isLesson && passage.heading && passage.heading !== lastHeading) {
        // A `#` heading that repeats the title is the title.
        if (!(passage.heading_level === 1 && passage.heading === head.title)) heading = passage.heading;
        lastHeading = passage.heading;
      }
      const elsewhere = (copies[passage.id] || []).filter((c) => !editions.includes(c.parent));
      const current = passage.id === currentId && passages.length > 1;
      items.push(renderPassage(passage, current, heading, marks[passage.id] || {}, elsewhere, inLessons ? "h4" : "h3"));
      if (heading) outline.push({ id: "passage-" + passage.id, text: heading, level: passage.heading_level || 2 });
      else if (isLesson && passage.heading) outline.push({ id: "passage-" + passage.id, text: passage.heading, level: 3 });
    }
    els.docPassages.replaceChildren(...items);
    // The outline: the document's headings, indented by level, each a link to its section.
    const top = Math.min(...outline.map((o) => o.level), 9);
    els.docOutlineList.replaceChildren(...outline.map((o) =>
      el("li", { className: "outline-level-" + Math.min(o.level - top, 3) }, [
        el("a", { href: "#" + o.id, dataset: { target: o.id }, text: o.text }),
      ])));
    els.docOutline.hidden = outline.length < 2;
    // Open beside the text on a wide screen; folded above it on a phone.
    els.docOutline.open = window.matchMedia("(min-width: 900px)").matches;
    // The bar that steps through the marked words.
    matchAt = -1;
    const count = els.docPassages.querySelectorAll("mark").length;
    els.docMatches.hidden = state.q.trim() === "";
    els.docMatchPrev.disabled = count === 0;
    els.docMatchNext.disabled = count === 0;
    els.docMatchInfo.textContent = count === 0 ? t("matchNone") : t("matchCount", { n: count, q: state.q.trim() });
  }

  // Passages in the order a reader meets them: each lesson drawn from the text where its
  // text was (by page, then line), the others in their order; a lesson whose place is not
  // known after them.
  function readingOrder(passages) {
    const place = (p) => [p.source && p.source.page, p.source && p.source.line];
    const before = (a, b) => {
      const [pa, la] = place(a);
      const [pb, lb] = place(b);
      if (pa && pb && pa !== pb) return pa < pb;
      if (la && lb) return la < lb;
      return pa && pb ? false : null;
    };
    const text = passages.filter((p) => p.kind !== "lesson");
    const lessons = passages.filter((p) => p.kind === "lesson");
    const placed = lessons.filter((l) => text.some((p) => before(p, l) !== null));
    const out = [];
    let next = 0;
    for (const passage of text) {
      while (next < placed.length && before(placed[next], passage)) out.push(placed[next++]);
      out.push(passage);
    }
    out.push(...placed.slice(next), ...lessons.filter((l) => !placed.includes(l)));
    return out;
  }

  // Goes to a place of the document view, and puts the focus there for keyboard users.
  function goTo(target) {
    const node = document.getElementById(target);
    if (!node) return;
    if (!node.hasAttribute("tabindex")) node.setAttribute("tabindex", "-1");
    node.scrollIntoView({ block: "start" });
    node.focus({ preventScroll: true });
  }

  // Steps to the next (+1) or previous (-1) marked word, round the ends.
  function stepMatch(direction) {
    const all = els.docPassages.querySelectorAll("mark");
    if (all.length === 0) return;
    if (matchAt >= 0 && all[matchAt]) all[matchAt].classList.remove("here");
    matchAt = matchAt < 0 ? (direction > 0 ? 0 : all.length - 1) : (matchAt + direction + all.length) % all.length;
    const mark = all[matchAt];
    mark.classList.add("here");
    mark.scrollIntoView({ block: "center" });
    els.docMatchInfo.textContent = t("matchAt", { i: matchAt + 1, n: all.length, q: state.q.trim() });
  }

  // `lessonTag`: the heading a lesson's title takes (under the lessons' heading, or not).
  function renderPassage(passage, current, heading, marks, elsewhere, lessonTag) {
    const body = [];
    const lang = textLang(passage.lang);
    if (passage.lesson) {
      const part = (label, text, ranges, className) =>
        el("p", { className }, [el("strong", { text: t(label) + ": " }), ...marked(text, 0, text.length, toUnits(text, ranges))]);
      if (passage.heading && passage.heading !== passage.lesson.lesson) body.push(el(lessonTag, { className: "lesson-title", text: passage.heading }));
      body.push(part("lessonLabel", passage.lesson.lesson, marks.lesson, "lesson-main"));
      if (passage.lesson.context) body.push(part("lessonContext", passage.lesson.context, marks.context, "lesson-part"));
      if (passage.lesson.recommendation) body.push(part("lessonRecommendation", passage.lesson.recommendation, marks.recommendation, "lesson-part"));
    } else {
      body.push(...renderText(passage.text, toUnits(passage.text, marks.text)));
    }
    const classes = ["passage"];
    if (passage.kind === "lesson") classes.push("lesson");
    if (current) classes.push("current");
    const level = Math.min(Math.max((passage.heading_level || 2) + 1, 3), 6);
    return el("li", { className: classes.join(" "), id: "passage-" + passage.id, lang, "aria-current": current ? "true" : null }, [
      current ? el("p", { className: "current-label", text: t("currentPassage") }) : null,
      heading ? el("h" + level, { className: "section-heading", text: heading }) : null,
      ...body,
      renderDuplicates(elsewhere),
      el("p", { className: "source" }, [el("code", { text: sourceText(passage.source) })]),
    ]);
  }

  // Mark ranges counted in characters (what the API gives) as ranges of the string's
  // UTF-16 units (what JavaScript indexes by).
  function toUnits(text, ranges) {
    if (!ranges || ranges.length === 0) return [];
    const units = [];
    let unit = 0;
    for (const ch of text) {
      units.push(unit);
      unit += ch.length;
    }
    units.push(unit);
    return ranges.map(([a, b]) => [units[Math.min(a, units.length - 1)], units[Math.min(b, units.length - 1)]]);
  }

  // The text from `start` to `end` as nodes, the ranges that fall in it as <mark>s.
  function marked(text, start, end, ranges) {
    const out = [];
    let at = start;
    for (const [a, b] of ranges) {
      if (b <= at || a >= end) continue;
      const from = Math.max(a, at);
      const to = Math.min(b, end);
      if (from > at) out.push(text.slice(at, from));
      out.push(el("mark", { text: text.slice(from, to) }));
      at = to;
    }
    if (at < end) out.push(text.slice(at, end));
    return out;
  }

  // A passage's text as the blocks its source had: paragraphs (blank lines between), lists
  // (`- `, `* `, `1. ` lines, two spaces deeper per level, indented lines continuing an
  // item) and tables (lines of cells between ` | `, the first its header).
  function renderText(text, ranges) {
    const lines = [];
    let at = 0;
    for (const line of text.split("\n")) {
      lines.push({ line, start: at, end: at + line.length });
      at += line.length + 1;
    }
    const blocks = [];
    let block = null;
    for (const { line, start, end } of lines) {
      if (line.trim() === "") {
        block = null;
        continue;
      }
      const item = /^( *)([-*•]|\d{1,3}[.)])\s+/.exec(line);
      if (item) {
        if (!block || block.type !== "list") {
          block = { type: "list", items: [] };
          blocks.push(block);
        }
        block.items.push({
          depth: Math.floor(item[1].length / 2),
          ordered: /\d/.test(item[2]),
          number: parseInt(item[2], 10),
          spans: [[start + item[0].length, end]],
        });
        continue;
      }
      if (block && block.type === "list" && /^\s+\S/.test(line)) {
        const indent = line.length - line.trimStart().length;
        block.items[block.items.length - 1].spans.push([start + indent, end]);
        continue;
      }
      if (!block || block.type !== "para") {
        block = { type: "para", spans: [] };
        blocks.push(block);
      }
      block.spans.push([start, end]);
    }
    const inline = (spans) => {
      const out = [];
      spans.forEach(([a, b], i) => {
        if (i > 0) out.push(" ");
        out.push(...marked(text, a, b, ranges));
      });
      return out;
    };
    return blocks.map((b) => {
      if (b.type === "list") return renderList(b.items, inline);
      const rows = tableRows(text, b.spans);
      if (rows) {
        const cells = (row, tag) => el("tr", {}, row.map(([a, z]) => el(tag, { scope: tag === "th" ? "col" : null }, marked(text, a, z, ranges))));
        return el("div", { className: "table-wrap" }, [
          el("table", {}, [el("thead", {}, [cells(rows[0], "th")]), el("tbody", {}, rows.slice(1).map((r) => cells(r, "td")))]),
        ]);
      }
      return el("p", {}, inline(b.spans));
    });
  }

  // Nested lists from items with their depth: <ol> for numbered ones (starting at their
  // first number), <ul> for the others.
  function renderList(items, inline) {
    const root = { depth: -1, node: null, children: [] };
    const stack = [root];
    for (const item of items) {
      while (stack.length > 1 && stack[stack.length - 1].depth >= item.depth) stack.pop();
      const entry = { depth: item.depth, item, children: [] };
      stack[stack.length - 1].children.push(entry);
      stack.push(entry);
    }
    const build = (entries) => {
      const ordered = entries[0].item.ordered;
      const list = el(ordered ? "ol" : "ul", { start: ordered && entries[0].item.number !== 1 ? entries[0].item.number : null });
      for (const entry of entries) {
        list.append(el("li", {}, [...inline(entry.item.spans), entry.children.length ? build(entry.children) : null]));
      }
      return list;
    };
    return build(root.children);
  }

  // The rows of a block that is a table, each a list of its cells' [start, end): two lines
  // or more, each with the same number of cells (two or more) between ` | `.
  function tableRows(text, spans) {
    if (spans.length < 2) return null;
    const rows = spans.map(([a, b]) => {
      const cells = [];
      let from = a;
      for (;;) {
        const bar = text.indexOf(" | ", from);
        if (bar < 0 || bar >= b) break;
        cells.push([from, bar]);
        from = bar + 3;
      }
      cells.push([from, b]);
      return cells.map(([x, y]) => {
        while (x < y && /\s/.test(text[x])) x++;
        while (y > x && /\s/.test(text[y - 1])) y--;
        return [x, y];
      });
    });
    const width = rows[0].length;
    return width >= 2 && rows.every((r) => r.length === width) ? rows : null;
  }

  // ---- Wiring ------------------------------------------------------------------------

  function syncControls() {
    els.q.value = state.q;
    els.sort.value = state.sort;
    els.expand.checked = !state.expand;
    els.from.value = showDate(state.from);
    els.to.value = showDate(state.to);
  }

  function restoreFromUrl() {
    state = stateFromUrl();
    syncControls();
    search();
    if (state.doc) {
      openDocument(state.doc);
    } else {
      closeDocument();
    }
  }

  // Searching again from the box leaves the document view.
  function backToResults() {
    if (state.doc) {
      state.doc = null;
      closeDocument();
    }
  }

  els.form.addEventListener("submit", (event) => {
    event.preventDefault();
    backToResults();
    state.q = els.q.value;
    state.page = 1;
    searchNow(false, true);
  });

  els.q.addEventListener("input", () => {
    backToResults();
    state.q = els.q.value;
    scheduleSearch();
  });

  els.sort.addEventListener("change", () => {
    state.sort = els.sort.value;
    state.page = 1;
    searchNow(true);
  });

  els.expand.addEventListener("change", () => {
    state.expand = !els.expand.checked;
    state.page = 1;
    searchNow(true);
  });

  // The date fields are written as a reader of the page writes dates (day first), at the
  // precision wanted: `24/01/2023`, `01/2023`, `2023`; also as the API takes them
  // (`2023-01-24`). A browser's own date control follows the browser's locale instead.
  function parseDate(text) {
    const value = text.trim();
    if (value === "") return "";
    let m = /^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$/.exec(value);
    const ymd = m ? [m[1], m[2], m[3]] : null;
    m = /^(?:(\d{1,2})[/.-])?(?:(\d{1,2})[/.-])(\d{4})$/.exec(value);
    const dmy = m ? [m[3], m[2], m[1]] : null;
    const parts = ymd || dmy;
    if (!parts) return null;
    const [y, mo, d] = parts;
    const pad = (n) => String(n).padStart(2, "0");
    if (mo === undefined) return y;
    if (Number(mo) < 1 || Number(mo) > 12) return null;
    if (d === undefined) return y + "-" + pad(mo);
    const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
    if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) return null;
    return y + "-" + pad(mo) + "-" + pad(d);
  }

  // An API date (`2023`, `2023-01`, `2023-01-24`) as the fields show it.
  function showDate(date) {
    const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(date || "");
    if (!m) return "";
    return [m[3], m[2], m[1]].filter((p) => p !== undefined).join("/");
  }

  for (const [input, name] of [[els.from, "from"], [els.to, "to"]]) {
    input.addEventListener("change", () => {
      const date = parseDate(input.value);
      input.setCustomValidity(date === null ? t("badDate") : "");
      input.setAttribute("aria-invalid", String(date === null));
      if (date === null) {
        input.reportValidity();
        return;
      }
      state[name] = date;
      state.page = 1;
      searchNow(true);
    });
  }

  els.facets.addEventListener("change", (event) => {
    const input = event.target;
    if (input && input.dataset && input.dataset.facet) {
      toggleFilter(input.dataset.facet, input.dataset.value, input.checked);
    }
  });

  els.facets.addEventListener("input", (event) => {
    const input = event.target;
    if (!input || !input.dataset || !input.dataset.facetSearch) return;
    facetQueries.set(input.dataset.facetSearch, input.value);
    if (lastResponse) renderFacets(lastResponse.facets || {});
  });

  els.facets.addEventListener("click", (event) => {
    const button = event.target.closest("[data-more]");
    if (!button) return;
    const name = button.dataset.more;
    if (expanded.has(name)) expanded.delete(name);
    else expanded.add(name);
    if (lastResponse) renderFacets(lastResponse.facets || {});
  });

  els.clear.addEventListener("click", () => {
    for (const name of LIST_FILTERS) state[name] = [];
    state.from = "";
    state.to = "";
    state.page = 1;
    syncControls();
    searchNow(true);
  });

  els.prev.addEventListener("click", () => {
    if (state.page > 1) {
      state.page -= 1;
      searchNow(true);
      els.results.focus();
    }
  });

  els.next.addEventListener("click", () => {
    state.page += 1;
    searchNow(true);
    els.results.focus();
  });

  els.hits.addEventListener("click", (event) => {
    const link = event.target.closest("a.hit-link, a.hit-more, a.hit-copy");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    openedFrom = link;
    openDocument(link.dataset.id, true);
  });

  els.intro.addEventListener("click", (event) => {
    const link = event.target.closest("[data-example]");
    if (!link) return;
    event.preventDefault();
    state.q = link.dataset.example;
    state.page = 1;
    els.q.value = state.q;
    searchNow(true);
  });

  els.docBack.addEventListener("click", () => leaveDocument());
  els.docMatchNext.addEventListener("click", () => stepMatch(1));
  els.docMatchPrev.addEventListener("click", () => stepMatch(-1));
  // Links inside the document view go to their place without leaving the view; a link to
  // another document opens it as a result does.
  els.docView.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-target], a.hit-copy");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    if (link.dataset.id) {
      openedFrom = null;
      openDocument(link.dataset.id, true);
    } else {
      goTo(link.dataset.target);
    }
  });

  function leaveDocument() {
    if (els.docView.hidden) return;
    // Opened from this page: going back restores the results exactly; opened from a
    // shared link: drop the document from the URL.
    if (window.history.state && window.history.state.fromResults) {
      window.history.back();
    } else {
      closeDocument();
      saveUrl(false);
    }
  }

  // The export menu closes on Escape, on a click elsewhere and once a format is chosen.
  els.exportMenu.addEventListener("click", (event) => {
    if (event.target.closest("a[data-format]")) window.setTimeout(() => closeExport(false), 0);
  });
  document.addEventListener("click", (event) => {
    if (!els.exportMenu.contains(event.target)) closeExport(false);
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && els.exportMenu.open) {
      event.preventDefault();
      closeExport(true);
    } else if (event.key === "Escape" && !els.docView.hidden) {
      event.preventDefault();
      leaveDocument();
    } else if (event.key === "/" && document.activeElement !== els.q && !/^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)) {
      event.preventDefault();
      els.q.focus();
    }
  });

  for (const button of document.querySelectorAll("[data-ui]")) {
    button.addEventListener("click", () => {
      setLanguage(button.dataset.ui, true);
      saveUrl(false);
    });
  }

  window.addEventListener("popstate", restoreFromUrl);

  // Wide screens show the filters beside the results; narrow ones fold them away.
  const wide = window.matchMedia("(min-width: 900px)");
  const fitFilters = () => {
    // On a phone the panel stays folded (the chips show the active filters above the
    // results); its button says how many are on.
    els.filtersPanel.open = wide.matches;
  };
  wide.addEventListener("change", fitFilters);

  ui = initialLanguage();
  applyLanguage();
  state = stateFromUrl();
  syncControls();
  fitFilters();
  search();
  if (state.doc) openDocument(state.doc);
})();
