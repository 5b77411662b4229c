//! Verified study tokens (the `study-tokens` feature): the JWT Prolific adds to a secure
//! study's external URL as [`QUERY_PARAMETER`], turned into a [`StudyToken`] or refused with a
//! [`StudyTokenError`] that says why.
//!
//! A study created with `is_external_study_url_secure: true` sends each participant to its
//! external URL with `prolific_token`: a JWT that Prolific signs with RS256, naming its key in
//! the header's `kid`. A [`StudyTokenVerifier`]
//! - refuses any other algorithm before touching a key: `none`, and HS256 above all (a token
//!   "signed" with the public key as an HMAC secret);
//! - finds the key by `kid` in Prolific's key set, fetched with the SDK's own
//!   [`get_study_jwks`](crate::Client::get_study_jwks), kept in memory and fetched again when it
//!   is a day old ([`KEY_SET_MAX_AGE`]) or when a token names a key it lacks (a key rotation),
//!   but never more than once a minute ([`MIN_REFETCH_INTERVAL`]), so that made-up `kid`s
//!   cannot make it hammer Prolific; when a fetch fails, the keys fetched before stay in use
//!   (with a warning) until one succeeds;
//! - checks the signature (the `jsonwebtoken` crate), then `exp` with a small leeway
//!   ([`DEFAULT_LEEWAY`]), `iss` ([`ISSUER`]), `aud` (the caller's own site: see
//!   [`StudyTokenVerifier::new`]) and the `prolific` claim's `workspace_id` (and
//!   `organisation_id`, when one is expected).
//!
//! ```no_run
//! use prolific_sdk::Client;
//! use prolific_sdk::study_tokens::{StudyTokenError, StudyTokenVerifier};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // Once, when the study's server starts; clones share one key cache.
//! let verifier = StudyTokenVerifier::new(
//!     Client::from_env()?,
//!     "https://study.example.org",
//!     "5e9b9c9b0f9c9a0001b1ca2f",
//! )?;
//! // For each participant: the `prolific_token` query parameter of the request.
//! # let prolific_token = "";
//! match verifier.verify(prolific_token).await {
//!     Ok(token) => println!("admitted {:?}", token.participant_id()),
//!     Err(StudyTokenError::Expired) => println!("ask the participant to start again"),
//!     Err(refused) => println!("refused: {refused}"),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The token is never logged, printed or put in an error: a refusal names at most the token's
//! `alg` or `kid` (the header's, up to 64 printable characters), never a claim's value.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::types::JwksResponse;
use crate::{Client, Error};

/// The query parameter that carries the token on the study's external URL.
pub const QUERY_PARAMETER: &str = "prolific_token";

/// The `iss` of every study token.
pub const ISSUER: &str = "https://www.prolific.com";

/// How long after its `exp` a token is still accepted, unless the verifier is given another
/// ([`StudyTokenVerifier::leeway`]): 30 seconds of clock skew. A token lasts 2 minutes.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);

/// How old the key set may grow before it is fetched again: a day, as Prolific asks.
pub const KEY_SET_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// The shortest time between two fetches of the key set, whatever asks for them.
pub const MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(60);

/// The longest token read; a longer one is refused unread. Prolific's are under 2 KiB.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// The longest `alg` or `kid` a refusal shows.
const MAX_SHOWN_LEN: usize = 64;

/// The claims of a token that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StudyToken {
    /// `sub`: the participant's session of the study.
    pub session_id: String,
    /// `prolific.workspace_id`, equal to the verifier's.
    pub workspace_id: String,
    /// `prolific.organisation_id`, present when the workspace belongs to an organisation.
    pub organisation_id: Option<String>,
    /// The rest of the `prolific` claim: each query parameter of the study's external URL
    /// (`PROLIFIC_PID`, `STUDY_ID`, `SESSION_ID`, or any name the researcher chose) with the
    /// value Prolific signed. Compare the ones that matter with what the request says.
    pub parameters: BTreeMap<String, String>,
    /// `exp`: when the token stops being valid (before the leeway).
    pub expires_at: SystemTime,
}

impl StudyToken {
    /// The signed value of the external URL's query parameter `name`.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters.get(name).map(String::as_str)
    }

    /// The signed `PROLIFIC_PID`, when the external URL asks for it.
    pub fn participant_id(&self) -> Option<&str> {
        self.parameter("PROLIFIC_PID")
    }

    /// The signed `STUDY_ID`, when the external URL asks for it.
    pub fn study_id(&self) -> Option<&str> {
        self.parameter("STUDY_ID")
    }
}

