//! Content digests held in binary: `sha256:<64 hex>` is 71 bytes of text but 32 bytes of hash, and a million-tag
//! repository stores two digests per tag.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The algorithm prefix of the one form kept in binary.
const SHA256: &str = "sha256:";
/// Length of `sha256:<64 hex digits>`.
const SHA256_TEXT_LEN: usize = SHA256.len() + 64;
/// Each byte's two lower-case hex digits: one lookup a byte (rendering a digest is on every tag a list answer shows).
const HEX_PAIRS: [[u8; 2]; 256] = {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut pairs = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        pairs[i] = [HEX[i >> 4], HEX[i & 0xF]];
        i += 1;
    }
    pairs
};

/// A content digest, `sha256:<64 lower-case hex digits>` as registries write it.
///
/// That form is held as its 32 bytes; any other text (another algorithm, upper-case hex, an empty "not given", or a
/// value an API refuses later) is kept as it was, so nothing a dataset says is lost and the text written back is the
/// text read. Two digests are equal exactly when their texts are.
///
/// ```
/// use regmock::model::Digest;
/// let text = "sha256:8ac8bfaff55af948c796026ee867448c5b5b5d9dd3549f4006d9759b25d4a893";
/// let digest = Digest::from(text);
/// assert_eq!(digest.to_string(), text);
/// assert_eq!(&*digest.text(), text);
/// assert!(digest == text && Digest::from("md5:1") == "md5:1");
/// assert_eq!(serde_json::to_string(&digest).unwrap(), format!("\"{text}\""));
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Digest(Repr);

/// A canonical `sha256:` digest is always `Sha256`, so the derived equality is equality of the texts.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Sha256([u8; 32]),
    Text(Box<str>),
}

impl Default for Repr {
    fn default() -> Self {
        Repr::Text(Box::default())
    }
}

impl Digest {
    /// The `sha256:` digest of these hash bytes.
    ///
    /// ```
    /// let digest = regmock::model::Digest::sha256([0xab; 32]);
    /// assert_eq!(digest.to_string(), format!("sha256:{}", "ab".repeat(32)));
    /// ```
    pub fn sha256(bytes: [u8; 32]) -> Digest {
        Digest(Repr::Sha256(bytes))
    }

    /// Reads a digest's text: the canonical `sha256:` form into 32 bytes, anything else kept as text.
    ///
    /// ```
    /// use regmock::model::Digest;
    /// assert_eq!(Digest::parse("sha256:ABC").to_string(), "sha256:ABC");
    /// assert!(Digest::parse("").is_empty());
    /// ```
    pub fn parse(text: &str) -> Digest {
        match sha256_bytes(text) {
            Some(bytes) => Digest::sha256(bytes),
            None => Digest(Repr::Text(text.into())),
        }
    }

    /// Whether this is the empty digest (a dataset that left a digest out).
    ///
    /// ```
    /// assert!(regmock::model::Digest::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        matches!(&self.0, Repr::Text(t) if t.is_empty())
    }

    /// The 32 hash bytes of a canonical `sha256:` digest.
    ///
    /// ```
    /// use regmock::model::Digest;
    /// assert_eq!(Digest::sha256([7; 32]).sha256_bytes(), Some(&[7; 32]));
    /// assert_eq!(Digest::from("md5:1").sha256_bytes(), None);
    /// ```
    pub fn sha256_bytes(&self) -> Option<&[u8; 32]> {
        match &self.0 {
            Repr::Sha256(bytes) => Some(bytes),
            Repr::Text(_) => None,
        }
    }

    /// The digest's text, rendered on the stack (no allocation).
    ///
    /// ```
    /// let digest = regmock::model::Digest::sha256([0; 32]);
    /// assert!(digest.text().starts_with("sha256:000"));
    /// ```
    pub fn text(&self) -> DigestText<'_> {
        match &self.0 {
            Repr::Sha256(bytes) => {
                let mut text = [0u8; SHA256_TEXT_LEN];
                let (prefix, hex) = text.split_at_mut(SHA256.len());
                prefix.copy_from_slice(SHA256.as_bytes());
                for (pair, &byte) in hex.chunks_exact_mut(2).zip(bytes) {
                    pair.copy_from_slice(&HEX_PAIRS[usize::from(byte)]);
                }
                DigestText(TextRepr::Sha256(text))
            }
            Repr::Text(t) => DigestText(TextRepr::Borrowed(t)),
        }
    }
}

