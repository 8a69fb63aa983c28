//! The seeded arrivals: which pod comes next (its shape, its constraints, its drop deadline) and
//! which node events happen before it, level by level — the same for the player and the replays.

use kubeplay_api::Pod;
use serde_json::json;

/// One cell of a piece: a row is this much CPU...
pub const CELL_CPU_MILLIS: i64 = 500;
/// ...and a column this much memory (1Gi).
pub const CELL_MEMORY_BYTES: i64 = 1 << 30;
/// A new level every this many pods.
pub const PODS_PER_LEVEL: usize = 4;
/// The sequence ends here even if pods still fit (they cannot: every pod requests CPU, and no
/// node is added); a bound so that no loop over it can run away.
pub const MAX_ARRIVALS: usize = 200;
/// The game's clock: the caller advances it, 60 ticks a second in the web app.
pub const TICKS_PER_SECOND: u32 = 60;

/// A piece's size in cells: `rows` of CPU (the well's height) by `columns` of memory (its
/// width), as the board draws pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub name: &'static str,
    pub rows: u32,
    pub columns: u32,
}

impl Shape {
    pub fn cpu_millis(&self) -> i64 {
        self.rows as i64 * CELL_CPU_MILLIS
    }
    pub fn memory_bytes(&self) -> i64 {
        self.columns as i64 * CELL_MEMORY_BYTES
    }
    /// The request as a pod spec writes it: `cpu: 1500m`, `memory: 3Gi`.
    pub fn requests(&self) -> (String, String) {
        let cpu = self.cpu_millis();
        let cpu = if cpu % 1000 == 0 {
            format!("{}", cpu / 1000)
        } else {
            format!("{cpu}m")
        };
        (cpu, format!("{}Gi", self.columns))
    }
}

/// Every shape of the game, smallest first. Level 1 draws from the first four.
pub const SHAPES: [Shape; 7] = [
    Shape {
        name: "small",
        rows: 1,
        columns: 1,
    },
    Shape {
        name: "tall",
        rows: 3,
        columns: 1,
    },
    Shape {
        name: "wide",
        rows: 1,
        columns: 3,
    },
    Shape {
        name: "square",
        rows: 2,
        columns: 2,
    },
    Shape {
        name: "bar",
        rows: 4,
        columns: 1,
    },
    Shape {
        name: "slab",
        rows: 1,
        columns: 4,
    },
    Shape {
        name: "block",
        rows: 3,
        columns: 2,
    },
];

/// The middle shape of the game (1 CPU, 2Gi): free capacity that cannot hold it counts as
/// fragmented (`report::fragmentation_pct`).
pub const TYPICAL: Shape = SHAPES[3];

/// What a pod asks of the scheduler besides resources: each kind arrives from a level on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Requests only: `web`, `api` or `worker`.
    Plain,
    /// `nodeSelector: {disktype: ssd}` (level 2).
    Selector,
    /// Tolerates the `dedicated=db:NoSchedule` taint of the database node (level 2).
    Database,
    /// Required pod anti-affinity with the other `cache` pods per hostname (level 3).
    Cache,
    /// A zone topology spread constraint, maxSkew 1, DoNotSchedule (level 4).
    Frontend,
}

impl Kind {
    /// How many pods of this kind a game holds at most, as a Deployment's replicas would: more
    /// `cache` pods than hostnames that take them, or `search` pods than the SSD nodes hold,
    /// would end every game the same way, whatever the player did.
    pub fn replicas(self) -> usize {
        match self {
            Kind::Plain | Kind::Database => usize::MAX,
            Kind::Selector => 5,
            Kind::Cache => 3,
            Kind::Frontend => 6,
        }
    }

    /// The level from which this kind arrives.
    pub fn from_level(self) -> u32 {
        match self {
            Kind::Plain => 1,
            Kind::Selector | Kind::Database => 2,
            Kind::Cache => 3,
            Kind::Frontend => 4,
        }
    }
}