/// Why a token was refused: one variant per check. None holds the token or a claim's value.
#[derive(Debug)]
#[non_exhaustive]
pub enum StudyTokenError {
    /// Not a JWT: too long, not three base64url parts, or a part that is not the JSON of the
    /// documented shape. `what` says which.
    Malformed {
        /// Which part could not be read.
        what: &'static str,
    },
    /// The header names another algorithm than RS256 (`none`, `HS256`, ...).
    AlgorithmRefused {
        /// The header's `alg`, shortened to printable characters.
        alg: String,
    },
    /// The header names no key (`kid`).
    MissingKeyId,
    /// Prolific's key set holds no key with the header's `kid`, even fetched again (or fetched
    /// under a minute ago).
    UnknownKey {
        /// The header's `kid`, shortened to printable characters.
        kid: String,
    },
    /// The signature does not match the key: the token was altered, or not signed by Prolific.
    BadSignature,
    /// `exp` has passed, leeway included.
    Expired,
    /// A claim every study token carries is missing: `exp`, `iss`, `aud`, `sub`, `prolific`
    /// or `prolific.workspace_id`.
    MissingClaim {
        /// The claim's name.
        claim: &'static str,
    },
    /// `iss` is not [`ISSUER`].
    WrongIssuer,
    /// `aud` is not at the verifier's site.
    WrongAudience {
        /// The site the verifier accepts (its own setting, not the token's).
        expected: String,
    },
    /// `prolific.workspace_id` is another workspace than the verifier's.
    WrongWorkspace,
    /// `prolific.organisation_id` is missing or another organisation than the verifier's.
    WrongOrganisation,
    /// The key set could not be fetched, and no earlier one is at hand.
    KeySet(Error),
    /// No key set is at hand, and the last fetch failed under a minute ago.
    KeySetUnavailable,
}

impl fmt::Display for StudyTokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { what } => write!(
                f,
                "not a study token ({what}); pass the `{QUERY_PARAMETER}` query parameter \
                 exactly as received"
            ),
            Self::AlgorithmRefused { alg } => write!(
                f,
                "refused a study token signed with `{alg}`: Prolific signs with RS256 only"
            ),
            Self::MissingKeyId => write!(
                f,
                "refused a study token whose header names no key (`kid`); Prolific's always do"
            ),
            Self::UnknownKey { kid } => write!(
                f,
                "refused a study token signed with key `{kid}`, which Prolific's key set does \
                 not hold (it is fetched again at most once a minute)"
            ),
            Self::BadSignature => write!(
                f,
                "refused a study token whose signature does not match Prolific's key: it was \
                 altered, or not signed by Prolific"
            ),
            Self::Expired => write!(
                f,
                "refused an expired study token (it lasts 2 minutes); the participant should \
                 open the study again from Prolific"
            ),
            Self::MissingClaim { claim } => write!(
                f,
                "refused a study token without the `{claim}` claim, which Prolific's always carry"
            ),
            Self::WrongIssuer => write!(f, "refused a study token not issued by {ISSUER}"),
            Self::WrongAudience { expected } => write!(
                f,
                "refused a study token meant for another site than {expected}; check the \
                 audience the verifier was built with"
            ),
            Self::WrongWorkspace => write!(
                f,
                "refused a study token from another workspace than the verifier's"
            ),
            Self::WrongOrganisation => write!(
                f,
                "refused a study token from another organisation than the verifier's"
            ),
            Self::KeySet(e) => write!(f, "cannot fetch Prolific's study-token keys: {e}"),
            Self::KeySetUnavailable => write!(
                f,
                "no study-token keys yet: fetching them failed under a minute ago; try again \
                 shortly"
            ),
        }
    }
}

impl std::error::Error for StudyTokenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::KeySet(e) => Some(e),
            _ => None,
        }
    }
}

/// Verifies the study tokens of one workspace, arriving at one site. Build it once; clones
/// share its key cache, and verifying takes `&self`.
#[derive(Clone)]
pub struct StudyTokenVerifier {
    client: Client,
    audience: url::Origin,
    workspace_id: String,
    organisation_id: Option<String>,
    leeway: Duration,
    keys: Arc<KeyCache>,
}

