//! `cargo xtask drift`: a fragment against a realistic stand-in for Prolific's published
//! document (`fixtures/drift/prolific-upstream.yaml`, built from the reference facts), and
//! against edited copies of it. The fragment and its allow-list are fixtures too
//! (`fixtures/drift/fragment.yaml`, `allow.yaml`: the spec at 14 operations), so that adding an
//! operation to `spec/` costs no line here. The real spec is held against the real published
//! document by hand (`cargo xtask drift <copy>`), since tests do not reach the internet.

mod common;

use std::path::Path;

use common::{root, stderr, stdout, xtask};

fn upstream() -> String {
    std::fs::read_to_string(fixture("prolific-upstream.yaml")).unwrap()
}

/// How many operations the fixture fragment has.
const FRAGMENT_OPERATIONS: usize = 14;

fn fixture(name: &str) -> std::path::PathBuf {
    root().join("xtask/tests/fixtures/drift").join(name)
}

/// Runs drift in a scratch folder: the fixture fragment against `upstream_text`, with the
/// fixture allow-list unless `allow` is given.
fn drift(upstream_text: &str, allow: Option<&str>) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("upstream.yaml"), upstream_text).unwrap();
    let spec = fixture("fragment.yaml");
    let allow_path = match allow {
        Some(text) => {
            std::fs::write(dir.path().join("allow.yaml"), text).unwrap();
            dir.path().join("allow.yaml")
        }
        None => fixture("allow.yaml"),
    };
    xtask(
        &[
            "drift",
            "upstream.yaml",
            "--spec",
            path(&spec),
            "--allow",
            path(&allow_path),
        ],
        dir.path(),
    )
}

/// Runs drift in a scratch folder: `fragment_text` against `upstream_text`, with `allow_text`.
fn drift_fragment(
    fragment_text: &str,
    upstream_text: &str,
    allow_text: &str,
) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("fragment.yaml", fragment_text),
        ("upstream.yaml", upstream_text),
        ("allow.yaml", allow_text),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    xtask(
        &[
            "drift",
            "upstream.yaml",
            "--spec",
            "fragment.yaml",
            "--allow",
            "allow.yaml",
        ],
        dir.path(),
    )
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_fragment_matches_upstream_but_for_its_allowed_deviations() {
    let out = drift(&upstream(), None);
    assert!(out.status.success(), "{}", stdout(&out));
    let report = stdout(&out);
    assert!(
        report.contains(&format!(
            "\ndrift: {FRAGMENT_OPERATIONS} of {FRAGMENT_OPERATIONS} upstream operations \
             declared, 0 missing, 0 gone\n"
        )),
        "{report}"
    );
    assert!(!report.contains("\n  differs  "), "{report}");
    assert!(
        report.contains(
            "\n  allowed  required  create-participant-group response 201: id: fragment: true; \
             upstream: false (allowed: "
        ),
        "{report}"
    );
    assert!(
        report.ends_with("drift: no difference outside the allow-list\n"),
        "{report}"
    );
}

#[test]
fn a_field_only_upstream_is_named() {
    let anchor = "        is_deleted:\n";
    let edited = upstream().replacen(
        anchor,
        &format!("        created_at:\n          type: string\n{anchor}"),
        1,
    );
    let out = drift(&edited, None);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    // Named wherever the group is answered.
    for place in [
        "create-participant-group response 201: created_at",
        "get-participant-group response 200: created_at",
        "get-participant-groups response 200: results[].created_at",
        "update-participant-group response 200: created_at",
    ] {
        assert!(
            report.contains(&format!(
                "  differs  missing   {place}: only upstream (string)\n"
            )),
            "{place}: {report}"
        );
    }
    assert!(report.ends_with("drift: 4 differences to resolve: update the fragment, or allow them with a reason in spec/drift-allow.yaml\n"), "{report}");
}

#[test]
fn each_kind_of_difference_is_reported() {
    let edited = upstream()
        // type
        .replacen("        participant_count:\n          type: integer", "        participant_count:\n          type: string", 1)
        // nullable
        .replacen("        workspace_id:\n          type: string\n          nullable: true", "        workspace_id:\n          type: string", 1)
        // read-only
        .replacen("        is_deleted:\n          type: boolean\n          readOnly: true", "        is_deleted:\n          type: boolean", 1)
        // a request field only in the fragment
        .replacen("        description:\n          type: string\n        participant_ids:", "        participant_ids:", 1)
        // required, in the request
        .replacen("      required:\n        - name\n      properties:\n        name:\n          type: string\n        workspace_id:", "      required:\n        - name\n        - workspace_id\n      properties:\n        name:\n          type: string\n        workspace_id:", 1);
    let out = drift(&edited, None);
    assert_eq!(out.status.code(), Some(1));
    let differs: Vec<String> = stdout(&out)
        .lines()
        .filter(|l| l.starts_with("  differs") && l.contains(" create-participant-group "))
        .map(str::to_string)
        .collect();
    assert_eq!(
        differs,
        [
            "  differs  extra     create-participant-group request: description: only in the fragment",
            "  differs  required  create-participant-group request: workspace_id: fragment: false; upstream: true",
            "  differs  read-only create-participant-group response 201: is_deleted: fragment: true; upstream: false",
            "  differs  type      create-participant-group response 201: participant_count: fragment: integer; upstream: string",
            "  differs  nullable  create-participant-group response 201: workspace_id: fragment: true; upstream: false",
        ]
    );
}

