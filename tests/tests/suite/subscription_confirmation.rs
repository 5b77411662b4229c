//! Setting up a webhook as Prolific documents it: creating a subscription answers a value in
//! its `X-Hook-Secret` header, and confirming the subscription sends that value back as
//! `{"secret": ...}`. A recording server sees both requests.

use crate::common;

use prolific_sdk::types::{ConfirmSubscriptionRequest, SubscriptionDetail};
use prolific_sdk_tests::{Canned, Loopback};
use serde_json::json;

const SECRET: &str = "4c1f0e6b2d9a4f7e8b3c5d1a0f9e8d7c";

fn subscription() -> serde_json::Value {
    json!({
        "id": "sub1",
        "event_type": "study.status.change",
        "target_url": "https://hooks.example.com/prolific",
        "is_enabled": false,
        "workspace_id": "w1",
    })
}

#[tokio::test]
async fn the_secret_a_creation_answers_in_its_header_is_what_the_confirmation_sends() {
    let server = Loopback::start(vec![
        Canned::json(201, &json!({"results": [subscription()]}))
            .with_header("X-Hook-Secret", SECRET),
        Canned::json(200, &subscription()),
    ])
    .await;
    let client = common::client(&server);

    let created = client
        .create_subscription()
        .body_map(|b| {
            b.workspace_id("w1")
                .event_type("study.status.change")
                .target_url("https://hooks.example.com/prolific")
        })
        .send()
        .await
        .unwrap();
    let secret = created
        .headers()
        .get("x-hook-secret")
        .and_then(|value| value.to_str().ok())
        .expect("the creation's answer carries X-Hook-Secret")
        .to_string();
    let id = created.into_inner().results[0].id.clone().unwrap();

    let confirmed: SubscriptionDetail = client
        .confirm_subscription()
        .subscription_id(&id)
        .body_map(|b| b.secret(secret))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(confirmed.id.as_deref(), Some("sub1"));

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let confirmation = &requests[1];
    assert_eq!(confirmation.method, "POST");
    assert_eq!(confirmation.target, "/api/v1/hooks/subscriptions/sub1/");
    // Exactly the secret: no field of the subscription rides along.
    assert_eq!(confirmation.json(), json!({"secret": SECRET}));
}

#[test]
fn a_confirmation_without_its_secret_is_refused_before_anything_is_sent() {
    let built: Result<ConfirmSubscriptionRequest, _> =
        ConfirmSubscriptionRequest::builder().try_into();
    let error = built.unwrap_err();
    assert!(error.to_string().contains("secret"), "{error}");
}
