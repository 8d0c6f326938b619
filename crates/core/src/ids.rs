//! Document ids kept in bounded-size form, for bookkeeping that grows with a corpus: a JSON
//! Lines export of millions of records must not cost a `String` (and a hash-table slot holding
//! one) per record while it is indexed.

use std::fmt;

use serde::de::{SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A 128-bit digest of a document id, to key tables by: two ids of a corpus sharing one is as
/// unlikely as a BLAKE3 collision (below 10⁻²⁰ for a billion ids). Two words rather than a
/// `u128`, so that a table entry of a digest and a `u32` takes 24 bytes, not 32.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdDigest([u64; 2]);

/// The digest of a document id.
pub fn id_digest(id: &str) -> IdDigest {
    let hash = blake3::hash(id.as_bytes());
    let word = |i: usize| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&hash.as_bytes()[i * 8..i * 8 + 8]);
        u64::from_le_bytes(bytes)
    };
    IdDigest([word(0), word(1)])
}

/// A list of document ids held in one buffer: an id costs its bytes and 4 more, where a
/// `Vec<String>` spends 24 more and an allocation. It reads and writes as a JSON array of
/// strings.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Ids {
    text: String,
    /// Where each id ends in `text`.
    ends: Vec<u32>,
}

impl Ids {
    pub fn new() -> Ids {
        Ids::default()
    }

    /// Adds an id at the end.
    ///
    /// # Panics
    /// When the ids would take more than 4 GiB together.
    pub fn push(&mut self, id: &str) {
        self.text.push_str(id);
        let end = u32::try_from(self.text.len()).expect("a file's ids take less than 4 GiB");
        self.ends.push(end);
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The ids, in the order they were added.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let id = &self.text[start..end as usize];
            start = end as usize;
            id
        })
    }

    pub fn contains(&self, id: &str) -> bool {
        self.iter().any(|i| i == id)
    }

    /// The ids as strings of their own.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }
}

impl fmt::Debug for Ids {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Ids {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Ids {
        let mut ids = Ids::new();
        for id in iter {
            ids.push(id.as_ref());
        }
        ids
    }
}

impl<'a> IntoIterator for &'a Ids {
    type Item = &'a str;
    type IntoIter = Box<dyn ExactSizeIterator<Item = &'a str> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl From<Vec<String>> for Ids {
    fn from(ids: Vec<String>) -> Ids {
        ids.into_iter().collect()
    }
}

impl Serialize for Ids {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for id in self.iter() {
            seq.serialize_element(id)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Ids {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Ids, D::Error> {
        struct IdsVisitor;

        impl<'de> Visitor<'de> for IdsVisitor {
            type Value = Ids;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of document ids")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ids, A::Error> {
                let mut ids = Ids::new();
                // An id with an escape is read into a `String`; the rest are borrowed.
                while let Some(id) = seq.next_element::<std::borrow::Cow<'de, str>>()? {
                    ids.push(&id);
                }
                Ok(ids)
            }
        }

        deserializer.deserialize_seq(IdsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_and_write_as_a_list_of_strings() {
        let ids: Ids = ["exp-1", "", "línea \"2\"", "exp-1"].into_iter().collect();
        assert_eq!(ids.len(), 4);
        assert_eq!(
            ids.iter().collect::<Vec<_>>(),
            ["exp-1", "", "línea \"2\"", "exp-1"]
        );
        let json = serde_json::to_string(&ids).unwrap();
        assert_eq!(json, r#"["exp-1","","línea \"2\"","exp-1"]"#);
        let back: Ids = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ids);
        assert!(back.contains("línea \"2\"") && !back.contains("exp-2"));
        assert_eq!(format!("{back:?}"), format!("{:?}", ids.to_vec()));
        assert!(serde_json::from_str::<Ids>("[1]").is_err());
    }

    #[test]
    fn digests_tell_ids_apart() {
        assert_eq!(id_digest("exp-1"), id_digest("exp-1"));
        assert_ne!(id_digest("exp-1"), id_digest("exp-2"));
        assert_ne!(id_digest(""), id_digest(" "));
        assert_eq!(std::mem::size_of::<(IdDigest, u32)>(), 24);
    }
}