/// A node event, applied before the arrival it is attached to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeEvent {
    /// `kubectl cordon`: `spec.unschedulable`; its pods stay.
    Cordon { node: usize },
    /// `kubectl taint nodes NODE maintenance=kernel-upgrade:NoSchedule`; its pods stay.
    Taint { node: usize },
    /// The node's kubelet stops: the node lifecycle controller marks it NotReady and taints it
    /// `node.kubernetes.io/unreachable`; its pods are lost (the game does not recreate them).
    Fail { node: usize },
}

impl NodeEvent {
    pub fn node(&self) -> usize {
        match self {
            NodeEvent::Cordon { node } | NodeEvent::Taint { node } | NodeEvent::Fail { node } => {
                *node
            }
        }
    }
}

/// The taint the `Taint` event adds.
pub const MAINTENANCE_TAINT: (&str, &str, &str) = ("maintenance", "kernel-upgrade", "NoSchedule");
/// The database node's taint, and the label its pods could select.
pub const DB_TAINT: (&str, &str, &str) = ("dedicated", "db", "NoSchedule");

/// One arrival: a pod and what comes with it.
#[derive(Clone, Debug)]
pub struct Arrival {
    /// Position in the sequence, from 0.
    pub index: usize,
    pub level: u32,
    pub kind: Kind,
    /// The app label, which also colours the piece.
    pub app: &'static str,
    pub shape: Shape,
    /// The pod, as a real cluster would accept it.
    pub pod: Pod,
    /// Ticks to drop it before it falls where it is (None on the first levels).
    pub deadline: Option<u32>,
    /// Node events that happen just before this pod arrives.
    pub events: Vec<NodeEvent>,
}

impl Arrival {
    pub fn name(&self) -> &str {
        &self.pod.metadata.name
    }

    /// What the pod asks besides resources, in its spec's words, for the piece's label.
    pub fn constraints(&self) -> Vec<String> {
        match self.kind {
            Kind::Plain => vec![],
            Kind::Selector => vec!["nodeSelector disktype=ssd".into()],
            Kind::Database => vec!["tolerates dedicated=db:NoSchedule".into()],
            Kind::Cache => vec!["podAntiAffinity app=cache per kubernetes.io/hostname".into()],
            Kind::Frontend => {
                vec!["topologySpreadConstraints maxSkew 1 per topology.kubernetes.io/zone".into()]
            }
        }
    }
}

/// splitmix64: a self-contained 64-bit generator, so that a seed gives the same stream natively
/// and in wasm with no dependency (the engine's Xoshiro needs a crate the game does not).
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
}

/// The ticks a pod of `level` may wait before it falls: none on levels 1 and 2 (to learn), then
/// 10 s, shrinking each level to 3 s.
pub fn deadline(level: u32) -> Option<u32> {
    match level {
        0..=2 => None,
        l => Some((600u32.saturating_sub(90 * (l - 3))).max(180)),
    }
}

/// The level of the `index`-th arrival.
pub fn level_of(index: usize) -> u32 {
    (index / PODS_PER_LEVEL) as u32 + 1
}

/// The arrivals of one seed, generated on demand and kept, so that the player's game and the
/// replays read the very same pods.
#[derive(Clone, Debug)]
pub struct Sequence {
    rng: SplitMix64,
    arrivals: Vec<Arrival>,
    /// Nodes an event has already taken (cordoned, tainted or failed): later events pick others.
    touched: Vec<usize>,
}

impl Sequence {
    pub fn new(seed: u64) -> Sequence {
        Sequence {
            // Mixed with a constant so that the sequence of a seed differs from its tie-breaks.
            rng: SplitMix64::new(seed ^ 0x6B75_6265_706C_6179),
            arrivals: Vec::new(),
            touched: Vec::new(),
        }
    }

    /// The `index`-th arrival, or None past [`MAX_ARRIVALS`].
    pub fn get(&mut self, index: usize) -> Option<&Arrival> {
        if index >= MAX_ARRIVALS {
            return None;
        }
        while self.arrivals.len() <= index {
            let a = self.generate(self.arrivals.len());
            self.arrivals.push(a);
        }
        self.arrivals.get(index)
    }

