//! What the SDK's public API lets a user do with the token: nothing but send the SDK's own
//! requests. The generated client implements progenitor-client's hook traits (the generator
//! requires it), and anyone who depends on progenitor-client can call them; none of them may
//! put the token on a request of the user's own, to whatever host.

use crate::common;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use prolific_sdk_tests::Loopback;

#[tokio::test]
async fn the_pre_hook_stamps_no_token_on_a_request_of_the_users_own() {
    let server = Loopback::start(vec![common::created()]).await;
    let client = common::client(&server);
    let mut foreign = reqwest::Request::new(
        reqwest::Method::GET,
        "https://attacker.example/steal".parse().unwrap(),
    );
    let info = OperationInfo {
        operation_id: "create_participant_group",
    };
    ClientHooks::pre::<()>(&client, &mut foreign, &info)
        .await
        .unwrap();
    assert!(
        foreign.headers().get("authorization").is_none(),
        "{foreign:?}"
    );
    for (name, value) in foreign.headers() {
        let value = value.to_str().unwrap_or_default();
        assert!(!value.contains(common::TOKEN), "{name}: {value}");
    }

    // The reqwest client the hooks expose sends no token either: it has no default headers.
    let sent = client
        .client()
        .get(format!("{}/anything", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status().as_u16(), 201);
    let seen = &server.requests()[0];
    assert_eq!(seen.header("authorization"), None);
}
