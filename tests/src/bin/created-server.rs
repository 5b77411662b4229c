//! `created-server`: a loopback server in a process of its own that answers every request with
//! the create operation's documented 201. It prints its base URL on one line, then serves until
//! its standard input closes. The instruction-count benchmarks start it, so that Callgrind
//! counts the client and not the server (Valgrind does not follow child processes here).

use std::io::{Read, Write};

use prolific_sdk_tests::{Canned, Loopback, example};

/// The create operation's documented 201 body, in the spec.
const CREATED: &str =
    "/paths/~1api~1v1~1participant-groups~1/post/responses/201/content/application~1json";

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let server = runtime.block_on(Loopback::answering(Canned::json(201, &example(CREATED))));
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{}", server.url()).expect("stdout takes the URL");
    stdout.flush().expect("stdout flushes");
    // Serve (on the runtime's workers) until whoever started us closes our input.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}
