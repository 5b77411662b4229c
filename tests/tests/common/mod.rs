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
