#!/usr/bin/env bash
# Makes the sample corpus's PDF and DOCX reports from two of its own Markdown reports:
#
#   corpus/informes/documentos/sintesis/informe-sintesis-pasantia-chile-2023.pdf
#   corpus/informes/documentos/gobernanza/nota-comparativa-gobernanza-chile-peru.docx
#
# each beside a `_meta.yaml` sidecar. The YAML front matter of the source is not part of the
# body: title, authors, date and topics become the file's own properties (PDF Info Title,
# Author, Subject, Keywords, CreationDate; DOCX core properties dc:title, dc:creator,
# dc:subject, cp:keywords, dcterms:created, dc:language). What those properties cannot say
# (kind, language for the PDF, country, regions, institutions, event) goes into the sidecar
# of the document's folder, copied from the same front matter.
#
# Each document ends with a short "Nota sobre esta edición" (on a page of its own in the
# PDF) that says where it comes from; its wording exists nowhere else in the corpus, so the
# tests (tests/end_to_end/ingest.rs) can find each document by a phrase of its own.
#
# Tools (Debian): pandoc (Markdown → DOCX and → HTML) and weasyprint (HTML → PDF, A4, real
# text with embedded DejaVu fonts, page numbers in the footer). Run with --install to
# apt-get them when missing.
#
# Output is deterministic for a given pandoc and WeasyPrint: dates come from the reports
# (SOURCE_DATE_EPOCH), not from the clock. Other versions may paginate differently: after
# regenerating, check the page numbers that tests/end_to_end/ingest.rs expects.
#
# Usage: scripts/make-sample-documents.sh [--install]

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
informes="$root/corpus/informes"
out="$informes/documentos"

