//! A researcher's whole workflow, one line per step: a participant group, a study that admits
//! only that group, its cost, publishing, approving its submissions, a bonus, a message to the
//! group, the results as CSV, and stopping the study.
//!
//! ```sh
//! export PROLIFIC_TOKEN=...        # against Prolific: this publishes
//! cargo run -p prolific-sdk --example researcher_workflow -- \
//!     --workspace-id 5e9b9c9b0f9c9a0001b1ca2f --participant-id P1 --participant-id P2 \
//!     --spend-the-workspace-funds
//! ```
//!
//! Against Prolific the study is real: publishing it pays participants from the workspace's
//! funds, so the run refuses to start without `--spend-the-workspace-funds`, unless
//! `PROLIFIC_URL` (which overrides the base URL, as in Prolific's CLI) names a server on this
//! machine, such as the workspace's mock. On failure the example prints the error's one line
//! on stderr and exits with 1.
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
use prolific_sdk::types::{
    AddToParticipantGroup, AddToParticipantGroupAction, AmountAndCurrency, CompletionCode,
    CompletionCodeAction, CompletionCodeCodeType, CreateStudy, CreateStudyProlificIdOption,
    SelectFilter, StudyFilter, StudyTransitionAction, SubmissionTransitionAction,
};
use prolific_sdk::{Client, TextOr};

/// Run a study for one participant group, from creating the group to stopping the study.
#[derive(Parser)]
struct Cli {
    /// The workspace the group and the study belong to.
    #[arg(long, default_value = "5e9b9c9b0f9c9a0001b1ca2f")]
    workspace_id: String,
    /// A participant to put in the group (repeat for more).
    #[arg(long = "participant-id", default_values = ["5e9b9c9b0f9c9a0001b0b1f4", "5e9b9c9b0f9c9a0001b0b1f5"])]
    participant_ids: Vec<String>,
    /// With a token: confirm that the run publishes a real study and pays its participants.
    #[arg(long)]
    spend_the_workspace_funds: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    if !cli.spend_the_workspace_funds && !on_this_machine(std::env::var("PROLIFIC_URL").ok()) {
        return Err(
            "this run publishes a real study and pays its participants; add \
             --spend-the-workspace-funds to go ahead"
                .into(),
        );
    }
    workflow(&client, &cli.workspace_id, &cli.participant_ids).await?;
    Ok(())
}

/// Whether `PROLIFIC_URL` names a server on this machine (a mock), where nothing is spent.
fn on_this_machine(url: Option<String>) -> bool {
    let Some(url) = url else {
        return false;
    };
    ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]
        .iter()
        .any(|local| url.starts_with(local))
}

