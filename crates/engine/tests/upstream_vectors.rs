//! The scheduler against the real kube-scheduler v1.35.4: 400 generated clusters
//! (`tests/fixtures/scheduler-vectors/upstream-1.35.4.jsonl`) applied through the API verbs, one
//! scheduling cycle, and the kube-scheduler-simulator annotations and FailedScheduling event
//! compared with what upstream decided (mapping in the fixture's README).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use kubeplay_api::{Kind, Object};
use kubeplay_engine::{Cluster, ClusterConfig};
use serde_json::Value;

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/scheduler-vectors/upstream-1.35.4.jsonl"
);

/// What differed in one case, by aspect: `filter NodeAffinity`, `score ImageLocality`,
/// `selected`, `fitError`... with a one-line explanation each.
struct Diff {
    aspect: String,
    detail: String,
}

/// Agreement figures over all cases: (agreeing, total) per aspect.
#[derive(Default)]
struct Tally {
    filter_nodes: (usize, usize),
    score_cases: (usize, usize),
    final_cases: (usize, usize),
    selected_cases: (usize, usize),
    fit_error_cases: (usize, usize),
}

fn count(t: &mut (usize, usize), ok: bool) {
    t.0 += ok as usize;
    t.1 += 1;
}

/// Builds the case's cluster as a user would, lets the scheduler run, and compares.
fn run_case(case: &Value, tally: &mut Tally) -> Result<Vec<Diff>, String> {
    let mut c = Cluster::new(ClusterConfig {
        seed: 1,
        record_trace: false,
    });
    c.set_scheduler_only(true);
    if let Some(cfg) = case.get("schedulerConfig").filter(|v| !v.is_null()) {
        c.set_scheduler_config(cfg)
            .map_err(|e| format!("configuration refused: {e}"))?;
    }
    let objects = case["objects"].as_array().cloned().unwrap_or_default();
    for o in objects.iter().chain(std::iter::once(&case["pod"])) {
        let obj = Object::from_value(o.clone()).map_err(|e| format!("object refused: {e}"))?;
        c.apply(obj).map_err(|e| format!("apply refused: {e}"))?;
    }
    c.advance(1_000);
    let Ok(Object::Pod(p)) = c.get(Kind::Pod, "default", "p") else {
        return Err("pod p is gone".into());
    };
    let anns = &p.metadata.annotations;
    let exp = &case["expected"];
    let mut diffs = Vec::new();
    let parsed = |key: &str| -> Value {
        anns.get(key)
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or(Value::Null)
    };
    for (field, key, label) in [
        ("filter", "scheduler-simulator/filter-result", "filter"),
        ("score", "scheduler-simulator/score-result", "score"),
        (
            "finalScore",
            "scheduler-simulator/finalscore-result",
            "finalScore",
        ),
    ] {
        let got = parsed(key);
        let want = &exp[field];
        match field {
            "filter" => {
                let empty = serde_json::Map::new();
                let (w, g) = (
                    want.as_object().unwrap_or(&empty),
                    got.as_object().unwrap_or(&empty),
                );
                let mut nodes: Vec<&String> = w.keys().chain(g.keys()).collect();
                nodes.sort();
                nodes.dedup();
                for n in nodes {
                    count(&mut tally.filter_nodes, w.get(n) == g.get(n));
                }
            }
            "score" => count(&mut tally.score_cases, *want == got),
            _ => count(&mut tally.final_cases, *want == got),
        }
        compare_maps(label, want, &got, &mut diffs);
    }
    let selected: Vec<&str> = exp["selectedNodes"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let got = anns
        .get("scheduler-simulator/selected-node")
        .map(String::as_str);
    let ok = match got {
        Some(n) => selected.contains(&n) && p.spec.node_name == n,
        None => selected.is_empty(),
    };
    count(&mut tally.selected_cases, ok);
    if !ok {
        diffs.push(Diff {
            aspect: "selected".into(),
            detail: format!(
                "selected {got:?}, bound to {:?}, want one of {selected:?}",
                p.spec.node_name
            ),
        });
    }
    let want = exp["fitErrorWithPostFilter"]
        .as_str()
        .or_else(|| exp["fitError"].as_str());
    // Every FailedScheduling message p got (the recorder merges repeats): exactly one is right.
    let mut events: Vec<String> = c
        .list(Kind::Event, Some("default"), None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Event(e) if e.involved_object.name == "p" && e.reason == "FailedScheduling" => {
                Some(e.message.clone())
            }
            _ => None,
        })
        .collect();
    events.dedup();
    let event = match events.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        many => Some(format!("several: {many:?}")),
    };
    let condition = p
        .condition("PodScheduled")
        .filter(|c| c.status == "False")
        .map(|c| c.message.clone());
    let fit_ok = event.as_deref() == want && condition.as_deref() == want;
    if want.is_some() {
        count(&mut tally.fit_error_cases, fit_ok);
    }
    if !fit_ok {
        diffs.push(Diff {
            aspect: "fitError".into(),
            detail: format!("event {event:?}, condition {condition:?}, want {want:?}"),
        });
    }
    Ok(diffs)
}

