//! A workshop's progress as the page saves it: the step reached and the command log that
//! rebuilds the cluster exactly (the engine is deterministic, so seed + log = the cluster).

use kubeplay_console::LoggedCommand;
use serde::{Deserialize, Serialize};

/// What the page keeps in the browser's storage for one workshop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// [`Progress::VERSION`] when written; other versions are refused, not guessed at.
    pub version: u32,
    /// The workshop's name (`kelsey-2016`) or path, as the page opened it.
    pub workshop: String,
    /// The current step (the number of steps once all are done).
    pub step: usize,
    pub seed: u64,
    /// Every command run since the workshop started, setup included, with its simulated time.
    pub log: Vec<LoggedCommand>,
    /// The simulated time when it was saved (the clock runs on after the last command).
    pub now_ms: i64,
}

impl Progress {
    pub const VERSION: u32 = 1;
    /// Saved progress larger than this is refused (browsers keep about 5 MB per origin).
    pub const MAX_BYTES: usize = 4 * 1024 * 1024;

    /// Reads saved progress; anything corrupt, too large or from another version is an error
    /// that says so (the page discards it with a notice).
    pub fn parse(text: &str) -> Result<Progress, String> {
        if text.len() > Self::MAX_BYTES {
            return Err(format!(
                "saved progress too large ({} bytes, at most {})",
                text.len(),
                Self::MAX_BYTES
            ));
        }
        let p: Progress =
            serde_json::from_str(text).map_err(|e| format!("saved progress is corrupt: {e}"))?;
        if p.version != Self::VERSION {
            return Err(format!(
                "saved progress has version {}, this page reads version {}",
                p.version,
                Self::VERSION
            ));
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn check(text: &str, want: Expect) {
        let got = match Progress::parse(text) {
            Ok(p) => format!(
                "ok: {} step {} ({} commands)",
                p.workshop,
                p.step,
                p.log.len()
            ),
            Err(e) => e,
        };
        want.assert_eq(&got);
    }

    #[test]
    fn parses_what_it_wrote_and_refuses_the_rest() {
        let p = Progress {
            version: Progress::VERSION,
            workshop: "kelsey-2016".into(),
            step: 2,
            seed: 1,
            log: vec![LoggedCommand {
                at_ms: 1_767_225_601_000,
                line: "kubectl create deployment nginx --image=nginx:1.10".into(),
                kind: Default::default(),
                clock: Default::default(),
            }],
            now_ms: 1_767_225_700_000,
        };
        let text = serde_json::to_string(&p).unwrap();
        assert_eq!(Progress::parse(&text), Ok(p));
        check(&text, expect!["ok: kelsey-2016 step 2 (1 commands)"]);
        check(
            &text.replace("\"version\":1", "\"version\":9"),
            expect!["saved progress has version 9, this page reads version 1"],
        );
        check(
            "{not json",
            expect!["saved progress is corrupt: key must be a string at line 1 column 2"],
        );
        check(
            r#"{"version":1,"workshop":"w","step":-1,"seed":1,"log":[],"now_ms":0}"#,
            expect!["saved progress is corrupt: invalid value: integer `-1`, expected usize at line 1 column 37"],
        );
        check(
            &" ".repeat(Progress::MAX_BYTES + 1),
            expect!["saved progress too large (4194305 bytes, at most 4194304)"],
        );
    }
}
