//! The rules the docs state only in prose, checked before anything is sent.
//!
//! The generated types enforce the spec's shapes (required fields, types); these are the rules
//! the docs add on top. The spec names each one under its operation's `x-prose-rules`, and the
//! generated trait `ProseRules` has one method per rule, documented with it: a rule added to
//! the spec without its code here, misspelt, or left behind by a removed rule does not compile.

use crate::generated::operations::ProseRules;
use crate::operation::Sent;
use crate::types::{
    BulkScreenOutRequest, CreateFilterSet, CreateParticipantGroupRequest, CreateWorkspace,
    SubmissionTransition, SubmissionTransitionAction, SurveyIn, TestStudySetUp,
};

/// The SDK's implementation of the prose rules.
pub(crate) struct Rules;

impl ProseRules for Rules {
    fn workspace_or_project(request: &Sent<'_>) -> Result<(), String> {
        let given = |name| request.query(name).is_some_and(|v| !v.trim().is_empty());
        if given("workspace_id") || given("project_id") {
            Ok(())
        } else {
            Err(
                "neither `workspace_id` nor `project_id` is set; Prolific lists the groups of \
                 one workspace, so set `workspace_id`"
                    .to_string(),
            )
        }
    }

    fn name_not_blank(
        _request: &Sent<'_>,
        body: &CreateParticipantGroupRequest,
    ) -> Result<(), String> {
        if body.name.trim().is_empty() {
            return Err("`name` is empty; give the participant group a name".to_string());
        }
        Ok(())
    }

    fn one_owner(_request: &Sent<'_>, body: &CreateParticipantGroupRequest) -> Result<(), String> {
        // "Either a workspace or organisation ID must be specified": a group belongs to one.
        match (given(&body.workspace_id), given(&body.organisation_id)) {
            (true, false) | (false, true) => Ok(()),
            (false, false) => Err(
                "neither `workspace_id` nor `organisation_id` is set; a participant group \
                 belongs to a workspace or an organisation, so set one of them"
                    .to_string(),
            ),
            (true, true) => Err(
                "both `workspace_id` and `organisation_id` are set; a participant group belongs \
                 to a workspace or an organisation, so set only one"
                    .to_string(),
            ),
        }
    }

    fn currency_gbp_or_usd(_request: &Sent<'_>, body: &CreateWorkspace) -> Result<(), String> {
        match body.currency_code.as_deref() {
            None | Some("GBP") | Some("USD") => Ok(()),
            Some(other) => Err(format!(
                "`currency_code` is `{other}`; a workspace pays in `GBP` or `USD`, so give one of \
                 them, or leave it out"
            )),
        }
    }

    fn user_or_since(request: &Sent<'_>) -> Result<(), String> {
        let given = |name| request.query(name).is_some_and(|v| !v.trim().is_empty());
        if given("user_id") || given("created_after") {
            Ok(())
        } else {
            Err(
                "neither `user_id` nor `created_after` is set; Prolific lists the messages with \
                 one user or since a time, so set one of them"
                    .to_string(),
            )
        }
    }

    fn workspace_or_organisation(request: &Sent<'_>) -> Result<(), String> {
        let given = |name| request.query(name).is_some_and(|v| !v.trim().is_empty());
        if given("workspace_id") || given("organisation_id") {
            Ok(())
        } else {
            Err(
                "neither `workspace_id` nor `organisation_id` is set; Prolific lists the filter \
                 sets of one workspace or organisation, so set one of them"
                    .to_string(),
            )
        }
    }

    fn filter_set_has_one_owner(_request: &Sent<'_>, body: &CreateFilterSet) -> Result<(), String> {
        match (given(&body.workspace_id), given(&body.organisation_id)) {
            (true, false) | (false, true) => Ok(()),
            (false, false) => Err(
                "neither `workspace_id` nor `organisation_id` is set; a filter set belongs to a \
                 workspace or an organisation, so set one of them"
                    .to_string(),
            ),
            (true, true) => Err(
                "both `workspace_id` and `organisation_id` are set; a filter set belongs to a \
                 workspace or an organisation, so set only one"
                    .to_string(),
            ),
        }
    }

