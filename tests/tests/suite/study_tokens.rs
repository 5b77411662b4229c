//! `prolific_sdk::study_tokens` against tokens signed with the tests' own RSA keys, the key set
//! served by a loopback server as `GET /.well-known/study/jwks.json`: what is admitted, each
//! refusal, and how often the key set is fetched. That no token reaches an error or a log is
//! tested in `tracing_events.rs`, beside the other tests that read what is logged.

use crate::common;

use std::sync::LazyLock;
use std::time::{Duration, SystemTime};

use common::study_tokens::{
    Key, KeyServer, SITE, WORKSPACE, claims, hs256, seconds, unsigned, verifier_of, with,
    with_flipped_signature_byte, without,
};
use prolific_sdk::study_tokens::StudyTokenError;
use prolific_sdk_tests::{Canned, Loopback};
use serde_json::json;

/// Keys made once per test binary: 2048-bit RSA takes a moment.
static KEY_A: LazyLock<Key> = LazyLock::new(|| Key::new("key-a"));
static KEY_B: LazyLock<Key> = LazyLock::new(|| Key::new("key-b"));

#[tokio::test]
async fn a_good_token_is_admitted_with_its_signed_claims_and_the_key_set_is_kept() {
    let keys = KeyServer::start(&[&KEY_A]).await;
    let verifier = keys.verifier();
    let now = SystemTime::now();

    let token = verifier
        .verify_at(&KEY_A.sign(&claims(now)), now)
        .await
        .unwrap();
    assert_eq!(token.session_id, "session-9");
    assert_eq!(token.workspace_id, WORKSPACE);
    assert_eq!(token.organisation_id, None);
    assert_eq!(token.participant_id(), Some("pid-7"));
    assert_eq!(token.study_id(), Some("study-3"));
    assert_eq!(
        token.parameters.keys().collect::<Vec<_>>(),
        ["PROLIFIC_PID", "STUDY_ID"]
    );
    assert_eq!(seconds(token.expires_at), seconds(now) + 120);
    // The fetch went through the client: its token and its headers.
    let fetch = &keys.server.requests()[0];
    assert_eq!(
        fetch.header("authorization"),
        Some(format!("Token {}", common::TOKEN).as_str())
    );

    // A second participant, a minute later: the key set is not fetched again.
    let later = now + Duration::from_secs(60);
    let again = KEY_A.sign(&with(claims(later), "/sub", json!("session-10")));
    assert_eq!(
        verifier.verify_at(&again, later).await.unwrap().session_id,
        "session-10"
    );
    assert_eq!(keys.fetches(), 1);
}

#[tokio::test]
async fn an_audience_at_the_site_is_admitted_and_one_elsewhere_refused() {
    let keys = KeyServer::start(&[&KEY_A]).await;
    let verifier = keys.verifier();
    let now = SystemTime::now();
    for admitted in [
        json!(SITE),
        json!("https://study.example.org:443/any/path?x=1"),
        json!(["https://other.example", SITE]),
    ] {
        let token = KEY_A.sign(&with(claims(now), "/aud", admitted.clone()));
        assert!(verifier.verify_at(&token, now).await.is_ok(), "{admitted}");
    }
    for refused in [
        json!("https://study.example.org.attacker.example/start"),
        json!("http://study.example.org"),
        json!("https://study.example.org:8443"),
        json!(["https://other.example"]),
        json!("study.example.org"),
    ] {
        let token = KEY_A.sign(&with(claims(now), "/aud", refused.clone()));
        let error = verifier.verify_at(&token, now).await.unwrap_err();
        assert!(
            matches!(&error, StudyTokenError::WrongAudience { expected } if expected == SITE),
            "{refused}: {error:?}"
        );
    }
}

