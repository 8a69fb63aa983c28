//! Property tests over random scripts (scale, set image, delete a pod, fail and restore a node,
//! let time pass), checked every 250 ms of simulated time:
//!
//! - the controller never runs more than replicas + maxSurge non-terminating pods (after a
//!   scale-down, the pods above the new bound get a second to be deleted);
//! - once the Deployment was complete, a rolling update keeps at least replicas − maxUnavailable
//!   pods available. Only the controller's own decisions are held to this: a user deleting a
//!   pod, a node failing or coming back, or a change of replicas disarms the check until the
//!   Deployment is complete again;
//! - no node's pods request more than its allocatable;
//! - with every node back and a good image, the cluster converges to the desired state;
//! - the same seed and script give the same trace.

mod common;

use common::*;
use kubeplay_api::{Kind, Object, Pod, Quantity};
use kubeplay_engine::Cluster;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

const IMAGES: [&str; 4] = ["nginx:1.10", "nginx:1.11", "nginx:1.12", "nginx:9.99"];
const GOOD_IMAGE: &str = "nginx:1.13";
const NODES: usize = 3;
const STEP_MS: i64 = 250;

#[derive(Clone, Debug)]
enum Op {
    Scale(i32),
    SetImage(usize),
    DeletePod(usize),
    FailNode(usize),
    RestoreNode(usize),
    Advance(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0..13i32).prop_map(Op::Scale),
        3 => (0..IMAGES.len()).prop_map(Op::SetImage),
        2 => (0..20usize).prop_map(Op::DeletePod),
        1 => (0..NODES).prop_map(Op::FailNode),
        1 => (0..NODES).prop_map(Op::RestoreNode),
        4 => (1..240i64).prop_map(|q| Op::Advance(q * STEP_MS)),
    ]
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(20_260_101),
        failure_persistence: None,
        ..Config::default()
    }
}

/// 3 nodes of 4 CPUs; the Deployment's pods request 700m CPU and 256Mi, so that a failed node
/// leaves too little room for everyone.
fn start(seed: u64) -> Cluster {
    let mut c = cluster(NODES, seed);
    let resources =
        "        resources:\n          requests:\n            cpu: 700m\n            memory: 256Mi\n";
    apply_yaml(&mut c, &deployment_yaml("web", 6, IMAGES[0], resources, ""));
    c.advance(60_000);
    c
}

fn update(c: &mut Cluster, f: impl FnOnce(&mut kubeplay_api::Deployment)) {
    let mut d = deployment(c, "web");
    f(&mut d);
    let _ = c.update(Object::Deployment(d));
}

fn cpu_mem(p: &Pod) -> (i64, i64) {
    p.spec.containers.iter().fold((0, 0), |(cpu, mem), c| {
        let q = |k: &str| c.resources.requests.get(k).copied();
        (
            cpu + q("cpu").map_or(0, |q| q.milli_value()),
            mem + q("memory").map_or(0, |q| q.value()),
        )
    })
}

/// Every node's bound, non-terminal pods fit its allocatable CPU, memory and pod count.
fn check_fit(c: &Cluster) -> Result<(), String> {
    for o in c.list(Kind::Node, None, None) {
        let Object::Node(n) = o else { continue };
        let alloc = |k: &str, milli: bool| {
            n.status.allocatable.get(k).map_or(
                0,
                |q: &Quantity| if milli { q.milli_value() } else { q.value() },
            )
        };
        let on_node: Vec<&Pod> = c
            .list(Kind::Pod, None, None)
            .into_iter()
            .filter_map(|o| match o {
                Object::Pod(p)
                    if p.spec.node_name == n.metadata.name
                        && p.status.phase != "Succeeded"
                        && p.status.phase != "Failed" =>
                {
                    Some(p)
                }
                _ => None,
            })
            .collect();
        let (cpu, mem) = on_node
            .iter()
            .map(|p| cpu_mem(p))
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        if cpu > alloc("cpu", true)
            || mem > alloc("memory", false)
            || on_node.len() as i64 > alloc("pods", false)
        {
            return Err(format!(
                "node {} over allocatable: {cpu}m CPU, {mem} bytes, {} pods",
                n.metadata.name,
                on_node.len()
            ));
        }
    }
    Ok(())
}

/// `(non-terminating pods, available pods)` of the Deployment.
fn counts(c: &Cluster) -> (i64, i64) {
    let p = pods(c);
    let live: Vec<&Pod> = p.iter().filter(|p| !p.is_terminating()).collect();
    let available = live.iter().filter(|p| p.is_ready()).count();
    (live.len() as i64, available as i64)
}

/// maxSurge and maxUnavailable of the defaults (25%, 25%) resolved against `replicas`.
fn fenceposts(replicas: i64) -> (i64, i64) {
    let surge = (replicas * 25 + 99) / 100;
    let unavailable = replicas * 25 / 100;
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable.min(replicas))
    }
}

fn complete(c: &Cluster) -> bool {
    let d = deployment(c, "web");
    let r = d.replicas();
    d.status.observed_generation >= d.metadata.generation
        && d.status.updated_replicas == r
        && d.status.replicas == r
        && d.status.available_replicas == r
}

struct Run {
    c: Cluster,
    replicas: i64,
    image: usize,
    /// Until when the surge bound of a larger scale still applies.
    previous_bound: Option<(i64, kubeplay_api::Time)>,
    /// The availability bound is checked (the Deployment was complete since the last
    /// disruption that is not the controller's).
    armed: bool,
    /// Steps the Deployment has been complete in a row, with every node up.
    settled: u32,
    failed_nodes: std::collections::BTreeSet<usize>,
}

