//! What a user would write instead of the SDK: one function and two serde structs for
//! `POST /api/v1/participant-groups/`, on reqwest with the SDK's TLS, and the structs of a page
//! of studies (`GET /api/v1/studies/`). The benchmarks compare the SDK against it (speed,
//! build time, dependency count); it is not for use.

use serde::{Deserialize, Serialize};

/// The request body, as the SDK's `CreateParticipantGroupRequest` encodes it.
#[derive(Debug, Clone, Serialize)]
pub struct NewGroup {
    /// The group's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The group's name.
    pub name: String,
    /// The organisation to create it in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<String>,
    /// The participants to add.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub participant_ids: Vec<String>,
    /// The workspace to create it in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
}

/// The created group, with the fields the SDK's `ParticipantGroup` decodes.
#[derive(Debug, Clone, Deserialize)]
pub struct Group {
    /// The description.
    pub description: Option<String>,
    /// The feeder studies.
    #[serde(default)]
    pub feeder_studies: Vec<FeederStudy>,
    /// The id.
    pub id: String,
    /// Whether it is deleted.
    pub is_deleted: Option<bool>,
    /// The name.
    pub name: String,
    /// The organisation.
    pub organisation_id: Option<String>,
    /// The number of participants.
    pub participant_count: Option<i64>,
    /// The project (deprecated).
    pub project_id: Option<String>,
    /// The workspace.
    pub workspace_id: Option<String>,
}

/// A page of groups, as `GET /api/v1/participant-groups/` answers.
#[derive(Debug, Clone, Deserialize)]
pub struct GroupList {
    /// The groups.
    pub results: Vec<Group>,
}

/// A feeder study.
#[derive(Debug, Clone, Deserialize)]
pub struct FeederStudy {
    /// Its completion codes.
    #[serde(default)]
    pub feeder_completion_codes: Vec<CompletionCode>,
    /// The id.
    pub id: String,
    /// The internal name.
    pub internal_name: Option<String>,
    /// The name.
    pub name: Option<String>,
    /// The status.
    pub status: Option<String>,
}

/// A completion code.
#[derive(Debug, Clone, Deserialize)]
pub struct CompletionCode {
    /// What it does.
    pub action: Option<String>,
    /// The code.
    pub code: String,
    /// Its type.
    pub code_type: Option<String>,
}

/// A page of studies, as `GET /api/v1/studies/` answers.
#[derive(Debug, Clone, Deserialize)]
pub struct StudyList {
    /// The studies.
    pub results: Vec<StudySummary>,
}

/// A study in a list, with the fields the SDK's `StudyShort` decodes. The status and the
/// study type are text: a user who must not fail on a value Prolific adds writes them so.
#[derive(Debug, Clone, Deserialize)]
pub struct StudySummary {
    /// The id.
    pub id: String,
    /// The name participants see.
    pub name: String,
    /// The name only the researcher sees.
    pub internal_name: Option<String>,
    /// The status.
    pub status: Option<String>,
    /// The kind of sample.
    pub study_type: Option<String>,
    /// The places.
    pub total_available_places: Option<f64>,
    /// The places taken.
    pub places_taken: Option<f64>,
    /// The submissions.
    pub number_of_submissions: Option<f64>,
    /// The reward.
    pub reward: Option<f64>,
    /// The cost.
    pub total_cost: Option<f64>,
    /// When it was published.
    pub published_at: Option<String>,
    /// When it is to be published.
    pub publish_at: Option<String>,
    /// When it was created.
    pub date_created: Option<String>,
}

/// Creates a group: the same request the SDK sends (the same headers, a `Referer` among
/// them), and the same decoding of the answer.
pub async fn create_group(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    body: &NewGroup,
) -> Result<Group, String> {
    let response = http
        .post(format!("{base_url}/api/v1/participant-groups/"))
        .header(reqwest::header::AUTHORIZATION, format!("Token {token}"))
        .header(reqwest::header::ACCEPT, "application/json")
        .header(reqwest::header::USER_AGENT, "handwritten/0")
        // Prolific asks every client to name itself; the SDK sends one too.
        .header(reqwest::header::REFERER, "https://example.org/handwritten")
        .json(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| e.to_string())?;
    if status.as_u16() != 201 {
        return Err(format!("{status}"));
    }
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}
