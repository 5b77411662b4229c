//! `mock-api`: the workspace's stateful mock of the whole API (`prolific_sdk_tests::mock`) in
//! a process of its own, for trying the SDK's examples without a Prolific account. It prints
//! the two variables that point a client at it, then serves: from a terminal until Ctrl-C,
//! started by another program until its standard input closes:
//!
//! ```sh
//! cargo run -p prolific-sdk-tests --bin mock-api
//! # PROLIFIC_URL=http://127.0.0.1:40123
//! # PROLIFIC_TOKEN=mock-token
//! ```
//!
//! It lives here, not in the SDK's examples, so that the examples depend only on published
//! crates: the SDK does not depend on this crate.

use std::io::{Read, Write};

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let mock = runtime.block_on(prolific_sdk_tests::mock::start());
    let mut stdout = std::io::stdout();
    // Any non-empty token is accepted; the mock checks that one is sent, as Prolific does.
    writeln!(
        stdout,
        "PROLIFIC_URL={}\nPROLIFIC_TOKEN=mock-token",
        mock.url()
    )
    .expect("stdout takes the variables");
    stdout.flush().expect("stdout flushes");
    // Serve on the runtime's workers. From a terminal: until Ctrl-C. Started by a program
    // (a test, a script): until it closes our input, so that no mock outlives its user.
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        runtime.block_on(std::future::pending::<()>());
    } else {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
    }
}
