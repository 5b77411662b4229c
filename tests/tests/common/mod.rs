//! What several test files need from the SDK itself (the tests crate's library cannot depend
//! on the SDK: the SDK's example depends on it).

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
