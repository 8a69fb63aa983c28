//! A reader's saved progress through a workshop: which step, and the console's command log that
//! rebuilds the session when it is replayed.

use serde::{Deserialize, Serialize};

use crate::LoggedCommand;

/// The format [`Progress`] is saved in; other versions are discarded.
pub const PROGRESS_VERSION: u32 = 1;
/// Saved progress larger than this is discarded unread.
pub const MAX_PROGRESS_BYTES: usize = 8 * 1024 * 1024;
/// At most this many logged commands.
pub const MAX_LOG_ENTRIES: usize = 10_000;
/// At most this much simulated time: 7 days.
pub const MAX_NOW_MS: i64 = 7 * 24 * 3_600_000;

/// Saved progress: the page stores it (browser storage) and restores it by starting the
/// workshop with `seed` and replaying `log` up to `now_ms`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub version: u32,
    /// The workshop's name (its folder).
    pub workshop: String,
    /// The step the reader is on (0-based; the number of steps once finished).
    pub step: usize,
    pub seed: u64,
    pub log: Vec<LoggedCommand>,
    /// The cluster's simulated time when saved.
    pub now_ms: i64,
}

impl Progress {
    /// Reads saved progress, refusing what cannot be trusted: another version, more than
    /// [`MAX_PROGRESS_BYTES`], malformed JSON, an absurd step, log or time. The page discards
    /// what is refused, with a notice.
    pub fn parse(json: &str) -> Result<Progress, String> {
        if json.len() > MAX_PROGRESS_BYTES {
            return Err(format!(
                "saved progress is too large ({} bytes, at most {MAX_PROGRESS_BYTES})",
                json.len()
            ));
        }
        // The version first, so that another version is reported as such, not as corruption.
        #[derive(Deserialize)]
        struct Version {
            version: Option<u32>,
        }
        let v: Version =
            serde_json::from_str(json).map_err(|e| format!("saved progress is corrupted: {e}"))?;
        match v.version {
            Some(PROGRESS_VERSION) => {}
            Some(other) => {
                return Err(format!(
                    "saved progress is version {other}; this page reads version {PROGRESS_VERSION}"
                ))
            }
            None => return Err("saved progress is corrupted: it has no version".into()),
        }
        let p: Progress =
            serde_json::from_str(json).map_err(|e| format!("saved progress is corrupted: {e}"))?;
        if p.step > crate::MAX_STEPS {
            return Err(format!("saved progress is corrupted: step {}", p.step));
        }
        if !(0..=MAX_NOW_MS).contains(&p.now_ms) {
            return Err(format!(
                "saved progress is corrupted: simulated time {} ms",
                p.now_ms
            ));
        }
        if p.log.len() > MAX_LOG_ENTRIES {
            return Err(format!(
                "saved progress is corrupted: {} logged commands, at most {MAX_LOG_ENTRIES}",
                p.log.len()
            ));
        }
        let mut last = 0;
        for (i, c) in p.log.iter().enumerate() {
            if c.at_ms < last || c.at_ms > p.now_ms {
                return Err(format!(
                    "saved progress is corrupted: command {} is out of time order",
                    i + 1
                ));
            }
            last = c.at_ms;
        }
        Ok(p)
    }

    /// The JSON the page stores.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