    /// The arrivals generated so far.
    pub fn generated(&self) -> &[Arrival] {
        &self.arrivals
    }

    fn pick_node(&mut self, candidates: &[usize]) -> usize {
        let free: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|n| !self.touched.contains(n))
            .collect();
        let list = if free.is_empty() { candidates } else { &free };
        let n = list
            .get(self.rng.below(list.len() as u64) as usize)
            .copied()
            .unwrap_or(0);
        self.touched.push(n);
        n
    }

    fn generate(&mut self, index: usize) -> Arrival {
        let level = level_of(index);
        // Events open levels 3, 4 and 5. They never depend on the cluster, so every replay
        // meets them at the same arrival.
        let general: Vec<usize> = (0..crate::cluster::NODES.len())
            .filter(|i| crate::cluster::NODES[*i].taint.is_none())
            .collect();
        let mut events = Vec::new();
        if index.is_multiple_of(PODS_PER_LEVEL) {
            match level {
                3 => events.push(NodeEvent::Cordon {
                    node: self.pick_node(&general),
                }),
                4 => events.push(NodeEvent::Taint {
                    node: self.pick_node(&general),
                }),
                5 => {
                    let all: Vec<usize> = (0..crate::cluster::NODES.len()).collect();
                    events.push(NodeEvent::Fail {
                        node: self.pick_node(&all),
                    })
                }
                _ => {}
            }
        }
        let kinds: Vec<Kind> = [
            Kind::Plain,
            Kind::Plain,
            Kind::Plain,
            Kind::Selector,
            Kind::Database,
            Kind::Cache,
            Kind::Frontend,
        ]
        .into_iter()
        .filter(|k| {
            k.from_level() <= level
                && self.arrivals.iter().filter(|a| a.kind == *k).count() < k.replicas()
        })
        .collect();
        let kind = kinds[self.rng.below(kinds.len() as u64) as usize];
        let shapes = match level {
            1 => &SHAPES[..4],
            2 | 3 => &SHAPES[..6],
            _ => &SHAPES[..],
        };
        let shape = shapes[self.rng.below(shapes.len() as u64) as usize];
        let app = match kind {
            Kind::Plain => ["web", "api", "worker"][self.rng.below(3) as usize],
            Kind::Selector => "search",
            Kind::Database => "db",
            Kind::Cache => "cache",
            Kind::Frontend => "frontend",
        };
        Arrival {
            index,
            level,
            kind,
            app,
            shape,
            pod: pod(index, app, kind, shape),
            deadline: deadline(level),
            events,
        }
    }
}

/// The pod of an arrival: `APP-N` in `default`, one container requesting the shape.
pub(crate) fn pod(index: usize, app: &str, kind: Kind, shape: Shape) -> Pod {
    let (cpu, memory) = shape.requests();
    let mut spec = json!({
        "containers": [{"name": app, "image": "registry.k8s.io/pause:3.10",
                        "resources": {"requests": {"cpu": cpu, "memory": memory}}}]
    });
    let selector = json!({"matchLabels": {"app": app}});
    match kind {
        Kind::Plain => {}
        Kind::Selector => spec["nodeSelector"] = json!({"disktype": "ssd"}),
        Kind::Database => {
            let (key, value, effect) = DB_TAINT;
            spec["tolerations"] =
                json!([{"key": key, "operator": "Equal", "value": value, "effect": effect}]);
        }
        Kind::Cache => {
            spec["affinity"] = json!({"podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    {"labelSelector": selector, "topologyKey": "kubernetes.io/hostname"}
                ]
            }})
        }
        Kind::Frontend => {
            spec["topologySpreadConstraints"] = json!([{
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": selector
            }])
        }
    }
    serde_json::from_value(json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": format!("{app}-{}", index + 1), "namespace": "default",
                     "labels": {"app": app}},
        "spec": spec
    }))
    .unwrap_or_default()
}
