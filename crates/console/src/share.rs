//! Shared sessions: a cluster handed on as what made it. The engine is deterministic, so the
//! scenario, the seed and the command log (each entry with its simulated time) rebuild the same
//! cluster anywhere: in another browser from a link, or natively (`kubeplay run --from-link`).
//!
//! The same JSON is a `.kubeplay.json` file as it is, and a link's fragment once compressed
//! (raw DEFLATE) and encoded as URL-safe base64: `#share=<payload>`. A fragment is never sent
//! to a server. Everything read is checked before anything runs, and the replay has a budget
//! ([`crate::Session::replay`]): a corrupt, newer or hostile link gets an error that says so.

use base64::Engine as _;
use kubeplay_api::Time;
use kubeplay_engine::ClusterConfig;
use serde::{Deserialize, Serialize};

use crate::{Clock, LoggedCommand, ReplayError, Session, SessionConfig};

/// The format written; a file or link of a later format is refused rather than guessed at.
pub const FORMAT: u32 = 1;
/// What marks a share in a URL's fragment.
pub const FRAGMENT_KEY: &str = "share=";
/// Links longer than this (the whole fragment) are offered as a file instead: chat tools,
/// mail clients and some browsers' address bars cut longer URLs.
pub const MAX_LINK_CHARS: usize = 8 * 1024;
/// The longest fragment read (a link made by hand, or by a newer page).
pub const MAX_FRAGMENT_CHARS: usize = 2 * 1024 * 1024;
/// The largest session read, as JSON (a file, or a link once decompressed): the replay's own
/// limit on statements (8 MiB) with room for the log's structure.
pub const MAX_JSON_BYTES: usize = 12 * 1024 * 1024;

/// A whole session, as a link or a file carries it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shared {
    /// [`FORMAT`] when written.
    pub format: u32,
    /// The starting cluster's scenario (see [`crate::scenarios`]).
    pub scenario: String,
    pub seed: u64,
    /// The simulation speed the sender had (the receiver starts paused, at this speed).
    #[serde(default = "one")]
    pub speed: f64,
    /// The simulated time when it was shared: the clock runs on after the last command.
    pub now_ms: i64,
    /// Every statement run since the cluster was made, with its simulated time.
    pub log: Vec<LoggedCommand>,
}

fn one() -> f64 {
    1.0
}

/// Why a link or file cannot be opened.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ShareError {
    #[error("this link holds no kubeplay session (its fragment has no `share=`)")]
    NotALink,
    #[error("the link is {chars} characters long; at most {MAX_FRAGMENT_CHARS} are read")]
    LinkTooLong { chars: usize },
    #[error("the session is {bytes} bytes long; at most {MAX_JSON_BYTES} are read")]
    TooLarge { bytes: usize },
    #[error("the link is corrupt: {0}")]
    CorruptLink(String),
    #[error("the session is corrupt: {0}")]
    Corrupt(String),
    #[error("the session was made by a newer kubeplay (format {format}); this one reads format {FORMAT}")]
    Newer { format: u32 },
    #[error("the session starts from scenario {0:?}, which this kubeplay does not have")]
    UnknownScenario(String),
    #[error("the session cannot be replayed: {0}")]
    Replay(#[from] ReplayError),
}

impl Shared {
    /// What `session` holds now, made from `scenario` and `seed`.
    pub fn of(session: &Session, scenario: &str, seed: u64, speed: f64) -> Shared {
        Shared {
            format: FORMAT,
            scenario: scenario.to_string(),
            seed,
            speed: if speed.is_finite() { speed } else { 1.0 },
            now_ms: session.cluster().now().millis(),
            log: session.log().to_vec(),
        }
    }

    /// The session as a `.kubeplay.json` file.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The link's fragment, without its `#`: `share=<payload>`.
    pub fn to_fragment(&self) -> String {
        fragment_of(&serde_json::to_vec(self).unwrap_or_default())
    }

