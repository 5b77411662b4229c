//! Create a participant group from the command line.
//!
//! ```sh
//! export PROLIFIC_TOKEN=...            # without it, a local mock answers instead
//! cargo run -p prolific-sdk --example create_participant_group -- \
//!     --name "Group 1" --workspace-id 5e9b9c9b0f9c9a0001b1ca2f \
//!     --participant-id 5e9b9c9b0f9c9a0001b0b1f4 --participant-id 5e9b9c9b0f9c9a0001b0b1f5
//! ```
//!
//! Prints the created group as pretty JSON on stdout. On failure, prints the error's one line
//! on stderr and exits with 1. `PROLIFIC_URL` overrides the base URL, as in Prolific's CLI.

use std::process::ExitCode;

use clap::Parser;
use prolific_sdk::types::CreateParticipantGroupRequest;
use prolific_sdk::{Client, TOKEN_VARIABLE};

/// Create a Prolific participant group.
#[derive(Parser)]
struct Args {
    /// The group's name.
    #[arg(long)]
    name: String,
    /// The workspace to create the group in.
    #[arg(long, conflicts_with = "organisation_id")]
    workspace_id: Option<String>,
    /// The organisation to create the group in (instead of a workspace).
    #[arg(long)]
    organisation_id: Option<String>,
    /// A description of the group.
    #[arg(long)]
    description: Option<String>,
    /// A participant to add to the group (repeat for more).
    #[arg(long = "participant-id")]
    participant_ids: Vec<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<String, prolific_sdk::Error> {
    // Without a token, a local mock of the endpoint answers: the rest is the same code path.
    let _mock;
    let client = if std::env::var_os(TOKEN_VARIABLE).is_none() {
        let mock = prolific_sdk_tests::mock::start().await;
        eprintln!(
            "{TOKEN_VARIABLE} is not set: sending to a local mock of the endpoint at {} \
             (it checks the request against the spec and answers as Prolific does)",
            mock.url()
        );
        let client = Client::builder()
            .token("mock-token")
            .base_url(mock.url())
            .app_name("create-participant-group-example")
            .build()?;
        _mock = mock;
        client
    } else {
        Client::from_env()?
    };

    let request = CreateParticipantGroupRequest::builder()
        .name(args.name)
        .workspace_id(args.workspace_id)
        .organisation_id(args.organisation_id)
        .description(args.description)
        .participant_ids(args.participant_ids);
    let group = client
        .create_participant_group()
        .body(request)
        .send()
        .await?
        .into_inner();
    Ok(serde_json::to_string_pretty(&group).expect("a decoded group encodes"))
}
