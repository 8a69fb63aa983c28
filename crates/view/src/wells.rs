//! How pieces are built of cells and stacked in their wells, as in Tetris: one cell size for
//! the whole cluster (chosen so a typical piece is a few cells and a cell stays big enough to
//! see), and each piece's place in its well from the CPU requested below it, so that when a
//! pod leaves the pieces above it settle down.

use crate::{NodeView, PodView};

/// One cell of the board: a height of CPU and a width of memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellScale {
    pub cpu_millis: i64,
    pub memory_bytes: i64,
}

const MI: i64 = 1024 * 1024;

/// How the board fits its nodes on a screen: few nodes get large wells with every detail, many
/// get small wells so that the whole cluster stays in view (style.css `.nodes[data-density]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Density {
    Normal,
    Compact,
    Tiny,
}

impl Density {
    pub fn of(nodes: usize) -> Density {
        match nodes {
            0..=6 => Density::Normal,
            7..=16 => Density::Compact,
            _ => Density::Tiny,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Density::Normal => "normal",
            Density::Compact => "compact",
            Density::Tiny => "tiny",
        }
    }
    /// The height of the largest node's well at 1280×720, in pixels; style.css grows it with
    /// the screen, and the cells with it.
    pub fn well_px(self) -> f64 {
        match self {
            Density::Normal => 240.0,
            Density::Compact => 150.0,
            Density::Tiny => 72.0,
        }
    }
    /// The smallest cell worth drawing: big enough to see its bevel, in small wells to see it
    /// at all.
    pub fn min_cell_px(self) -> f64 {
        match self {
            Density::Normal => 10.0,
            Density::Compact => 6.0,
            Density::Tiny => 3.0,
        }
    }
}

/// Round CPU amounts, as people write requests.
const CPU_STEPS: [i64; 15] = [
    10, 20, 25, 50, 100, 125, 200, 250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000,
];

/// At most this many columns across the largest node: more and a piece one cell wide is a
/// sliver nobody can read or click.
const MAX_COLUMNS: i64 = 16;

/// A typical piece is at most this many cells in either direction: more cells than that add
/// lines, not meaning.
const TYPICAL_CELLS: i64 = 4;

impl CellScale {
    /// The scale for a cluster whose largest node allocates `max_cpu_millis` and
    /// `max_memory_bytes`, drawn in a well `well_px` high, with cells at least `min_cell_px`
    /// high, for pieces of these (CPU, memory) requests.
    pub fn choose(
        max_cpu_millis: i64,
        max_memory_bytes: i64,
        well_px: f64,
        min_cell_px: f64,
        pieces: impl Iterator<Item = (i64, i64)>,
    ) -> CellScale {
        let (mut cpus, mut mems): (Vec<i64>, Vec<i64>) = pieces.unzip();
        let typical = |v: &mut Vec<i64>, default: i64| {
            v.sort_unstable();
            v.get(v.len() / 2)
                .copied()
                .filter(|x| *x > 0)
                .unwrap_or(default)
        };
        let typical_cpu = typical(&mut cpus, 100);
        let typical_mem = typical(&mut mems, 200 * MI);
        let max_cpu = max_cpu_millis.max(1);
        // The smallest step whose cells are tall enough, but not so small that a typical piece
        // is a tower of lines.
        let rows_fit = |c: i64| well_px * c as f64 / max_cpu as f64 >= min_cell_px;
        let cpu_millis = CPU_STEPS
            .iter()
            .copied()
            .find(|&c| rows_fit(c) && c * TYPICAL_CELLS >= typical_cpu)
            .unwrap_or_else(|| {
                CPU_STEPS
                    .iter()
                    .copied()
                    .find(|&c| rows_fit(c))
                    .unwrap_or(*CPU_STEPS.last().unwrap())
            });
        // Memory in powers of two from 32Mi, the way it is sized.
        let max_mem = max_memory_bytes.max(1);
        let mut memory_bytes = 32 * MI;
        while memory_bytes < (1 << 50)
            && ((max_mem + memory_bytes - 1) / memory_bytes > MAX_COLUMNS
                || memory_bytes * TYPICAL_CELLS < typical_mem)
        {
            memory_bytes *= 2;
        }
        CellScale {
            cpu_millis,
            memory_bytes,
        }
    }

    /// `250m CPU × 512Mi`, for the legend.
    pub fn describe(&self) -> String {
        let cpu = if self.cpu_millis % 1000 == 0 {
            format!("{} CPU", self.cpu_millis / 1000)
        } else {
            format!("{}m CPU", self.cpu_millis)
        };
        let mem = if self.memory_bytes % (1024 * MI) == 0 {
            format!("{}Gi", self.memory_bytes / (1024 * MI))
        } else {
            format!("{}Mi", self.memory_bytes / MI)
        };
        format!("{cpu} × {mem} of memory")
    }

