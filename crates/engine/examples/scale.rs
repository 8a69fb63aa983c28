//! Times the issue-15 scale workload once, for `scripts/bench.sh`: 1,000 nodes and 10,000 pods
//! (100 Deployments × 100 with Services, see `kubeplay_engine::workload`) created and settled,
//! then ten simulated minutes with traffic on 10 Services. Prints `figure<TAB>value` lines;
//! peak memory from /proc (Linux only).
//!
//!   cargo run --release -p kubeplay-engine --example scale [-- NODES DEPLOYMENTS REPLICAS]

use std::time::Instant;

use kubeplay_engine::{workload, Cluster, ClusterConfig};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (n, deployments, replicas) = match args[..] {
        [a, b, c] => (a, b, c),
        _ => (1_000, 100, 100),
    };
    let mut c = Cluster::new(ClusterConfig {
        seed: 1,
        record_trace: false,
    });
    let start = Instant::now();
    let simulated = workload::create_and_settle(&mut c, n, deployments, replicas, 600_000);
    println!("settle_s\t{:.3}", start.elapsed().as_secs_f64());
    match simulated {
        Some(ms) => println!("settle_simulated_s\t{}", ms / 1_000),
        None => println!("settle_simulated_s\tnot settled in 600"),
    }
    workload::start_traffic(&mut c, deployments.min(10));
    let t = Instant::now();
    c.advance(600_000);
    println!("ten_minutes_s\t{:.3}", t.elapsed().as_secs_f64());
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
            let kb: u64 = line
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            println!("peak_rss_mb\t{}", kb / 1024);
        }
    }
}
