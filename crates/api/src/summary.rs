//! How kubectl summarises objects in its tables: a pod's STATUS and READY columns, restarts, and
//! the AGE column's human durations. Shared by the console's printers and the board's view model
//! so that both say exactly the same thing.

use crate::core::{Event, Pod};
use crate::meta::Time;

/// The STATUS column of `kubectl get pods` (kubectl's `printPod`): the pod's reason or phase,
/// overridden by init and container waiting/terminated reasons, `Terminating` when deleted and
/// `Unknown` when its node is lost (reason NodeLost).
pub fn pod_status(pod: &Pod) -> String {
    let mut reason = if pod.status.reason.is_empty() {
        pod.status.phase.clone()
    } else {
        pod.status.reason.clone()
    };
    if reason.is_empty() {
        reason = "Pending".into();
    }
    let mut initializing = false;
    for (i, c) in pod.status.init_container_statuses.iter().enumerate() {
        if let Some(t) = &c.state.terminated {
            if t.exit_code == 0 {
                continue;
            }
            reason = if !t.reason.is_empty() {
                format!("Init:{}", t.reason)
            } else {
                format!("Init:ExitCode:{}", t.exit_code)
            };
            initializing = true;
        } else if let Some(w) = c
            .state
            .waiting
            .as_ref()
            .filter(|w| !w.reason.is_empty() && w.reason != "PodInitializing")
        {
            reason = format!("Init:{}", w.reason);
            initializing = true;
        } else {
            reason = format!("Init:{}/{}", i, pod.spec.init_containers.len());
            initializing = true;
        }
        break;
    }
    if !initializing {
        let mut has_running = false;
        for c in pod.status.container_statuses.iter().rev() {
            if let Some(w) = c.state.waiting.as_ref().filter(|w| !w.reason.is_empty()) {
                reason = w.reason.clone();
            } else if let Some(t) = &c.state.terminated {
                reason = if !t.reason.is_empty() {
                    t.reason.clone()
                } else {
                    format!("ExitCode:{}", t.exit_code)
                };
            } else if c.ready && c.state.running.is_some() {
                has_running = true;
            }
        }
        if reason == "Completed" && has_running {
            reason = if pod.is_ready() {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    if pod.metadata.deletion_timestamp.is_some() {
        reason = if pod.status.reason == "NodeLost" {
            "Unknown".into()
        } else {
            "Terminating".into()
        };
    }
    reason
}

/// The READY column: ready containers over containers.
pub fn pod_ready(pod: &Pod) -> String {
    let ready = pod
        .status
        .container_statuses
        .iter()
        .filter(|c| c.ready)
        .count();
    format!("{ready}/{}", pod.spec.containers.len())
}

/// The RESTARTS column, with the last restart's age as kubectl prints it (`2 (5s ago)`).
pub fn pod_restarts(pod: &Pod, now: Time) -> String {
    let restarts: i32 = pod
        .status
        .container_statuses
        .iter()
        .map(|c| c.restart_count)
        .sum();
    let last = pod
        .status
        .container_statuses
        .iter()
        .filter_map(|c| c.last_state.terminated.as_ref().and_then(|t| t.finished_at))
        .max();
    match last {
        Some(t) if restarts > 0 => format!(
            "{restarts} ({} ago)",
            human_duration(now.millis() - t.millis())
        ),
        _ => restarts.to_string(),
    }
}

/// When an event was last seen, as kubectl's LAST SEEN column and its event ordering read it:
/// lastTimestamp, else firstTimestamp, else eventTime.
pub fn event_last_seen(e: &Event) -> Option<Time> {
    e.last_timestamp.or(e.first_timestamp).or(e.event_time)
}

/// kubectl's OBJECT column of an event: `pod/nginx-7c9f-x2x4q` (the kind alone if unnamed).
pub fn event_object(e: &Event) -> String {
    let kind = e.involved_object.kind.to_ascii_lowercase();
    if e.involved_object.name.is_empty() {
        kind
    } else {
        format!("{kind}/{}", e.involved_object.name)
    }
}

/// The AGE column: apimachinery's `duration.HumanDuration`.
pub fn human_duration(millis: i64) -> String {
    let seconds = millis.div_euclid(1000);
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations_as_kubectl_prints_them() {
        let rows = [
            (0, "0s"),
            (59_000, "59s"),
            (119_000, "119s"),
            (120_000, "2m"),
            (125_000, "2m5s"),
            (600_000, "10m"),
            (179 * 60_000, "179m"),
            (3 * 3_600_000, "3h"),
            (3 * 3_600_000 + 120_000, "3h2m"),
            (8 * 3_600_000, "8h"),
            (47 * 3_600_000, "47h"),
            (48 * 3_600_000, "2d"),
            (50 * 3_600_000, "2d2h"),
            (10 * 86_400_000, "10d"),
            (800 * 86_400_000i64, "2y70d"),
        ];
        for (ms, want) in rows {
            assert_eq!(human_duration(ms), want, "{ms}");
        }
    }
}
