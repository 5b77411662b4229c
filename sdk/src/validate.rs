//! Rules of the API that the spec states only in prose, checked before anything is sent.
//!
//! The generated types enforce the spec's shapes (required fields, types); these are the rules
//! the docs add on top. Each operation with such rules has a function here, looked up by the
//! operation's id as progenitor passes it to the hooks.

use crate::types::CreateParticipantGroupRequest;

/// Checks the JSON body of the operation `operation_id`; `Err` says what to fix.
pub(crate) fn before_sending(operation_id: &str, body: Option<&[u8]>) -> Result<(), String> {
    match operation_id {
        "create_participant_group" => create_participant_group(&decode(body)?),
        _ => Ok(()),
    }
}

fn decode<T: serde::de::DeserializeOwned>(body: Option<&[u8]>) -> Result<T, String> {
    let bytes = body.ok_or("the request has no body")?;
    serde_json::from_slice(bytes).map_err(|e| format!("the request body is invalid: {e}"))
}

fn create_participant_group(request: &CreateParticipantGroupRequest) -> Result<(), String> {
    if request.name.trim().is_empty() {
        return Err("`name` is empty; give the participant group a name".to_string());
    }
    // "Either a workspace or organisation ID must be specified": a group belongs to one.
    let given = |id: &Option<String>| id.as_deref().is_some_and(|id| !id.trim().is_empty());
    match (
        given(&request.workspace_id),
        given(&request.organisation_id),
    ) {
        (true, false) | (false, true) => Ok(()),
        (false, false) => Err(
            "neither `workspace_id` nor `organisation_id` is set; a participant group belongs \
             to a workspace or an organisation, so set one of them"
                .to_string(),
        ),
        (true, true) => Err(
            "both `workspace_id` and `organisation_id` are set; a participant group belongs to \
             a workspace or an organisation, so set only one"
                .to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::before_sending;

    fn check(body: &str) -> Result<(), String> {
        before_sending("create_participant_group", Some(body.as_bytes()))
    }

    #[test]
    fn a_group_needs_a_name_and_exactly_one_owner() {
        assert_eq!(check(r#"{"name": "G", "workspace_id": "w"}"#), Ok(()));
        assert_eq!(check(r#"{"name": "G", "organisation_id": "o"}"#), Ok(()));
        assert!(
            check(r#"{"name": " ", "workspace_id": "w"}"#)
                .unwrap_err()
                .contains("`name` is empty")
        );
        assert!(
            check(r#"{"name": "G"}"#)
                .unwrap_err()
                .starts_with("neither")
        );
        assert!(
            check(r#"{"name": "G", "workspace_id": ""}"#)
                .unwrap_err()
                .starts_with("neither")
        );
        assert!(
            check(r#"{"name": "G", "workspace_id": "w", "organisation_id": "o"}"#)
                .unwrap_err()
                .starts_with("both")
        );
    }

    #[test]
    fn other_operations_pass_through() {
        assert_eq!(before_sending("get_participant_group", None), Ok(()));
    }
}
