//! The gazetteer: countries and their regions, with the aliases documents use for them.
//!
//! File format (CSV with a header, UTF-8, `#` lines are comments):
//! `country,region,aliases,places`. A row with an empty `region` describes the country
//! itself. `aliases` and `places` hold `|`-separated names; `places` are cities and provinces
//! inside the region, used to infer a region from a document's `location`.
//!
//! A world gazetteer is built in ([`Gazetteer::builtin`]: every country and its first-level
//! subdivisions, from ISO 3166); a corpus folder's own file is merged over it
//! ([`Gazetteer::with_builtin`]). A name several places share (`La Libertad`: Peru and El
//! Salvador) resolves to, in this order: the place in the country the document declares; a
//! place of the folder's own file, or of a country the folder's files name; a place in Peru
//! or Chile; and, only for a document that declares no country, the first one in the built-in
//! list. Only the folder's places and those of Peru and Chile are looked for in running text
//! ([`Gazetteer::local_spellings`]): the world's regions are named by words too common
//! (`Centre`, `Norte`, `Santa Fe`) to be found in prose.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use crate::data::{open, parse_rows, split_list};
use crate::{Error, Result, fold};

/// The built-in world gazetteer, made by `scripts/build-gazetteer.py` from Debian's
/// iso-codes (see `crates/core/data/README.md`).
pub(crate) const BUILTIN: &str = include_str!("../data/world-gazetteer.csv");

/// Countries whose built-in regions rank before the rest of the world's and are looked for
/// in running text: the countries Minga's analysts work in.
pub const HOME_COUNTRIES: [&str; 2] = ["Perú", "Chile"];

/// A place the gazetteer knows: a country, or a region of a country.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    /// Canonical country name (`Perú`, `Chile`).
    pub country: String,
    /// Canonical region name (`Biobío`); `None` for a whole country.
    pub region: Option<String>,
}

/// Where a row comes from; the order is the order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    /// The corpus folder's own file.
    Folder,
    /// The built-in rows of [`HOME_COUNTRIES`].
    Home,
    /// The other built-in rows.
    World,
}

/// One row of a gazetteer file: a place and its names.
#[derive(Debug, Clone)]
struct Row {
    place: Place,
    /// The canonical name first, then the aliases.
    names: Vec<String>,
    /// Cities and provinces inside the region.
    places: Vec<String>,
    origin: Origin,
}

/// Countries and regions with their aliases; lookups ignore case, accents, spacing and the
/// words "región", "región de/del", "departamento de" and "region of".
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    rows: Vec<Row>,
    /// Countries named by the corpus folder's files: their built-in rows rank as the
    /// folder's own.
    preferred: HashSet<String>,
    /// Rows by the key of each of their names, in row order.
    names: HashMap<String, Vec<usize>>,
    /// Rows by the key of each city or province inside them, in row order.
    places: HashMap<String, Vec<usize>>,
}

impl Gazetteer {
    /// Reads a gazetteer file.
    pub fn load(path: &Path) -> Result<Gazetteer> {
        Gazetteer::from_reader(open(path)?, path)
    }

    /// Reads a gazetteer from CSV text; `path` names it in error messages.
    pub fn from_reader(reader: impl Read, path: &Path) -> Result<Gazetteer> {
        let rows = read_rows(reader, path)?
            .into_iter()
            .map(|(place, names, places)| Row {
                place,
                names,
                places,
                origin: Origin::Folder,
            })
            .collect();
        Ok(Gazetteer::of_rows(rows, HashSet::new()))
    }

    /// The built-in world gazetteer: every country (canonical name in Spanish, with its
    /// English names and ISO codes as aliases) and its first-level subdivisions.
    pub fn builtin() -> Gazetteer {
        static BUILT: OnceLock<Gazetteer> = OnceLock::new();
        BUILT
            .get_or_init(|| {
                let rows = read_rows(BUILTIN.as_bytes(), Path::new("world-gazetteer.csv"))
                    .expect("the built-in gazetteer loads: its unit test reads it")
                    .into_iter()
                    .map(|(place, names, places)| Row {
                        origin: if HOME_COUNTRIES.contains(&place.country.as_str()) {
                            Origin::Home
                        } else {
                            Origin::World
                        },
                        place,
                        names,
                        places,
                    })
                    .collect();
                Gazetteer::of_rows(rows, HashSet::new())
            })
            .clone()
    }

