//! Create a participant group from the command line.
//!
//! ```sh
//! export PROLIFIC_TOKEN=...
//! cargo run -p prolific-sdk --example create_participant_group -- \
//!     --name "Group 1" --workspace-id 5e9b9c9b0f9c9a0001b1ca2f \
//!     --participant-id 5e9b9c9b0f9c9a0001b0b1f4 --participant-id 5e9b9c9b0f9c9a0001b0b1f5
//! ```
//!
//! Prints the created group as pretty JSON on stdout. On failure, prints the error's one line
//! on stderr and exits with 1. `PROLIFIC_URL` overrides the base URL, as in Prolific's CLI.
//!
//! Without a Prolific account, run the workspace's mock of the API in another terminal and
//! export the two variables it prints (it checks each request against the spec and keeps what
//! is created while it runs):
//!
//! ```sh
//! cargo run -p prolific-sdk-tests --bin mock-api   # prints PROLIFIC_URL=... and PROLIFIC_TOKEN=...
//! ```

use std::process::ExitCode;

use clap::Parser;
use prolific_sdk::Client;
use prolific_sdk::types::CreateParticipantGroupRequest;

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
    let client = Client::from_env()?;

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