    /// A piece's size in cells (fractions where the request is not a whole number of cells):
    /// (rows, columns). Both at least one cell, so the smallest pod is still a block.
    pub fn cells(&self, cpu_millis: i64, memory_bytes: i64) -> (f64, f64) {
        (
            (cpu_millis as f64 / self.cpu_millis as f64).max(1.0),
            (memory_bytes as f64 / self.memory_bytes as f64).max(1.0),
        )
    }
}

/// Where one piece sits in its well, as shares of the well (0..100).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PieceBox {
    /// From the well's floor to the piece's bottom: the CPU of the pieces below it.
    pub bottom_pct: f64,
    pub height_pct: f64,
    pub width_pct: f64,
    /// The piece in cells, for drawing its grid.
    pub rows: f64,
    pub columns: f64,
}

/// The pieces of a well, bottom up in the node's order (oldest first). Each is as high as its
/// CPU request (at least one cell) and as wide as its memory (at least one cell), and rests on
/// the one below it. A finished pod (a Job's Completed or Failed pod) takes no room on the node:
/// its piece leaves the stack, as a completed line does, and hangs from the top of the well one
/// cell high, newest lowest, until the pod is deleted.
pub fn stack(node: &NodeView, scale: CellScale) -> Vec<PieceBox> {
    let cpu = node.cpu_allocatable_millis.max(1) as f64;
    let mem = node.memory_allocatable_bytes.max(1) as f64;
    let one_row = (100.0 * scale.cpu_millis as f64 / cpu).min(100.0);
    let mut floor = 0.0;
    let mut ceiling = 100.0;
    node.pods
        .iter()
        .map(|p| {
            let (rows, columns) = scale.cells(p.cpu_millis, p.memory_bytes);
            let width_pct = (100.0 * columns * scale.memory_bytes as f64 / mem).min(100.0);
            let columns = columns.min(100.0 * columns / width_pct.max(1e-9));
            if p.finished() {
                ceiling = (ceiling - one_row).max(0.0);
                return PieceBox {
                    bottom_pct: ceiling,
                    height_pct: one_row,
                    width_pct,
                    rows: 1.0,
                    columns,
                };
            }
            let height_pct = 100.0 * rows * scale.cpu_millis as f64 / cpu;
            let b = PieceBox {
                bottom_pct: floor,
                height_pct,
                width_pct,
                rows,
                columns,
            };
            floor += height_pct;
            b
        })
        .collect()
}

