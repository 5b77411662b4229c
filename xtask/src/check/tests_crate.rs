//! Running the tests crate's binaries (`spec-examples`, `type-schemas`) for `check`: the xtask
//! cannot link the SDK it generates, so the rules that need the SDK's types run there and print
//! one JSON line per item. A run counts only when it can have checked something: the binary
//! exits 0, every line it prints is an item, and it prints at least one. Anything else is an
//! error for the rule, never an empty pass.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::spec::{one_line, shorten};

/// One of the tests crate's binaries, and what its lines hold.
pub struct Binary<'a> {
    /// Its name, e.g. `spec-examples`.
    pub name: &'a str,
    /// Its argument, as a path to pass and as the user wrote it (for the command to rerun).
    pub argument: Option<(&'a Path, &'a str)>,
    /// What one line is, in the message for a line that is not one: `finding`.
    pub item: &'a str,
    /// The message when it prints no item: what is missing, and what to do.
    pub nothing: &'a str,
}

impl Binary<'_> {
    /// Runs it and reads its lines with `parse`. `PROLIFIC_TESTS_BIN` names the folder of
    /// built binaries to run instead of `cargo run` (the xtask's tests use it: a nested cargo
    /// would wait for the lock the outer `cargo test` holds).
    pub fn run<T>(&self, parse: impl Fn(&Value) -> Option<T>) -> Result<Vec<T>, String> {
        let mut command = match std::env::var_os("PROLIFIC_TESTS_BIN") {
            Some(folder) => Command::new(Path::new(&folder).join(self.name)),
            None => {
                let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()));
                cargo
                    .args(["run", "--quiet", "--package", "prolific-sdk-tests"])
                    .args(["--bin", self.name, "--"])
                    .current_dir(crate::workspace_root());
                cargo
            }
        };
        command.args(self.argument.map(|(path, _)| path));
        self.read(&mut command, parse)
    }

    /// Runs `command` as this binary and reads its lines: the items, or why they cannot be
    /// trusted (one line, with what to run).
    pub fn read<T>(
        &self,
        command: &mut Command,
        parse: impl Fn(&Value) -> Option<T>,
    ) -> Result<Vec<T>, String> {
        let name = self.name;
        let output = command.output().map_err(|e| {
            format!("cannot run `{name}` ({e}); build it: `cargo build -p prolific-sdk-tests --bin {name}`")
        })?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            // A panic or an error after some lines: what it printed is not all it would have.
            let stderr = String::from_utf8_lossy(&output.stderr);
            let last = stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .map_or("no message".to_string(), |l| shorten(&one_line(l), 160));
            let n = stdout.lines().count();
            return Err(format!(
                "`{name}` stopped ({}) after {n} line{}: {last}; run `{}` to see why",
                output.status,
                if n == 1 { "" } else { "s" },
                self.rerun()
            ));
        }
        let mut items = Vec::new();
        for (i, line) in stdout.lines().enumerate() {
            match serde_json::from_str::<Value>(line)
                .ok()
                .and_then(|v| parse(&v))
            {
                Some(item) => items.push(item),
                None => {
                    return Err(format!(
                        "`{name}` printed a line that is not a {} (line {}: {}); rebuild it from \
                         this checkout: `cargo build -p prolific-sdk-tests --bin {name}`",
                        self.item,
                        i + 1,
                        shorten(&one_line(line), 80)
                    ));
                }
            }
        }
        if items.is_empty() {
            return Err(self.nothing.to_string());
        }
        Ok(items)
    }

    /// The command that shows what it does, as the user would type it.
    pub fn rerun(&self) -> String {
        let argument = self
            .argument
            .map(|(_, shown)| format!(" -- {shown}"))
            .unwrap_or_default();
        format!(
            "cargo run -p prolific-sdk-tests --bin {}{argument}",
            self.name
        )
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn binary() -> Binary<'static> {
        Binary {
            name: "numbers",
            argument: Some((Path::new("/tmp/spec.yaml"), "spec.yaml")),
            item: "number",
            nothing: "no number; add one",
        }
    }

    /// Reads what `sh -c SCRIPT` prints as the lines of `numbers`.
    fn read(script: &str) -> Result<Vec<u64>, String> {
        binary().read(Command::new("sh").args(["-c", script]), Value::as_u64)
    }

    #[test]
    fn every_line_an_item_and_exit_0_is_a_run() {
        assert_eq!(read("echo 1; echo 2"), Ok(vec![1, 2]));
    }

    #[test]
    fn lines_then_a_panic_is_not_a_run() {
        assert_eq!(
            read(
                "echo 1; echo 2; echo \"thread 'main' panicked at x.rs:1:1:\" >&2; echo boom >&2; exit 101"
            ),
            Err(
                "`numbers` stopped (exit status: 101) after 2 lines: boom; run `cargo run -p \
                 prolific-sdk-tests --bin numbers -- spec.yaml` to see why"
                    .to_string()
            )
        );
        assert_eq!(
            read("kill -9 $$"),
            Err(
                "`numbers` stopped (signal: 9 (SIGKILL)) after 0 lines: no message; run `cargo \
                 run -p prolific-sdk-tests --bin numbers -- spec.yaml` to see why"
                    .to_string()
            )
        );
    }

    #[test]
    fn a_line_that_is_not_an_item_is_not_a_run() {
        let rebuild = "rebuild it from this checkout: `cargo build -p prolific-sdk-tests --bin \
                       numbers`";
        assert_eq!(
            read("echo 1; echo '\"two\"'"),
            Err(format!(
                "`numbers` printed a line that is not a number (line 2: \"two\"); {rebuild}"
            ))
        );
        assert_eq!(
            read("echo; echo 1"),
            Err(format!(
                "`numbers` printed a line that is not a number (line 1: ); {rebuild}"
            ))
        );
    }

    #[test]
    fn no_item_is_not_a_run() {
        assert_eq!(read("true"), Err("no number; add one".to_string()));
    }

    #[test]
    fn a_binary_that_cannot_start_says_how_to_build_it() {
        let missing = binary().read(&mut Command::new("/nonexistent/numbers"), Value::as_u64);
        let message = missing.unwrap_err();
        assert!(
            message.starts_with("cannot run `numbers` (")
                && message
                    .ends_with("); build it: `cargo build -p prolific-sdk-tests --bin numbers`"),
            "{message}"
        );
    }
}
