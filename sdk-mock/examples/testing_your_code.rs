//! Testing your own code against typed mocks of the Prolific API.
//!
//! `create_group_with` stands for code of yours that uses the SDK: it creates a participant
//! group, then adds participants to it. The tests below run it against an `httpmock` server
//! whose expectations and replies are the SDK's own types, one typed mock per operation.
//!
//! ```sh
//! cargo test -p prolific-sdk-mock --example testing_your_code   # runs the tests below
//! cargo run -p prolific-sdk-mock --example testing_your_code    # runs the same scenario once
//! ```

use prolific_sdk::types::{
    CreateParticipantGroupRequest, ErrorResponse, ParticipantGroup, ParticipantGroupMember,
    ParticipantGroupMemberList, ParticipantIds,
};
use prolific_sdk::{Client, Error};
use prolific_sdk_mock::MockServerExt;
use prolific_sdk_mock::httpmock::MockServer;

/// Your code: creates a group named `name` in `workspace` and adds `participants` to it.
/// Returns the group's id and how many members it has.
pub async fn create_group_with(
    client: &Client,
    name: &str,
    workspace: &str,
    participants: &[&str],
) -> Result<(String, usize), Error> {
    let group = client
        .create_participant_group()
        .body_map(|b| b.name(name).workspace_id(workspace))
        .send()
        .await?
        .into_inner();
    let ids: Vec<String> = participants.iter().map(|p| p.to_string()).collect();
    let members = client
        .add_to_participant_group()
        .id(&group.id)
        .body_map(|b| b.participant_ids(ids))
        .send()
        .await?
        .into_inner();
    Ok((group.id, members.results.len()))
}

/// A client of the mock server, as your tests would build one.
fn client_of(server: &MockServer) -> Client {
    Client::builder()
        .token("test-token")
        .base_url(server.base_url())
        .build()
        .expect("a client of the mock builds")
}

/// The group the mock answers with.
fn group(id: &str, name: &str) -> ParticipantGroup {
    ParticipantGroup::try_from(
        ParticipantGroup::builder()
            .id(id)
            .name(name)
            .workspace_id("w1"),
    )
    .expect("a group with an id and a name")
}

/// The member list the mock answers with.
fn members(ids: &[&str]) -> ParticipantGroupMemberList {
    let results: Vec<ParticipantGroupMember> = ids
        .iter()
        .map(|id| {
            ParticipantGroupMember::builder()
                .participant_id(*id)
                .try_into()
                .expect("a member with an id")
        })
        .collect();
    ParticipantGroupMemberList::builder()
        .results(results)
        .try_into()
        .expect("a list of members")
}

/// Both calls succeed: the mocks check the typed requests, and each is hit once.
async fn creates_then_adds() {
    let server = MockServer::start_async().await;
    let create = server.create_participant_group(|when, then| {
        when.body(
            &CreateParticipantGroupRequest::builder()
                .name("Diet study")
                .workspace_id("w1")
                .try_into()
                .expect("a request with a name"),
        );
        then.created(&group("g1", "Diet study"));
    });
    let add = server.add_to_participant_group(|when, then| {
        when.id("g1").body(
            &ParticipantIds::builder()
                .participant_ids(vec!["p1".into(), "p2".into()])
                .try_into()
                .expect("a list of ids"),
        );
        then.ok(&members(&["p1", "p2"]));
    });

    let result = create_group_with(&client_of(&server), "Diet study", "w1", &["p1", "p2"]).await;

    assert_eq!(result.expect("both calls succeed"), ("g1".to_string(), 2));
    create.assert_async().await;
    add.assert_async().await;
}

/// Prolific refuses the create: your code sees the SDK's error, with Prolific's error body, and
/// never tries to add members.
async fn a_refused_create_is_an_api_error() {
    let server = MockServer::start_async().await;
    let refusal: ErrorResponse = serde_json::from_value(serde_json::json!({"error": {
        "status": 400, "error_code": 140100, "title": "Bad request",
        "detail": {"workspace_id": ["No such workspace."]}
    }}))
    .expect("Prolific's error body");
    let create = server.create_participant_group(|_, then| {
        then.client_error(400, &refusal);
    });
    let add = server.add_to_participant_group(|_, then| {
        then.ok(&members(&[]));
    });

    let error = create_group_with(&client_of(&server), "Diet study", "w1", &["p1"])
        .await
        .expect_err("the create is refused");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.prolific_error().map(|e| e.error_code), Some(140100));
    assert_eq!(
        error.to_string(),
        "400 Bad Request: workspace_id: No such workspace. (error_code 140100)"
    );
    create.assert_async().await;
    add.assert_calls_async(0).await;
}

// Under `cargo test` the tests below run instead.
#[cfg_attr(test, allow(dead_code))]
#[tokio::main(flavor = "current_thread")]
async fn main() {
    creates_then_adds().await;
    a_refused_create_is_an_api_error().await;
    println!("both scenarios passed");
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn creates_then_adds() {
        super::creates_then_adds().await;
    }

    #[tokio::test]
    async fn a_refused_create_is_an_api_error() {
        super::a_refused_create_is_an_api_error().await;
    }
}
