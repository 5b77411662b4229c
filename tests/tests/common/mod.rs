//! What several test files share: a client of a loopback server, the token no output may
//! show, a valid create, a signed webhook delivery, signed study tokens.

#![allow(dead_code)] // each test binary uses its own part

use prolific_sdk::{Client, Error, types::ParticipantGroup};
use prolific_sdk_tests::{Canned, Loopback};

/// The token every test client sends; no output may ever contain it.
pub const TOKEN: &str = "tok-3f9a-must-not-leak";

/// A client of `server` with the test token and default settings.
pub fn client(server: &Loopback) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(server.url())
        .build()
        .expect("a loopback client builds")
}

/// Creates a valid group (a name and a workspace).
pub async fn create(client: &Client) -> Result<ParticipantGroup, Error> {
    client
        .create_participant_group()
        .body_map(|b| b.name("Group 1").workspace_id(Some("w1".to_string())))
        .send()
        .await
        .map(|r| r.into_inner())
}

/// A minimal 201.
pub fn created() -> Canned {
    Canned::json(201, &serde_json::json!({"id": "g1", "name": "Group 1"}))
}

/// Signs a webhook delivery as Prolific does: the base64 HMAC-SHA256 of the timestamp then the
/// body, keyed with the secret (checked against a vector from Python's `hmac` in
/// `webhooks.rs`).
pub fn sign_delivery(secret: &str, timestamp: &str, body: &[u8]) -> String {
    use base64::Engine as _;
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(timestamp.as_bytes());
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Study tokens as Prolific makes them (RS256 JWTs naming their key's `kid`), signed with RSA
/// keys the tests make themselves through aws-lc-rs, not through the crate the SDK verifies
/// with.
pub mod study_tokens {
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::rsa::{KeySize, PublicKeyComponents};
    use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256, RsaKeyPair};
    use base64::Engine as _;
    use prolific_sdk::study_tokens::StudyTokenVerifier;
    use prolific_sdk_tests::{Canned, Loopback};
    use serde_json::{Value, json};
    use std::sync::{Arc, Mutex};
    use std::time::{SystemTime, UNIX_EPOCH};

    /// The site the tests' studies run at, and the workspace they belong to.
    pub const SITE: &str = "https://study.example.org";
    pub const WORKSPACE: &str = "507f1f77bcf86cd799439011";

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Seconds since the epoch.
    pub fn seconds(at: SystemTime) -> u64 {
        at.duration_since(UNIX_EPOCH).unwrap().as_secs()
    }

    /// One RSA key of Prolific's key set, with the private half to sign with.
    pub struct Key {
        pub kid: String,
        pair: RsaKeyPair,
    }

    impl Key {
        /// A fresh 2048-bit key.
        pub fn new(kid: &str) -> Self {
            Self {
                kid: kid.to_string(),
                pair: RsaKeyPair::generate(KeySize::Rsa2048).expect("aws-lc-rs makes RSA keys"),
            }
        }

        /// The public half as the key set lists it.
        pub fn jwk(&self) -> Value {
            let public = PublicKeyComponents::<Vec<u8>>::from(self.pair.public_key());
            json!({
                "kty": "RSA", "kid": self.kid, "alg": "RS256", "use": "sig",
                "key_ops": ["verify"], "n": b64(&public.n), "e": b64(&public.e),
            })
        }

        /// The public key's DER bytes: what an attacker would use as an HMAC secret.
        pub fn public_der(&self) -> Vec<u8> {
            self.pair.public_key().as_ref().to_vec()
        }

        /// A token with `header` and `claims` as given, signed with RS256 by this key.
        pub fn sign_with_header(&self, header: &Value, claims: &Value) -> String {
            let message = format!(
                "{}.{}",
                b64(header.to_string().as_bytes()),
                b64(claims.to_string().as_bytes())
            );
            let mut signature = vec![0; self.pair.public_modulus_len()];
            self.pair
                .sign(
                    &RSA_PKCS1_SHA256,
                    &SystemRandom::new(),
                    message.as_bytes(),
                    &mut signature,
                )
                .expect("signs");
            format!("{message}.{}", b64(&signature))
        }

        /// A token as Prolific makes it: RS256, this key's `kid`, `claims`.
        pub fn sign(&self, claims: &Value) -> String {
            self.sign_with_header(
                &json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"}),
                claims,
            )
        }
    }

    /// The key set listing `keys`.
    pub fn key_set(keys: &[&Key]) -> Value {
        json!({"keys": keys.iter().map(|key| key.jwk()).collect::<Vec<_>>()})
    }

    /// The claims of a token issued at `at` for `SITE` and `WORKSPACE`, lasting 2 minutes.
    pub fn claims(at: SystemTime) -> Value {
        let iat = seconds(at);
        json!({
            "iss": "https://www.prolific.com",
            "iat": iat,
            "exp": iat + 120,
            "aud": format!("{SITE}/start?PROLIFIC_PID=pid-7&STUDY_ID=study-3"),
            "sub": "session-9",
            "prolific": {
                "PROLIFIC_PID": "pid-7",
                "STUDY_ID": "study-3",
                "workspace_id": WORKSPACE,
            }
        })
    }

    /// `token` with one byte of its signature flipped.
    pub fn with_flipped_signature_byte(token: &str) -> String {
        let (message, signature) = token.rsplit_once('.').unwrap();
        let mut signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(signature)
            .unwrap();
        signature[17] ^= 0x01;
        format!("{message}.{}", b64(&signature))
    }

    /// An HS256 token over `claims` naming `kid`, whose HMAC key is `secret`.
    pub fn hs256(kid: &str, claims: &Value, secret: &[u8]) -> String {
        let header = json!({"alg": "HS256", "kid": kid, "typ": "JWT"});
        let message = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
        let tag = aws_lc_rs::hmac::sign(&key, message.as_bytes());
        format!("{message}.{}", b64(tag.as_ref()))
    }

    /// An unsigned token (`alg: none`, empty signature) over `claims` naming `kid`.
    pub fn unsigned(kid: &str, claims: &Value) -> String {
        let header = json!({"alg": "none", "kid": kid, "typ": "JWT"});
        format!(
            "{}.{}.",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        )
    }

    /// Where a `KeyServer` serves the key set.
    pub const KEY_SET_PATH: &str = "/.well-known/study/jwks.json";

    /// A key set server whose answer the test can change (a key rotation).
    pub struct KeyServer {
        pub server: Loopback,
        pub keys: Arc<Mutex<Value>>,
    }

    impl KeyServer {
        /// Serves the key set of `keys` on loopback.
        pub async fn start(keys: &[&Key]) -> Self {
            let current = Arc::new(Mutex::new(key_set(keys)));
            let served = current.clone();
            let server =
                Loopback::serve(move |_, _| Canned::json(200, &served.lock().unwrap().clone()))
                    .await;
            Self {
                server,
                keys: current,
            }
        }

        /// Serves the key set of `keys` from now on.
        pub fn rotate_to(&self, keys: &[&Key]) {
            *self.keys.lock().unwrap() = key_set(keys);
        }

        /// How many times the key set was fetched; every request must have been a fetch of it.
        pub fn fetches(&self) -> usize {
            let requests = self.server.requests();
            for request in &requests {
                assert_eq!(
                    (request.method.as_str(), request.target.as_str()),
                    ("GET", KEY_SET_PATH)
                );
            }
            requests.len()
        }

        /// A verifier that fetches this server's key set.
        pub fn verifier(&self) -> StudyTokenVerifier {
            verifier_of(&self.server)
        }
    }

    /// A verifier for `SITE` and `WORKSPACE` whose client calls `server`.
    pub fn verifier_of(server: &Loopback) -> StudyTokenVerifier {
        StudyTokenVerifier::new(super::client(server), SITE, WORKSPACE).unwrap()
    }

    /// `claims` with the value at `pointer` replaced by `value`.
    pub fn with(mut claims: Value, pointer: &str, value: Value) -> Value {
        *claims.pointer_mut(pointer).unwrap() = value;
        claims
    }

    /// `claims` without `key` in the object at `parent`.
    pub fn without(mut claims: Value, parent: &str, key: &str) -> Value {
        claims
            .pointer_mut(parent)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .remove(key);
        claims
    }
}