impl fmt::Debug for StudyTokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StudyTokenVerifier")
            .field("audience", &self.audience.ascii_serialization())
            .field("workspace_id", &self.workspace_id)
            .field("organisation_id", &self.organisation_id)
            .field("leeway", &self.leeway)
            .finish_non_exhaustive()
    }
}

impl StudyTokenVerifier {
    /// A verifier of tokens for `workspace_id` whose `aud` is at `audience`: the scheme, host
    /// and port of the study's external URL (`https://study.example.org`; a path is ignored).
    /// A token's `aud` (the external URL, or its site) is accepted when it has that same
    /// scheme, host and port. Keys are fetched through `client` when the first token arrives.
    ///
    /// # Errors
    /// [`Error::Config`] when `audience` is not an `http` or `https` URL with a host, or the
    /// workspace id is empty.
    pub fn new(
        client: Client,
        audience: &str,
        workspace_id: impl Into<String>,
    ) -> Result<Self, Error> {
        let audience = site(audience).ok_or_else(|| {
            Error::Config(format!(
                "the study-token audience `{}` is not a site; give the scheme and host of the \
                 study's external URL, e.g. https://study.example.org",
                shown(audience)
            ))
        })?;
        let workspace_id = workspace_id.into();
        if workspace_id.trim().is_empty() {
            return Err(Error::Config(
                "the study-token workspace id is empty; give the id of the workspace that \
                 runs the study"
                    .to_string(),
            ));
        }
        Ok(Self {
            client,
            audience,
            workspace_id,
            organisation_id: None,
            leeway: DEFAULT_LEEWAY,
            keys: Arc::default(),
        })
    }

    /// Also requires `prolific.organisation_id` to be `organisation_id`: for a workspace that
    /// belongs to an organisation.
    #[must_use]
    pub fn organisation_id(mut self, organisation_id: impl Into<String>) -> Self {
        self.organisation_id = Some(organisation_id.into());
        self
    }

    /// How long after its `exp` a token is still accepted ([`DEFAULT_LEEWAY`] unless set):
    /// the clock skew allowed between Prolific and this machine. Keep it short.
    #[must_use]
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Verifies `token` against this machine's clock; see [`StudyTokenVerifier::verify_at`].
    ///
    /// # Errors
    /// A [`StudyTokenError`], one variant per reason to refuse the token.
    pub async fn verify(&self, token: &str) -> Result<StudyToken, StudyTokenError> {
        self.verify_at(token, SystemTime::now()).await
    }

    /// Verifies `token` as if the clock read `now`, both for its `exp` and for the key set's
    /// age. The checks, in order: the header (RS256, a `kid`), the key, the signature, then
    /// the claims: `exp`, `iss`, `aud`, `sub`, `prolific`.
    ///
    /// # Errors
    /// A [`StudyTokenError`], one variant per reason to refuse the token.
    pub async fn verify_at(
        &self,
        token: &str,
        now: SystemTime,
    ) -> Result<StudyToken, StudyTokenError> {
        let kid = key_id(token)?;
        let key = self.key(&kid, now).await?;
        let claims = signed_claims(token, &key)?;
        self.check(claims, now)
    }

    /// The key `kid`, from the cache or from a fetch the cache's age or a new `kid` allows.
    async fn key(&self, kid: &str, now: SystemTime) -> Result<DecodingKey, StudyTokenError> {
        if let Some(key) = self.keys.fresh_key(kid, now) {
            return Ok(key);
        }
        // One fetch at a time: the verifications that wait here find its keys when they look
        // again, and the interval below keeps a stream of made-up `kid`s to one fetch a minute.
        let mut last_fetch = self.keys.fetching.lock().await;
        if let Some(key) = self.keys.fresh_key(kid, now) {
            return Ok(key);
        }
        let may_fetch = last_fetch.is_none_or(|at| elapsed(at, now) >= MIN_REFETCH_INTERVAL);
        let held = self.keys.current();
        if may_fetch {
            *last_fetch = Some(now);
            match self.client.get_study_jwks().send().await {
                Ok(answer) => self.keys.replace(KeySet::new(answer.into_inner(), now)),
                Err(e) if held.is_none() => return Err(StudyTokenError::KeySet(e)),
                Err(e) => tracing::warn!(
                    error = %e,
                    "cannot fetch Prolific's study-token keys; verifying with the ones fetched before"
                ),
            }
        }
        match self.keys.current() {
            None => Err(StudyTokenError::KeySetUnavailable),
            Some(set) => set
                .keys
                .get(kid)
                .cloned()
                .ok_or_else(|| StudyTokenError::UnknownKey { kid: shown(kid) }),
        }
    }

