//! Tencent Cloud's TC3-HMAC-SHA256 request signature (API 3.0), for the TCR verifier and client signers.
//!
//! As both SDKs do it: hash the payload, build a canonical request, then sign
//! `ALGORITHM\ntimestamp\nscope\nsha256(canonical request)` with a key derived from secret, date and service.

use std::fmt;

use super::crypto::{hex_lower, hmac_sha256, sha256_hex};
use std::cell::RefCell;

/// The algorithm name: first word of the Authorization header and first line of the string to sign.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// The last component of every credential scope.
const TERMINATOR: &str = "tc3_request";

/// 10000-01-01T00:00:00Z, the first instant a four-digit year cannot render.
const YEAR_10000: i64 = 253_402_300_800;

/// HashedPayload: lower-case hex SHA-256 of the exact body bytes or, when `unsigned` (the request
/// carries `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`), of the 16 ASCII bytes `UNSIGNED-PAYLOAD`.
///
/// Hash the body as received, never re-serialized: Python and Node encode the same request differently.
pub fn payload_hash(body: &[u8], unsigned: bool) -> String {
    sha256_hex(if unsigned { b"UNSIGNED-PAYLOAD" } else { body })
}

/// The signed parts of a request.
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    /// The HTTP method as sent (`POST`, `GET`).
    pub method: &'a str,
    /// The raw query string exactly as sent, `""` when there is none. The SDKs sign it in model
    /// order, unsorted and as encoded on the wire, so any normalization here would break signatures.
    pub query: &'a str,
    /// The signed headers as (lower-case name, value) in SignedHeaders order, used verbatim.
    pub headers: &'a [(&'a str, &'a str)],
    /// The HashedPayload, see [`payload_hash`].
    pub payload_hash: &'a str,
}

impl Signed<'_> {
    /// The SignedHeaders value: the names joined with `;` (`content-type;host` from both SDKs).
    pub fn signed_headers(&self) -> String {
        let mut names = String::with_capacity(self.headers.iter().map(|(n, _)| n.len() + 1).sum());
        for (i, (name, _)) in self.headers.iter().enumerate() {
            if i > 0 {
                names.push(';');
            }
            names.push_str(name);
        }
        names
    }

    /// The CanonicalRequest: `METHOD\n/\nquery\n<name:value\n...>\nsigned_headers\npayload_hash`.
    ///
    /// The path is always `/`: API 3.0 routes by the X-TC-Action header, not by path.
    pub fn canonical_request(&self) -> String {
        // Every header line carries its own newline and the field separator still follows the
        // block, leaving an empty line before SignedHeaders. The SDKs sign exactly that.
        let mut out = String::with_capacity(256 + self.query.len());
        for part in [self.method, "\n/\n", self.query, "\n"] {
            out.push_str(part);
        }
        for (name, value) in self.headers {
            for part in [name, ":", value, "\n"] {
                out.push_str(part);
            }
        }
        out.push('\n');
        out.push_str(&self.signed_headers());
        out.push('\n');
        out.push_str(self.payload_hash);
        out
    }
}

/// `YYYY-MM-DD` (UTC) of a unix timestamp in seconds, the date part of the credential scope; `None` outside the years
/// 1970..=9999 (a client-supplied number must not make a date computation overflow).
///
/// ```
/// assert_eq!(regmock::shared::tc3::utc_date(1_795_953_600).as_deref(), Some("2026-11-29"));
/// assert_eq!(regmock::shared::tc3::utc_date(-1), None);
/// ```
pub fn utc_date(timestamp: i64) -> Option<String> {
    if !(0..YEAR_10000).contains(&timestamp) {
        return None;
    }
    let time = chrono::DateTime::from_timestamp(timestamp, 0)?;
    // `NaiveDate`'s display is `YYYY-MM-DD` for these years, without parsing a strftime pattern per request.
    Some(time.date_naive().to_string())
}