/// Node → plugin → value maps: each plugin entry that differs (or is missing on one side) is a
/// diff named after the plugin; a node missing on one side is a diff of its own.
fn compare_maps(label: &str, want: &Value, got: &Value, diffs: &mut Vec<Diff>) {
    let empty = serde_json::Map::new();
    let w = want.as_object().unwrap_or(&empty);
    let g = got.as_object().unwrap_or(&empty);
    let mut nodes: Vec<&String> = w.keys().chain(g.keys()).collect();
    nodes.sort();
    nodes.dedup();
    for node in nodes {
        match (w.get(node), g.get(node)) {
            (Some(wp), Some(gp)) => {
                let wp = wp.as_object().unwrap_or(&empty);
                let gp = gp.as_object().unwrap_or(&empty);
                let mut plugins: Vec<&String> = wp.keys().chain(gp.keys()).collect();
                plugins.sort();
                plugins.dedup();
                for pl in plugins {
                    if wp.get(pl) != gp.get(pl) {
                        diffs.push(Diff {
                            aspect: format!("{label} {pl}"),
                            detail: format!(
                                "{node}: got {}, want {}",
                                gp.get(pl).map_or("-".into(), Value::to_string),
                                wp.get(pl).map_or("-".into(), Value::to_string)
                            ),
                        });
                    }
                }
            }
            (w1, g1) => diffs.push(Diff {
                aspect: format!("{label} node"),
                detail: format!(
                    "{node}: got {}, want {}",
                    g1.map_or("-".into(), Value::to_string),
                    w1.map_or("-".into(), Value::to_string)
                ),
            }),
        }
    }
}

#[test]
fn upstream_vectors_agree() {
    let text = std::fs::read_to_string(VECTORS).expect("the vectors file");
    let cases: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(cases.len(), 400, "cases in the vectors file");
    let mut failed: Vec<(String, Vec<Diff>)> = Vec::new();
    let mut tally = Tally::default();
    let mut by_aspect: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_family: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut by_feature: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap_or("?").to_string();
        let diffs = match run_case(case, &mut tally) {
            Ok(d) => d,
            Err(e) => vec![Diff {
                aspect: "setup".into(),
                detail: e,
            }],
        };
        let bad = !diffs.is_empty();
        let fam = by_family
            .entry(case["family"].as_str().unwrap_or("?").to_string())
            .or_default();
        fam.0 += 1;
        fam.1 += bad as usize;
        for f in case["features"].as_array().into_iter().flatten() {
            let e = by_feature
                .entry(f.as_str().unwrap_or("?").to_string())
                .or_default();
            e.0 += 1;
            e.1 += bad as usize;
        }
        if bad {
            let mut aspects: Vec<&str> = diffs.iter().map(|d| d.aspect.as_str()).collect();
            aspects.sort();
            aspects.dedup();
            for a in aspects {
                *by_aspect.entry(a.to_string()).or_default() += 1;
            }
            failed.push((id, diffs));
        }
    }
    if failed.is_empty() && std::env::var("VECTORS_SHOW").is_err() {
        return;
    }
    let pct =
        |(a, n): (usize, usize)| format!("{a}/{n} ({:.1}%)", 100.0 * a as f64 / n.max(1) as f64);
    let mut report = format!(
        "{} of {} cases disagree with kube-scheduler v1.35.4\n\
         agreement: filter {} nodes; score {} cases; finalScore {} cases; selected node {} cases; \
         FailedScheduling message {} unschedulable cases\n\ncases with a difference, by aspect:\n",
        failed.len(),
        cases.len(),
        pct(tally.filter_nodes),
        pct(tally.score_cases),
        pct(tally.final_cases),
        pct(tally.selected_cases),
        pct(tally.fit_error_cases),
    );
    for (a, n) in &by_aspect {
        let _ = writeln!(report, "  {n:4}  {a}");
    }
    report.push_str("\nby family (disagree/cases):\n");
    for (f, (n, bad)) in &by_family {
        let _ = writeln!(report, "  {bad:4}/{n:<4} {f}");
    }
    report.push_str("\nby feature (disagree/cases), features with a disagreement:\n");
    for (f, (n, bad)) in by_feature.iter().filter(|(_, (_, b))| *b > 0) {
        let _ = writeln!(report, "  {bad:4}/{n:<4} {f}");
    }
    // `VECTORS_SHOW=<aspect>` prints every case with that difference instead of the first few.
    let show = std::env::var("VECTORS_SHOW").ok();
    report.push_str("\ncases in full:\n");
    let shown = failed.iter().filter(|(_, diffs)| match &show {
        Some(a) => diffs.iter().any(|d| d.aspect.contains(a.as_str())),
        None => true,
    });
    for (id, diffs) in shown.take(if show.is_some() { 400 } else { 6 }) {
        let _ = writeln!(report, "{id}:");
        for d in diffs.iter().take(8) {
            let _ = writeln!(report, "    {}: {}", d.aspect, d.detail);
        }
    }
    if failed.is_empty() {
        eprintln!("{report}");
        return;
    }
    panic!("{report}");
}