    fn sections_or_questions(_request: &Sent<'_>, body: &SurveyIn) -> Result<(), String> {
        if !body.sections.is_empty() && !body.questions.is_empty() {
            return Err(
                "both `sections` and `questions` are set; a survey gives its questions in \
                 sections or on their own, so set only one"
                    .to_string(),
            );
        }
        Ok(())
    }

    fn one_test_target(_request: &Sent<'_>, body: &TestStudySetUp) -> Result<(), String> {
        // The published document's `oneOf` of two `required` lists: one target, not both.
        match (
            given(&body.target_participant_id),
            given(&body.target_participant_group_id),
        ) {
            (true, false) | (false, true) => Ok(()),
            (false, false) => Err(
                "neither `target_participant_id` nor `target_participant_group_id` is set; a \
                 test study is tried by a participant or a group, so set one of them"
                    .to_string(),
            ),
            (true, true) => Err(
                "both `target_participant_id` and `target_participant_group_id` are set; a \
                 test study is tried by a participant or a group, so set only one"
                    .to_string(),
            ),
        }
    }

    fn transition_has_what_its_action_needs(
        _request: &Sent<'_>,
        body: &SubmissionTransition,
    ) -> Result<(), String> {
        match body.action {
            SubmissionTransitionAction::Reject => {
                let message = body.message.as_deref().unwrap_or_default().trim();
                if message.chars().count() < 100 {
                    return Err(format!(
                        "`message` has {} characters; a rejection tells the participant why in at \
                         least 100, so write more",
                        message.chars().count()
                    ));
                }
                if body.rejection_category.is_none() {
                    return Err(
                        "`rejection_category` is not set; a rejection needs one, so set it"
                            .to_string(),
                    );
                }
                Ok(())
            }
            SubmissionTransitionAction::Complete if !given(&body.completion_code) => Err(
                "`completion_code` is not set; `COMPLETE` ends a submission with one of the \
                 study's researcher codes, so set it"
                    .to_string(),
            ),
            _ => Ok(()),
        }
    }

    fn bonus_or_hourly_reward(
        _request: &Sent<'_>,
        body: &BulkScreenOutRequest,
    ) -> Result<(), String> {
        match (body.bonus_per_submission, body.reward_per_hour) {
            (Some(_), None) | (None, Some(_)) => Ok(()),
            (None, None) => Err(
                "neither `bonus_per_submission` nor `reward_per_hour` is set; screening out pays \
                 each participant, so set one of them"
                    .to_string(),
            ),
            (Some(_), Some(_)) => Err(
                "both `bonus_per_submission` and `reward_per_hour` are set; screening out pays by \
                 one of them, so set only one"
                    .to_string(),
            ),
        }
    }
}