impl Run {
    fn check(&mut self, steps: i64) -> Result<(), String> {
        for _ in 0..steps {
            self.c.advance(STEP_MS);
            check_fit(&self.c)?;
            let (live, available) = counts(&self.c);
            let (surge, unavailable) = fenceposts(self.replicas);
            let mut bound = self.replicas + surge;
            if let Some((b, until)) = self.previous_bound {
                if self.c.now() <= until {
                    bound = bound.max(b);
                } else {
                    self.previous_bound = None;
                }
            }
            if live > bound {
                return Err(format!(
                    "{live} non-terminating pods > {} replicas + {surge} maxSurge at {}",
                    self.replicas,
                    self.c.now()
                ));
            }
            if self.armed && available < self.replicas - unavailable {
                return Err(format!(
                    "{available} available < {} replicas − {unavailable} maxUnavailable at {}",
                    self.replicas,
                    self.c.now()
                ));
            }
            // Re-armed once the Deployment has been complete for 3 s with every node up: a
            // rebooted node's pods take a moment to show that they restart.
            if self.failed_nodes.is_empty() && complete(&self.c) {
                self.settled += 1;
            } else {
                self.settled = 0;
            }
            if !self.armed && self.settled >= 12 {
                self.armed = true;
            }
        }
        Ok(())
    }

    fn apply(&mut self, op: &Op) -> Result<(), String> {
        match op {
            Op::Scale(n) => {
                let (surge, _) = fenceposts(self.replicas);
                self.previous_bound =
                    Some((self.replicas + surge, self.c.now().plus_millis(1_000)));
                self.replicas = *n as i64;
                update(&mut self.c, |d| d.spec.replicas = Some(*n));
                self.armed = false;
                self.settled = 0;
            }
            Op::SetImage(i) => {
                self.image = *i;
                let image = IMAGES[*i];
                update(&mut self.c, |d| {
                    if let Some(ctr) = d.spec.template.spec.containers.first_mut() {
                        ctr.image = image.into();
                    }
                });
            }
            Op::DeletePod(i) => {
                let p = pods(&self.c);
                if let Some(victim) = p.get(i % p.len().max(1)) {
                    let _ = self
                        .c
                        .delete(Kind::Pod, "default", &victim.metadata.name, None);
                    self.armed = false;
                    self.settled = 0;
                }
            }
            Op::FailNode(i) => {
                let _ = self.c.fail_node(&format!("node-{}", i + 1));
                self.failed_nodes.insert(*i);
                self.armed = false;
            }
            Op::RestoreNode(i) => {
                let _ = self.c.restore_node(&format!("node-{}", i + 1));
                if self.failed_nodes.remove(i) {
                    self.armed = false;
                }
            }
            Op::Advance(ms) => return self.check(ms / STEP_MS),
        }
        self.check(1)
    }

    /// Every node back, a pullable image, time enough for evictions and a full rollout.
    fn converge(&mut self) -> Result<(), String> {
        for i in 0..NODES {
            let _ = self.c.restore_node(&format!("node-{}", i + 1));
        }
        if IMAGES[self.image] == "nginx:9.99" {
            update(&mut self.c, |d| {
                if let Some(ctr) = d.spec.template.spec.containers.first_mut() {
                    ctr.image = GOOD_IMAGE.into();
                }
            });
        }
        self.armed = false;
        self.c.advance(15 * 60_000);
        let d = deployment(&self.c, "web");
        let want = self.replicas as i32;
        let st = &d.status;
        let p = pods(&self.c);
        let image = d.spec.template.spec.containers[0].image.clone();
        let converged = st.replicas == want
            && st.updated_replicas == want
            && st.ready_replicas == want
            && st.available_replicas == want
            && p.len() == want as usize
            && p.iter().all(|p| {
                !p.is_terminating() && p.is_ready() && p.spec.containers[0].image == image
            });
        if !converged {
            return Err(format!(
                "not converged to {want} × {image}: status {st:?}, pods {:?}",
                p.iter()
                    .map(|p| (
                        p.metadata.name.clone(),
                        p.status.phase.clone(),
                        p.is_ready()
                    ))
                    .collect::<Vec<_>>()
            ));
        }
        Ok(())
    }
}

fn run_script(seed: u64, ops: &[Op]) -> Result<Run, String> {
    let mut run = Run {
        c: start(seed),
        replicas: 6,
        image: 0,
        previous_bound: None,
        armed: true,
        settled: 0,
        failed_nodes: Default::default(),
    };
    for op in ops {
        run.apply(op).map_err(|e| format!("after {op:?}: {e}"))?;
    }
    run.converge()?;
    Ok(run)
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn rollouts_keep_their_bounds_and_converge(
        seed in 0..1_000u64,
        ops in prop::collection::vec(op(), 1..25),
    ) {
        if let Err(e) = run_script(seed, &ops) {
            prop_assert!(false, "{}", e);
        }
    }
}

proptest! {
    #![proptest_config(config(6))]

    #[test]
    fn the_same_seed_and_script_give_the_same_trace(
        seed in 0..1_000u64,
        ops in prop::collection::vec(op(), 1..15),
    ) {
        let trace = |r: Result<Run, String>| r.map(|r| r.c.trace().map(|t| t.join("\n")));
        let a = trace(run_script(seed, &ops));
        prop_assert!(a.is_ok(), "{:?}", a.err());
        prop_assert_eq!(a, trace(run_script(seed, &ops)));
    }
}