/// The nine steps of the workflow, each printing one line.
async fn workflow(
    client: &Client,
    workspace: &str,
    participants: &[String],
) -> Result<(), Box<dyn std::error::Error>> {
    // 1. A group, and its participants.
    let group = client
        .create_participant_group()
        .body_map(|b| b.name("Breakfast panel").workspace_id(workspace))
        .send()
        .await?
        .into_inner();
    let members = client
        .add_to_participant_group()
        .id(&group.id)
        .body_map(|b| b.participant_ids(participants.to_vec()))
        .send()
        .await?
        .into_inner();
    println!(
        "1. group {} created with {} participants",
        group.id,
        members.results.len()
    );

    // 2. A draft study that admits only the group, and adds those who finish to it.
    let study = client
        .create_study()
        .body(draft_for(&group.id))
        .send()
        .await?
        .into_inner();
    println!("2. draft study {} created ({})", study.id, study.status);

    // 3. What it costs once every place is taken.
    let cost = client
        .get_study_cost()
        .id(&study.id)
        .is_projected(true)
        .send()
        .await?
        .into_inner();
    let rewards = cost.rewards.as_ref();
    let amount = |part: Option<&AmountAndCurrency>| part.and_then(|a| a.amount).unwrap_or_default();
    let currency = rewards
        .and_then(|r| r.rewards.as_ref())
        .and_then(|a| a.currency.clone())
        .unwrap_or_default();
    println!(
        "3. projected cost: {} rewards + {} fees + {} tax, in 1/100 {currency}",
        amount(rewards.and_then(|r| r.rewards.as_ref())),
        amount(rewards.and_then(|r| r.fees.as_ref())),
        amount(rewards.and_then(|r| r.tax.as_ref())),
    );

    // 4. Published: participants can take part.
    let published = client
        .publish_study()
        .id(&study.id)
        .body_map(|b| b.action(StudyTransitionAction::Publish))
        .send()
        .await?
        .into_inner();
    println!("4. study {} published ({})", published.id, published.status);

    // 5. Its submissions, each approved (and so paid).
    let submissions = client
        .get_study_submissions()
        .id(&study.id)
        .send()
        .await?
        .into_inner()
        .results;
    for submission in &submissions {
        client
            .transition_submission()
            .id(&submission.id)
            .body_map(|b| b.action(SubmissionTransitionAction::Approve))
            .send()
            .await?;
    }
    println!("5. {} submission(s) listed and approved", submissions.len());

    // 6. A bonus for each participant who took part: prepared, then paid.
    let lines: Vec<String> = submissions
        .iter()
        .map(|s| format!("{},0.50", s.participant_id))
        .collect();
    if lines.is_empty() {
        println!("6. no bonus to pay: nobody took part");
    } else {
        let bonuses = client
            .create_bonus_payments()
            .body_map(|b| b.study_id(study.id.clone()).csv_bonuses(lines.join("\n")))
            .send()
            .await?
            .into_inner();
        client.pay_bonus_payments().id(&bonuses.id).send().await?;
        println!(
            "6. bonuses {} paid: {} in all, fees and VAT included",
            bonuses.id, bonuses.total_amount
        );
    }

    // 7. A message to everyone in the group.
    client
        .send_message_to_participant_group()
        .body_map(|b| {
            b.participant_group_id(group.id.clone())
                .body("Thank you for taking part; your bonus is on its way.")
                .study_id(study.id.clone())
        })
        .send()
        .await?;
    println!("7. message sent to group {}", group.id);

    // 8. The results as CSV, streamed to a file: an export of any size never sits in memory
    //    whole.
    //    The study export is deprecated (its successor is the demographic export) but still
    //    served, so this step keeps it until the SDK removes it.
    let path = std::env::temp_dir().join(format!("prolific-study-{}.csv", study.id));
    #[allow(deprecated)]
    let export = client.export_study();
    match export.id(&study.id).send().await?.into_inner() {
        TextOr::Text(csv) => {
            let mut file = tokio::fs::File::create(&path)
                .await
                .map_err(|e| format!("{}: {e}", path.display()))?;
            let written = csv.write_to(&mut file).await?;
            println!(
                "8. results exported as CSV: {written} bytes in {}",
                path.display()
            );
        }
        other => println!("8. the export was not CSV: {other:?}"),
    }

    // 9. Stopped: no one else can take part.
    let stopped = client
        .publish_study()
        .id(&study.id)
        .body_map(|b| b.action(StudyTransitionAction::Stop))
        .send()
        .await?
        .into_inner();
    println!("9. study {} stopped ({})", stopped.id, stopped.status);
    Ok(())
}

/// A five-minute study for the members of `group`, whose finishers are added to it.
fn draft_for(group: &str) -> CreateStudy {
    let adds_to_group = AddToParticipantGroup::builder()
        .action(AddToParticipantGroupAction::AddToParticipantGroup)
        .participant_group(group);
    let finished = CompletionCode::builder()
        .code(Some("C1A2B3".to_string()))
        .code_type(CompletionCodeCodeType::Completed)
        .actions(vec![CompletionCodeAction::AddToParticipantGroup(
            adds_to_group.try_into().expect("an action with its group"),
        )]);
    let only_the_group = SelectFilter::builder()
        .filter_id("participant_group_allowlist")
        .selected_values(vec![group.to_string()]);
    CreateStudy::builder()
        .name("How people plan their breakfast")
        .description("Tell us what you ate this morning and why. It takes about five minutes.")
        .external_study_url("https://survey.example.com/breakfast?pid={{%PROLIFIC_PID%}}")
        .prolific_id_option(CreateStudyProlificIdOption::UrlParameters)
        .completion_codes(vec![finished.try_into().expect("a completion code")])
        .estimated_completion_time(5.0)
        .reward(150.0)
        .total_available_places(50.0)
        .filters(Some(vec![StudyFilter::SelectFilter(
            only_the_group.try_into().expect("a select filter"),
        )]))
        .try_into()
        .expect("a draft with every required field")
}