#[tokio::test]
async fn an_expired_token_is_refused_past_the_leeway_only() {
    let keys = KeyServer::start(&[&KEY_A]).await;
    let verifier = keys.verifier();
    let issued = SystemTime::now();
    let token = KEY_A.sign(&claims(issued));
    let expiry = issued + Duration::from_secs(120);

    // 30 s of leeway by default: 20 s after `exp` still admitted, 31 s after refused.
    assert!(
        verifier
            .verify_at(&token, expiry + Duration::from_secs(20))
            .await
            .is_ok()
    );
    let error = verifier
        .verify_at(&token, expiry + Duration::from_secs(31))
        .await
        .unwrap_err();
    assert!(matches!(error, StudyTokenError::Expired), "{error:?}");

    // The caller's own leeway.
    let strict = keys.verifier().leeway(Duration::ZERO);
    let error = strict
        .verify_at(&token, expiry + Duration::from_secs(2))
        .await
        .unwrap_err();
    assert!(matches!(error, StudyTokenError::Expired), "{error:?}");
}

#[tokio::test]
async fn none_and_hs256_are_refused_before_any_key_is_fetched() {
    let keys = KeyServer::start(&[&KEY_A]).await;
    let verifier = keys.verifier();
    let now = SystemTime::now();

    let error = verifier
        .verify_at(&unsigned(&KEY_A.kid, &claims(now)), now)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StudyTokenError::AlgorithmRefused { alg } if alg == "none"),
        "{error:?}"
    );
    // The classic forgery: HS256 whose secret is the RSA public key anybody can fetch.
    let forged = hs256(&KEY_A.kid, &claims(now), &KEY_A.public_der());
    let error = verifier.verify_at(&forged, now).await.unwrap_err();
    assert!(
        matches!(&error, StudyTokenError::AlgorithmRefused { alg } if alg == "HS256"),
        "{error:?}"
    );
    // Also with the `n` of the key set as the secret, and with RS512.
    let n = KEY_A.jwk()["n"].as_str().unwrap().to_string();
    let forged = hs256(&KEY_A.kid, &claims(now), n.as_bytes());
    assert!(matches!(
        verifier.verify_at(&forged, now).await,
        Err(StudyTokenError::AlgorithmRefused { .. })
    ));
    let rs512 = KEY_A.sign_with_header(&json!({"alg": "RS512", "kid": KEY_A.kid}), &claims(now));
    assert!(matches!(
        verifier.verify_at(&rs512, now).await,
        Err(StudyTokenError::AlgorithmRefused { .. })
    ));
    assert_eq!(keys.fetches(), 0);
}

#[tokio::test]
async fn a_flipped_signature_byte_or_changed_claims_are_a_bad_signature() {
    let keys = KeyServer::start(&[&KEY_A]).await;
    let verifier = keys.verifier();
    let now = SystemTime::now();
    let token = KEY_A.sign(&claims(now));
    assert!(verifier.verify_at(&token, now).await.is_ok());

    let error = verifier
        .verify_at(&with_flipped_signature_byte(&token), now)
        .await
        .unwrap_err();
    assert!(matches!(error, StudyTokenError::BadSignature), "{error:?}");

    // The claims of another participant under the first token's signature.
    let other = KEY_A.sign(&with(claims(now), "/prolific/PROLIFIC_PID", json!("pid-8")));
    let (header, _) = token.split_once('.').unwrap();
    let (_, rest) = other.split_once('.').unwrap();
    let (claims_part, _) = rest.split_once('.').unwrap();
    let (_, signature) = token.rsplit_once('.').unwrap();
    let spliced = format!("{header}.{claims_part}.{signature}");
    let error = verifier.verify_at(&spliced, now).await.unwrap_err();
    assert!(matches!(error, StudyTokenError::BadSignature), "{error:?}");

    // Signed by a key of the right `kid` that is not Prolific's.
    let impostor = Key::new(&KEY_A.kid);
    let error = verifier
        .verify_at(&impostor.sign(&claims(now)), now)
        .await
        .unwrap_err();
    assert!(matches!(error, StudyTokenError::BadSignature), "{error:?}");
}