/// The bytes of `sha256:` followed by exactly 64 lower-case hex digits (upper case is another text: kept as text so
/// it is written back as it came).
fn sha256_bytes(text: &str) -> Option<[u8; 32]> {
    let hex = text.strip_prefix(SHA256)?.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let nibble = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    };
    let mut bytes = [0u8; 32];
    for (k, pair) in hex.chunks_exact(2).enumerate() {
        bytes[k] = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(bytes)
}

/// A [`Digest`]'s text, borrowed or rendered into a stack buffer; dereferences to `str`.
///
/// ```
/// let digest = regmock::model::Digest::from("md5:1");
/// let text = digest.text();
/// assert_eq!(text.len(), 5);
/// assert_eq!(text.to_string(), "md5:1");
/// ```
#[derive(Clone, Copy)]
pub struct DigestText<'a>(TextRepr<'a>);

#[derive(Clone, Copy)]
enum TextRepr<'a> {
    Sha256([u8; SHA256_TEXT_LEN]),
    Borrowed(&'a str),
}

impl std::ops::Deref for DigestText<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        match &self.0 {
            // Only ASCII is written into the buffer, so this never falls back.
            TextRepr::Sha256(text) => std::str::from_utf8(text).unwrap_or_default(),
            TextRepr::Borrowed(t) => t,
        }
    }
}

impl fmt::Display for DigestText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl fmt::Debug for DigestText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// As the text was shown before digests were binary: a quoted string.
impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text(), f)
    }
}

impl From<&str> for Digest {
    fn from(text: &str) -> Digest {
        Digest::parse(text)
    }
}

impl From<String> for Digest {
    fn from(text: String) -> Digest {
        match sha256_bytes(&text) {
            Some(bytes) => Digest::sha256(bytes),
            None => Digest(Repr::Text(text.into_boxed_str())),
        }
    }
}

impl PartialEq<str> for Digest {
    fn eq(&self, other: &str) -> bool {
        match &self.0 {
            Repr::Sha256(bytes) => sha256_bytes(other).is_some_and(|b| &b == bytes),
            Repr::Text(t) => &**t == other,
        }
    }
}

impl PartialEq<&str> for Digest {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Digest, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Digest;
            // As a `String` field says it, so a dataset's error messages did not change.
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Digest, E> {
                Ok(Digest::parse(v))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Digest, E> {
                Ok(Digest::from(v))
            }
        }
        deserializer.deserialize_string(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_written_back_as_read() {
        let canonical = format!("sha256:{}", "0123456789abcdef".repeat(4));
        for text in [
            canonical.as_str(),
            "",
            "md5:1",
            "sha256:",
            "sha256:ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg",
            "sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "sha256:é123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
        ] {
            let digest = Digest::parse(text);
            assert_eq!(digest.to_string(), text);
            assert_eq!(Digest::from(text.to_string()), digest);
            assert!(digest == text);
            let json = serde_json::to_string(&digest).unwrap_or_default();
            assert_eq!(serde_json::from_str::<Digest>(&json).ok(), Some(digest));
        }
        assert!(Digest::parse(&canonical).sha256_bytes().is_some());
        assert!(Digest::parse("sha256:").sha256_bytes().is_none());
    }

    #[test]
    fn equal_exactly_when_the_texts_are() {
        let a = format!("sha256:{}", "ab".repeat(32));
        let upper = format!("sha256:{}", "AB".repeat(32));
        assert_eq!(Digest::parse(&a), Digest::sha256([0xab; 32]));
        assert_ne!(Digest::parse(&a), Digest::parse(&upper));
        assert!(Digest::parse(&a) != upper.as_str());
        assert!(Digest::parse(&upper) != a.as_str());
    }

    #[test]
    fn a_non_string_is_refused_as_a_string_field_refuses_it() {
        let err = serde_json::from_str::<Digest>("5")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("invalid type: integer `5`, expected a string at line 1 column 1")
        );
    }
}
