//! The game's rules as tables: the seeded sequence, the filters' verdicts with upstream's
//! reasons, scoring against the default profile, game over, and the replays.

use expect_test::{expect, expect_file, Expect};

use super::*;
use crate::cluster::NODES;
use crate::sequence::{SplitMix64, MAX_ARRIVALS, SHAPES};

/// The first `n` arrivals of `seed`, one line each.
fn arrivals(seed: u64, n: usize) -> String {
    let mut s = Sequence::new(seed);
    (0..n)
        .filter_map(|i| {
            let a = s.get(i)?;
            let events: Vec<String> = a.events.iter().map(|e| format!(" {e:?}")).collect();
            Some(format!(
                "{} L{} {} {}{}{}",
                a.name(),
                a.level,
                a.shape.name,
                a.constraints().join(","),
                a.deadline
                    .map_or(String::new(), |d| format!(" deadline={d}")),
                events.join("")
            ))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_same_seed_gives_the_same_sequence() {
    assert_eq!(arrivals(7, 60), arrivals(7, 60));
    assert_ne!(arrivals(7, 20), arrivals(8, 20));
    // Extreme seeds are seeds like any other.
    for seed in [0, u64::MAX] {
        assert_eq!(arrivals(seed, 30).lines().count(), 30);
    }
    expect![[r#"
        worker-1 L1 small 
        worker-2 L1 tall 
        web-3 L1 wide 
        api-4 L1 tall 
        api-5 L2 bar 
        db-6 L2 tall tolerates dedicated=db:NoSchedule
        search-7 L2 bar nodeSelector disktype=ssd
        web-8 L2 square 
        cache-9 L3 bar podAntiAffinity app=cache per kubernetes.io/hostname deadline=600 Cordon { node: 0 }
        web-10 L3 slab  deadline=600
        search-11 L3 square nodeSelector disktype=ssd deadline=600
        web-12 L3 small  deadline=600
        cache-13 L4 slab podAntiAffinity app=cache per kubernetes.io/hostname deadline=510 Taint { node: 5 }
        worker-14 L4 square  deadline=510
        worker-15 L4 small  deadline=510
        web-16 L4 block  deadline=510
        search-17 L5 wide nodeSelector disktype=ssd deadline=420 Fail { node: 4 }"#]]
    .assert_eq(&arrivals(7, 17));
}

#[test]
fn levels_unlock_kinds_shapes_and_deadlines() {
    let mut s = Sequence::new(11);
    let all: Vec<Arrival> = (0..MAX_ARRIVALS)
        .filter_map(|i| s.get(i).cloned())
        .collect();
    assert_eq!(all.len(), MAX_ARRIVALS);
    assert!(s.get(MAX_ARRIVALS).is_none());
    for a in &all {
        assert!(
            a.kind.from_level() <= a.level,
            "{} at level {}",
            a.name(),
            a.level
        );
        assert_eq!(a.deadline, sequence::deadline(a.level));
        if a.level == 1 {
            assert!(SHAPES[..4].contains(&a.shape), "{}", a.name());
        }
    }
    for kind in [Kind::Selector, Kind::Cache, Kind::Frontend] {
        let n = all.iter().filter(|a| a.kind == kind).count();
        assert!(n <= kind.replicas(), "{kind:?}: {n}");
    }
    // One cordon, one taint, one failure, at the first pods of levels 3, 4 and 5, each on a
    // different node.
    let events: Vec<(u32, &NodeEvent)> = all
        .iter()
        .flat_map(|a| a.events.iter().map(move |e| (a.level, e)))
        .collect();
    assert!(matches!(
        events[..],
        [
            (3, NodeEvent::Cordon { .. }),
            (4, NodeEvent::Taint { .. }),
            (5, NodeEvent::Fail { .. })
        ]
    ));
    let mut nodes: Vec<usize> = events.iter().map(|(_, e)| e.node()).collect();
    nodes.dedup();
    assert_eq!(nodes.len(), 3);
    let rows: Vec<String> = (1..=8)
        .map(|l| format!("L{l}: {:?}", sequence::deadline(l)))
        .collect();
    expect!["L1: None L2: None L3: Some(600) L4: Some(510) L5: Some(420) L6: Some(330) L7: Some(240) L8: Some(180)"]
        .assert_eq(&rows.join(" "));
}

/// A cluster after `setup` (lines `bind APP KIND SHAPE NODE`, `cordon NODE`, `taint NODE`,
/// `fail NODE`; nodes by number), then the verdict of each node for `pod` (`APP KIND SHAPE`).
fn verdicts(setup: &str, pod: &str, expect: Expect) {
    let mut cluster = Cluster::default();
    let arrival = |spec: &str, index: usize| {
        let w: Vec<&str> = spec.split_whitespace().collect();
        let kind = match w[1] {
            "plain" => Kind::Plain,
            "selector" => Kind::Selector,
            "db" => Kind::Database,
            "cache" => Kind::Cache,
            "frontend" => Kind::Frontend,
            k => panic!("kind {k}"),
        };
        let shape = *SHAPES.iter().find(|s| s.name == w[2]).expect("shape");
        sequence::pod(index, w[0], kind, shape)
    };
    for (i, line) in setup
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let (verb, rest) = line.split_once(' ').expect("verb");
        let node = |s: &str| s.trim().parse::<usize>().expect("node number") - 1;
        match verb {
            "bind" => {
                let (spec, n) = rest.rsplit_once(' ').expect("node");
                cluster.bind(node(n), &arrival(spec, 100 + i));
            }
            "cordon" => cluster.apply(&NodeEvent::Cordon { node: node(rest) }),
            "taint" => cluster.apply(&NodeEvent::Taint { node: node(rest) }),
            "fail" => cluster.apply(&NodeEvent::Fail { node: node(rest) }),
            v => panic!("verb {v}"),
        }
    }
    let eval = cluster.evaluate(
        &mut Scheduler::default(),
        &mut SplitMix64::new(1),
        &arrival(pod, 0),
    );
    let mut out: Vec<String> = NODES
        .iter()
        .zip(&eval.verdicts)
        .map(|(n, v)| format!("{}: {}", n.name, v.text()))
        .collect();
    out.push(match (eval.chosen, &eval.fit_error) {
        (Some(c), _) => format!("=> {}", NODES[c].name),
        (None, Some(e)) => format!("=> {e}"),
        (None, None) => "=> ?".to_string(),
    });
    expect.assert_eq(&out.join("\n"));
}

#[test]
fn filters_refuse_with_upstream_reasons() {
    // Resources: node-1 (4 CPU, 8Gi) full of CPU; node-2 (16Gi) without 4Gi of memory left.
    verdicts(
        "bind web plain bar 1
         bind web plain bar 1
         bind api plain slab 2
         bind api plain slab 2
         bind api plain slab 2
         bind api plain wide 2",
        "worker plain slab",
        expect![[r#"
            node-1: NodeResourcesFit: Insufficient cpu
            node-2: NodeResourcesFit: Insufficient memory
            node-3: fits
            node-4: fits
            node-5: TaintToleration: node(s) had untolerated taint(s)
            node-6: fits
            => node-4"#]],
    );
    // Taints: the database node's and the maintenance one; a db pod tolerates only its own.
    verdicts(
        "taint 3",
        "db db small",
        expect![[r#"
            node-1: fits
            node-2: fits
            node-3: TaintToleration: node(s) had untolerated taint(s)
            node-4: fits
            node-5: fits
            node-6: fits
            => node-4"#]],
    );
    // nodeSelector disktype=ssd and a cordoned SSD node.
    verdicts(
        "cordon 4",
        "search selector small",
        expect![[r#"
            node-1: NodeAffinity: node(s) didn't match Pod's node affinity/selector
            node-2: NodeAffinity: node(s) didn't match Pod's node affinity/selector
            node-3: fits
            node-4: NodeUnschedulable: node(s) were unschedulable
            node-5: TaintToleration: node(s) had untolerated taint(s)
            node-6: NodeAffinity: node(s) didn't match Pod's node affinity/selector
            => node-3"#]],
    );
    // Required anti-affinity per hostname: one cache pod per node.
    verdicts(
        "bind cache cache small 1
         bind cache cache small 3",
        "cache cache small",
        expect![[r#"
            node-1: InterPodAffinity: node(s) didn't match pod anti-affinity rules
            node-2: fits
            node-3: InterPodAffinity: node(s) didn't match pod anti-affinity rules
            node-4: fits
            node-5: TaintToleration: node(s) had untolerated taint(s)
            node-6: fits
            => node-4"#]],
    );
    // Zone spread, maxSkew 1: zone-a (node-1, node-4) holds two, zone-b one, zone-c none.
    verdicts(
        "bind frontend frontend small 1
         bind frontend frontend small 4
         bind frontend frontend small 2",
        "frontend frontend small",
        expect![[r#"
            node-1: PodTopologySpread: node(s) didn't match pod topology spread constraints
            node-2: PodTopologySpread: node(s) didn't match pod topology spread constraints
            node-3: fits
            node-4: PodTopologySpread: node(s) didn't match pod topology spread constraints
            node-5: TaintToleration: node(s) had untolerated taint(s)
            node-6: fits
            => node-6"#]],
    );
    // A failed node: the node lifecycle controller's taint; its pods are gone.
    verdicts(
        "bind web plain bar 4
         fail 4",
        "web plain small",
        expect![[r#"
            node-1: fits
            node-2: fits
            node-3: fits
            node-4: TaintToleration: node(s) had untolerated taint(s)
            node-5: TaintToleration: node(s) had untolerated taint(s)
            node-6: fits
            => node-6"#]],
    );
    // Fits nowhere: the FitError as the FailedScheduling event words it.
    verdicts(
        "cordon 1
         cordon 2
         taint 3
         fail 4
         cordon 6",
        "web plain small",
        expect![[r#"
            node-1: NodeUnschedulable: node(s) were unschedulable
            node-2: NodeUnschedulable: node(s) were unschedulable
            node-3: TaintToleration: node(s) had untolerated taint(s)
            node-4: TaintToleration: node(s) had untolerated taint(s)
            node-5: TaintToleration: node(s) had untolerated taint(s)
            node-6: NodeUnschedulable: node(s) were unschedulable
            => 0/6 nodes are available: 3 node(s) had untolerated taint(s), 3 node(s) were unschedulable. no new claims to deallocate, preemption: 0/6 nodes are available: 6 Preemption is not helpful for scheduling."#]],
    );
}

#[test]
fn a_refused_drop_says_why_and_changes_nothing() {
    let mut g = Game::new(7);
    let before = (
        g.score(),
        g.wells(),
        g.piece().map(|p| p.name().to_string()),
    );
    // node-5 carries dedicated=db:NoSchedule and api-1 does not tolerate it.
    let err = g.drop(4).unwrap_err();
    expect!["node-5: TaintToleration: node(s) had untolerated taint(s)"]
        .assert_eq(&err.to_string());
    assert_eq!(g.drop(6), Err(DropError::NoSuchNode(6)));
    assert_eq!(
        before,
        (
            g.score(),
            g.wells(),
            g.piece().map(|p| p.name().to_string())
        )
    );
}

#[test]
fn the_share_is_100_on_the_default_node_and_less_elsewhere() {
    let mut g = Game::new(7);
    let mut rows = Vec::new();
    for _ in 0..6 {
        let eval = g.evaluation().clone();
        let best = eval.chosen.unwrap();
        // The worst feasible node by final score: its share is its score over the best's.
        let worst = (0..eval.verdicts.len())
            .filter(|i| eval.verdicts[*i].fits())
            .min_by_key(|i| eval.scores[*i])
            .unwrap();
        let expected = eval.scores[worst].unwrap() * 100 / eval.scores[best].unwrap();
        let share = eval.share_pct(worst).unwrap();
        assert!(
            (share as i64 - expected).abs() <= 1,
            "{share} vs {expected}"
        );
        assert_eq!(eval.share_pct(best), Some(100));
        // Alternate: the default's node, then the worst one.
        let pick = if rows.len() % 2 == 0 { best } else { worst };
        let m = g.drop(pick).unwrap();
        rows.push(format!(
            "{} on {} (kube-scheduler: {}) {}% +{} = {}",
            m.pod, m.node, m.best_node, m.share_pct, m.packing_bonus, m.points
        ));
    }
    expect![[r#"
        worker-1 on node-4 (kube-scheduler: node-4) 100% +0 = 100
        worker-2 on node-1 (kube-scheduler: node-3) 96% +0 = 96
        web-3 on node-2 (kube-scheduler: node-2) 100% +0 = 100
        api-4 on node-1 (kube-scheduler: node-3) 89% +0 = 89
        api-5 on node-3 (kube-scheduler: node-3) 100% +0 = 100
        db-6 on node-2 (kube-scheduler: node-4) 95% +0 = 95"#]]
    .assert_eq(&rows.join("\n"));
}

#[test]
fn filling_a_well_earns_the_packing_bonus() {
    let u = |cpu: i64, mem: i64| Usage {
        cpu_requested_millis: cpu,
        cpu_allocatable_millis: 4000,
        memory_requested_bytes: mem << 30,
        memory_allocatable_bytes: 8 << 30,
    };
    let rows: Vec<String> = [(3500, 1), (3600, 1), (0, 7), (0, 8), (3000, 6)]
        .iter()
        .map(|(c, m)| format!("{c}m/{m}Gi of 4/8Gi: {}", u(*c, *m).filled()))
        .collect();
    expect![[r#"
        3500m/1Gi of 4/8Gi: false
        3600m/1Gi of 4/8Gi: true
        0m/7Gi of 4/8Gi: false
        0m/8Gi of 4/8Gi: true
        3000m/6Gi of 4/8Gi: false"#]]
    .assert_eq(&rows.join("\n"));
    // In play: the bonus is paid once, by the drop that crosses 90%.
    let mut g = Game::new(3);
    let mut bonuses = Vec::new();
    while let Some(node) = g.evaluation().verdicts.iter().position(|v| v.fits()) {
        let before = g.wells()[node].usage.filled();
        let m = g.drop(node).unwrap();
        let after = g.wells()[node].usage.filled();
        assert_eq!(m.packing_bonus > 0, !before && after, "{m:?}");
        assert_eq!(m.points, m.share_pct + m.packing_bonus);
        if m.packing_bonus > 0 {
            bonuses.push(m.node.clone());
        }
    }
    assert!(!bonuses.is_empty());
}

/// Plays `seed` to the end dropping wherever `choose` says; returns the game.
fn play(seed: u64, mut choose: impl FnMut(&Game) -> usize) -> Game {
    let mut g = Game::new(seed);
    while g.piece().is_some() {
        let node = choose(&g);
        g.drop(node).unwrap();
    }
    g
}

#[test]
fn the_default_column_is_what_the_default_profile_chooses_step_by_step() {
    for seed in [1, 7, 42, u64::MAX] {
        // A player who always drops where kube-scheduler would builds the default replay.
        let g = play(seed, |g| g.evaluation().chosen.unwrap());
        let r = g.end_report().unwrap();
        let (you, default) = (&r.columns[0], &r.columns[1]);
        assert_eq!(you.placements, default.placements, "seed {seed}");
        assert_eq!(
            (you.score, you.usage, you.ended.clone()),
            (default.score, default.usage, default.ended.clone())
        );
        assert_eq!(
            you.score,
            100 * you.placed as u64
                + FILL_BONUS as u64
                    * g.moves().iter().filter(|m| m.packing_bonus > 0).count() as u64
        );
        assert_eq!(r.columns[2].title, "bin-packing");
    }
}

#[test]
fn bin_packing_replays_through_the_bin_packing_profile() {
    // Step by step: each pod goes where the bin-packing profile chooses, from the same cluster.
    let (run, ended) = report::replay(7, Some(report::profile("bin-packing")));
    let mut sequence = Sequence::new(7);
    let mut cluster = Cluster::default();
    let mut sched = report::profile("bin-packing");
    let mut ties = SplitMix64::new(7 ^ report::CHOOSER_TIES);
    for (i, m) in run.moves.iter().enumerate() {
        let a = sequence.get(i).unwrap().clone();
        a.events.iter().for_each(|e| cluster.apply(e));
        let eval = cluster.evaluate(&mut sched, &mut ties, &a.pod);
        assert_eq!(
            Some(cluster.index(&m.node).unwrap()),
            eval.chosen,
            "{}",
            m.pod
        );
        cluster.bind(eval.chosen.unwrap(), &a.pod);
    }
    let a = sequence.get(run.moves.len()).unwrap().clone();
    a.events.iter().for_each(|e| cluster.apply(e));
    assert_eq!(cluster.evaluate(&mut sched, &mut ties, &a.pod).chosen, None);
    assert_eq!(ended.pod, a.name());
    // MostAllocated packs: the first pods share a node where the default profile spreads them.
    let default = report::replay(7, None).0;
    let first = |r: &Run| {
        r.moves
            .iter()
            .take(3)
            .map(|m| m.node.clone())
            .collect::<Vec<_>>()
    };
    expect![[r#"["node-1", "node-1", "node-1"] ["node-4", "node-3", "node-2"]"#]]
        .assert_eq(&format!("{:?} {:?}", first(&run), first(&default)));
}

#[test]
fn the_game_ends_when_a_pod_fits_nowhere() {
    let g = play(7, |g| {
        g.evaluation()
            .verdicts
            .iter()
            .position(|v| v.fits())
            .unwrap()
    });
    let over = g.over().unwrap();
    // Every node rejects the last pod, and nothing more can be dropped.
    let eval = g.evaluation();
    assert!(eval.verdicts.iter().all(|v| !v.fits()) && eval.chosen.is_none());
    assert!(
        over.message.starts_with("0/6 nodes are available: "),
        "{}",
        over.message
    );
    assert!(g.piece().is_none());
    let mut g = g;
    assert_eq!(g.drop(0), Err(DropError::GameOver));
    assert_eq!(g.tick(10_000), None);
    assert!(g.wells().iter().all(|w| w.verdict.fits()));
}

#[test]
fn deadlines_drop_the_piece_where_it_is() {
    // Play seed 7 to level 3, where deadlines start.
    let mut g = Game::new(7);
    while g.piece().unwrap().deadline.is_none() {
        let best = g.evaluation().chosen.unwrap();
        g.drop(best).unwrap();
    }
    let d = g.piece().unwrap().deadline.unwrap();
    assert_eq!(g.tick(d - 1), None);
    assert_eq!(g.seconds_left(), Some(1));
    // Over a well that takes it: it falls there and scores as a drop.
    let ok = g
        .evaluation()
        .verdicts
        .iter()
        .position(|v| v.fits())
        .unwrap();
    g.move_to(ok);
    let m = g.tick(1).unwrap();
    assert!(m.fell && m.points == m.share_pct + m.packing_bonus);
    assert_eq!(m.node, NODES[ok].name);
    // Over one that refuses it: the default profile places it, for no points.
    let bad = g
        .evaluation()
        .verdicts
        .iter()
        .position(|v| !v.fits())
        .unwrap();
    g.move_to(bad);
    let best = g.evaluation().chosen.unwrap();
    let m = g.tick(u32::MAX).unwrap();
    assert_eq!(
        (m.node.as_str(), m.points, m.fell),
        (NODES[best].name, 0, true)
    );
}

#[test]
fn moving_stays_within_the_wells() {
    let mut g = Game::new(1);
    g.move_left();
    assert_eq!(g.column(), 0);
    for _ in 0..20 {
        g.move_right();
    }
    assert_eq!(g.column(), NODES.len() - 1);
    g.move_to(99);
    assert_eq!(g.column(), NODES.len() - 1);
}

/// The strategy the browser suite plays with keys: Space; when refused, → (wrapping to the
/// first well) and Space again.
pub fn keyboard_strategy(g: &Game) -> usize {
    let n = g.wells().len();
    (0..n)
        .map(|k| (g.column() + k) % n)
        .find(|i| g.evaluation().verdicts[*i].fits())
        .unwrap_or(0)
}

#[test]
fn a_seed_and_moves_give_a_fixed_game() {
    // The replays depend on the seed alone: the browser suite reads the same file from the end
    // screen of the wasm build (tests/e2e/game.test.mjs), so native and wasm agree.
    let g = play(7, keyboard_strategy);
    let r = g.end_report().unwrap();
    expect_file!["../../../tests/fixtures/game/seed7-replays.txt"].assert_eq(&r.replay_summary());
    expect![[r#"
        You: placed 17 lost 0 cpu 18.5/30 memory 31Gi/60Gi fragmentation 18% score 1652
          worker-1→1 worker-2→1 web-3→1 api-4→1 api-5→2 db-6→2 search-7→3 web-8→3
          cache-9→3 web-10→2 search-11→3 web-12→3 cache-13→4 worker-14→4 worker-15→3 web-16→4
          search-17→4
          ended: cache-18 0/6 nodes are available: 1 Insufficient memory, 1 node(s) didn't match pod anti-affinity rules, 1 node(s) were unschedulable, 2 Insufficient cpu, 2 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/6 nodes are available: 3 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.
    "#]]
    .assert_eq(&r.columns[0].summary());
}

#[test]
fn fragmentation_counts_free_cpu_a_typical_pod_cannot_use() {
    let mut c = Cluster::default();
    // Empty: nothing stranded.
    assert_eq!(report::fragmentation_pct(&c), 0);
    // node-2 (4 CPU, 16Gi) keeps 2 CPU but only 1Gi: stranded. Free CPU elsewhere: node-1 4,
    // node-3 8, node-4 8, node-5 4 (db pods take it), node-6 6.
    for _ in 0..3 {
        c.bind(1, &sequence::pod(0, "api", Kind::Plain, SHAPES[5]));
    }
    c.bind(1, &sequence::pod(0, "api", Kind::Plain, SHAPES[2]));
    assert_eq!(report::fragmentation_pct(&c), 6); // 2 of 32 CPU
                                                  // Cordoned and failed nodes do not count.
    c.apply(&NodeEvent::Cordon { node: 2 });
    c.apply(&NodeEvent::Fail { node: 3 });
    assert_eq!(report::fragmentation_pct(&c), 13); // 2 of 16 CPU
}
