#!/usr/bin/env python3
"""Build Minga's built-in world gazetteer (crates/core/data/world-gazetteer.csv).

Source: Debian's iso-codes package (ISO 3166-1 countries and ISO 3166-2
subdivisions, with the Spanish names of its gettext catalogues):

    /usr/share/iso-codes/json/iso_3166-1.json
    /usr/share/iso-codes/json/iso_3166-2.json
    /usr/share/locale/es/LC_MESSAGES/iso_3166-1.mo
    /usr/share/locale/es/LC_MESSAGES/iso_3166-2.mo

Output, in the format of a corpus folder's _gazetteer.csv
(`country,region,aliases,places`), after a few `#` comment lines naming the
source and its version:

* one row per country: its common Spanish name as the canonical name (`Perú`),
  its English, official and common names, alpha-2 and alpha-3 codes and
  accent-less spelling as aliases;
* one row per first-level subdivision (ISO 3166-2 entries without a parent):
  its ISO name, with the Spanish name where the catalogue has one as an alias.

Peru and Chile come first. Their regions take the names analysts write (and the
sample corpus's corpus/_gazetteer.csv uses: `Biobío`, `Áncash`, `Callao`,
`Lima Metropolitana`), ISO's name kept as an alias; the script checks them
against the sample gazetteer when it is there. Every other country follows in
Spanish alphabetical order.

Usage: scripts/build-gazetteer.py [--check]   (--check: fail if the committed
file differs from what the script builds). Python 3.11 standard library only;
`apt-get install iso-codes` provides the data.
"""

import csv
import gettext
import io
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "crates/core/data/world-gazetteer.csv"
SAMPLE = ROOT / "corpus/_gazetteer.csv"
ISO_JSON = Path("/usr/share/iso-codes/json")
LOCALE = Path("/usr/share/locale/es/LC_MESSAGES")

# Spanish names the catalogue lacks or gets wrong (untranslated, misspelt, or
# given in the "Name, Republic of" form): the name Spanish writers use.
COUNTRY_NAMES = {
    "BO": "Bolivia",
    "CD": "República Democrática del Congo",
    "CI": "Costa de Marfil",
    "DZ": "Argelia",
    "FM": "Micronesia",
    "IR": "Irán",
    "KP": "Corea del Norte",
    "KR": "Corea del Sur",
    "LA": "Laos",
    "MD": "Moldavia",
    "NE": "Níger",
    "PS": "Palestina",
    "SR": "Surinam",
    "SX": "San Martín (parte neerlandesa)",
    "SY": "Siria",
    "TN": "Túnez",
    "TR": "Turquía",
    "TW": "Taiwán",
    "TZ": "Tanzania",
    "VA": "Ciudad del Vaticano",
    "VE": "Venezuela",
    "VG": "Islas Vírgenes Británicas",
    "VI": "Islas Vírgenes de los Estados Unidos",
    "VN": "Vietnam",
}

# Peru's and Chile's regions: the name analysts write (canonical), then other
# names in use beside ISO's own. Keyed by ISO 3166-2 code.
HOME_REGIONS = {
    "PE-AMA": ("Amazonas", ["Departamento de Amazonas"]),
    "PE-ANC": ("Áncash", ["Ancash"]),
    "PE-APU": ("Apurímac", ["Apurimac"]),
    "PE-ARE": ("Arequipa", []),
    "PE-AYA": ("Ayacucho", []),
    "PE-CAJ": ("Cajamarca", []),
    "PE-CAL": ("Callao", ["Provincia Constitucional del Callao"]),
    "PE-CUS": ("Cusco", ["Cuzco", "Qosqo"]),
    "PE-HUC": ("Huánuco", ["Huanuco"]),
    "PE-HUV": ("Huancavelica", []),
    "PE-ICA": ("Ica", []),
    "PE-JUN": ("Junín", ["Junin"]),
    "PE-LAL": ("La Libertad", []),
    "PE-LAM": ("Lambayeque", []),
    "PE-LIM": ("Lima", ["Lima Provincias", "Departamento de Lima"]),
    "PE-LMA": ("Lima Metropolitana", ["Municipalidad Metropolitana de Lima", "Metropolitan Lima"]),
    "PE-LOR": ("Loreto", []),
    "PE-MDD": ("Madre de Dios", []),
    "PE-MOQ": ("Moquegua", []),
    "PE-PAS": ("Pasco", []),
    "PE-PIU": ("Piura", []),
    "PE-PUN": ("Puno", []),
    "PE-SAM": ("San Martín", ["San Martin"]),
    "PE-TAC": ("Tacna", []),
    "PE-TUM": ("Tumbes", []),
    "PE-UCA": ("Ucayali", []),
    "CL-AI": ("Aysén", ["Aysén del General Carlos Ibáñez del Campo", "Aisén", "XI Región"]),
    "CL-AN": ("Antofagasta", ["II Región"]),
    "CL-AP": ("Arica y Parinacota", ["Arica and Parinacota", "XV Región"]),
    "CL-AR": ("La Araucanía", ["Araucanía", "IX Región"]),
    "CL-AT": ("Atacama", ["III Región"]),
    "CL-BI": ("Biobío", ["Región del Biobío", "Bío Bío", "Bío-Bío", "VIII Región"]),
    "CL-CO": ("Coquimbo", ["IV Región"]),
    "CL-LI": ("Libertador General Bernardo O'Higgins", ["O'Higgins", "Región de O'Higgins", "VI Región"]),
    "CL-LL": ("Los Lagos", ["X Región"]),
    "CL-LR": ("Los Ríos", ["XIV Región"]),
    "CL-MA": ("Magallanes", ["Magallanes y de la Antártica Chilena", "XII Región"]),
    "CL-ML": ("Maule", ["VII Región"]),
    "CL-NB": ("Ñuble", ["XVI Región"]),
    "CL-RM": ("Metropolitana de Santiago", ["Región Metropolitana", "Santiago Metropolitan Region"]),
    "CL-TA": ("Tarapacá", ["I Región"]),
    "CL-VS": ("Valparaíso", ["V Región"]),
}
HOME = ["PE", "CL"]