    fn check(&self, claims: Claims, now: SystemTime) -> Result<StudyToken, StudyTokenError> {
        let exp = claims
            .exp
            .ok_or(StudyTokenError::MissingClaim { claim: "exp" })?;
        let expires_at = instant(exp).ok_or(StudyTokenError::Malformed {
            what: "`exp` is not a time",
        })?;
        if now > expires_at + self.leeway {
            return Err(StudyTokenError::Expired);
        }
        match claims.iss {
            None => return Err(StudyTokenError::MissingClaim { claim: "iss" }),
            Some(iss) if iss != ISSUER => return Err(StudyTokenError::WrongIssuer),
            Some(_) => {}
        }
        let audiences = match claims.aud {
            None => return Err(StudyTokenError::MissingClaim { claim: "aud" }),
            Some(Audience::One(aud)) => vec![aud],
            Some(Audience::Many(auds)) => auds,
        };
        if !audiences
            .iter()
            .any(|aud| site(aud).as_ref() == Some(&self.audience))
        {
            return Err(StudyTokenError::WrongAudience {
                expected: self.audience.ascii_serialization(),
            });
        }
        let session_id = claims
            .sub
            .ok_or(StudyTokenError::MissingClaim { claim: "sub" })?;
        let mut parameters = claims
            .prolific
            .ok_or(StudyTokenError::MissingClaim { claim: "prolific" })?;
        let workspace_id =
            parameters
                .remove("workspace_id")
                .ok_or(StudyTokenError::MissingClaim {
                    claim: "prolific.workspace_id",
                })?;
        if workspace_id != self.workspace_id {
            return Err(StudyTokenError::WrongWorkspace);
        }
        let organisation_id = parameters.remove("organisation_id");
        if let Some(expected) = &self.organisation_id
            && organisation_id.as_ref() != Some(expected)
        {
            return Err(StudyTokenError::WrongOrganisation);
        }
        Ok(StudyToken {
            session_id,
            workspace_id,
            organisation_id,
            parameters,
            expires_at,
        })
    }
}

/// The keys fetched last, and the lock a fetch holds.
#[derive(Default)]
struct KeyCache {
    current: RwLock<Option<Arc<KeySet>>>,
    /// Held during a fetch; when the last fetch was started, as the caller's clock read.
    fetching: tokio::sync::Mutex<Option<SystemTime>>,
}

impl KeyCache {
    fn current(&self) -> Option<Arc<KeySet>> {
        // A panic elsewhere while the lock was held leaves a whole `Arc`: still usable.
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn replace(&self, keys: KeySet) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(keys));
    }

    /// The key `kid`, when the cache holds it and is under a day old.
    fn fresh_key(&self, kid: &str, now: SystemTime) -> Option<DecodingKey> {
        let set = self.current()?;
        if elapsed(set.fetched_at, now) >= KEY_SET_MAX_AGE {
            return None;
        }
        set.keys.get(kid).cloned()
    }
}

/// A key set as fetched: its RS256 signing keys by `kid`.
struct KeySet {
    fetched_at: SystemTime,
    keys: HashMap<String, DecodingKey>,
}

impl KeySet {
    fn new(answer: JwksResponse, fetched_at: SystemTime) -> Self {
        let mut keys = HashMap::new();
        for jwk in answer.keys {
            // Only what can check an RS256 signature; a key of another kind added later is
            // skipped, not an error, so that it cannot lock out the RSA keys beside it.
            let rsa_signing = jwk.kty == "RSA" && jwk.alg == "RS256" && jwk.use_ == "sig";
            match DecodingKey::from_rsa_components(&jwk.n, &jwk.e) {
                Ok(key) if rsa_signing => {
                    keys.insert(jwk.kid, key);
                }
                _ => tracing::warn!(
                    kid = %shown(&jwk.kid),
                    "skipping a key of Prolific's study-token key set that is not an RS256 signing key"
                ),
            }
        }
        Self { fetched_at, keys }
    }
}