    /// This (a corpus folder's) gazetteer merged over the built-in one. A folder row that
    /// shares a name with a built-in row of the same country is that place: the folder's
    /// canonical name wins and the built-in names become its aliases (so a folder can add
    /// aliases to a built-in region by repeating its name). A folder country row renames
    /// the built-in country it matches, in all its regions. A country the folder's region rows
    /// write by another name (`Peru`) takes its canonical one (`Perú`).
    pub fn with_builtin(self) -> Gazetteer {
        let builtin = Gazetteer::builtin();
        let mut rows = self.rows;
        // Countries: folder country rows absorb the built-in rows they match.
        let mut country_key: HashMap<String, String> = HashMap::new();
        let mut renamed: HashMap<String, String> = HashMap::new();
        let mut absorbed = vec![false; builtin.rows.len()];
        for row in rows.iter_mut().filter(|r| r.place.region.is_none()) {
            for (i, b) in builtin.rows.iter().enumerate() {
                if b.place.region.is_none() && !absorbed[i] && shares_a_name(row, b) {
                    renamed.insert(b.place.country.clone(), row.place.country.clone());
                    absorb(row, b);
                    absorbed[i] = true;
                }
            }
            for name in &row.names {
                country_key.insert(place_key(name), row.place.country.clone());
            }
        }
        for (i, b) in builtin.rows.iter().enumerate() {
            if b.place.region.is_none() && !absorbed[i] {
                for name in &b.names {
                    country_key
                        .entry(place_key(name))
                        .or_insert_with(|| b.place.country.clone());
                }
            }
        }
        for row in rows.iter_mut().filter(|r| r.place.region.is_some()) {
            if let Some(country) = country_key.get(&place_key(&row.place.country)) {
                row.place.country.clone_from(country);
            }
        }
        // Regions: a folder row absorbs the built-in rows of its country it shares a name with.
        let mut by_key: HashMap<(String, String), usize> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            if row.place.region.is_some() {
                for name in &row.names {
                    by_key
                        .entry((row.place.country.clone(), place_key(name)))
                        .or_insert(i);
                }
            }
        }
        let preferred: HashSet<String> = rows.iter().map(|r| r.place.country.clone()).collect();
        for (i, b) in builtin.rows.iter().enumerate() {
            if absorbed[i] {
                continue;
            }
            let mut b = b.clone();
            if let Some(country) = renamed.get(&b.place.country) {
                b.place.country.clone_from(country);
            }
            let owner = b.place.region.as_ref().and_then(|_| {
                b.names
                    .iter()
                    .find_map(|n| by_key.get(&(b.place.country.clone(), place_key(n))))
            });
            match owner {
                Some(&owner) => absorb(&mut rows[owner], &b),
                None => rows.push(b),
            }
        }
        Gazetteer::of_rows(rows, preferred)
    }

    /// Ranks the built-in places of these countries (canonical names, as the corpus folder's
    /// institutions file names them) with the folder's own.
    pub fn prefer_countries<'a>(&mut self, countries: impl IntoIterator<Item = &'a str>) {
        self.preferred
            .extend(countries.into_iter().map(str::to_string));
    }

    fn of_rows(rows: Vec<Row>, preferred: HashSet<String>) -> Gazetteer {
        let mut names: HashMap<String, Vec<usize>> = HashMap::new();
        let mut places: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            for name in &row.names {
                let list = names.entry(place_key(name)).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
            }
            for name in &row.places {
                let list = places.entry(place_key(name)).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
            }
        }
        Gazetteer {
            rows,
            preferred,
            names,
            places,
        }
    }

    /// Preference of a row: 0 for the folder's rows and its countries', 1 for the built-in
    /// rows of [`HOME_COUNTRIES`], 2 for the rest of the world.
    fn rank(&self, row: &Row) -> u8 {
        if row.origin == Origin::Folder || self.preferred.contains(&row.place.country) {
            0
        } else if row.origin == Origin::Home {
            1
        } else {
            2
        }
    }

    /// Of the rows in `list`, the one a document declaring `country` means (see the module
    /// docs): one in that country, else the best-ranked local one, else (only for a document
    /// without a country) the first of the world.
    fn choose(&self, list: &[usize], country: Option<&str>) -> Option<&Place> {
        let rows = list.iter().map(|&i| &self.rows[i]);
        if let Some(country) = country
            && let Some(row) = rows.clone().find(|r| r.place.country == country)
        {
            return Some(&row.place);
        }
        let best = rows.min_by_key(|r| self.rank(r))?;
        (country.is_none() || self.rank(best) < 2).then_some(&best.place)
    }

    /// The country or region a name stands for: `Bio Bio`, `Región del Biobío` and `biobio`
    /// all give Chile/Biobío. A name several places share gives the preferred one (see the
    /// module docs).
    pub fn lookup(&self, name: &str) -> Option<&Place> {
        self.lookup_in(name, None)
    }

    /// The place a name stands for in a document that declares `country` (canonical): the
    /// place of that name in that country, else one of the folder's or of Peru and Chile;
    /// a region elsewhere in the world only when `country` is `None`.
    pub fn lookup_in(&self, name: &str, country: Option<&str>) -> Option<&Place> {
        self.choose(self.names.get(&place_key(name))?, country)
    }

    /// Every place a name stands for, preferred first.
    pub fn candidates(&self, name: &str) -> Vec<&Place> {
        let mut rows: Vec<&Row> = self
            .names
            .get(&place_key(name))
            .map(|list| list.iter().map(|&i| &self.rows[i]).collect())
            .unwrap_or_default();
        rows.sort_by_key(|r| self.rank(r));
        rows.into_iter().map(|r| &r.place).collect()
    }

    /// The region a city or province lies in (`Concepción` gives Chile/Biobío), or the region
    /// or country the name itself stands for, for a document that declares `country`.
    pub fn locate(&self, place: &str, country: Option<&str>) -> Option<&Place> {
        let key = place_key(place);
        self.places
            .get(&key)
            .and_then(|list| self.choose(list, country))
            .or_else(|| self.choose(self.names.get(&key)?, country))
    }

    /// The country a canonical region belongs to: `preferred` if it has a region of that
    /// name, else the preferred one that has.
    pub fn country_of(&self, region: &str, preferred: Option<&str>) -> Option<&str> {
        let list = self.names.get(&place_key(region))?;
        let rows: Vec<usize> = list
            .iter()
            .copied()
            .filter(|&i| self.rows[i].place.region.as_deref() == Some(region))
            .collect();
        let rows = &rows;
        let in_preferred = preferred.and_then(|c| {
            rows.iter()
                .map(|&i| &self.rows[i])
                .find(|r| r.place.country == c)
        });
        in_preferred
            .or_else(|| {
                rows.iter()
                    .map(|&i| &self.rows[i])
                    .min_by_key(|r| self.rank(r))
            })
            .map(|r| r.place.country.as_str())
    }

    /// Every region, in file order (the folder's first).
    pub fn regions(&self) -> impl Iterator<Item = &Place> {
        self.rows
            .iter()
            .filter(|r| r.place.region.is_some())
            .map(|r| &r.place)
    }

    /// Every name (canonical names, aliases, cities and provinces) of the folder's places,
    /// of Peru's and Chile's and of the countries the folder names, with the place it stands
    /// for, in file order: the names worth finding in running text.
    pub fn local_spellings(&self) -> impl Iterator<Item = (&str, &Place)> {
        self.rows.iter().filter(|r| self.rank(r) < 2).flat_map(|r| {
            r.names
                .iter()
                .chain(&r.places)
                .map(move |name| (name.as_str(), &r.place))
        })
    }
}

