//! A session's timeline: the marks a scrubber shows (each command, and notable events: a node
//! failed or came back, a pod was evicted, a Deployment scaled or rolled), and rewinding by
//! replaying the recording from the start to an earlier instant. Playing on from there runs
//! the recorded commands again as their times come, until a new command starts a new branch.

use std::rc::Rc;

use kubeplay_api::{Kind, Object};

use crate::share::{ShareError, Shared};
use crate::{Clock, LogKind, LoggedCommand, Session};

/// One mark on the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub at_ms: i64,
    pub kind: MarkKind,
    /// What happened, as a tooltip says it: the command line, or the event.
    pub label: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MarkKind {
    Command,
    Event,
}

impl MarkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkKind::Command => "command",
            MarkKind::Event => "event",
        }
    }
}

/// The events worth a mark, and how a mark names them.
fn notable(reason: &str) -> Option<&'static str> {
    Some(match reason {
        "NodeNotReady" => "node not ready",
        "NodeReady" => "node ready",
        "TaintManagerEviction" => "pod evicted",
        "ScalingReplicaSet" => "scaled",
        _ => return None,
    })
}

/// The marks of `session` as it is now, in time order: its commands and notable events.
/// Events of the same reason in the same second (a rollout's many scalings, a node's evictions)
/// make one mark.
pub fn marks(session: &Session) -> Vec<Mark> {
    let mut marks: Vec<Mark> = session
        .log()
        .iter()
        .filter(|e| e.kind == LogKind::Statement)
        .map(|e| Mark {
            at_ms: e.at_ms,
            kind: MarkKind::Command,
            label: e.line.lines().next().unwrap_or_default().to_string(),
        })
        .collect();
    let mut events: Vec<(i64, &'static str, String)> = session
        .cluster()
        .list(Kind::Event, None, None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Event(e) => {
                let what = notable(&e.reason)?;
                let at = e.first_timestamp.or(e.event_time)?.millis();
                Some((at, what, format!("{what}: {}", e.message)))
            }
            _ => None,
        })
        .collect();
    events.sort();
    let mut last: Option<(i64, &str)> = None;
    for (at, what, label) in events {
        if last == Some((at / 1_000, what)) {
            continue;
        }
        last = Some((at / 1_000, what));
        marks.push(Mark {
            at_ms: at,
            kind: MarkKind::Event,
            label,
        });
    }
    marks.sort_by_key(|m| (m.at_ms, m.kind));
    marks
}

/// The time of the mark before `now_ms` (`forward` false) or after it, for the `[` and `]`
/// keys; marks within a second of `now_ms` are skipped, so that a key press always moves.
pub fn adjacent(marks: &[Mark], now_ms: i64, forward: bool) -> Option<i64> {
    if forward {
        marks.iter().map(|m| m.at_ms).find(|t| *t > now_ms)
    } else {
        marks
            .iter()
            .rev()
            .map(|m| m.at_ms)
            .find(|t| *t < now_ms - 1_000)
    }
}

/// A recording to scrub through: what the session was when the reader first went back in time.
#[derive(Clone, Debug)]
pub struct Timeline {
    recording: Shared,
    /// The simulated time the session started at (before any command).
    pub start_ms: i64,
    /// The recording's marks (its end state's commands and events), shared with the views
    /// that draw them.
    pub marks: Rc<Vec<Mark>>,
}

impl Timeline {
    /// Records `session`, made from `scenario` and `seed` and started at `start_ms`.
    pub fn record(session: &Session, scenario: &str, seed: u64, start_ms: i64) -> Timeline {
        Timeline {
            recording: Shared::of(session, scenario, seed, 1.0),
            start_ms,
            marks: Rc::new(marks(session)),
        }
    }

    /// The end of the recording: when it was made.
    pub fn end_ms(&self) -> i64 {
        self.recording.now_ms
    }

    /// The session at `at_ms` (within the recording), rebuilt from the start.
    pub fn seek(&self, at_ms: i64, clock: Clock) -> Result<Session, ShareError> {
        self.recording
            .open_until(clock, at_ms.clamp(self.start_ms, self.end_ms()))
    }

    /// Plays `session` (rewound from this recording) on by `millis` of simulated time: the
    /// clock stops at each recorded command on the way and runs it at its own time. Returns
    /// the commands run.
    pub fn play(&self, session: &mut Session, millis: i64) -> Vec<LoggedCommand> {
        let end = session
            .cluster()
            .now()
            .millis()
            .saturating_add(millis.max(0));
        let mut ran = Vec::new();
        loop {
            // Recorded commands due now (several may share an instant).
            while let Some(e) = self.recording.log.get(session.log().len()) {
                if e.at_ms > session.cluster().now().millis()
                    || session.replay(std::slice::from_ref(e)).is_err()
                {
                    break;
                }
                ran.push(e.clone());
            }
            let now = session.cluster().now().millis();
            if now >= end {
                return ran;
            }
            let next = self
                .recording
                .log
                .get(session.log().len())
                .map_or(end, |e| e.at_ms.clamp(now + 1, end));
            session.cluster_mut().advance(next - now);
        }
    }

