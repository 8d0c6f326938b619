#!/usr/bin/env bash
# Fuzzes the query parser and every reader with cargo fuzz (libFuzzer), each for a bounded
# time, and fails if any target crashes, hangs or runs out of memory.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    # default 60 s, every target
#
# Targets (fuzz/fuzz_targets/): query_parse, read_markdown, read_json, read_jsonl,
# read_csv, read_text, read_html, read_pdf, read_docx.
#
# cargo fuzz needs a nightly compiler for its flags; where there is none, the stable one is
# used with RUSTC_BOOTSTRAP=1. No sanitizer by default (the code is safe Rust; panics,
# stack overflows, hangs and memory blow-ups are what it looks for, and uninstrumented runs
# are several times faster): MINGA_FUZZ_SANITIZER=address turns AddressSanitizer on (the
# stable standard library ships its runtime). Builds and corpora go to target/fuzz/;
# crashes to target/fuzz/artifacts/TARGET/. A crash is fixed and its input
# kept under fuzz/regressions/TARGET/, which `cargo test --test end_to_end fuzz_regressions::` replays.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
all=(query_parse read_markdown read_json read_jsonl read_csv read_text read_html read_pdf read_docx)
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=("${all[@]}")
sanitizer="${MINGA_FUZZ_SANITIZER:-none}"
work="target/fuzz"

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
toolchain=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
else
  export RUSTC_BOOTSTRAP=1
fi

# Seeds: the shipped corpus and the test fixtures by extension, small made-up files, and
# every regression input.
seed() {
  local target="$1" dir="$work/corpus/$1" ext
  mkdir -p "$dir"
  [ -z "$(ls -A "$dir")" ] || return 0
  case "$target" in
    query_parse)
      local i=0
      while IFS= read -r q; do printf '%s' "$q" >"$dir/q$i"; i=$((i + 1)); done <<'EOF'
gobernanza regional
"agencia regional" -minería +financiamiento
cusco OR piura (café OR cacao) exportación
region:biobio institution:CRDP kind:lesson lang:en topic:gobernanza
year:2022..2023 date:2023-01-01..2023-03-31 date:..2023-06
región:"Perú/Cusco" -tipo:lesson ((a OR b) c)
EOF
      ;;
    read_*)
      local ext
      case "$target" in
        read_markdown) ext=md ;; read_json) ext=json ;; read_jsonl) ext=jsonl ;;
        read_csv) ext=csv ;; read_text) ext=txt ;; read_html) ext=html ;;
        read_pdf) ext=pdf ;; read_docx) ext=docx ;;
      esac
      find corpus tests/fixtures -type f -name "*.$ext" ! -name '_*' -size -64k \
        -exec cp -t "$dir" {} + 2>/dev/null || true
      case "$ext" in
        html) printf '<html lang="es"><head><title>T</title><meta name="region" content="Cusco"></head><body><nav>x</nav><h1>Uno</h1><p>texto <b>uno</b></p><h2>Lecciones aprendidas</h2><ul><li>Lección: algo</li></ul><script>x()</script></body></html>' >"$dir/seed.html" ;;
        txt) printf 'Título\n\nPárrafo uno con texto.\n\nLecciones aprendidas\n\nLección: compartir datos.\n' >"$dir/seed.txt" ;;
        csv) printf 'id;título;región;texto\na;Uno;Cusco;texto uno\nb;Dos;Biobío;"texto; dos"\n' >"$dir/seed.csv" ;;
        pdf) python3 - "$dir/seed.pdf" <<'EOF'
import sys, zlib
content = zlib.compress(b"BT /F1 12 Tf 72 712 Td (Informe de la agencia regional) Tj ET")
objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (Informe) /Author (Ana) /CreationDate (D:20230124) >>"]
out, offs = b"%PDF-1.4\n", []
for i, o in enumerate(objs):
    offs.append(len(out)); out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
x = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offs)
out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
open(sys.argv[1], "wb").write(out)
EOF
          ;;
      esac
      ;;
  esac
  if [ -d "fuzz/regressions/$target" ]; then cp fuzz/regressions/"$target"/* "$dir"/ 2>/dev/null || true; fi
}

failed=()
for target in "${targets[@]}"; do
  seed "$target"
  max_len=65536
  [ "$target" = query_parse ] && max_len=8192
  mkdir -p "$work/artifacts/$target"
  echo "==> $target: ${seconds}s (sanitizer: $sanitizer)" >&2
  if ! cargo "${toolchain[@]}" fuzz run --fuzz-dir fuzz --target-dir "$work" -s "$sanitizer" \
      "$target" "$work/corpus/$target" -- \
      -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -timeout=20 \
      -artifact_prefix="$work/artifacts/$target/" -print_final_stats=1 2>"$work/$target.log"; then
    failed+=("$target")
    echo "    FAILED: see $work/$target.log and $work/artifacts/$target/" >&2
    grep -E "^(==[0-9]+==|thread '|SUMMARY|Test unit written)" "$work/$target.log" | head -20 >&2 || true
  fi
  grep -E "^stat::(number_of_executed_units|peak_rss_mb)|cov: .* corp:" "$work/$target.log" | tail -3 >&2 || true
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "crashes in: ${failed[*]}" >&2
  exit 1
fi
echo "no crash in ${#targets[@]} targets, ${seconds}s each" >&2
