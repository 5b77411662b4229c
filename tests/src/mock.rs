//! A mock of `POST /api/v1/participant-groups/` on loopback, for the SDK's example and tests.
//! It checks each request against the spec and answers as Prolific documents: the documented
//! 201 example, or a 4XX with Prolific's error body saying what is wrong.

use serde_json::{Value, json};

use crate::{Canned, Loopback, Recorded, example, schema_errors};

/// The operation the mock serves.
pub const PATH: &str = "/api/v1/participant-groups/";
const MEDIA: &str =
    "/paths/~1api~1v1~1participant-groups~1/post/requestBody/content/application~1json";
const CREATED: &str =
    "/paths/~1api~1v1~1participant-groups~1/post/responses/201/content/application~1json";

/// Starts the mock on a free loopback port.
pub async fn create_participant_group() -> Loopback {
    let created = example(CREATED);
    Loopback::serve(move |request, _| answer(request, &created)).await
}

fn answer(request: &Recorded, created: &Value) -> Canned {
    if request.target != PATH {
        return error(
            404,
            "Not found",
            json!(format!("the mock serves only POST {PATH}")),
        );
    }
    if request.method != "POST" {
        return error(
            405,
            "Method not allowed",
            json!(format!("{} is not allowed", request.method)),
        );
    }
    let token = request
        .header("authorization")
        .and_then(|v| v.strip_prefix("Token "));
    if token.is_none_or(|t| t.trim().is_empty()) {
        return error(
            401,
            "Unauthorized",
            json!("send `Authorization: Token <token>`"),
        );
    }
    if request.header("content-type") != Some("application/json") {
        return error(
            400,
            "Bad request",
            json!("the body must be application/json"),
        );
    }
    let body: Value = match serde_json::from_slice(&request.body) {
        Ok(body) => body,
        Err(e) => {
            return error(
                400,
                "Bad request",
                json!(format!("the body is not JSON: {e}")),
            );
        }
    };
    let problems = schema_errors(&format!("{MEDIA}/schema"), &body);
    if !problems.is_empty() {
        return error(400, "Bad request", json!({"body": problems}));
    }
    Canned::json(201, created)
}

/// Prolific's documented error body.
fn error(status: u16, title: &str, detail: Value) -> Canned {
    Canned::json(
        status,
        &json!({"error": {
            "status": status,
            "error_code": 140100,
            "title": title,
            "detail": detail,
            "additional_information": "/api/v1/errors/140100",
            "interactive": false
        }}),
    )
}