if [[ "${1:-}" == "--install" ]]; then
    missing=()
    command -v pandoc >/dev/null || missing+=(pandoc)
    command -v weasyprint >/dev/null || missing+=(weasyprint)
    if ((${#missing[@]})); then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    fi
fi
for tool in pandoc weasyprint; do
    if ! command -v "$tool" >/dev/null; then
        echo "error: $tool is missing: apt-get install -y pandoc weasyprint (or run with --install)" >&2
        exit 1
    fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --- The pandoc filter: document properties from the front matter, and the edition note. ---
cat >"$work/edition.lua" <<'LUA'
-- Only what the output format can hold as its own properties is kept from the front matter:
-- title, date, lang, `authors` as `author`, `topics` as `keywords`, the first topic as the
-- subject. Everything else (regions, institutions…) goes to the sidecar, not into the file.
local keep = { title = true, date = true, lang = true }

function Meta(m)
  local out = {}
  for key, value in pairs(m) do
    if keep[key] then out[key] = value end
  end
  out.author = m.authors
  out.keywords = m.topics
  if m.topics and #m.topics > 0 then out.subject = m.topics[1] end
  return out
end

-- The body's own `# Title` is dropped (the title page shows the title from the properties),
-- and the edition note, its text given by the script, is appended.
function Pandoc(doc)
  local blocks = {}
  local dropped = false
  for _, block in ipairs(doc.blocks) do
    if not dropped and block.t == 'Header' and block.level == 1 then
      dropped = true
    else
      table.insert(blocks, block)
    end
  end
  local note = pandoc.read(os.getenv('EDITION_NOTE'), 'markdown').blocks
  table.insert(note, 1, pandoc.Header(2, 'Nota sobre esta edición'))
  if FORMAT == 'docx' then
    -- A title page of its own, as Word reports have.
    table.insert(blocks, 1, pandoc.RawBlock('openxml',
      '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'))
    for _, block in ipairs(note) do table.insert(blocks, block) end
  else
    table.insert(blocks, pandoc.Div(note, pandoc.Attr('', { 'edicion' })))
  end
  doc.blocks = blocks
  return doc
end
LUA

# --- The HTML page WeasyPrint prints: its <meta> tags become the PDF's Info dictionary. ---
cat >"$work/report.html" <<'HTML'
<!DOCTYPE html>
<html lang="$lang$">
<head>
<meta charset="utf-8">
<title>$title$</title>
$for(author)$
<meta name="author" content="$author$">
$endfor$
<meta name="description" content="$subject$">
<meta name="keywords" content="$for(keywords)$$keywords$$sep$, $endfor$">
<meta name="dcterms.created" content="$date$T12:00:00Z">
<meta name="dcterms.modified" content="$date$T12:00:00Z">
<meta name="generator" content="Minga scripts/make-sample-documents.sh">
<style>
@page { size: A4; margin: 2.5cm 2.2cm 2.2cm;
        @bottom-center { content: counter(page); font: 9pt "DejaVu Sans", sans-serif; } }
@page :first { @bottom-center { content: none; } }
body { font: 10.5pt/1.4 "DejaVu Serif", serif; }
h1, h2, h3 { font-family: "DejaVu Sans", sans-serif; break-after: avoid; }
h2 { font-size: 14pt; margin-top: 1.4em; }
h3 { font-size: 11.5pt; }
.portada { break-after: page; padding-top: 7cm; }
.portada h1 { font-size: 20pt; }
.edicion { break-before: page; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 0.5pt solid #999; padding: 3pt 5pt; vertical-align: top; }
</style>
</head>
<body>
<section class="portada">
<h1>$title$</h1>
<p>$for(author)$$author$$sep$; $endfor$</p>
<p>$date$</p>
</section>
$body$
</body>
</html>
HTML

# --- The sidecar: what the file's own properties cannot carry. ---
cat >"$work/sidecar.yaml" <<'YAML'
# Generated by scripts/make-sample-documents.sh from informes/$source$:
# the front matter's metadata that the $format$ file's own properties cannot carry.
edition_of: "$original$"
kind: $kind$
lang: $lang$
country: "$country$"
event: "$event$"
regions:
$for(regions)$
  - "$regions$"
$endfor$
institutions:
$for(institutions)$
  - "$institutions$"
$endfor$
YAML

# The date of a report's front matter, as seconds since the epoch (noon UTC).
report_epoch() {
    local date
    date="$(sed -n '2,/^---$/s/^date: *//p' "$1" | head -n 1)"
    date -u -d "$date 12:00:00" +%s
}

# generate SOURCE FORMAT FOLDER NOTE: writes FOLDER/SOURCE-stem.FORMAT and FOLDER/_meta.yaml.
generate() {
    local source="$1" format="$2" folder="$3" note="$4"
    local input="$informes/$source"
    local stem="${source%.md}"
    local target="$out/$folder/$stem.$format"
    mkdir -p "$out/$folder"
    export SOURCE_DATE_EPOCH
    SOURCE_DATE_EPOCH="$(report_epoch "$input")"
    export EDITION_NOTE="$note"
    case "$format" in
    docx)
        pandoc "$input" --from markdown --lua-filter "$work/edition.lua" --wrap=none \
            --to docx --output "$target"
        ;;
    pdf)
        pandoc "$input" --from markdown --lua-filter "$work/edition.lua" --wrap=none \
            --to html5 --template "$work/report.html" --output "$work/$stem.html"
        weasyprint --quiet "$work/$stem.html" "$target"
        ;;
    esac
    # The original's id: declared in its front matter, or made from its path (see `minga show`).
    local original
    original="$(sed -n '2,/^---$/s/^id: *//p' "$input" | head -n 1)"
    original="${original:-informes.$stem}"
    pandoc "$input" --from markdown --to plain --wrap=none --template "$work/sidecar.yaml" \
        --variable source="$source" --variable format="${format^^}" --variable original="$original" \
        --output "$out/$folder/_meta.yaml"
    printf '%s  %s bytes\n' "${target#"$root"/}" "$(wc -c <"$target")"
}

generate informe-sintesis-pasantia-chile-2023.md pdf sintesis \
    "Esta versión en PDF del informe de síntesis se generó a partir de su original en Markdown \
(\`informes/informe-sintesis-pasantia-chile-2023.md\`) con el guion \
\`scripts/make-sample-documents.sh\`, para que el corpus de muestra incluya los informes en los \
formatos en que las agencias suelen recibirlos. El texto es el mismo; la paginación es propia \
de esta edición impresa, de modo que una cita a este archivo indica la página."

generate nota-comparativa-gobernanza-chile-peru.md docx gobernanza \
    "Esta versión en Word de la nota comparativa se generó a partir de su original en Markdown \
(\`informes/nota-comparativa-gobernanza-chile-peru.md\`) con el guion \
\`scripts/make-sample-documents.sh\`. El texto es el mismo; los títulos de sección se \
conservan como estilos de encabezado del documento, que el lector de Minga usa como secciones."