/// The rows of a gazetteer file: each place with its names (canonical first) and places.
type FileRow = (Place, Vec<String>, Vec<String>);

fn read_rows(reader: impl Read, path: &Path) -> Result<Vec<FileRow>> {
    let mut rows = Vec::new();
    for (line, row) in parse_rows(reader, path, &["country", "region", "aliases", "places"])? {
        let country = row[0].trim();
        if country.is_empty() {
            return Err(Error::DataFile {
                path: path.to_path_buf(),
                line,
                message: "the country column is empty".into(),
            });
        }
        let region = Some(row[1].trim()).filter(|r| !r.is_empty());
        let place = Place {
            country: country.to_string(),
            region: region.map(str::to_string),
        };
        let canonical = region.unwrap_or(country);
        let names = std::iter::once(canonical)
            .chain(split_list(&row[2]))
            .map(str::to_string)
            .collect();
        let places = split_list(&row[3]).map(str::to_string).collect();
        rows.push((place, names, places));
    }
    Ok(rows)
}

/// Whether two rows share a name (by lookup key).
fn shares_a_name(a: &Row, b: &Row) -> bool {
    let keys: HashSet<String> = a.names.iter().map(|n| place_key(n)).collect();
    b.names.iter().any(|n| keys.contains(&place_key(n)))
}