#[tokio::test]
async fn an_unknown_kid_fetches_the_key_set_again_at_most_once_a_minute() {
    let keys = KeyServer::start(&[&KEY_A]).await;
    let verifier = keys.verifier();
    let now = SystemTime::now();
    verifier
        .verify_at(&KEY_A.sign(&claims(now)), now)
        .await
        .unwrap();
    assert_eq!(keys.fetches(), 1);

    // Right after a fetch, an unknown kid does not fetch again.
    let stranger = Key::new("key-unknown");
    let error = verifier
        .verify_at(&stranger.sign(&claims(now)), now)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StudyTokenError::UnknownKey { kid } if kid == "key-unknown"),
        "{error:?}"
    );
    assert_eq!(keys.fetches(), 1);

    // A minute later it does.
    let minute = now + Duration::from_secs(60);
    assert!(matches!(
        verifier
            .verify_at(&stranger.sign(&claims(minute)), minute)
            .await,
        Err(StudyTokenError::UnknownKey { .. })
    ));
    assert_eq!(keys.fetches(), 2, "an unknown kid fetches the set again");

    // Made-up kids over the next 59 s: refused without a fetch.
    for second in [1, 20, 40, 59] {
        let at = minute + Duration::from_secs(second);
        let token = KEY_A.sign_with_header(
            &json!({"alg": "RS256", "kid": format!("made-up-{second}")}),
            &claims(at),
        );
        assert!(matches!(
            verifier.verify_at(&token, at).await,
            Err(StudyTokenError::UnknownKey { .. })
        ));
    }
    assert_eq!(keys.fetches(), 2);

    // The known key still verifies meanwhile, from the cache.
    let at = minute + Duration::from_secs(30);
    assert!(
        verifier
            .verify_at(&KEY_A.sign(&claims(at)), at)
            .await
            .is_ok()
    );
    assert_eq!(keys.fetches(), 2);
}

#[tokio::test]
async fn a_key_rotation_is_followed_and_the_retired_key_refused() {
    let keys = KeyServer::start(&[&KEY_A]).await;
    let verifier = keys.verifier();
    let now = SystemTime::now();
    verifier
        .verify_at(&KEY_A.sign(&claims(now)), now)
        .await
        .unwrap();

    // Prolific adds key B and signs with it, then retires key A.
    keys.rotate_to(&[&KEY_A, &KEY_B]);
    let at = now + Duration::from_secs(120);
    let token = verifier
        .verify_at(&KEY_B.sign(&claims(at)), at)
        .await
        .unwrap();
    assert_eq!(token.session_id, "session-9");
    assert_eq!(keys.fetches(), 2);
    // Both keys are trusted while both are listed.
    assert!(
        verifier
            .verify_at(&KEY_A.sign(&claims(at)), at)
            .await
            .is_ok()
    );

    keys.rotate_to(&[&KEY_B]);
    let day_later = at + Duration::from_secs(24 * 60 * 60);
    // The day-old set is fetched again even for a known kid, and A is gone from it.
    assert!(
        verifier
            .verify_at(&KEY_B.sign(&claims(day_later)), day_later)
            .await
            .is_ok()
    );
    assert_eq!(keys.fetches(), 3);
    let error = verifier
        .verify_at(&KEY_A.sign(&claims(day_later)), day_later)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StudyTokenError::UnknownKey { kid } if kid == "key-a"),
        "{error:?}"
    );
}

#[tokio::test]
async fn verifications_waiting_for_the_first_key_set_share_one_fetch() {
    let keys = KeyServer::start(&[&KEY_A]).await;
    let verifier = keys.verifier();
    let now = SystemTime::now();
    let token = KEY_A.sign(&claims(now));
    let all = futures_util::future::join_all((0..8).map(|_| verifier.verify_at(&token, now))).await;
    assert!(all.iter().all(Result::is_ok), "{all:?}");
    assert_eq!(keys.fetches(), 1);
}