/// The fixture fragment's create operation as upstream moved it: `PUT` where it was `POST`.
fn upstream_with_create_moved() -> String {
    upstream().replacen(
        "    post:\n      operationId: create-participant-group",
        "    put:\n      operationId: create-participant-group",
        1,
    )
}

#[test]
fn an_operation_only_upstream_is_missing_and_one_only_in_the_fragment_is_gone() {
    let allow = "- place: \"create-participant-group response 201: id\"\n  kind: required\n  \
                 reason: the group's identity\n";
    let out = drift(&upstream_with_create_moved(), Some(allow));
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(report.contains("  differs  gone-operation create-participant-group: POST /api/v1/participant-groups/ is not upstream; mark it `deprecated` (with `x-deprecation`) for a release, then remove it\n"), "{report}");
    assert!(report.contains("  differs  missing-operation create-participant-group: PUT /api/v1/participant-groups/ is upstream only; declare it in the fragment\n"), "{report}");
    // The allowed entry no longer matches anything: it is reported as stale.
    assert!(report.contains("  stale    required  create-participant-group response 201: id"));
    let n = FRAGMENT_OPERATIONS;
    assert!(
        report.contains(&format!(
            "\ndrift: {} of {n} upstream operations declared, 1 missing, 1 gone (1 not deprecated)\n",
            n - 1
        )),
        "{report}"
    );
}

#[test]
fn a_gone_operation_is_allowed_by_being_deprecated_and_by_nothing_else() {
    let allow_gone = "- place: \"create-participant-group\"\n  kind: gone-operation\n  reason: \
                      we like it\n";
    let out = drift(&upstream_with_create_moved(), Some(allow_gone));
    assert!(
        stdout(&out).contains("  differs  gone-operation create-participant-group: "),
        "{}",
        stdout(&out)
    );

    let fragment = std::fs::read_to_string(fixture("fragment.yaml")).unwrap();
    let anchor = "      operationId: create-participant-group\n";
    assert_eq!(fragment.matches(anchor).count(), 1);
    let deprecated = fragment.replacen(
        anchor,
        &format!("{anchor}      deprecated: true\n      x-deprecation: Use the PUT.\n"),
        1,
    );
    let out = drift_fragment(&deprecated, &upstream_with_create_moved(), "[]");
    let report = stdout(&out);
    assert!(report.contains("  allowed  gone-operation create-participant-group: POST /api/v1/participant-groups/ is not upstream; deprecated in the fragment (allowed: deprecated in the fragment)\n"), "{report}");
    assert!(
        report.contains(", 1 missing, 1 gone (all deprecated)\n"),
        "{report}"
    );
}

#[test]
fn the_markdown_report_is_an_issue_body_with_the_counts_and_a_table_of_what_to_resolve() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("upstream.yaml"),
        upstream_with_create_moved(),
    )
    .unwrap();
    let out = xtask(
        &[
            "drift",
            "upstream.yaml",
            "--spec",
            path(&fixture("fragment.yaml")),
            "--allow",
            path(&fixture("allow.yaml")),
            "--format",
            "markdown",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    let n = FRAGMENT_OPERATIONS;
    let fragment = fixture("fragment.yaml");
    assert!(
        report.starts_with(&format!(
            "## Drift: `{}` against `upstream.yaml`\n\n**{} of {n} upstream operations declared, \
             1 missing, 1 gone (1 not deprecated).** 2 differences to resolve: update the \
             fragment, or allow them with a reason in spec/drift-allow.yaml.\n\n| Kind | Place | \
             Difference |\n|---|---|---|\n| `gone-operation` | `create-participant-group` | POST \
             /api/v1/participant-groups/ is not upstream; mark it `deprecated` (with \
             `x-deprecation`) for a release, then remove it |\n",
            fragment.display(),
            n - 1
        )),
        "{report}"
    );
    assert!(report.contains("<details><summary>"), "{report}");
    assert!(report.trim_end().ends_with("</details>"), "{report}");
}

#[test]
fn an_allow_list_entry_without_a_reason_is_refused() {
    let out = drift(
        &upstream(),
        Some("- place: \"create-participant-group response 201: id\"\n  kind: required\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("error: ")
            && stderr(&out)
                .contains("entry 1 has no `reason`; every entry needs place, kind and reason"),
        "{}",
        stderr(&out)
    );
}

/// A server on loopback that answers every connection with `answer` (a whole HTTP response,
/// as bytes) after `delay`, then closes it. Returns its base URL.
fn serve(answer: Vec<u8>, delay: std::time::Duration) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let answer = answer.clone();
            std::thread::spawn(move || {
                // A GET without a body: its head arrives in one read.
                let _ = stream.read(&mut [0u8; 8192]);
                std::thread::sleep(delay);
                let _ = stream.write_all(&answer);
            });
        }
    });
    format!("http://{address}")
}

