//! What the mock crate's test files share.

use prolific_sdk::Client;
use prolific_sdk_mock::httpmock::MockServer;

/// A client of `server`, with a test token and the default settings.
pub fn client_of(server: &MockServer) -> Client {
    Client::builder()
        .token("test-token")
        .base_url(server.base_url())
        .build()
        .unwrap()
}
