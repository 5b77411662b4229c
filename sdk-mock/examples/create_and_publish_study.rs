//! Testing code that creates a study and publishes it, against typed mocks of the Prolific API.
//!
//! `launch` stands for code of yours: it creates a draft study that admits only one participant
//! group, then publishes it. The tests below run it against an `httpmock` server whose
//! expectations and replies are the SDK's own types: the draft your code must send, the
//! transition (`PUBLISH`), and the studies Prolific answers with.
//!
//! ```sh
//! cargo test -p prolific-sdk-mock --example create_and_publish_study   # the tests below
//! cargo run -p prolific-sdk-mock --example create_and_publish_study    # the same, once
//! ```

use prolific_sdk::types::{
    AddToParticipantGroup, AddToParticipantGroupAction, CompletionCode, CompletionCodeAction,
    CompletionCodeCodeType, CreateStudy, CreateStudyProlificIdOption, ErrorResponse, SelectFilter,
    Study, StudyFilter, StudyProlificIdOption, StudyStatus, StudyTransition, StudyTransitionAction,
};
use prolific_sdk::{Client, Error};
use prolific_sdk_mock::MockServerExt;
use prolific_sdk_mock::httpmock::MockServer;

/// Your code: a five-minute study for the members of `group`, whose finishers are added to
/// the same group; created as a draft, then published. Returns the study as published.
pub async fn launch(client: &Client, group: &str) -> Result<Study, Error> {
    let draft = client
        .create_study()
        .body(draft_for(group))
        .send()
        .await?
        .into_inner();
    let published = client
        .publish_study()
        .id(&draft.id)
        .body_map(|b| b.action(StudyTransitionAction::Publish))
        .send()
        .await?
        .into_inner();
    Ok(published)
}

/// The draft `launch` sends: built with the SDK's types, so a missing required field is a
/// clear error, and a misspelt enum value does not compile.
fn draft_for(group: &str) -> CreateStudy {
    let finished = CompletionCode::builder()
        .code(Some("C1A2B3".to_string()))
        .code_type(CompletionCodeCodeType::Completed)
        .actions(vec![CompletionCodeAction::AddToParticipantGroup(
            AddToParticipantGroup::builder()
                .action(AddToParticipantGroupAction::AddToParticipantGroup)
                .participant_group(group)
                .try_into()
                .expect("an action with its group"),
        )]);
    let only_the_group = SelectFilter::builder()
        .filter_id("participant_group_allowlist")
        .selected_values(vec![group.to_string()]);
    CreateStudy::builder()
        .name("How people plan their breakfast")
        .description("Tell us what you ate this morning and why.")
        .external_study_url("https://survey.example.com/breakfast?pid={{%PROLIFIC_PID%}}")
        .prolific_id_option(CreateStudyProlificIdOption::UrlParameters)
        .completion_codes(vec![finished.try_into().expect("a completion code")])
        .estimated_completion_time(5.0)
        .reward(150.0)
        .total_available_places(50.0)
        .filters(Some(vec![StudyFilter::SelectFilter(
            only_the_group.try_into().expect("a select filter"),
        )]))
        .try_into()
        .expect("a draft with every required field")
}

/// The study Prolific answers with, in `status`.
fn study(status: StudyStatus) -> Study {
    let draft = draft_for("g1");
    Study::builder()
        .id("s1")
        .status(status)
        .maximum_allowed_time(38.0)
        .name(draft.name)
        .description(draft.description)
        .external_study_url(draft.external_study_url)
        .prolific_id_option(StudyProlificIdOption::UrlParameters)
        .completion_codes(draft.completion_codes)
        .estimated_completion_time(draft.estimated_completion_time)
        .reward(draft.reward)
        .total_available_places(draft.total_available_places)
        .try_into()
        .expect("a study with every required field")
}

/// A client of the mock server, as your tests would build one.
fn client_of(server: &MockServer) -> Client {
    Client::builder()
        .token("test-token")
        .base_url(server.base_url())
        .build()
        .expect("a client of the mock builds")
}

/// Both calls succeed: the draft and the transition are the ones expected, each sent once.
async fn creates_then_publishes() {
    let server = MockServer::start_async().await;
    let create = server.create_study(|when, then| {
        when.body(&draft_for("g1"));
        then.created(&study(StudyStatus::Unpublished));
    });
    let publish = server.publish_study(|when, then| {
        let transition: StudyTransition = StudyTransition::builder()
            .action(StudyTransitionAction::Publish)
            .try_into()
            .expect("a transition");
        when.id("s1").body(&transition);
        then.ok(&study(StudyStatus::Active));
    });

    let published = launch(&client_of(&server), "g1")
        .await
        .expect("both calls succeed");

    assert_eq!(
        (published.id.as_str(), &published.status),
        ("s1", &StudyStatus::Active)
    );
    create.assert_async().await;
    publish.assert_async().await;
}

/// Prolific refuses to publish (the workspace cannot pay for it): your code gets the SDK's
/// error with Prolific's code, and the draft stays a draft.
async fn a_refused_publish_is_an_api_error() {
    let server = MockServer::start_async().await;
    let refusal: ErrorResponse = serde_json::from_value(serde_json::json!({"error": {
        "status": 400, "error_code": 140110, "title": "Bad request",
        "detail": "The workspace's balance does not cover this study."
    }}))
    .expect("Prolific's error body");
    let create = server.create_study(|_, then| {
        then.created(&study(StudyStatus::Unpublished));
    });
    let publish = server.publish_study(|_, then| {
        then.client_error(400, &refusal);
    });

    let error = launch(&client_of(&server), "g1")
        .await
        .expect_err("the publish is refused");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.prolific_error().map(|e| e.error_code), Some(140110));
    create.assert_async().await;
    // A transition is not repeated after an error (`x-idempotent: false`).
    publish.assert_calls_async(1).await;
}

// Under `cargo test` the tests below run instead.
#[cfg_attr(test, allow(dead_code))]
#[tokio::main(flavor = "current_thread")]
async fn main() {
    creates_then_publishes().await;
    a_refused_publish_is_an_api_error().await;
    println!("both scenarios passed");
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn creates_then_publishes() {
        super::creates_then_publishes().await;
    }

    #[tokio::test]
    async fn a_refused_publish_is_an_api_error() {
        super::a_refused_publish_is_an_api_error().await;
    }
}