/// The header's `kid`, once its `alg` is RS256; nothing else of the token is read.
fn key_id(token: &str) -> Result<String, StudyTokenError> {
    #[derive(Deserialize)]
    struct Header {
        alg: Option<String>,
        kid: Option<String>,
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(StudyTokenError::Malformed {
            what: "longer than 16 KiB",
        });
    }
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(StudyTokenError::Malformed {
            what: "not three parts separated by dots",
        });
    };
    let header: Header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .ok()
        .and_then(|json| serde_json::from_slice(&json).ok())
        .ok_or(StudyTokenError::Malformed {
            what: "the header is not base64url JSON",
        })?;
    match header.alg.as_deref() {
        Some("RS256") => {}
        other => {
            return Err(StudyTokenError::AlgorithmRefused {
                alg: shown(other.unwrap_or("")),
            });
        }
    }
    header.kid.ok_or(StudyTokenError::MissingKeyId)
}

/// The claims, once the signature holds; none of them is checked here.
fn signed_claims(token: &str, key: &DecodingKey) -> Result<Claims, StudyTokenError> {
    let mut signature_only = Validation::new(Algorithm::RS256);
    signature_only.required_spec_claims.clear();
    signature_only.validate_exp = false;
    signature_only.validate_aud = false;
    match jsonwebtoken::decode::<Claims>(token, key, &signature_only) {
        Ok(data) => Ok(data.claims),
        Err(e) => Err(match e.kind() {
            ErrorKind::InvalidSignature | ErrorKind::InvalidRsaKey(_) => {
                StudyTokenError::BadSignature
            }
            ErrorKind::Base64(_) => StudyTokenError::Malformed {
                what: "a part is not base64url",
            },
            _ => StudyTokenError::Malformed {
                what: "the claims are not JSON of the documented shape",
            },
        }),
    }
}

/// The claims a study token carries, as sent (each checked in [`StudyTokenVerifier::check`]).
#[derive(Deserialize)]
struct Claims {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Audience>,
    exp: Option<f64>,
    prolific: Option<BTreeMap<String, String>>,
}

/// RFC 7519 allows one audience or a list.
#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

/// The scheme, host and port of an `http`/`https` URL; `None` for anything else.
fn site(url: &str) -> Option<url::Origin> {
    let url = url::Url::parse(url.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.origin())
}

/// A NumericDate (seconds since the epoch) as a time, when it is one.
fn instant(seconds: f64) -> Option<SystemTime> {
    let duration = Duration::try_from_secs_f64(seconds).ok()?;
    UNIX_EPOCH.checked_add(duration)
}

/// How long from `then` to `now`; as good as forever when the clock moved back past `then`.
fn elapsed(then: SystemTime, now: SystemTime) -> Duration {
    now.duration_since(then).unwrap_or(Duration::MAX)
}

/// A header value for an error line: printable ASCII only, at most 64 characters.
fn shown(value: &str) -> String {
    let mut shown: String = value
        .chars()
        .take(MAX_SHOWN_LEN)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect();
    if value.chars().count() > MAX_SHOWN_LEN {
        shown.push_str("...");
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_is_the_scheme_host_and_port_only() {
        let expected = site("https://study.example.org").unwrap();
        for same in [
            "https://study.example.org/start?STUDY_ID=1&prolific_token=x",
            "https://study.example.org:443/",
            "HTTPS://Study.Example.org",
        ] {
            assert_eq!(site(same).as_ref(), Some(&expected), "{same}");
        }
        for other in [
            "http://study.example.org",
            "https://study.example.org:8443",
            "https://study.example.org.attacker.example",
            "https://study.example.org@attacker.example",
            "https://attacker.example/https://study.example.org",
            "study.example.org",
            "data:text/plain,https://study.example.org",
        ] {
            assert_ne!(site(other).as_ref(), Some(&expected), "{other}");
        }
    }

    #[test]
    fn shown_keeps_header_values_short_and_printable() {
        assert_eq!(shown("key-1"), "key-1");
        assert_eq!(shown("a\nb\u{1b}[31m"), "a?b?[31m");
        assert_eq!(shown(&"k".repeat(100)), format!("{}...", "k".repeat(64)));
    }

    #[test]
    fn a_numeric_date_is_a_time_only_when_it_is_one() {
        assert_eq!(instant(10.0), Some(UNIX_EPOCH + Duration::from_secs(10)));
        assert_eq!(instant(-1.0), None);
        assert_eq!(instant(f64::NAN), None);
        assert_eq!(instant(f64::INFINITY), None);
    }
}
