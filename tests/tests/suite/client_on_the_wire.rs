//! The hand-written layer as a server sees it: headers, the token's safety, redirects, and
//! the refusal of plain HTTP.

use prolific_sdk::{Client, Error};
use prolific_sdk_tests::{Canned, Loopback};

use crate::common;

use common::{TOKEN, create, created};

#[tokio::test]
async fn every_request_carries_exactly_the_documented_headers() {
    let server = Loopback::start(vec![created()]).await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.url())
        .app_name("my-study/1.2")
        .build()
        .unwrap();
    create(&client).await.unwrap();

    let sent = &server.requests()[0];
    let mut names: Vec<&str> = sent.headers.iter().map(|(n, _)| n.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "accept",
            "authorization",
            "content-length",
            "content-type",
            "host",
            "referer",
            "user-agent"
        ]
    );
    // Prolific asks libraries to name themselves and their version.
    assert_eq!(
        sent.header("referer"),
        Some(
            format!(
                "https://crates.io/crates/prolific-sdk/{}",
                prolific_sdk::VERSION
            )
            .as_str()
        )
    );
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Token {TOKEN}").as_str())
    );
    assert_eq!(
        sent.header("user-agent"),
        Some(format!("prolific-sdk-rust/{} my-study/1.2", prolific_sdk::VERSION).as_str())
    );
    assert_eq!(sent.header("accept"), Some("application/json"));
    assert_eq!(sent.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn an_application_may_name_itself_as_the_referer_but_not_with_a_broken_value() {
    let server = Loopback::start(vec![created()]).await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.url())
        .referer("https://example.org/our-lab-toolkit/2.0")
        .build()
        .unwrap();
    create(&client).await.unwrap();
    assert_eq!(
        server.requests()[0].header("referer"),
        Some("https://example.org/our-lab-toolkit/2.0")
    );

    for (broken, says) in [
        (" ", "the referer is empty"),
        ("line\nbreak", "cannot go in a header"),
    ] {
        let error = Client::builder()
            .token(TOKEN)
            .referer(broken)
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error:?}");
        assert!(error.to_string().contains(says), "{error}");
    }
}

#[tokio::test]
async fn a_custom_http_client_still_gets_auth_and_user_agent() {
    let server = Loopback::start(vec![created()]).await;
    let http = reqwest::Client::builder()
        .user_agent("someone-else/1")
        .build()
        .unwrap();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.url())
        .http_client(http)
        .build()
        .unwrap();
    create(&client).await.unwrap();

    let sent = &server.requests()[0];
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Token {TOKEN}").as_str())
    );
    assert!(
        sent.header("user-agent")
            .unwrap()
            .starts_with("prolific-sdk-rust/")
    );
}

#[tokio::test]
async fn a_redirect_to_another_host_does_not_carry_the_token() {
    let elsewhere = Loopback::start(vec![created()]).await;
    // Another host: `localhost` instead of `127.0.0.1`, and another port.
    let location = elsewhere
        .url()
        .replace("127.0.0.1", "localhost")
        .to_string()
        + "/api/v1/participant-groups/";
    let first = Loopback::start(vec![
        Canned::raw(307, "text/plain", "moved").with_header("location", &location),
    ])
    .await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(first.url())
        .build()
        .unwrap();
    create(&client).await.unwrap();

    assert_eq!(
        first.requests()[0].header("authorization"),
        Some(format!("Token {TOKEN}").as_str())
    );
    let followed = &elsewhere.requests()[0];
    assert_eq!(followed.target, "/api/v1/participant-groups/");
    assert_eq!(followed.header("authorization"), None);
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused_before_any_connection() {
    // 192.0.2.0/24 is reserved for documentation: nothing answers there, and nothing is tried.
    let error = Client::builder()
        .token(TOKEN)
        .base_url("http://192.0.2.10")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)));
    assert_eq!(
        error.to_string(),
        "refusing the base URL `http://192.0.2.10`: over http:// the API token would travel in \
         clear text; use https://, or allow_insecure_http(true) on a trusted network"
    );
}
