//! Workshops: exercises in Killercoda's folder layout (`index.json`/`index.yaml`, a Markdown file
//! per step, `verify.sh`), with kubeplay's checks, hints and solutions, run against a live
//! console [`Session`](kubeplay_console::Session).
//!
//! Architecture invariant: no IO here (the crate builds for wasm32). Files come through
//! [`Source`]: the CLI reads the file system, the web app fetches them, tests use [`MapSource`].
//!
//! ```
//! use kubeplay_workshop::{load, MapSource};
//! let src = MapSource::from([
//!     ("index.json", r#"{"title": "Hello", "details": {"steps": [
//!         {"title": "Create a namespace", "text": "step1.md", "verify": "verify1.sh"}]}}"#),
//!     ("step1.md", "Create the namespace `web`: `kubectl create namespace web`{{exec}}"),
//!     ("verify1.sh", "kubectl get namespace web"),
//! ]);
//! let w = load(&src).unwrap();
//! assert_eq!(w.steps[0].checks[0].name, "verify");
//! ```

pub mod checker;
mod eval;
mod load;
pub mod markdown;
mod progress;

use std::collections::BTreeMap;

pub use eval::{
    enter_step, evaluate, go_to_step, hints, solve, start, CheckResult, SolveError, StepStatus,
};
pub use kubeplay_console::LoggedCommand;
pub use load::{load, LoadError};
pub use markdown::{Action, Block, Doc, Inline};
pub use progress::Progress;

/// The largest file a workshop may contain.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// The most steps a workshop may have.
pub const MAX_STEPS: usize = 100;

/// Why a file of a workshop could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("no such file")]
    NotFound,
    #[error("file too large ({0} bytes, at most 1 MiB)")]
    TooLarge(usize),
    /// An absolute path, or one that leaves the workshop's folder.
    #[error("path outside the workshop folder")]
    OutsideWorkshop,
    #[error("{0}")]
    Other(String),
}

/// Where a workshop's files come from. Paths are relative to the workshop's folder, with `/`
/// separators, and already checked by [`check_path`].
pub trait Source {
    fn read(&self, path: &str) -> Result<String, SourceError>;
}

/// Refuses paths that are absolute or leave the workshop's folder (`..`), and odd ones (a
/// scheme, a backslash, a NUL): the web app turns paths into URLs and the CLI into file names.
pub fn check_path(path: &str) -> Result<(), SourceError> {
    let bad = path.is_empty()
        || path.starts_with('/')
        || path.contains('\\')
        || path.contains('\0')
        || path.contains(':')
        || path.split('/').any(|c| c == "..");
    if bad {
        Err(SourceError::OutsideWorkshop)
    } else {
        Ok(())
    }
}

/// The folder `?workshop=PATH` names, as a relative URL path for the page to fetch
/// `PATH/index.json` from: same origin only. Refused: absolute paths and URLs (`/x`, `//host`,
/// `https:`), `..`, backslashes, and characters a URL would read as something else (`?`, `#`,
/// `%`, which could spell `..` again once decoded), whitespace and control characters.
pub fn served_path(path: &str) -> Result<String, String> {
    let p = path.trim().trim_end_matches('/');
    let bad = p.is_empty()
        || p.starts_with('/')
        || p.contains("//")
        || p.chars().any(|c| {
            matches!(c, ':' | '\\' | '?' | '#' | '%') || c.is_whitespace() || c.is_control()
        })
        || p.split('/').any(|c| c == ".." || c == ".");
    if bad {
        Err(format!(
            "workshop {path:?}: only a folder served next to this page can be opened"
        ))
    } else {
        Ok(p.to_string())
    }
}

/// Files held in memory, by path (tests, and the web app once it has fetched them).
#[derive(Clone, Debug, Default)]
pub struct MapSource(pub BTreeMap<String, String>);

impl<const N: usize> From<[(&str, &str); N]> for MapSource {
    fn from(files: [(&str, &str); N]) -> MapSource {
        MapSource(
            files
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }
}

impl Source for MapSource {
    fn read(&self, path: &str) -> Result<String, SourceError> {
        self.0.get(path).cloned().ok_or(SourceError::NotFound)
    }
}

/// A workshop, loaded and validated.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Workshop {
    pub title: String,
    pub description: String,
    pub intro: Doc,
    pub steps: Vec<Step>,
    pub finish: Doc,
    pub start: Start,
}

/// How a workshop's cluster starts.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Start {
    /// The scenario the session loads first (see `kubeplay_console::scenarios`).
    pub scenario: String,
    /// The simulation's seed.
    pub seed: u64,
    /// Console commands run after the scenario is loaded.
    pub setup: Vec<String>,
    /// The intro's `background` script (Killercoda), run after `setup`.
    pub background: Option<String>,
}

impl Default for Start {
    fn default() -> Start {
        Start {
            scenario: "default".into(),
            seed: 1,
            setup: Vec::new(),
            background: None,
        }
    }
}

/// One step of a workshop.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Step {
    pub title: String,
    pub text: Doc,
    /// Killercoda's `verify` script; it is also the last of [`Step::checks`], named `verify`.
    pub verify: Option<String>,
    /// Killercoda's `background` script (run when the step starts; `courseData` in older
    /// scenarios).
    pub background: Option<String>,
    /// Killercoda's `foreground` script (`code` in older scenarios): shown, not run.
    pub foreground: Option<String>,
    pub checks: Vec<Check>,
    pub hints: Vec<Hint>,
    /// Console commands that solve the step.
    pub solution: Vec<String>,
}

impl Step {
    /// The blocks of the step's text the panel shows. It leaves out a first heading that
    /// repeats the step's title (Killercoda texts often begin with one; the panel shows the
    /// title already), and the `<details>` Solution blocks of a step that has a solution (the
    /// panel shows it itself, with "do it for me").
    pub fn text_shown(&self) -> impl Iterator<Item = &Block> {
        let repeats_title = matches!(
            self.text.0.first(),
            Some(Block::Heading(_, inlines))
                if markdown::inline_text(inlines).trim() == self.title.trim()
        );
        let has_solution = !self.solution.is_empty();
        self.text
            .0
            .iter()
            .enumerate()
            .filter(move |(i, b)| !(*i == 0 && repeats_title) && !(has_solution && b.is_solution()))
            .map(|(_, b)| b)
    }
}

/// A console command that must succeed for the step to be done.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Check {
    pub name: String,
    pub run: String,
    pub expect: Expect,
}

/// What a check's command must print, besides exiting with status 0.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub enum Expect {
    Success,
    /// Exactly this standard output (trailing newlines aside).
    Output(String),
    /// Standard output containing this text.
    Contains(String),
    /// Standard output matching this regular expression (regex-lite syntax).
    Matches(Pattern),
}

/// A compiled regular expression that compares and serialises as its source.
#[derive(Clone, Debug)]
pub struct Pattern(pub regex_lite::Regex);

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl serde::Serialize for Pattern {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

/// A hint of a step.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Hint {
    pub text: Doc,
    pub when: HintWhen,
}

/// When a hint applies.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum HintWhen {
    Always,
    /// While the named check fails.
    CheckFails(String),
    /// Once the step has been open this long (simulated milliseconds).
    After(i64),
}