    /// Reads a `.kubeplay.json` file (or the JSON a link holds).
    pub fn from_json(text: &str) -> Result<Shared, ShareError> {
        if text.len() > MAX_JSON_BYTES {
            return Err(ShareError::TooLarge { bytes: text.len() });
        }
        // The format first, so that a newer file is named as such even if its fields changed.
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ShareError::Corrupt(e.to_string()))?;
        match value.get("format").and_then(serde_json::Value::as_u64) {
            Some(f) if f == u64::from(FORMAT) => {}
            Some(f) if f > u64::from(FORMAT) => {
                return Err(ShareError::Newer {
                    format: u32::try_from(f).unwrap_or(u32::MAX),
                })
            }
            _ => {
                return Err(ShareError::Corrupt(
                    "it has no `format` this kubeplay knows".into(),
                ))
            }
        }
        let shared: Shared =
            serde_json::from_value(value).map_err(|e| ShareError::Corrupt(e.to_string()))?;
        if !crate::scenarios::exists(&shared.scenario) {
            return Err(ShareError::UnknownScenario(shared.scenario));
        }
        if let Some(last) = shared.log.iter().map(|e| e.at_ms).max() {
            if shared.now_ms < last {
                return Err(ShareError::Corrupt(format!(
                    "it was shared at {} ms, before its last command ({last} ms)",
                    shared.now_ms
                )));
            }
        }
        Ok(shared)
    }

    /// Reads a link: a whole URL, its fragment (with or without `#`), or only the payload
    /// after `share=`.
    pub fn from_link(link: &str) -> Result<Shared, ShareError> {
        let link = link.trim();
        let fragment = link.split_once('#').map_or(link, |(_, f)| f);
        let payload = fragment
            .split('&')
            .find_map(|p| p.strip_prefix(FRAGMENT_KEY))
            .or_else(|| (!link.contains(['#', '=', '/'])).then_some(fragment))
            .ok_or(ShareError::NotALink)?;
        if payload.len() > MAX_FRAGMENT_CHARS {
            return Err(ShareError::LinkTooLong {
                chars: payload.len(),
            });
        }
        let deflated = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .map_err(|e| ShareError::CorruptLink(e.to_string()))?;
        // The limit stops a small payload that inflates to gigabytes.
        let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_JSON_BYTES)
            .map_err(|e| match e.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge {
                    bytes: MAX_JSON_BYTES + 1,
                },
                _ => ShareError::CorruptLink(
                    "its payload is not compressed as a kubeplay link is".into(),
                ),
            })?;
        let text = String::from_utf8(json)
            .map_err(|_| ShareError::CorruptLink("it is not UTF-8 once inflated".into()))?;
        Shared::from_json(&text)
    }

    /// The session rebuilt: a fresh cluster from the scenario and seed, the log replayed, and
    /// the clock run on to the time it was shared. The session's clock is `clock` afterwards.
    pub fn open(&self, clock: Clock) -> Result<Session, ShareError> {
        self.open_until(clock, self.now_ms)
    }

    /// The session as it was at `until_ms` (clamped to the time it was shared): the entries
    /// before it replayed, and the clock run on to it. What a timeline's scrubber shows.
    pub fn open_until(&self, clock: Clock, until_ms: i64) -> Result<Session, ShareError> {
        let mut s = page_session(self.seed, &self.scenario, clock)
            .ok_or_else(|| ShareError::UnknownScenario(self.scenario.clone()))?;
        let until_ms = until_ms.min(self.now_ms);
        let upto = self.log.partition_point(|e| e.at_ms <= until_ms);
        s.replay_until(&self.log[..upto], Time(until_ms))?;
        s.set_clock(clock);
        Ok(s)
    }
}

/// A link's fragment (without its `#`) holding `json`: compressed, then URL-safe base64.
pub fn fragment_of(json: &[u8]) -> String {
    let deflated = miniz_oxide::deflate::compress_to_vec(json, 9);
    format!(
        "{FRAGMENT_KEY}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(deflated)
    )
}