/// The CredentialScope, `<date>/<service>/tc3_request`.
pub fn credential_scope(date: &str, service: &str) -> String {
    // Joined rather than `format!`ed, here and in the string to sign: both are built for every signed request.
    [date, "/", service, "/", TERMINATOR].concat()
}

/// The StringToSign: algorithm, X-TC-Timestamp as sent, scope, hex SHA-256 of the canonical request.
pub fn string_to_sign(timestamp: &str, scope: &str, canonical_request: &str) -> String {
    let hash = sha256_hex(canonical_request.as_bytes());
    [ALGORITHM, "\n", timestamp, "\n", scope, "\n", &hash].concat()
}

/// kSigning = HMAC(HMAC(HMAC(`"TC3" + secret_key`, date), service), `tc3_request`).
///
/// The last key derived on each thread is kept: it changes only with the date or the caller, and deriving it is three
/// of the four HMACs of a verification.
pub fn signing_key(secret_key: &str, date: &str, service: &str) -> [u8; 32] {
    /// The inputs of a derived key (secret key, date, service) and the key.
    struct Derived {
        inputs: [String; 3],
        key: [u8; 32],
    }
    thread_local! {
        static LAST: RefCell<Option<Derived>> = const { RefCell::new(None) };
    }
    LAST.with_borrow_mut(|last| match last {
        Some(d) if d.inputs == [secret_key, date, service] => d.key,
        _ => {
            let key = derive_signing_key(secret_key, date, service);
            *last = Some(Derived {
                inputs: [secret_key.into(), date.into(), service.into()],
                key,
            });
            key
        }
    })
}

fn derive_signing_key(secret_key: &str, date: &str, service: &str) -> [u8; 32] {
    let k_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac_sha256(&k_date, service.as_bytes());
    hmac_sha256(&k_service, TERMINATOR.as_bytes())
}

/// The Signature: lower-case hex HMAC-SHA256 of `string_to_sign` under [`signing_key`].
pub fn signature(secret_key: &str, date: &str, service: &str, string_to_sign: &str) -> String {
    let key = signing_key(secret_key, date, service);
    hex_lower(&hmac_sha256(&key, string_to_sign.as_bytes()))
}

/// The parsed Authorization header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// The SecretId, first part of the Credential.
    pub secret_id: &'a str,
    /// The scope date (`YYYY-MM-DD`) the client claims.
    pub date: &'a str,
    /// The scope service: `tcr` from Python, the endpoint up to its first `.` from Node (`127`, `localhost:8080`).
    pub service: &'a str,
    /// The SignedHeaders value, e.g. `content-type;host`.
    pub signed_headers: &'a str,
    /// The hex Signature as sent.
    pub signature: &'a str,
}

impl<'a> Authorization<'a> {
    /// Parses `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=<h;h>, Signature=<hex>`.
    ///
    /// Tolerates extra spaces after commas and any order of the parts. `None` when a part is
    /// missing, empty, repeated or unknown, or the scope is not exactly `<date>/<service>/tc3_request`.
    pub fn parse(header: &'a str) -> Option<Authorization<'a>> {
        // At least one space must follow the algorithm: `TC3-HMAC-SHA256Credential=` is malformed.
        let rest = header.strip_prefix(ALGORITHM)?.strip_prefix(' ')?;
        let (mut credential, mut signed_headers, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let (key, value) = part.trim().split_once('=')?;
            let slot = match key {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed_headers,
                "Signature" => &mut signature,
                _ => return None,
            };
            if value.is_empty() || slot.replace(value).is_some() {
                return None;
            }
        }
        // SecretIds never contain '/' while Node's service may contain ':', so only '/' delimits.
        let mut scope = credential?.split('/');
        let (secret_id, date, service) = (scope.next()?, scope.next()?, scope.next()?);
        let complete = ![secret_id, date, service].contains(&"");
        if !complete || scope.next() != Some(TERMINATOR) || scope.next().is_some() {
            return None;
        }
        let (signed_headers, signature) = (signed_headers?, signature?);
        Some(Authorization {
            secret_id,
            date,
            service,
            signed_headers,
            signature,
        })
    }
}

impl fmt::Display for Authorization<'_> {
    /// Renders the header value as both SDKs do, with `", "` between the parts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scope = credential_scope(self.date, self.service);
        let (id, names, sig) = (self.secret_id, self.signed_headers, self.signature);
        write!(
            f,
            "{ALGORITHM} Credential={id}/{scope}, SignedHeaders={names}, Signature={sig}"
        )
    }
}