/// An HTTP/1.1 response with `status`, `content_type` and `body`, its length stated.
fn response(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Runs drift on the fixture fragment against the document at `url`.
fn drift_url(url: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    xtask(
        &[
            "drift",
            url,
            "--spec",
            path(&fixture("fragment.yaml")),
            "--allow",
            path(&fixture("allow.yaml")),
        ],
        dir.path(),
    )
}

#[test]
fn a_document_served_at_an_address_is_fetched_and_judged_as_its_file_would_be() {
    let base = serve(
        response("200 OK", "application/yaml", upstream().as_bytes()),
        std::time::Duration::ZERO,
    );
    let url = format!("{base}/openapi.yaml");
    let out = drift_url(&url);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let from_url = stdout(&out);
    assert!(from_url.starts_with("drift: "), "{from_url}");
    assert!(
        from_url.contains(&format!(" against {url}\n")),
        "{from_url}"
    );
    let from_file = stdout(&drift(&upstream(), None));
    assert_eq!(
        from_url.replace(&url, "upstream.yaml"),
        from_file,
        "the same judgement"
    );
}

#[test]
fn an_answer_other_than_200_is_one_line_saying_what_to_pass() {
    let base = serve(
        response("404 Not Found", "text/html", b"<h1>Not found</h1>"),
        std::time::Duration::ZERO,
    );
    let url = format!("{base}/openapi.yml");
    let out = drift_url(&url);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    assert_eq!(
        stderr(&out),
        format!(
            "error: {url}: the server answered 404 Not Found, not 200 OK; pass the address of \
             the OpenAPI document itself\n"
        )
    );
}

#[test]
fn a_body_that_is_not_an_openapi_document_is_named_as_such() {
    for (body, says) in [
        (
            &b"{\"openapi\": [1,"[..],
            "; the document must be YAML or JSON\n",
        ),
        (
            &b"<!DOCTYPE html><html><body>Sign in</body></html>"[..],
            "not an OpenAPI document (it has no `paths`)",
        ),
    ] {
        let base = serve(
            response("200 OK", "text/html", body),
            std::time::Duration::ZERO,
        );
        let out = drift_url(&format!("{base}/openapi.yaml"));
        assert_eq!(out.status.code(), Some(1));
        let error = stderr(&out);
        assert!(
            error.starts_with("error: http://127.0.0.1:") && error.contains(says),
            "{error}"
        );
        assert_eq!(error.lines().count(), 1, "{error}");
    }
}

#[test]
fn a_body_cut_short_is_named_and_nothing_is_judged() {
    // The head promises 10,000 bytes; 9 come, then the connection closes.
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/yaml\r\nContent-Length: 10000\r\n\
                Connection: close\r\n\r\nopenapi: ";
    let base = serve(head.as_bytes().to_vec(), std::time::Duration::ZERO);
    let url = format!("{base}/openapi.yaml");
    let error = xtask::drift::fetch::fetch(&url, Default::default()).unwrap_err();
    assert!(
        error.starts_with(&format!(
            "{url}: the document ended before the server said it would ("
        )) && error.ends_with("); try again"),
        "{error}"
    );
}

#[test]
fn a_body_over_the_size_cap_is_refused_without_reading_it_all() {
    let limits = xtask::drift::fetch::Limits {
        max_bytes: 1024,
        ..Default::default()
    };
    let huge = vec![b'a'; 64 * 1024];
    // Stated in the head, and not stated (the body ends when the connection closes).
    let stated = response("200 OK", "application/yaml", &huge);
    let mut unstated =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/yaml\r\nConnection: close\r\n\r\n".to_vec();
    unstated.extend_from_slice(&huge);
    for answer in [stated, unstated] {
        let base = serve(answer, std::time::Duration::ZERO);
        let url = format!("{base}/openapi.yaml");
        assert_eq!(
            xtask::drift::fetch::fetch(&url, limits).unwrap_err(),
            format!(
                "{url}: the document is larger than 1024 bytes; pass the address of the \
                 OpenAPI document itself, or a file"
            )
        );
    }
}

#[test]
fn a_server_slower_than_the_timeout_is_named() {
    let limits = xtask::drift::fetch::Limits {
        timeout: std::time::Duration::from_millis(500),
        ..Default::default()
    };
    let base = serve(
        response("200 OK", "application/yaml", upstream().as_bytes()),
        std::time::Duration::from_secs(5),
    );
    let url = format!("{base}/openapi.yaml");
    let started = std::time::Instant::now();
    let error = xtask::drift::fetch::fetch(&url, limits).unwrap_err();
    assert_eq!(
        error,
        format!(
            "{url}: no whole answer within 0.5 s; try again later, or download the document and \
             pass its file"
        )
    );
    // It gave up at the timeout, not when the server answered.
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
}