/// A session on a new cluster as the page makes one: the scenario's objects, the seed, in-memory
/// files, and the named scheduler profiles written as `schedulers/ID.yaml` for the console to
/// apply (the header's profile menu does). `None` for an unknown scenario.
pub fn page_session(seed: u64, scenario: &str, clock: Clock) -> Option<Session> {
    let docs = crate::scenarios::documents(scenario)?;
    let mut session = Session::new(SessionConfig {
        cluster: ClusterConfig {
            seed,
            record_trace: false,
        },
        clock,
    });
    if let Ok(docs) = docs {
        let _ = session.load_documents(docs);
    }
    for (id, _, _, cfg) in kubeplay_scheduler::builtin_profiles() {
        let text = crate::yaml::to_yaml(&crate::doc::Doc::from_value(&cfg));
        let _ = session
            .files_mut()
            .write(&format!("schedulers/{id}.yaml"), &text);
    }
    Some(session)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    /// What a line printed, standard output and errors together.
    pub(crate) fn run(s: &mut Session, line: &str) -> String {
        s.run(line)
            .iter()
            .map(|o| format!("{}{}", o.stdout, o.stderr))
            .collect()
    }

    /// A session built by hand as a presenter would: deploy, scale, fail a node, wait.
    fn built() -> Session {
        let mut s = page_session(7, "default", Clock::External).unwrap();
        run(
            &mut s,
            "kubectl create deployment web --image=nginx --replicas=3",
        );
        s.cluster_mut().advance(20_000);
        run(&mut s, "kubectl scale deployment web --replicas=6");
        s.cluster_mut().advance(15_000);
        run(&mut s, "kubectl apply -f schedulers/spread.yaml");
        s.cluster_mut().advance(5_000);
        run(&mut s, "node fail node-2");
        s.cluster_mut().advance(90_000);
        s
    }

    #[test]
    fn a_link_rebuilds_the_same_cluster_at_the_same_time() {
        let mut s = built();
        let fragment = Shared::of(&s, "default", 7, 5.0).to_fragment();
        assert!(fragment.starts_with("share=") && fragment.len() < MAX_LINK_CHARS);
        let link = format!("https://example.invalid/kubeplay/?seed=3#{fragment}");
        let shared = Shared::from_link(&link).unwrap();
        assert_eq!((shared.seed, shared.speed, shared.log.len()), (7, 5.0, 4));
        let mut opened = shared.open(Clock::External).unwrap();
        assert_eq!(opened.cluster().now(), s.cluster().now());
        assert_eq!(opened.log(), s.log());
        for probe in [
            "kubectl get pods -o wide",
            "kubectl get nodes",
            "kubectl get events",
        ] {
            assert_eq!(run(&mut opened, probe), run(&mut s, probe), "{probe}");
        }
        // The file holds the same session.
        let file = Shared::from_json(&Shared::of(&s, "default", 7, 5.0).to_json()).unwrap();
        assert_eq!(file.log, Shared::of(&s, "default", 7, 5.0).log);
    }

    #[test]
    fn opening_until_an_instant_shows_the_cluster_then() {
        let s = built();
        let shared = Shared::of(&s, "default", 7, 1.0);
        let failed_at = shared.log[3].at_ms;
        let mut before = shared.open_until(Clock::External, failed_at - 1).unwrap();
        assert_eq!(before.cluster().now().millis(), failed_at - 1);
        assert_eq!(before.log().len(), 3);
        let nodes = run(&mut before, "kubectl get nodes");
        assert!(!nodes.contains("NotReady"), "{nodes}");
        let mut after = shared
            .open_until(Clock::External, failed_at + 60_000)
            .unwrap();
        let nodes = run(&mut after, "kubectl get nodes");
        assert!(nodes.contains("node-2   NotReady"), "{nodes}");
    }

    fn check(link: &str, want: Expect) {
        let got = match Shared::from_link(link).and_then(|s| s.open(Clock::External).map(|_| s)) {
            Ok(s) => format!("ok: {} commands", s.log.len()),
            Err(e) => e.to_string(),
        };
        want.assert_eq(&got);
    }

    fn link_of(json: &str) -> String {
        format!("#{}", fragment_of(json.as_bytes()))
    }

    #[test]
    fn corrupt_newer_and_hostile_links_are_refused_with_a_reason() {
        let entry = |at: i64, line: &str| {
            format!(
                r#"{{"at_ms":{at},"line":{}}}"#,
                serde_json::to_string(line).unwrap()
            )
        };
        let session = |fields: &str| {
            link_of(&format!(
                r#"{{"format":1,"scenario":"default","seed":1,{fields}}}"#
            ))
        };
        let t0 = 1_767_225_601_000i64;
        check(
            &session(&format!(
                r#""now_ms":{},"log":[{}]"#,
                t0 + 5_000,
                entry(t0, "kubectl run a --image=nginx")
            )),
            expect!["ok: 1 commands"],
        );
        check(
            "https://example.invalid/",
            expect!["this link holds no kubeplay session (its fragment has no `share=`)"],
        );
        check(
            "#share=%%%",
            expect!["the link is corrupt: Invalid symbol 37, offset 0."],
        );
        check(
            "#share=AAAA",
            expect!["the link is corrupt: its payload is not compressed as a kubeplay link is"],
        );
        check(
            &link_of("{\"format\":"),
            expect!["the session is corrupt: EOF while parsing a value at line 1 column 10"],
        );
        check(
            &link_of(r#"{"format":2,"whatever":true}"#),
            expect!["the session was made by a newer kubeplay (format 2); this one reads format 1"],
        );
        check(
            &link_of(r#"{"kind":"Pod"}"#),
            expect!["the session is corrupt: it has no `format` this kubeplay knows"],
        );
        check(
            &session(&format!(r#""now_ms":5,"log":[{}]"#, entry(t0, "true"))),
            expect!["the session is corrupt: it was shared at 5 ms, before its last command (1767225601000 ms)"],
        );
        check(
            &link_of(r#"{"format":1,"scenario":"../../etc","seed":1,"now_ms":0,"log":[]}"#),
            expect![[
                r#"the session starts from scenario "../../etc", which this kubeplay does not have"#
            ]],
        );
        check(
            &session(&format!(r#""now_ms":{},"log":[{},{}]"#, t0 + 9_000, entry(t0 + 9_000, "true"), entry(t0, "true"))),
            expect!["the session cannot be replayed: entry 2 starts at 1767225601000 ms, before the time the replay has reached (1767225610000 ms): the log is corrupt"],
        );
        check(
            &session(&format!(r#""now_ms":{},"log":[{}]"#, t0 + 30 * 86_400_000, entry(t0 + 30 * 86_400_000, "true"))),
            expect!["the session cannot be replayed: entry 1 starts at 1769817601000 ms: a replay covers at most 7 days of simulated time (it started at 1767225601000 ms)"],
        );
        check(
            &session(&format!(r#""now_ms":{},"log":[{}]"#, t0 + 8 * 86_400_000, entry(t0, &"sleep 1d; ".repeat(8)))),
            expect!["the session cannot be replayed: entry 1 moves simulated time past the end of the replay's budget (7 days)"],
        );
        // Traffic costs work: a short log can ask for hours of 10,000 requests a second.
        let busy = format!(
            "{},{}",
            entry(t0, "kubectl create deployment web --image=nginx; kubectl expose deployment web --port=80"),
            entry(t0 + 1_000, "traffic svc/web --rps 10000")
        );
        check(
            &session(&format!(r#""now_ms":{},"log":[{busy}]"#, t0 + 2 * 3_600_000)),
            expect!["the session cannot be replayed: the replay's budget of work (10000000 simulated requests and tasks) is spent after the last entry"],
        );
        check(
            &session(&format!(r#""now_ms":{},"log":[{busy},{}]"#, t0 + 4 * 3_600_000, entry(t0 + 2_000, "sleep 3h; kubectl get pods"))),
            expect!["the session cannot be replayed: the replay's budget of work (10000000 simulated requests and tasks) is spent at entry 3"],
        );
        // A small link that inflates to gigabytes stops at the limit.
        let bomb = link_of(&" ".repeat(MAX_JSON_BYTES + 10));
        assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
        check(
            &bomb,
            expect!["the session is 12582913 bytes long; at most 12582912 are read"],
        );
        check(
            &format!("#share={}", "A".repeat(MAX_FRAGMENT_CHARS + 1)),
            expect!["the link is 2097153 characters long; at most 2097152 are read"],
        );
    }
}