/// Client side: signs `signed` at `timestamp` (unix seconds) and returns the Authorization header value.
///
/// A timestamp outside 1970..=9999 has no date and is signed with an empty one, which
/// [`Authorization::parse`] rejects: such a request fails verification instead of panicking here.
///
/// ```
/// use regmock::shared::tc3::{authorization, payload_hash, Signed};
/// let body = br#"{"RegistryId": "tcr-okmj78", "NamespaceName": "team-01", "RepositoryName": "nginx", "Limit": 20, "Offset": 1}"#;
/// let hash = payload_hash(body, false);
/// let headers = [("content-type", "application/json"), ("host", "127.0.0.1:8080")];
/// let signed = Signed { method: "POST", query: "", headers: &headers, payload_hash: &hash };
/// assert_eq!(
///     authorization("regmock-access-key", "regmock-secret-key", 1_795_953_600, "tcr", &signed),
///     "TC3-HMAC-SHA256 Credential=regmock-access-key/2026-11-29/tcr/tc3_request, \
///      SignedHeaders=content-type;host, Signature=449dfa06227976039dfc7a042471eb51f451f6f8710a92a3d7a99778646a6646",
/// );
/// ```
pub fn authorization(
    secret_id: &str,
    secret_key: &str,
    timestamp: i64,
    service: &str,
    signed: &Signed<'_>,
) -> String {
    let date = utc_date(timestamp).unwrap_or_default();
    let scope = credential_scope(&date, service);
    let to_sign = string_to_sign(&timestamp.to_string(), &scope, &signed.canonical_request());
    let signature = &signature(secret_key, &date, service, &to_sign);
    let (date, signed_headers) = (&date, &signed.signed_headers());
    Authorization {
        secret_id,
        date,
        service,
        signed_headers,
        signature,
    }
    .to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::shared::crypto::constant_time_eq;

    // The vectors of the notes (tcr.md, "Signing"), all with the same credentials and time.
    const ID: &str = "regmock-access-key";
    const KEY: &str = "regmock-secret-key";
    const TS: i64 = 1_795_953_600;
    const PY_BODY: &[u8] = br#"{"RegistryId": "tcr-okmj78", "NamespaceName": "team-01", "RepositoryName": "nginx", "Limit": 20, "Offset": 1}"#;
    const NODE_BODY: &[u8] = br#"{"RegistryId":"tcr-okmj78","NamespaceName":"team-01","RepositoryName":"nginx","Limit":20,"Offset":1}"#;
    const QUERY: &str = "RegistryId=tcr-okmj78&NamespaceName=team-01&RepositoryName=nginx&Limit=20&Offset=1&ExactMatch=True";
    const PY_CANONICAL: &str = "POST\n/\n\ncontent-type:application/json\nhost:127.0.0.1:8080\n\ncontent-type;host\nb6f947477818f789fec81f444cc74471b2c4937d0ff294b9d6899b298c47e3e7";
    const PY_STS: &str = "TC3-HMAC-SHA256\n1795953600\n2026-11-29/tcr/tc3_request\nbc31c35e6df20819eabeeea8adaa341ac41b81ffb9bbca4d950060a65f4dcf47";
    const K_DATE: &str = "8b7637e36f24ede96656b577280da93843f13c6b4020b7b5ef6d5efebcb7e82a";
    const K_SERVICE: &str = "4ead2f6f30caca78cdcc3e16c8e299b4acf5a898e7f62785cc3e90517e028d30";
    const K_SIGNING: &str = "06cce8fdf8c2d3f5abf3fc264e06c325a4d1157e5729c51a70b749ed31a70fe7";
    const SIG_POST: &str = "449dfa06227976039dfc7a042471eb51f451f6f8710a92a3d7a99778646a6646";
    const SIG_GET: &str = "6256b3bb67409ffeb54a6b23a699299eca2f44d5a6b964d3857edf0677064b79";
    const UNSIGNED: &str = "438d4109ef0d676b8c2c7ed13cdfcb418e494d53b843d4634ce3b1085f07bb96";
    const SIG_UNSIGNED: &str = "2c125462a1d5004df70a2ee57a1abe989ccfc54c09e6d02aef6f77b78cb4043b";
    const NODE_HASH: &str = "96bba2f99f22473ae2401c2bb4b24099f2900429f1e48051fdf7245624aa0f4e";
    const NODE_CR_HASH: &str = "5cb14ade73d3f09827ca3b4011595edb73b313c2fe976bc6341b24e14d2e975b";
    const SIG_NODE: &str = "074618d976d7fe62bf93b0255499994a1801945fcaf6e4f31a89ada4de64111f";
    const JSON: (&str, &str) = ("content-type", "application/json");
    const HOST: (&str, &str) = ("host", "127.0.0.1:8080");

    fn header(service: &str, sig: &str) -> String {
        let scope = format!("{ID}/2026-11-29/{service}/tc3_request");
        format!("{ALGORITHM} Credential={scope}, SignedHeaders=content-type;host, Signature={sig}")
    }

    fn post<'a>(headers: &'a [(&'a str, &'a str)], payload_hash: &'a str) -> Signed<'a> {
        let (method, query) = ("POST", "");
        Signed {
            method,
            query,
            headers,
            payload_hash,
        }
    }

    /// Verifies as the server does: parse, re-sign with the claimed scope, compare in constant time.
    fn verifies(auth: &str, signed: &Signed<'_>) -> bool {
        let Some(a) = Authorization::parse(auth) else {
            return false;
        };
        let scope = credential_scope(a.date, a.service);
        let to_sign = string_to_sign(&TS.to_string(), &scope, &signed.canonical_request());
        let expected = signature(KEY, a.date, a.service, &to_sign);
        constant_time_eq(expected.as_bytes(), a.signature.as_bytes())
    }

    /// The client signer reproduces the SDK's header, the verifier accepts it and rejects a changed body.
    fn assert_vector(signed: &Signed<'_>, service: &str, sig: &str) {
        let auth = authorization(ID, KEY, TS, service, signed);
        assert_eq!(auth, header(service, sig));
        assert!(verifies(&auth, signed));
        let tampered = Signed {
            payload_hash: "",
            ..*signed
        };
        assert!(!verifies(&auth, &tampered));
    }

    #[test]
    fn python_post_every_step() {
        let hash = payload_hash(PY_BODY, false);
        let canonical = post(&[JSON, HOST], &hash).canonical_request();
        assert_eq!((PY_BODY.len(), canonical.as_str()), (109, PY_CANONICAL));
        let date = utc_date(TS).unwrap();
        let to_sign = string_to_sign("1795953600", &credential_scope(&date, "tcr"), &canonical);
        assert_eq!(to_sign, PY_STS);
        let k_date = hmac_sha256(format!("TC3{KEY}").as_bytes(), date.as_bytes());
        assert_eq!(hex::encode(k_date), K_DATE);
        assert_eq!(hex::encode(hmac_sha256(&k_date, b"tcr")), K_SERVICE);
        assert_eq!(hex::encode(signing_key(KEY, &date, "tcr")), K_SIGNING);
        assert_eq!(signature(KEY, &date, "tcr", &to_sign), SIG_POST);
        assert_vector(&post(&[JSON, HOST], &hash), "tcr", SIG_POST);
    }

    #[test]
    fn python_get_signs_the_query_as_sent() {
        let headers = [("content-type", "application/x-www-form-urlencoded"), HOST];
        let hash = payload_hash(b"", false);
        let get = Signed {
            method: "GET",
            query: QUERY,
            headers: &headers,
            payload_hash: &hash,
        };
        assert_vector(&get, "tcr", SIG_GET);
    }

    #[test]
    fn python_unsigned_payload() {
        assert_eq!(payload_hash(PY_BODY, true), UNSIGNED);
        assert_vector(&post(&[JSON, HOST], UNSIGNED), "tcr", SIG_UNSIGNED);
    }

    #[test]
    fn node_signs_the_host_without_port_and_service_127() {
        let hash = payload_hash(NODE_BODY, false);
        assert_eq!((NODE_BODY.len(), hash.as_str()), (100, NODE_HASH));
        let signed = post(&[JSON, ("host", "127.0.0.1")], &hash);
        let canonical = signed.canonical_request();
        assert_eq!(sha256_hex(canonical.as_bytes()), NODE_CR_HASH);
        assert_vector(&signed, "127", SIG_NODE);
        // The Host header Node sends keeps the port: a verifier that signs only that one rejects Node.
        let as_sent = post(&[JSON, HOST], &hash);
        assert!(!verifies(&header("127", SIG_NODE), &as_sent));
    }

    #[test]
    fn parse_round_trips_and_tolerates_spaces() {
        let text = header("localhost:8080", "ab12");
        let auth = Authorization::parse(&text).unwrap();
        assert_eq!((auth.secret_id, auth.date), (ID, "2026-11-29"));
        assert_eq!((auth.service, auth.signature), ("localhost:8080", "ab12"));
        assert_eq!(auth.signed_headers, "content-type;host");
        assert_eq!(auth.to_string(), text);
        let (spaced, tight) = (text.replace(", ", ",   "), text.replace(", ", ","));
        assert_eq!(Authorization::parse(&spaced).as_ref(), Some(&auth));
        assert_eq!(Authorization::parse(&tight), Some(auth));
    }

    #[test]
    fn parse_rejects_malformed() {
        let good = header("tcr", "ab12");
        for bad in [
            good.replace("TC3-HMAC-SHA256 ", "TC3-HMAC-SHA1 "),
            good.replace("TC3-HMAC-SHA256 ", "TC3-HMAC-SHA256"),
            good.replace("/tc3_request", "/aws4_request"),
            good.replace("/tc3_request", "/tc3_request/x"),
            good.replace("/tcr/", "/"),
            good.replace(&format!("{ID}/"), "/"),
            good.replace(", Signature=ab12", ""),
            good.replace("Signature=ab12", "Signature="),
            good.replace("SignedHeaders=content-type;host", "Signature=cd34"),
            format!("{good}, Extra=1"),
            format!("{good},"),
        ] {
            assert_eq!(Authorization::parse(&bad), None, "{bad}");
        }
    }

    #[test]
    fn utc_date_range_and_calendar() {
        // 2000 is a leap year, 2100 is not.
        for (ts, want) in [
            (0, "1970-01-01"),
            (TS - 43_201, "2026-11-28"),
            (TS, "2026-11-29"),
            (951_782_400, "2000-02-29"),
            (4_107_456_000, "2100-02-28"),
            (4_107_542_400, "2100-03-01"),
            (YEAR_10000 - 1, "9999-12-31"),
        ] {
            assert_eq!(utc_date(ts).as_deref(), Some(want));
        }
        assert_eq!((utc_date(YEAR_10000), utc_date(-1)), (None, None));
    }
}
