//! The guided tour's steps, read from the board (until the first built-in workshop replaces it).

use crate::board::Board;

/// One step of the guided tour: the story of Kelsey Hightower's Kubernetes demos, told with the
/// cluster at hand (its deployment, its Service, its nodes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourStep {
    pub title: &'static str,
    /// The console line the step's button runs.
    pub command: String,
    /// What the cluster shows once the step is done.
    pub done: bool,
    /// What to look at on the board, and why it happens.
    pub watch: String,
}

/// The guided tour, each step's command and state read from the board: deploy, expose, send
/// traffic, update the image, fail a node, pack like Tetris. Steps already done (by the tour or by hand) are ticked.
pub fn tour(board: &Board) -> Vec<TourStep> {
    let deployment = board.deployments.iter().find(|d| d.namespace == "default");
    let name = deployment.map_or("nginx", |d| d.name.as_str());
    let service = board
        .services
        .iter()
        .find(|s| s.namespace == "default" && s.name != "kubernetes");
    let revision = deployment
        .and_then(|d| d.replica_sets.iter().map(|r| r.revision).max())
        .unwrap_or(0);
    // The node with most of the deployment's pods: failing it shows the most healing.
    let busiest = board
        .nodes
        .iter()
        .filter(|n| n.ready)
        .max_by_key(|n| {
            (
                n.pods.iter().filter(|p| p.owner == name).count(),
                std::cmp::Reverse(n.name.clone()),
            )
        })
        .map_or("node-1", |n| n.name.as_str());
    let failed = board.nodes.iter().find(|n| !n.ready);
    vec![
        TourStep {
            title: "Run a container",
            command: format!("kubectl create deployment {name} --image=nginx:1.10 --replicas=5"),
            done: deployment.is_some(),
            watch: "The Deployment creates a ReplicaSet, which creates the pods. Each waits in \
                    Pending until the scheduler picks a node for it, then drops into that node's \
                    well: striped while its image is pulled and the container starts, solid once \
                    ready. No one said which node: the scheduler decided (click a pod to see why)."
                .into(),
        },
        TourStep {
            title: "Expose it",
            command: format!("kubectl expose deployment {name} --port=80"),
            done: service.is_some(),
            watch: "A Service gives the pods one stable address. Its endpoints are the pods that \
                    match its selector and are ready: see the Services panel."
                .into(),
        },
        TourStep {
            title: "Send it traffic",
            command: format!(
                "traffic svc/{} --rps 50",
                service.map_or(name, |s| s.name.as_str())
            ),
            done: service.is_some_and(|s| s.traffic_rps.is_some()),
            watch:
                "The chart shows each second's requests, coloured by the version that answered; \
                    failed ones are red. A request fails when no ready pod is there to answer."
                    .into(),
        },
        TourStep {
            title: "Update the image",
            command: match deployment {
                Some(d) => format!(
                    "kubectl set image deployment/{} {}={}",
                    d.name,
                    d.container,
                    next_image(&d.image)
                ),
                None => format!("kubectl set image deployment/{name} nginx=nginx:1.11"),
            },
            done: revision >= 2,
            watch: "A rolling update: the new ReplicaSet grows while the old one shrinks, never \
                    beyond the budget shown in Deployments (maxSurge above, maxUnavailable below). \
                    Watch the chart: requests fail if a pod gets traffic before it is ready (no \
                    readinessProbe) or is stopped while still an endpoint (no preStop delay). The \
                    Manifest editor's example has both: apply it, update it, and none fail."
                .into(),
        },
        TourStep {
            title: "Kill a node",
            command: match failed {
                Some(n) => format!("node restore {}", n.name),
                None => format!("node fail {busiest}"),
            },
            done: failed.is_some(),
            watch: "The node stops reporting. After 40 s the node controller marks it NotReady \
                    and taints it; its pods tolerate that for 300 s, then are evicted, and their \
                    ReplicaSet creates replacements on the other nodes. The old pods stay \
                    Terminating: no kubelet is left to confirm they stopped. That is 6 minutes of \
                    simulated time: pick 20× or 50× to watch it. Deleting a pod heals at once."
                .into(),
        },
        TourStep {
            title: "Pack like Tetris",
            // The web app writes the named profiles as files (the header's Scheduler menu
            // applies the same ones).
            command: "kubectl apply -f schedulers/bin-packing.yaml".into(),
            done: board.scheduler_configured,
            watch: "The scheduler now scores a node higher the fuller it is (NodeResourcesFit \
                    MostAllocated) instead of the emptier: new pods stack into the fullest node \
                    that fits, leaving whole nodes free for big pieces. Scale up with +1 and \
                    watch where they land; click one to see the scores. The Scheduler menu in \
                    the header switches back."
                .into(),
        },
    ]
}

/// The image with its tag's last number increased (`nginx:1.10` → `nginx:1.11`), for the tour's
/// update step; an image without a numbered tag is returned as it is.
pub fn next_image(image: &str) -> String {
    let tag_at = image
        .rfind(':')
        .filter(|&i| !image[i..].contains('/'))
        .map(|i| i + 1);
    let Some(start) = tag_at else {
        return image.to_string();
    };
    let tag = &image[start..];
    let digits = tag.len() - tag.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return image.to_string();
    }
    let (head, number) = image.split_at(image.len() - digits);
    match number.parse::<u64>() {
        Ok(n) => format!("{head}{}", n + 1),
        Err(_) => image.to_string(),
    }
}

