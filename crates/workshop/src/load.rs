//! Reads a workshop's `index.json` (or `index.yaml`) and the files it names, and validates it.

use serde::Deserialize;

use crate::markdown::{self, Doc};
use crate::{
    check_path, Check, Expect, Hint, HintWhen, Pattern, Source, SourceError, Start, Step, Workshop,
    MAX_FILE_BYTES, MAX_STEPS,
};

/// Why a workshop could not be loaded. Each names the file at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("no index.json or index.yaml in the workshop folder")]
    NoIndex,
    /// A file named by the index (or the index itself) could not be read.
    #[error("{path}: {error}")]
    Read { path: String, error: SourceError },
    /// Malformed JSON or YAML, or a field of the wrong type.
    #[error("{path}:{line}: {message}")]
    Syntax {
        path: String,
        line: u64,
        message: String,
    },
    /// Well-formed but wrong: a hint naming a check the step does not have, too many steps...
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Index {
    title: String,
    description: String,
    details: Details,
    kubeplay: Option<KubeplayIndex>,
    backend: Option<Backend>,
}

/// Killercoda's `backend`: the image its scenario runs on.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Backend {
    imageid: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Details {
    intro: Option<Page>,
    steps: Vec<RawStep>,
    finish: Option<Page>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Page {
    text: Option<String>,
    background: Option<String>,
    #[serde(rename = "courseData")]
    course_data: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawStep {
    title: String,
    text: Option<String>,
    verify: Option<String>,
    background: Option<String>,
    foreground: Option<String>,
    #[serde(rename = "courseData")]
    course_data: Option<String>,
    code: Option<String>,
    kubeplay: KubeplayStep,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct KubeplayIndex {
    scenario: Option<String>,
    seed: Option<u64>,
    setup: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct KubeplayStep {
    checks: Vec<RawCheck>,
    hints: Vec<RawHint>,
    solution: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawCheck {
    name: Option<String>,
    run: String,
    output: Option<String>,
    contains: Option<String>,
    matches: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawHint {
    text: String,
    check: Option<String>,
    after: Option<After>,
}

/// A hint's delay: seconds, or a duration such as `90s` or `2m`.
#[derive(Deserialize)]
#[serde(untagged)]
enum After {
    Seconds(u64),
    Text(String),
}

/// Loads the workshop whose files `src` gives: `index.json`, or else `index.yaml`, then the
/// Markdown and scripts it names.
///
/// Models Killercoda's scenario layout (`index.json` with `details.intro`, `details.steps[]`
/// and `details.finish`); kubeplay's own fields sit under `kubeplay` keys, which Killercoda
/// ignores. A step's `verify` script becomes its last check, named `verify`; a step without a
/// `solution` takes the `{{exec}}` commands of its `<details>` Solution block.
pub fn load(src: &dyn Source) -> Result<Workshop, LoadError> {
    let (path, index) = read_index(src)?;
    let invalid = |message: String| LoadError::Invalid {
        path: path.clone(),
        message,
    };
    if index.details.steps.len() > MAX_STEPS {
        return Err(invalid(format!(
            "{} steps, at most {MAX_STEPS}",
            index.details.steps.len()
        )));
    }
    let plain_killercoda = index.kubeplay.is_none();
    let kp = index.kubeplay.unwrap_or_default();
    let mut start = Start::default();
    // A plain Killercoda scenario on a kubeadm backend starts on the cluster it was written
    // for: controlplane and node01.
    if plain_killercoda
        && index
            .backend
            .as_ref()
            .is_some_and(|b| b.imageid.starts_with("kubernetes-kubeadm"))
    {
        start.scenario = "kubeadm".into();
    }
    if let Some(s) = kp.scenario {
        start.scenario = s;
    }
    if let Some(s) = kp.seed {
        start.seed = s;
    }
    start.setup = kp.setup;
    let intro = index.details.intro.unwrap_or_default();
    if let Some(bg) = intro.background.as_ref().or(intro.course_data.as_ref()) {
        start.background = Some(read(src, bg)?);
    }
    let mut steps = Vec::new();
    for (i, raw) in index.details.steps.into_iter().enumerate() {
        let step = load_step(src, i, raw, plain_killercoda).map_err(|e| match e {
            StepError::Load(e) => e,
            StepError::Invalid(m) => invalid(m),
        })?;
        steps.push(step);
    }
    Ok(Workshop {
        title: index.title,
        description: index.description,
        intro: read_doc(src, intro.text.as_deref())?,
        steps,
        finish: read_doc(src, index.details.finish.and_then(|f| f.text).as_deref())?,
        start,
    })
}

fn read_index(src: &dyn Source) -> Result<(String, Index), LoadError> {
    let (path, text) = match read(src, "index.json") {
        Ok(t) => ("index.json".to_string(), t),
        Err(LoadError::Read {
            error: SourceError::NotFound,
            ..
        }) => match read(src, "index.yaml") {
            Ok(t) => ("index.yaml".to_string(), t),
            Err(LoadError::Read {
                error: SourceError::NotFound,
                ..
            }) => return Err(LoadError::NoIndex),
            Err(e) => return Err(e),
        },
        Err(e) => return Err(e),
    };
    let index = if path.ends_with(".json") {
        serde_json::from_str::<Index>(&text).map_err(|e| LoadError::Syntax {
            path: path.clone(),
            line: e.line() as u64,
            message: strip_position(&e.to_string()),
        })?
    } else {
        serde_saphyr::from_str::<Index>(&text).map_err(|e| LoadError::Syntax {
            path: path.clone(),
            line: e.location().map_or(1, |l| l.line()),
            message: yaml_message(&e.to_string()),
        })?
    };
    Ok((path, index))
}

/// serde_json ends its messages with " at line L column C"; the line is given separately.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// serde-saphyr's messages may carry a source snippet on further lines.
fn first_line(msg: &str) -> String {
    msg.lines().next().unwrap_or("").to_string()
}

/// serde-saphyr starts its messages with "error: line L column C: "; the line is given
/// separately.
fn yaml_message(msg: &str) -> String {
    let line = first_line(msg);
    let rest = line.strip_prefix("error: ").unwrap_or(&line);
    match rest.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((pos, m)) if pos.contains(" column ") => m.to_string(),
        _ => rest.to_string(),
    }
}

enum StepError {
    Load(LoadError),
    Invalid(String),
}

impl From<LoadError> for StepError {
    fn from(e: LoadError) -> StepError {
        StepError::Load(e)
    }
}

fn load_step(
    src: &dyn Source,
    i: usize,
    raw: RawStep,
    plain_killercoda: bool,
) -> Result<Step, StepError> {
    let title = if raw.title.is_empty() {
        format!("Step {}", i + 1)
    } else {
        raw.title
    };
    let what = format!("step {} {title:?}", i + 1);
    let text = read_doc(src, raw.text.as_deref())?;
    let verify = raw.verify.as_deref().map(|p| read(src, p)).transpose()?;
    let background = raw
        .background
        .as_deref()
        .or(raw.course_data.as_deref())
        .map(|p| read(src, p))
        .transpose()?;
    let foreground = raw
        .foreground
        .as_deref()
        .or(raw.code.as_deref())
        .map(|p| read(src, p))
        .transpose()?;

    let mut checks = Vec::new();
    for (n, c) in raw.kubeplay.checks.into_iter().enumerate() {
        let name = c.name.unwrap_or_else(|| format!("check {}", n + 1));
        if c.run.trim().is_empty() {
            return Err(StepError::Invalid(format!(
                "{what}: check {name:?} has no command to run"
            )));
        }
        let expect = match (c.output, c.contains, c.matches) {
            (None, None, None) => Expect::Success,
            (Some(o), None, None) => Expect::Output(o),
            (None, Some(s), None) => Expect::Contains(s),
            (None, None, Some(m)) => match regex_lite::Regex::new(&m) {
                Ok(r) => Expect::Matches(Pattern(r)),
                Err(e) => {
                    return Err(StepError::Invalid(format!(
                        "{what}: check {name:?}: bad regular expression: {}",
                        first_line(&e.to_string())
                    )))
                }
            },
            _ => {
                return Err(StepError::Invalid(format!(
                    "{what}: check {name:?}: give at most one of output, contains, matches"
                )))
            }
        };
        checks.push(Check {
            name,
            run: c.run,
            expect,
        });
    }
    if let Some(v) = &verify {
        checks.push(Check {
            name: "verify".into(),
            run: v.clone(),
            expect: Expect::Success,
        });
    }
    for (n, c) in checks.iter().enumerate() {
        if checks[..n].iter().any(|d| d.name == c.name) {
            return Err(StepError::Invalid(format!(
                "{what}: two checks are named {:?}",
                c.name
            )));
        }
    }

    let mut hints = Vec::new();
    for h in raw.kubeplay.hints {
        let when = match (h.check, h.after) {
            (None, None) => HintWhen::Always,
            (Some(name), None) => {
                if !checks.iter().any(|c| c.name == name) {
                    let known: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
                    return Err(StepError::Invalid(format!(
                        "{what}: a hint names check {name:?}, which the step does not have (its checks: {})",
                        if known.is_empty() { "none".to_string() } else { known.join(", ") }
                    )));
                }
                HintWhen::CheckFails(name)
            }
            (None, Some(after)) => HintWhen::After(
                after_ms(&after)
                    .map_err(|e| StepError::Invalid(format!("{what}: a hint's after: {e}")))?,
            ),
            (Some(_), Some(_)) => {
                return Err(StepError::Invalid(format!(
                    "{what}: a hint has both check and after; give one"
                )))
            }
        };
        hints.push(Hint {
            text: markdown::parse(&h.text),
            when,
        });
    }

    let mut solution = raw.kubeplay.solution;
    if solution.is_empty() {
        solution = text.details_exec_commands();
    }
    if solution.is_empty() && plain_killercoda {
        solution = solution_file(src, raw.text.as_deref())?;
    }
    Ok(Step {
        title,
        text,
        verify,
        background,
        foreground,
        checks,
        hints,
        solution,
    })
}

/// A Killercoda step kept in its own folder (`step1/text.md`) may give its solution in
/// `step1/solution.sh` (commands) or `step1/solution.md` (`{{exec}}` blocks).
fn solution_file(src: &dyn Source, text: Option<&str>) -> Result<Vec<String>, LoadError> {
    let Some((dir, _)) = text.and_then(|t| t.rsplit_once('/')) else {
        return Ok(Vec::new());
    };
    match read(src, &format!("{dir}/solution.sh")) {
        Ok(s) => return Ok(vec![s]),
        Err(LoadError::Read {
            error: SourceError::NotFound,
            ..
        }) => {}
        Err(e) => return Err(e),
    }
    match read(src, &format!("{dir}/solution.md")) {
        Ok(s) => {
            let doc = markdown::parse(&s);
            let mut cmds = doc.details_exec_commands();
            if cmds.is_empty() {
                cmds = doc.exec_commands();
            }
            Ok(cmds)
        }
        Err(LoadError::Read {
            error: SourceError::NotFound,
            ..
        }) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

fn after_ms(a: &After) -> Result<i64, String> {
    match a {
        After::Seconds(s) => i64::try_from(*s)
            .ok()
            .and_then(|s| s.checked_mul(1000))
            .ok_or_else(|| format!("{s} seconds is too long")),
        After::Text(t) => kubeplay_console::duration::parse_go(t),
    }
}

/// Reads a file of the workshop, refusing bad paths and files over 1 MiB.
fn read(src: &dyn Source, path: &str) -> Result<String, LoadError> {
    let norm = normalize(path);
    let err = |error| LoadError::Read {
        path: path.to_string(),
        error,
    };
    check_path(path).map_err(err)?;
    let text = src.read(&norm).map_err(err)?;
    if text.len() > MAX_FILE_BYTES {
        return Err(err(SourceError::TooLarge(text.len())));
    }
    Ok(text)
}

/// `./a/./b.md` is `a/b.md`.
fn normalize(path: &str) -> String {
    path.split('/')
        .filter(|c| *c != "." && !c.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

fn read_doc(src: &dyn Source, path: Option<&str>) -> Result<Doc, LoadError> {
    match path {
        None => Ok(Doc::default()),
        Some(p) => Ok(markdown::parse(&read(src, p)?)),
    }
}