#[tokio::test]
async fn the_workspace_organisation_and_issuer_must_be_the_expected_ones() {
    let keys = KeyServer::start(&[&KEY_A]).await;
    let verifier = keys.verifier();
    let now = SystemTime::now();
    let refusals = [
        (
            with(claims(now), "/prolific/workspace_id", json!("another")),
            "WrongWorkspace",
        ),
        (
            with(claims(now), "/iss", json!("https://www.prolific.com.evil")),
            "WrongIssuer",
        ),
        (without(claims(now), "", "exp"), "MissingClaim(exp)"),
        (without(claims(now), "", "iss"), "MissingClaim(iss)"),
        (without(claims(now), "", "aud"), "MissingClaim(aud)"),
        (without(claims(now), "", "sub"), "MissingClaim(sub)"),
        (
            without(claims(now), "", "prolific"),
            "MissingClaim(prolific)",
        ),
        (
            without(claims(now), "/prolific", "workspace_id"),
            "MissingClaim(prolific.workspace_id)",
        ),
        (
            with(claims(now), "/prolific/STUDY_ID", json!(3)),
            "Malformed",
        ),
    ];
    for (claims, expected) in refusals {
        let error = verifier
            .verify_at(&KEY_A.sign(&claims), now)
            .await
            .unwrap_err();
        let seen = match &error {
            StudyTokenError::WrongWorkspace => "WrongWorkspace".to_string(),
            StudyTokenError::WrongIssuer => "WrongIssuer".to_string(),
            StudyTokenError::MissingClaim { claim } => format!("MissingClaim({claim})"),
            StudyTokenError::Malformed { .. } => "Malformed".to_string(),
            other => format!("{other:?}"),
        };
        assert_eq!(seen, expected, "{claims}");
    }

    let of_organisation = keys.verifier().organisation_id("org-1");
    let error = of_organisation
        .verify_at(&KEY_A.sign(&claims(now)), now)
        .await
        .unwrap_err();
    assert!(
        matches!(error, StudyTokenError::WrongOrganisation),
        "{error:?}"
    );
    let in_organisation = with(
        claims(now),
        "/prolific",
        json!({"workspace_id": WORKSPACE, "organisation_id": "org-1", "STUDY_ID": "s"}),
    );
    let token = of_organisation
        .verify_at(&KEY_A.sign(&in_organisation), now)
        .await
        .unwrap();
    assert_eq!(token.organisation_id.as_deref(), Some("org-1"));
    assert_eq!(token.parameter("STUDY_ID"), Some("s"));
}

#[tokio::test]
async fn what_is_not_a_jwt_is_malformed() {
    let keys = KeyServer::start(&[&KEY_A]).await;
    let verifier = keys.verifier();
    let now = SystemTime::now();
    for garbage in [
        String::new(),
        "abc".to_string(),
        "a.b".to_string(),
        "a.b.c.d".to_string(),
        "!!!.e30.sig".to_string(),
        format!("{}.e30.", "e".repeat(20_000)),
    ] {
        let error = verifier.verify_at(&garbage, now).await.unwrap_err();
        assert!(
            matches!(error, StudyTokenError::Malformed { .. }),
            "{garbage:.40}: {error:?}"
        );
    }
    // A header without a kid.
    let token = KEY_A.sign_with_header(&json!({"alg": "RS256"}), &claims(now));
    assert!(matches!(
        verifier.verify_at(&token, now).await,
        Err(StudyTokenError::MissingKeyId)
    ));
    assert_eq!(keys.fetches(), 0);
}

#[tokio::test]
async fn a_key_set_that_cannot_be_fetched_is_an_error_then_waits_a_minute() {
    let server = Loopback::start(vec![Canned::json(
        404,
        &json!({"error": {"title": "Not found"}}),
    )])
    .await;
    let verifier = verifier_of(&server);
    let now = SystemTime::now();
    let token = KEY_A.sign(&claims(now));
    let error = verifier.verify_at(&token, now).await.unwrap_err();
    let StudyTokenError::KeySet(cause) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(cause.status().map(|s| s.as_u16()), Some(404));
    let error = verifier.verify_at(&token, now).await.unwrap_err();
    assert!(
        matches!(error, StudyTokenError::KeySetUnavailable),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_stale_key_set_that_cannot_be_fetched_again_is_still_used() {
    let keys = KeyServer::start(&[&KEY_A]).await;
    let verifier = keys.verifier();
    let now = SystemTime::now();
    verifier
        .verify_at(&KEY_A.sign(&claims(now)), now)
        .await
        .unwrap();
    *keys.keys.lock().unwrap() = json!({"not": "a key set"});
    let day_later = now + Duration::from_secs(24 * 60 * 60 + 1);
    assert!(
        verifier
            .verify_at(&KEY_A.sign(&claims(day_later)), day_later)
            .await
            .is_ok()
    );
    assert_eq!(keys.fetches(), 2);
}
