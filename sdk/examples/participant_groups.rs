//! Every participant-group operation from the command line.
//!
//! ```sh
//! export PROLIFIC_TOKEN=...
//! cargo run -p prolific-sdk --example participant_groups -- create --name "Group 1" \
//!     --workspace-id 5e9b9c9b0f9c9a0001b1ca2f
//! cargo run -p prolific-sdk --example participant_groups -- add GROUP_ID --participant-id P1
//! cargo run -p prolific-sdk --example participant_groups -- life-cycle --workspace-id W
//! ```
//!
//! Each command prints the API's answer as pretty JSON on stdout (`null` for a delete). On
//! failure it prints the error's one line on stderr and exits with 1. `PROLIFIC_URL` overrides
//! the base URL, as in Prolific's CLI. `life-cycle` shows every operation on one group in a
//! single run.
//!
//! Without a Prolific account, run the workspace's mock of the API in another terminal and
//! export the two variables it prints (it checks each request against the spec and keeps what
//! is created while it runs):
//!
//! ```sh
//! cargo run -p prolific-sdk-tests --bin mock-api   # prints PROLIFIC_URL=... and PROLIFIC_TOKEN=...
//! ```

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use prolific_sdk::types::{CreateParticipantGroupRequest, UpdateParticipantGroupRequest};
use prolific_sdk::{Client, Error, StatusCode};
use serde::Serialize;

/// Manage Prolific participant groups.
#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the participant groups of a workspace.
    List {
        /// The workspace whose groups to list.
        #[arg(long, required_unless_present = "project_id")]
        workspace_id: Option<String>,
        /// The project whose groups to list (deprecated by Prolific; use --workspace-id).
        #[arg(long)]
        project_id: Option<String>,
        /// `true`: only groups not deleted; `false`: only deleted ones.
        #[arg(long)]
        active: Option<bool>,
    },
    /// Create a participant group.
    Create(Create),
    /// Show one participant group.
    Get {
        /// The group's id.
        id: String,
    },
    /// Rename a group, replace its members, or both.
    Update {
        /// The group's id.
        id: String,
        /// The new name.
        #[arg(long)]
        name: Option<String>,
        /// A participant the group will hold (repeat for more); replaces every member.
        #[arg(long = "participant-id")]
        participant_ids: Vec<String>,
        /// Remove every member (sends an empty list).
        #[arg(long, conflicts_with = "participant_ids")]
        no_participants: bool,
    },
    /// Delete a participant group.
    Delete {
        /// The group's id.
        id: String,
    },
    /// List the members of a participant group.
    Members {
        /// The group's id.
        id: String,
    },
    /// Add participants to a group (those already in it are ignored).
    Add(Members),
    /// Remove participants from a group (those not in it are ignored).
    Remove(Members),
    /// Create a group, add members, list them, remove one, rename it, read it, delete it, and
    /// read it again (a 404): every operation on one group.
    LifeCycle {
        /// The workspace to create the group in.
        #[arg(long)]
        workspace_id: String,
    },
}

#[derive(Args)]
struct Create {
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

#[derive(Args)]
struct Members {
    /// The group's id.
    id: String,
    /// A participant (repeat for more).
    #[arg(long = "participant-id", required = true)]
    participant_ids: Vec<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), Error> {
    let client = Client::from_env()?;

    match command {
        Command::List {
            workspace_id,
            project_id,
            active,
        } => {
            let mut request = client.get_participant_groups();
            if let Some(workspace_id) = workspace_id {
                request = request.workspace_id(workspace_id);
            }
            if let Some(project_id) = project_id {
                request = request.project_id(project_id);
            }
            if let Some(active) = active {
                request = request.active(active);
            }
            print(&request.send().await?.into_inner());
        }
        Command::Create(create) => {
            let request = CreateParticipantGroupRequest::builder()
                .name(create.name)
                .workspace_id(create.workspace_id)
                .organisation_id(create.organisation_id)
                .description(create.description)
                .participant_ids(create.participant_ids);
            let group = client.create_participant_group().body(request);
            print(&group.send().await?.into_inner());
        }
        Command::Get { id } => {
            print(
                &client
                    .get_participant_group()
                    .id(id)
                    .send()
                    .await?
                    .into_inner(),
            );
        }
        Command::Update {
            id,
            name,
            participant_ids,
            no_participants,
        } => {
            let members =
                (no_participants || !participant_ids.is_empty()).then_some(participant_ids);
            let body = UpdateParticipantGroupRequest::builder()
                .name(name)
                .participant_ids(members);
            let group = client.update_participant_group().id(id).body(body);
            print(&group.send().await?.into_inner());
        }
        Command::Delete { id } => {
            client.delete_participant_group().id(id).send().await?;
            print(&());
        }
        Command::Members { id } => {
            let members = client.get_participant_group_participants().id(id);
            print(&members.send().await?.into_inner());
        }
        Command::Add(Members {
            id,
            participant_ids,
        }) => {
            let added = client
                .add_to_participant_group()
                .id(id)
                .body_map(|b| b.participant_ids(participant_ids));
            print(&added.send().await?.into_inner());
        }
        Command::Remove(Members {
            id,
            participant_ids,
        }) => {
            let removed = client
                .remove_from_participant_group()
                .id(id)
                .body_map(|b| b.participant_ids(participant_ids));
            print(&removed.send().await?.into_inner());
        }
        Command::LifeCycle { workspace_id } => life_cycle(&client, &workspace_id).await?,
    }
    Ok(())
}

/// Every operation on one group, each answer printed as it comes.
async fn life_cycle(client: &Client, workspace_id: &str) -> Result<(), Error> {
    let group = client
        .create_participant_group()
        .body_map(|b| b.name("Life cycle").workspace_id(workspace_id))
        .send()
        .await?
        .into_inner();
    print(&group);
    let id = group.id.as_str();
    let participants = || vec!["p-1".to_string(), "p-2".to_string()];
    let added = client.add_to_participant_group().id(id);
    print(
        &added
            .body_map(|b| b.participant_ids(participants()))
            .send()
            .await?
            .into_inner(),
    );
    let listed = client.get_participant_groups().workspace_id(workspace_id);
    print(&listed.send().await?.into_inner());
    let members = client.get_participant_group_participants().id(id);
    print(&members.send().await?.into_inner());
    let removed = client.remove_from_participant_group().id(id);
    let one = || vec!["p-1".to_string()];
    print(
        &removed
            .body_map(|b| b.participant_ids(one()))
            .send()
            .await?
            .into_inner(),
    );
    let renamed = client
        .update_participant_group()
        .id(id)
        .body_map(|b| {
            b.name("Life cycle, renamed")
                .participant_ids(Vec::<String>::new())
        })
        .send()
        .await?
        .into_inner();
    print(&renamed);
    print(
        &client
            .get_participant_group()
            .id(id)
            .send()
            .await?
            .into_inner(),
    );
    client.delete_participant_group().id(id).send().await?;
    print(&());
    // Deleted: reading it again is a 404.
    match client.get_participant_group().id(id).send().await {
        Err(error) if error.status() == Some(StatusCode::NOT_FOUND) => {
            eprintln!("after the delete, reading the group again answers: {error}");
            Ok(())
        }
        Err(error) => Err(error),
        Ok(still) => {
            eprintln!("after the delete, the group can still be read:");
            print(&still.into_inner());
            Ok(())
        }
    }
}

fn print(value: &impl Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(json) => println!("{json}"),
        Err(e) => eprintln!("error: the answer cannot be printed as JSON: {e}"),
    }
}