/// Adds `other`'s names and places to `row`'s, after its own.
fn absorb(row: &mut Row, other: &Row) {
    for name in &other.names {
        if !row.names.contains(name) {
            row.names.push(name.clone());
        }
    }
    for name in &other.places {
        if !row.places.contains(name) {
            row.places.push(name.clone());
        }
    }
}

/// Parts of the world larger than a country, as catalogues name what a work covers
/// (`dc.coverage.spatial`: `AMERICA LATINA Y EL CARIBE`, `Central America`): the continents
/// and the groupings of the United Nations' M49 standard that Latin American catalogues use,
/// in Spanish, English and Portuguese, compared as [`place_key`]s.
const WORLD_AREAS: &[&str] = &[
    "Mundo",
    "World",
    "América",
    "Américas",
    "Las Américas",
    "Americas",
    "América Latina y el Caribe",
    "Latinoamérica y el Caribe",
    "Latin America and the Caribbean",
    "América Latina e o Caribe",
    "América Latina",
    "Latinoamérica",
    "Latin America",
    "Iberoamérica",
    "Ibero-America",
    "Caribe",
    "El Caribe",
    "Caribbean",
    "América Central",
    "Centroamérica",
    "Central America",
    "Mesoamérica",
    "Mesoamerica",
    "América del Sur",
    "Sudamérica",
    "Suramérica",
    "South America",
    "América do Sul",
    "América del Norte",
    "Norteamérica",
    "North America",
    "Northern America",
    "Cono Sur",
    "Southern Cone",
    "Región Andina",
    "Países Andinos",
    "Andean Region",
    "Andean Countries",
    "Amazonía",
    "Amazon Region",
    "Europa",
    "Europe",
    "Unión Europea",
    "European Union",
    "Asia",
    "Asia y el Pacífico",
    "Asia and the Pacific",
    "Asia-Pacific",
    "África",
    "Africa",
    "África Subsahariana",
    "Sub-Saharan Africa",
    "Oriente Medio",
    "Medio Oriente",
    "Middle East",
    "Oceanía",
    "Oceania",
    "Países en desarrollo",
    "Developing Countries",
];

/// Whether a name stands for a part of the world larger than a country (a continent, Latin
/// America, the Caribbean): what a work covers, though no country or region of one.
pub fn is_world_area(name: &str) -> bool {
    static KEYS: OnceLock<HashSet<String>> = OnceLock::new();
    let key = place_key(name);
    !key.is_empty()
        && KEYS
            .get_or_init(|| WORLD_AREAS.iter().map(|a| place_key(a)).collect())
            .contains(&key)
}