/// No pending pod fits in what is left of the node (CPU and memory requests), while some pod
/// is pending: the well is full for the queue as it is now.
pub fn full_for(
    node_free_cpu: i64,
    node_free_memory: i64,
    pending: &[std::rc::Rc<PodView>],
) -> bool {
    !pending.is_empty()
        && !pending.iter().any(|p| {
            let (c, m) = if p.best_effort {
                (0, 0)
            } else {
                (p.cpu_millis, p.memory_bytes)
            };
            c <= node_free_cpu && m <= node_free_memory
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GI: i64 = 1024 * MI;

    #[test]
    fn the_cell_follows_the_cluster() {
        // (largest node CPU m, memory, well px, min cell px, pieces (cpu m, Mi)) → (cell m, Mi)
        let cases: &[(i64, i64, f64, f64, &[(i64, i64)], (i64, i64))] = &[
            // The default cluster (4 CPU, 8Gi) with pods at the scheduler's defaults: 100m
            // cells would be 6px in a 240px well, so 200m; 512Mi makes 16 columns.
            (4_000, 8 * GI, 240.0, 10.0, &[(100, 200)], (200, 512)),
            // The tour's 500m pods: 200m cells, a piece 2.5 cells high.
            (
                4_000,
                8 * GI,
                240.0,
                10.0,
                &[(500, 256), (500, 256)],
                (200, 512),
            ),
            // The same on a projector: taller wells, finer cells.
            (4_000, 8 * GI, 480.0, 10.0, &[(100, 200)], (100, 512)),
            // Big pods on big nodes: the typical piece stays at most four cells high.
            (
                64_000,
                256 * GI,
                240.0,
                6.0,
                &[(8_000, 32 * 1024)],
                (2_000, 16 * 1024),
            ),
            // Tiny wells: 3px cells are enough.
            (4_000, 8 * GI, 72.0, 3.0, &[(100, 200)], (200, 512)),
            // No pods yet: the scheduler's default request is typical.
            (2_000, 4 * GI, 240.0, 10.0, &[], (100, 256)),
            // A node with nothing allocatable cannot divide by zero.
            (0, 0, 240.0, 10.0, &[], (25, 64)),
        ];
        for &(cpu, mem, px, min, pieces, (cell_m, cell_mi)) in cases {
            let s = CellScale::choose(cpu, mem, px, min, pieces.iter().map(|&(c, m)| (c, m * MI)));
            assert_eq!(
                (s.cpu_millis, s.memory_bytes / MI),
                (cell_m, cell_mi),
                "node {cpu}m/{mem}B, well {px}px, pieces {pieces:?}"
            );
        }
    }

    #[test]
    fn the_legend_states_the_scale() {
        let s = |c, m| CellScale {
            cpu_millis: c,
            memory_bytes: m,
        };
        assert_eq!(s(250, 512 * MI).describe(), "250m CPU × 512Mi of memory");
        assert_eq!(s(2_000, 16 * GI).describe(), "2 CPU × 16Gi of memory");
    }

    fn pod(name: &str, cpu: i64, mem_mi: i64) -> std::rc::Rc<PodView> {
        std::rc::Rc::new(PodView {
            name: name.into(),
            namespace: "default".into(),
            node: "node-1".into(),
            phase: "Running".into(),
            ready: true,
            status: "Running".into(),
            ready_text: "1/1".into(),
            restarts: 0,
            owner: "web".into(),
            version: "v1".into(),
            image: "nginx".into(),
            revision: None,
            cpu_millis: cpu,
            memory_bytes: mem_mi * MI,
            best_effort: false,
            terminating: false,
            serving: true,
            hue: 200,
            ..Default::default()
        })
    }

    fn node(pods: Vec<std::rc::Rc<PodView>>) -> NodeView {
        NodeView {
            name: "node-1".into(),
            status: "Ready".into(),
            ready: true,
            cpu_allocatable_millis: 4_000,
            memory_allocatable_bytes: 8 * GI,
            pods_allocatable: 110,
            pods,
            ..Default::default()
        }
    }

    #[test]
    fn pieces_rest_on_the_ones_below_and_settle_when_one_leaves() {
        let scale = CellScale {
            cpu_millis: 250,
            memory_bytes: 512 * MI,
        };
        let a = pod("a", 1_000, 1024);
        let b = pod("b", 500, 256);
        let c = pod("c", 50, 100);
        let boxes = stack(&node(vec![a.clone(), b.clone(), c.clone()]), scale);
        let got: Vec<(f64, f64, f64, f64, f64)> = boxes
            .iter()
            .map(|x| (x.bottom_pct, x.height_pct, x.width_pct, x.rows, x.columns))
            .collect();
        assert_eq!(
            got,
            vec![
                (0.0, 25.0, 12.5, 4.0, 2.0),
                // Half a gibibyte wide: one cell.
                (25.0, 12.5, 6.25, 2.0, 1.0),
                // Smaller than a cell: drawn as one.
                (37.5, 6.25, 6.25, 1.0, 1.0),
            ]
        );
        // b leaves: c falls onto a.
        let after = stack(&node(vec![a.clone(), c.clone()]), scale);
        assert_eq!(after[1].bottom_pct, 25.0);
        // b finishes (a Job's pod): it leaves the stack and hangs from the top, one cell high,
        // and c falls onto a; a second finished pod hangs below the first.
        let done = |p: &std::rc::Rc<PodView>| {
            std::rc::Rc::new(PodView {
                phase: "Succeeded".into(),
                ..(**p).clone()
            })
        };
        let d = pod("d", 250, 256);
        let boxes = stack(&node(vec![a, done(&b), c, done(&d)]), scale);
        let got: Vec<(f64, f64, f64)> = boxes
            .iter()
            .map(|x| (x.bottom_pct, x.height_pct, x.rows))
            .collect();
        assert_eq!(
            got,
            vec![
                (0.0, 25.0, 4.0),
                (93.75, 6.25, 1.0),
                (25.0, 6.25, 1.0),
                (87.5, 6.25, 1.0)
            ]
        );
    }

    #[test]
    fn a_well_is_full_when_no_pending_pod_fits() {
        let pending = vec![pod("p", 600, 100)];
        assert!(full_for(500, 8 * GI, &pending));
        assert!(!full_for(600, 8 * GI, &pending));
        assert!(!full_for(0, 0, &[]), "nothing pending: not full");
    }
}