    /// Whether `session` has played past everything recorded: it is live again.
    pub fn played_out(&self, session: &Session) -> bool {
        session.log().len() >= self.recording.log.len()
            && session.cluster().now().millis() >= self.end_ms()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share::page_session;
    use crate::share::tests::run;

    #[test]
    fn an_instant_inside_a_sleep_is_reached_not_passed() {
        let mut s = page_session(1, "default", Clock::External).unwrap();
        let start = s.cluster().now().millis();
        run(&mut s, "kubectl create deployment web --image=nginx");
        run(&mut s, "sleep 300");
        run(&mut s, "kubectl scale deployment web --replicas=3");
        let t = Timeline::record(&s, "default", 1, start);
        let mid = t.seek(start + 120_000, Clock::External).unwrap();
        assert_eq!(mid.cluster().now().millis(), start + 120_000);
        assert_eq!(mid.log().len(), 2);
        let end = t.seek(t.end_ms(), Clock::External).unwrap();
        assert_eq!(end.log(), s.log());
        // At the instant of the scale command itself, it has run.
        let mut at_scale = t.seek(s.log()[2].at_ms, Clock::External).unwrap();
        assert_eq!(at_scale.log().len(), 3);
        assert!(at_scale
            .check("kubectl get deploy web -o jsonpath={.spec.replicas}")
            .stdout
            .contains('3'));
    }

    #[test]
    fn the_keys_step_from_mark_to_mark() {
        let mark = |at_ms| Mark {
            at_ms,
            kind: MarkKind::Command,
            label: String::new(),
        };
        let marks = [mark(1_000), mark(5_000), mark(9_000)];
        assert_eq!(adjacent(&marks, 5_000, true), Some(9_000));
        assert_eq!(adjacent(&marks, 5_000, false), Some(1_000));
        assert_eq!(adjacent(&marks, 5_500, false), Some(1_000));
        assert_eq!(adjacent(&marks, 6_500, false), Some(5_000));
        assert_eq!(adjacent(&marks, 9_000, true), None);
        assert_eq!(adjacent(&marks, 1_500, false), None);
    }

    #[test]
    fn rewinding_and_playing_on_gives_back_the_same_cluster() {
        let mut s = page_session(3, "default", Clock::External).unwrap();
        let start = s.cluster().now().millis();
        run(
            &mut s,
            "kubectl create deployment web --image=nginx --replicas=4",
        );
        s.cluster_mut().advance(30_000);
        run(&mut s, "node fail node-3");
        // Past the 300 s that pods tolerate a not-ready node for.
        s.cluster_mut().advance(400_000);
        run(&mut s, "kubectl scale deployment web --replicas=2");
        s.cluster_mut().advance(10_000);

        let t = Timeline::record(&s, "default", 3, start);
        let kinds: Vec<(MarkKind, &str)> = t
            .marks
            .iter()
            .map(|m| (m.kind, m.label.split(':').next().unwrap()))
            .collect();
        assert_eq!(
            kinds,
            [
                (
                    MarkKind::Command,
                    "kubectl create deployment web --image=nginx --replicas=4"
                ),
                (MarkKind::Event, "scaled"),
                (MarkKind::Command, "node fail node-3"),
                (MarkKind::Event, "node not ready"),
                (MarkKind::Event, "pod evicted"),
                (
                    MarkKind::Command,
                    "kubectl scale deployment web --replicas=2"
                ),
                (MarkKind::Event, "scaled"),
            ]
        );

        // Back to before the node failed: it is Ready again, and the later commands are gone.
        let failed_at = t.marks[2].at_ms;
        let mut back = t.seek(failed_at - 1_000, Clock::External).unwrap();
        assert_eq!(back.log().len(), 1);
        // (A check reads without logging: a command typed now would start a new branch.)
        assert!(!back.check("kubectl get nodes").stdout.contains("NotReady"));

        // Playing on runs the recorded commands at their times: the end is the same cluster,
        // whatever the steps (a page's frames are uneven).
        let mut steps = [700, 1, 5_000, 333].into_iter().cycle();
        while !t.played_out(&back) {
            let left = t.end_ms() - back.cluster().now().millis();
            t.play(&mut back, steps.next().unwrap().min(left));
        }
        assert_eq!(back.cluster().now().millis(), t.end_ms());
        assert_eq!(back.log(), s.log());
        for probe in [
            "kubectl get pods -o wide",
            "kubectl get nodes",
            "kubectl get events",
        ] {
            assert_eq!(run(&mut back, probe), run(&mut s, probe), "{probe}");
        }
    }
}