def catalogue(name):
    with open(LOCALE / name, "rb") as f:
        return gettext.GNUTranslations(f)


def plain(text):
    """The spelling without accents (`Perú` -> `Peru`)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def reordered(name):
    """ISO's inverted names read straight: `Madrid, Comunidad de` -> `Comunidad de Madrid`,
    `Tatarstan, Respublika` -> `Respublika Tatarstan`; lists (`San Andrés, Providencia y
    Santa Catalina`) stay as they are. A trailing parenthesis is dropped (`Sofia (stolitsa)`)."""
    if name.endswith(")") and " (" in name:
        name = name[: name.rindex(" (")]
    if name.count(", ") == 1:
        head, tail = name.split(", ")
        if not any(f" {w} " in f" {tail} " for w in ("y", "and", "et", "e", "i")):
            return f"{tail} {head}"
    return name


def unique(names, canonical):
    seen = {canonical}
    out = []
    for n in names:
        n = n.strip()
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return out


def sort_key(text):
    return plain(text).casefold()


def sample_regions():
    """The sample gazetteer's (country, region) canonical names, if it is there."""
    if not SAMPLE.is_file():
        return None
    with open(SAMPLE, encoding="utf-8") as f:
        return {(r["country"], r["region"]) for r in csv.DictReader(f) if r["region"].strip()}


def iso_codes_version():
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "iso-codes"], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def build():
    countries = json.loads((ISO_JSON / "iso_3166-1.json").read_text(encoding="utf-8"))["3166-1"]
    subdivisions = json.loads((ISO_JSON / "iso_3166-2.json").read_text(encoding="utf-8"))["3166-2"]
    es1 = catalogue("iso_3166-1.mo")
    es2 = catalogue("iso_3166-2.mo")

    rows = {}  # alpha-2 -> (country row, [region rows])
    canonical_of = {}
    for c in countries:
        code = c["alpha_2"]
        english = [c["name"], c.get("common_name", ""), c.get("official_name", "")]
        spanish = [es1.gettext(n) for n in english if n]
        canonical = COUNTRY_NAMES.get(code)
        if canonical is None:
            common = c.get("common_name")
            canonical = es1.gettext(common) if common else es1.gettext(c["name"])
            canonical = reordered(canonical)
        aliases = [c.get("common_name", ""), c["name"], reordered(c["name"])]
        aliases += [s for s in spanish] + [reordered(s) for s in spanish]
        aliases += [c.get("official_name", ""), code, c["alpha_3"], plain(canonical)]
        aliases = unique(aliases, canonical)
        canonical_of[code] = canonical
        rows[code] = ([canonical, "", "|".join(aliases), ""], [])

    for s in subdivisions:
        if "parent" in s:
            continue
        code = s["code"]
        country = code.split("-")[0]
        iso = s["name"]
        spanish = es2.gettext(iso)
        if code in HOME_REGIONS:
            canonical, extra = HOME_REGIONS[code]
            aliases = unique([iso, spanish, plain(canonical)] + extra, canonical)
        else:
            canonical = reordered(iso)
            aliases = unique([iso, spanish, reordered(spanish)], canonical)
        rows[country][1].append([canonical_of[country], canonical, "|".join(aliases), ""])

    missing = set(HOME_REGIONS) - {s["code"] for s in subdivisions}
    if missing:
        sys.exit(f"ISO 3166-2 no longer has {sorted(missing)}: update HOME_REGIONS")

    sample = sample_regions()
    if sample is not None:
        ours = {(r[0], r[1]) for code in HOME for r in rows[code][1]}
        theirs = {p for p in sample if p[0] in ("Perú", "Chile")}
        if ours != theirs:
            sys.exit(
                "Peru's and Chile's regions differ from corpus/_gazetteer.csv:\n"
                f"  only here: {sorted(ours - theirs)}\n  only there: {sorted(theirs - ours)}"
            )

    order = HOME + sorted((c for c in rows if c not in HOME), key=lambda c: sort_key(canonical_of[c]))
    out = io.StringIO()
    out.write(
        "# Minga's built-in world gazetteer, made by scripts/build-gazetteer.py from Debian's\n"
        f"# iso-codes {iso_codes_version()} (ISO 3166-1 and the first level of ISO 3166-2, Spanish names\n"
        "# from its es catalogues). Do not edit: change the script and run it again.\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["country", "region", "aliases", "places"])
    for code in order:
        country_row, regions = rows[code]
        writer.writerow(country_row)
        for region in sorted(regions, key=lambda r: sort_key(r[1])) if code not in HOME else regions:
            writer.writerow(region)
    return out.getvalue()


def main():
    text = build()
    if sys.argv[1:] == ["--check"]:
        if OUTPUT.read_text(encoding="utf-8") != text:
            sys.exit(f"{OUTPUT.relative_to(ROOT)} is out of date: run scripts/build-gazetteer.py")
        return
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