/// An id that is set and not blank.
fn given(id: &Option<String>) -> bool {
    id.as_deref().is_some_and(|id| !id.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(body: &str) -> Result<(), String> {
        let request = reqwest::Client::new()
            .post("https://api.prolific.com/api/v1/participant-groups/")
            .body(body.to_string())
            .build()
            .unwrap();
        let body = serde_json::from_str(body).map_err(|e| e.to_string())?;
        let request = Sent::new(&request);
        Rules::name_not_blank(&request, &body)?;
        Rules::one_owner(&request, &body)
    }

    fn list(query: &str) -> Result<(), String> {
        let url = format!("https://api.prolific.com/api/v1/participant-groups/?{query}");
        let request = reqwest::Client::new().get(url).build().unwrap();
        Rules::workspace_or_project(&Sent::new(&request))
    }

    #[test]
    fn a_group_needs_a_name_and_exactly_one_owner() {
        assert_eq!(create(r#"{"name": "G", "workspace_id": "w"}"#), Ok(()));
        assert_eq!(create(r#"{"name": "G", "organisation_id": "o"}"#), Ok(()));
        let refused = |body| create(body).unwrap_err();
        assert!(refused(r#"{"name": " ", "workspace_id": "w"}"#).contains("`name` is empty"));
        assert!(refused(r#"{"name": "G"}"#).starts_with("neither"));
        assert!(refused(r#"{"name": "G", "workspace_id": ""}"#).starts_with("neither"));
        assert!(
            refused(r#"{"name": "G", "workspace_id": "w", "organisation_id": "o"}"#)
                .starts_with("both")
        );
    }

    #[test]
    fn a_workspace_pays_in_pounds_or_dollars() {
        let request = reqwest::Client::new()
            .post("https://api.prolific.com/api/v1/workspaces/")
            .build()
            .unwrap();
        let check = |body: serde_json::Value| {
            let body: CreateWorkspace = serde_json::from_value(body).unwrap();
            Rules::currency_gbp_or_usd(&Sent::new(&request), &body)
        };
        assert_eq!(check(serde_json::json!({"title": "W"})), Ok(()));
        assert_eq!(
            check(serde_json::json!({"title": "W", "currency_code": "USD"})),
            Ok(())
        );
        let refused = check(serde_json::json!({"title": "W", "currency_code": "EUR"}));
        assert!(refused.unwrap_err().starts_with("`currency_code` is `EUR`"));
    }

    #[test]
    fn a_test_study_is_tried_by_one_participant_or_one_group() {
        let request = reqwest::Client::new()
            .post("https://api.prolific.com/api/v1/study/s1/test-study")
            .build()
            .unwrap();
        let check = |body: serde_json::Value| {
            let body: TestStudySetUp = serde_json::from_value(body).unwrap();
            Rules::one_test_target(&Sent::new(&request), &body)
        };
        assert_eq!(
            check(serde_json::json!({"target_participant_id": "p"})),
            Ok(())
        );
        assert_eq!(
            check(serde_json::json!({"target_participant_group_id": "g"})),
            Ok(())
        );
        assert!(
            check(serde_json::json!({}))
                .unwrap_err()
                .starts_with("neither")
        );
        assert!(
            check(serde_json::json!({"target_participant_id": " "}))
                .unwrap_err()
                .starts_with("neither")
        );
        assert!(
            check(serde_json::json!({
                "target_participant_id": "p",
                "target_participant_group_id": "g"
            }))
            .unwrap_err()
            .starts_with("both")
        );
    }

    fn sent() -> reqwest::Request {
        reqwest::Client::new()
            .post("https://api.prolific.com/api/v1/submissions/s1/transition/")
            .build()
            .unwrap()
    }

    #[test]
    fn a_rejection_says_why_and_a_completion_names_its_code() {
        let request = sent();
        let check = |body: serde_json::Value| {
            let body: SubmissionTransition = serde_json::from_value(body).unwrap();
            Rules::transition_has_what_its_action_needs(&Sent::new(&request), &body)
        };
        let why = "x".repeat(100);
        assert_eq!(check(serde_json::json!({"action": "APPROVE"})), Ok(()));
        assert_eq!(
            check(
                serde_json::json!({"action": "REJECT", "message": why, "rejection_category": "LOW_EFFORT"})
            ),
            Ok(())
        );
        let short = check(
            serde_json::json!({"action": "REJECT", "message": "too quick", "rejection_category": "TOO_QUICKLY"}),
        );
        assert!(short.unwrap_err().starts_with("`message` has 9 characters"));
        let uncategorised = check(serde_json::json!({"action": "REJECT", "message": why}));
        assert!(
            uncategorised
                .unwrap_err()
                .starts_with("`rejection_category` is not set")
        );
        let codeless = check(serde_json::json!({"action": "COMPLETE"}));
        assert!(
            codeless
                .unwrap_err()
                .starts_with("`completion_code` is not set")
        );
        assert_eq!(
            check(serde_json::json!({"action": "COMPLETE", "completion_code": "R1"})),
            Ok(())
        );
    }

    #[test]
    fn screening_out_pays_by_bonus_or_by_hour() {
        let request = sent();
        let check = |body: serde_json::Value| {
            let body: BulkScreenOutRequest = serde_json::from_value(body).unwrap();
            Rules::bonus_or_hourly_reward(&Sent::new(&request), &body)
        };
        let ids = serde_json::json!(["s1"]);
        assert_eq!(
            check(serde_json::json!({"submission_ids": ids, "bonus_per_submission": 0.2})),
            Ok(())
        );
        assert_eq!(
            check(serde_json::json!({"submission_ids": ids, "reward_per_hour": 6.0})),
            Ok(())
        );
        assert!(
            check(serde_json::json!({"submission_ids": ids}))
                .unwrap_err()
                .starts_with("neither")
        );
        assert!(check(serde_json::json!({"submission_ids": ids, "bonus_per_submission": 0.2, "reward_per_hour": 6.0}))
            .unwrap_err()
            .starts_with("both"));
    }

    #[test]
    fn messages_are_listed_with_one_user_or_since_a_time() {
        let check = |query: &str| {
            let url = format!("https://api.prolific.com/api/v1/messages/?{query}");
            let request = reqwest::Client::new().get(url).build().unwrap();
            Rules::user_or_since(&Sent::new(&request))
        };
        assert_eq!(check("user_id=u1"), Ok(()));
        assert_eq!(check("created_after=2026-11-01T00%3A00%3A00Z"), Ok(()));
        assert!(check("").unwrap_err().starts_with("neither"));
        assert!(check("user_id=%20").unwrap_err().starts_with("neither"));
    }

    #[test]
    fn a_filter_set_belongs_to_one_workspace_or_organisation() {
        let list = |query: &str| {
            let url = format!("https://api.prolific.com/api/v1/filter-sets/?{query}");
            let request = reqwest::Client::new().get(url).build().unwrap();
            Rules::workspace_or_organisation(&Sent::new(&request))
        };
        assert_eq!(list("workspace_id=w"), Ok(()));
        assert_eq!(list("organisation_id=o"), Ok(()));
        assert!(list("").unwrap_err().starts_with("neither"));
        let request = sent();
        let create = |body: serde_json::Value| {
            let body: CreateFilterSet = serde_json::from_value(body).unwrap();
            Rules::filter_set_has_one_owner(&Sent::new(&request), &body)
        };
        assert_eq!(
            create(serde_json::json!({"workspace_id": "w", "name": "F"})),
            Ok(())
        );
        assert_eq!(create(serde_json::json!({"organisation_id": "o"})), Ok(()));
        assert!(
            create(serde_json::json!({"name": "F"}))
                .unwrap_err()
                .starts_with("neither")
        );
        assert!(
            create(serde_json::json!({"workspace_id": "w", "organisation_id": "o"}))
                .unwrap_err()
                .starts_with("both")
        );
    }

    #[test]
    fn a_survey_gives_its_questions_in_sections_or_on_their_own() {
        let request = sent();
        let check = |body: serde_json::Value| {
            let body: SurveyIn = serde_json::from_value(body).unwrap();
            Rules::sections_or_questions(&Sent::new(&request), &body)
        };
        let question =
            serde_json::json!({"title": "Q", "type": "single", "answers": [{"value": "A"}]});
        let section = serde_json::json!({"title": "S", "questions": [question.clone()]});
        let base = |extra: serde_json::Value| {
            let mut body = serde_json::json!({"researcher_id": "r", "title": "T"});
            body.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            body
        };
        assert_eq!(
            check(base(serde_json::json!({"sections": [section.clone()]}))),
            Ok(())
        );
        assert_eq!(
            check(base(serde_json::json!({"questions": [question.clone()]}))),
            Ok(())
        );
        let both = check(base(
            serde_json::json!({"sections": [section], "questions": [question]}),
        ));
        assert!(
            both.unwrap_err()
                .starts_with("both `sections` and `questions`")
        );
    }

    #[test]
    fn a_list_names_its_workspace_or_project() {
        assert_eq!(list("workspace_id=w"), Ok(()));
        assert_eq!(list("project_id=p&active=true"), Ok(()));
        assert!(list("active=true").unwrap_err().starts_with("neither"));
        assert!(list("workspace_id=%20").unwrap_err().starts_with("neither"));
    }
}
