//! A request body built from JSON keeps every field or refuses the key it does not know, by
//! name: a type only requests hold is closed (`deny_unknown_fields`, the generator's
//! `closed_requests` step). A type an answer holds still reads fields Prolific adds.

use prolific_sdk::types::{CreateTaskBuilderInstructionsRequest, ParticipantGroup};
use serde_json::json;

/// Instructions as a researcher copies them from Prolific's documentation page, with one key
/// spelt as an older page spelt it (`option_limit`, not `answer_limit`).
fn instructions(limit_key: &str) -> serde_json::Value {
    json!({
        "instructions": [
            {
                "type": "multiple_choice",
                "created_by": "Sam",
                "description": "Which answer is kinder?",
                "options": [
                    {"label": "Answer A", "value": "a"},
                    {"label": "Answer B", "value": "b"}
                ],
                limit_key: 1
            },
            {
                "type": "free_text",
                "created_by": "Sam",
                "description": "Why?",
                "placeholder_text_input": "Because..."
            }
        ]
    })
}

#[test]
fn a_documented_body_reads_whole_and_an_unknown_key_is_named() {
    let body: CreateTaskBuilderInstructionsRequest =
        serde_json::from_value(instructions("answer_limit")).expect("every key is known");
    assert_eq!(
        serde_json::to_value(&body).unwrap()["instructions"][0]["answer_limit"],
        1,
        "nothing is lost on the way back to JSON"
    );

    let error = serde_json::from_value::<CreateTaskBuilderInstructionsRequest>(instructions(
        "option_limit",
    ))
    .unwrap_err()
    .to_string();
    assert!(error.contains("unknown field `option_limit`"), "{error}");
}

#[test]
fn an_answer_with_a_field_prolific_added_still_reads() {
    let group: ParticipantGroup = serde_json::from_value(json!({
        "id": "g1",
        "name": "Group 1",
        "a_field_added_later": {"anything": [1, 2]}
    }))
    .expect("answers stay open");
    assert_eq!(group.id, "g1");
}