/// Lookup key of a place name: folded, generic words at the edges dropped, letters and
/// digits only.
fn place_key(name: &str) -> String {
    const LEADING: &[&str] = &[
        "region",
        "departamento",
        "provincia",
        "de",
        "del",
        "of",
        "the",
    ];
    let folded = fold(name);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut slice = &words[..];
    while slice.len() > 1 && LEADING.contains(&slice[0]) {
        slice = &slice[1..];
    }
    while slice.len() > 1 && slice[slice.len() - 1] == "region" {
        slice = &slice[..slice.len() - 1];
    }
    slice.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Gazetteer {
        let csv = "country,region,aliases,places\n\
                   Chile,,CL|República de Chile,\n\
                   Chile,Biobío,Bio Bio|VIII Región,Concepción|Talcahuano\n\
                   Perú,,Peru|PE,\n\
                   Perú,San Martín,,Tarapoto|Moyobamba\n";
        Gazetteer::from_reader(csv.as_bytes(), Path::new("gazetteer.csv")).unwrap()
    }

    #[test]
    fn aliases_and_spellings_meet() {
        let g = sample();
        for name in [
            "Biobío",
            "biobio",
            "Bio Bio",
            "Región del Biobío",
            "BIOBIO region",
        ] {
            let place = g.lookup(name).unwrap_or_else(|| panic!("{name} not found"));
            assert_eq!(place.region.as_deref(), Some("Biobío"), "{name}");
            assert_eq!(place.country, "Chile");
        }
        assert_eq!(g.lookup("Peru").unwrap().region, None);
        assert_eq!(g.lookup("san martin").unwrap().country, "Perú");
        assert!(g.lookup("Atlantis").is_none());
    }

    #[test]
    fn cities_locate_their_region() {
        let g = sample();
        assert_eq!(
            g.locate("Concepción", None).unwrap().region.as_deref(),
            Some("Biobío")
        );
        assert_eq!(
            g.locate("Tarapoto", None).unwrap().region.as_deref(),
            Some("San Martín")
        );
        assert_eq!(g.country_of("Biobío", None), Some("Chile"));
        assert_eq!(g.regions().count(), 2);
    }

    #[test]
    fn a_row_without_country_names_its_line() {
        let csv = "country,region,aliases,places\nChile,Biobío,,\n,Ñuble,,\n";
        let err = Gazetteer::from_reader(csv.as_bytes(), Path::new("g.csv")).unwrap_err();
        assert_eq!(err.to_string(), "g.csv:3: the country column is empty");
    }

    #[test]
    fn every_builtin_row_loads_with_the_sample_canonical_names() {
        let rows = read_rows(BUILTIN.as_bytes(), Path::new("world-gazetteer.csv")).unwrap();
        assert!(rows.len() > 3000, "{} rows", rows.len());
        let g = Gazetteer::builtin();
        let regions = |country: &str| -> Vec<String> {
            g.regions()
                .filter(|p| p.country == country)
                .filter_map(|p| p.region.clone())
                .collect()
        };
        let peru = regions("Perú");
        assert_eq!(peru.len(), 26, "{peru:?}");
        for name in [
            "Áncash",
            "Apurímac",
            "Callao",
            "Cusco",
            "La Libertad",
            "Lima",
            "Lima Metropolitana",
            "Puno",
            "San Martín",
        ] {
            assert!(peru.iter().any(|r| r == name), "{name} not in {peru:?}");
        }
        let chile = regions("Chile");
        assert_eq!(chile.len(), 16, "{chile:?}");
        for name in [
            "Biobío",
            "Coquimbo",
            "Metropolitana de Santiago",
            "Libertador General Bernardo O'Higgins",
            "Aysén",
            "Ñuble",
        ] {
            assert!(chile.iter().any(|r| r == name), "{name} not in {chile:?}");
        }
    }

    #[test]
    fn builtin_names_in_spanish_and_english() {
        let g = Gazetteer::builtin();
        let place = |name: &str| {
            let p = g.lookup(name).unwrap_or_else(|| panic!("{name} not found"));
            (p.country.as_str(), p.region.as_deref())
        };
        assert_eq!(place("Peru"), ("Perú", None));
        assert_eq!(place("PER"), ("Perú", None));
        assert_eq!(place("Republic of Chile"), ("Chile", None));
        assert_eq!(place("Spain"), ("España", None));
        assert_eq!(place("Germany"), ("Alemania", None));
        assert_eq!(place("Región del Biobío"), ("Chile", Some("Biobío")));
        assert_eq!(place("Puno"), ("Perú", Some("Puno")));
        assert_eq!(place("El Callao"), ("Perú", Some("Callao")));
        assert_eq!(
            place("Lima hatun llaqta"),
            ("Perú", Some("Lima Metropolitana"))
        );
        assert_eq!(
            place("Columbia Británica"),
            ("Canadá", Some("British Columbia"))
        );
    }

    #[test]
    fn a_shared_name_prefers_the_declared_country_then_peru_and_chile() {
        let g = Gazetteer::builtin();
        let country = |name: &str, declared: Option<&str>| {
            g.lookup_in(name, declared).map(|p| p.country.clone())
        };
        assert_eq!(country("La Libertad", None).as_deref(), Some("Perú"));
        assert_eq!(
            country("La Libertad", Some("El Salvador")).as_deref(),
            Some("El Salvador")
        );
        assert_eq!(
            country("Amazonas", Some("Colombia")).as_deref(),
            Some("Colombia")
        );
        assert_eq!(country("Amazonas", None).as_deref(), Some("Perú"));
        // A region of elsewhere in the world, for a document that says it is about Peru, is
        // more likely a word than that place.
        assert_eq!(country("Santa Fe", Some("Perú")), None);
        assert_eq!(country("Santa Fe", None).as_deref(), Some("Argentina"));
        assert_eq!(
            g.country_of("La Libertad", Some("El Salvador")),
            Some("El Salvador")
        );
        assert_eq!(g.country_of("La Libertad", None), Some("Perú"));
    }

    #[test]
    fn a_folder_renames_extends_and_outranks_builtin_places() {
        let csv = "country,region,aliases,places\n\
                   Peru,Cusco,Qusqu Suyu,Sicuani\n\
                   Bolivia,,BO,\n\
                   Bolivia,La Libertad,,\n\
                   Chile,Región del Biobío,,\n";
        let g = Gazetteer::from_reader(csv.as_bytes(), Path::new("g.csv"))
            .unwrap()
            .with_builtin();
        // The folder writes Peru's name another way: its rows join the built-in country.
        let cusco = g.lookup("Qusqu Suyu").unwrap();
        assert_eq!(
            (cusco.country.as_str(), cusco.region.as_deref()),
            ("Perú", Some("Cusco"))
        );
        assert_eq!(g.lookup("Cuzco"), Some(cusco));
        assert_eq!(g.locate("Sicuani", None), Some(cusco));
        // The folder's canonical name wins; the built-in names are its aliases.
        let biobio = g.lookup("Biobío").unwrap();
        assert_eq!(biobio.region.as_deref(), Some("Región del Biobío"));
        assert_eq!(g.regions().filter(|p| p.country == "Chile").count(), 16);
        // The folder's place outranks the built-in ones of the same name.
        assert_eq!(g.lookup("La Libertad").unwrap().country, "Bolivia");
        assert_eq!(
            g.lookup_in("La Libertad", Some("Perú")).unwrap().country,
            "Perú"
        );
        // Bolivia is the folder's: its built-in regions rank with the folder's.
        assert_eq!(
            g.lookup_in("Santa Cruz", Some("Perú")).unwrap().country,
            "Bolivia"
        );
    }

    #[test]
    fn only_local_places_are_spelled_for_running_text() {
        let g = Gazetteer::builtin();
        let countries: HashSet<&str> = g
            .local_spellings()
            .map(|(_, p)| p.country.as_str())
            .collect();
        assert_eq!(countries, HashSet::from(["Perú", "Chile"]));
    }
}
