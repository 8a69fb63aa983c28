//! Times the board's view model on issue 15's scale workload while its pods start (the page
//! computes it up to 20 times a second): `kubeplay_view::board` on 1,000 nodes and 10,000 pods,
//! 5 simulated seconds after they were created, then once they have settled.
//!
//!   cargo run --release -p kubeplay-view --example board_scale

use std::time::Instant;

use kubeplay_engine::{workload, Cluster, ClusterConfig};

fn time_board(c: &Cluster, label: &str) {
    let runs = 20;
    let mut ms: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(kubeplay_view::board(c));
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    println!("board_{label}_ms\t{:.2}", ms[runs / 2]);
}

fn main() {
    let mut c = Cluster::new(ClusterConfig {
        seed: 1,
        record_trace: false,
    });
    for o in workload::objects(1_000, 100, 100) {
        let _ = c.apply(o);
    }
    c.advance(5_000);
    time_board(&c, "starting");
    while !workload::settled(&c, 10_000) {
        c.advance(1_000);
    }
    time_board(&c, "settled");
}
