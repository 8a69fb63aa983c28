//! The board as a map, for clusters too big to draw one page element per pod: a thousand nodes
//! and ten thousand pods would be eleven thousand positioned boxes for the browser to lay out
//! and composite every frame. The web crate paints the map on a canvas; where each well and
//! piece goes, and what is under the pointer, is decided here and tested natively.

use crate::wells::{stack, CellScale};
use crate::{Board, NodeView, PodView};

/// From this many nodes, or pods on the board, the board is a map.
pub const MAP_NODES: usize = 250;
pub const MAP_PODS: usize = 4_000;

/// Whether a board of `nodes` nodes and `pods` pods is drawn as a map.
pub fn wants_map(nodes: usize, pods: usize) -> bool {
    nodes >= MAP_NODES || pods >= MAP_PODS
}

/// The smallest well drawn, in CSS pixels: below this a well is a dot, and the map scrolls.
pub const MIN_WELL_PX: f64 = 14.0;
/// Space between wells, in CSS pixels.
pub const GAP_PX: f64 = 2.0;

/// A rectangle in CSS pixels from the map's top-left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x && x < self.x + self.w && y >= self.y && y < self.y + self.h
    }
}

/// Pieces at their true size: a pod is as high as its CPU request and as wide as its memory,
/// never rounded up to a cell (at map scale a cell would be bigger than most pods).
const EXACT: CellScale = CellScale {
    cpu_millis: 1,
    memory_bytes: 1,
};

/// The map's grid: every node gets a slot of the same size, in the board's node order, left to
/// right and top down; a well fills its slot in proportion to the largest node.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapLayout {
    pub columns: usize,
    pub rows: usize,
    /// One slot (well and gap), in CSS pixels.
    pub slot: f64,
    pub width: f64,
    pub height: f64,
}

impl MapLayout {
    /// The largest square slot that fits `nodes` wells in `width` × `height` (the whole cluster
    /// in view), at least `MIN_WELL_PX`, times `zoom` (1 = fit; the map scrolls when larger).
    pub fn fit(nodes: usize, width: f64, height: f64, zoom: f64) -> MapLayout {
        let nodes = nodes.max(1);
        let width = width.max(MIN_WELL_PX + GAP_PX);
        let height = height.max(MIN_WELL_PX + GAP_PX);
        // Slot s fits when ceil(nodes / floor(width / s)) * s <= height; try the sizes down from
        // the one that would fill the area exactly.
        let mut slot = (width * height / nodes as f64).sqrt().floor();
        while slot > MIN_WELL_PX + GAP_PX {
            let columns = (width / slot).floor().max(1.0) as usize;
            let rows = nodes.div_ceil(columns);
            if rows as f64 * slot <= height {
                break;
            }
            slot -= 1.0;
        }
        let slot = (slot.max(MIN_WELL_PX + GAP_PX) * zoom.clamp(1.0, 8.0)).floor();
        let columns = ((width / slot).floor() as usize).clamp(1, nodes);
        let rows = nodes.div_ceil(columns);
        MapLayout {
            columns,
            rows,
            slot,
            width: columns as f64 * slot,
            height: rows as f64 * slot,
        }
    }

    /// The well of the `i`th node, to scale with the largest node (`max_cpu_millis` high,
    /// `max_memory_bytes` wide), standing on the floor of its slot.
    pub fn well(
        &self,
        i: usize,
        node: &NodeView,
        max_cpu_millis: i64,
        max_memory_bytes: i64,
    ) -> Rect {
        let inner = self.slot - GAP_PX;
        let h = inner
            * (node.cpu_allocatable_millis as f64 / max_cpu_millis.max(1) as f64).clamp(0.34, 1.0);
        let w = inner
            * (node.memory_allocatable_bytes as f64 / max_memory_bytes.max(1) as f64)
                .clamp(0.34, 1.0);
        let (col, row) = (i % self.columns, i / self.columns);
        Rect {
            x: col as f64 * self.slot,
            y: row as f64 * self.slot + (inner - h),
            w,
            h,
        }
    }

    /// The slot (well and the room above it) of the node under (x, y), if any.
    pub fn node_at(&self, nodes: usize, x: f64, y: f64) -> Option<usize> {
        if x < 0.0 || y < 0.0 {
            return None;
        }
        let (col, row) = ((x / self.slot) as usize, (y / self.slot) as usize);
        let i = row * self.columns + col;
        (col < self.columns && i < nodes).then_some(i)
    }
}

/// Where a node's pieces are drawn inside its `well`: bottom up, oldest first, each as high as
/// its CPU request and as wide as its memory, at least a pixel each way so that every pod shows.
pub fn pieces(node: &NodeView, well: Rect) -> Vec<Rect> {
    stack(node, EXACT)
        .into_iter()
        .map(|b| {
            let h = (well.h * b.height_pct / 100.0).max(1.0);
            let bottom = well.y + well.h - well.h * b.bottom_pct / 100.0;
            Rect {
                x: well.x,
                y: (bottom - h).max(well.y),
                w: (well.w * b.width_pct / 100.0).clamp(1.0, well.w),
                h: h.min(well.h),
            }
        })
        .collect()
}

/// What is under the pointer on the map.
#[derive(Clone, Debug, PartialEq)]
pub enum Hit<'a> {
    Pod(&'a PodView),
    Node(&'a NodeView),
}

/// The pod or node at (x, y) on `board` drawn with `layout`: a piece if the point is on one
/// (the nearest in a well too small to aim at), else the node whose slot it is in.
pub fn hit<'a>(board: &'a Board, layout: &MapLayout, x: f64, y: f64) -> Option<Hit<'a>> {
    let i = layout.node_at(board.nodes.len(), x, y)?;
    let node = &board.nodes[i];
    let well = layout.well(i, node, board.max_cpu_millis, board.max_memory_bytes);
    let rects = pieces(node, well);
    // Pieces are a pixel or two high at this scale: take the one nearest the point vertically
    // within the well's width, so that a pointer on a stack always finds a pod.
    if well.contains(x, y) {
        if let Some((j, _)) = rects
            .iter()
            .enumerate()
            .filter(|(_, r)| x < r.x + r.w.max(3.0) && y >= r.y - 1.0 && y < r.y + r.h + 1.0)
            .min_by(|a, b| {
                let d = |r: &Rect| (r.y + r.h / 2.0 - y).abs();
                d(a.1).total_cmp(&d(b.1))
            })
        {
            return Some(Hit::Pod(&node.pods[j]));
        }
    }
    Some(Hit::Node(node))
}

/// The text a screen reader gets for the map (and the line above it): how many nodes and pods,
/// how many are Ready, pending, or on nodes that are not.
pub fn summary(board: &Board) -> String {
    let pods: usize = board.nodes.iter().map(|n| n.pods.len()).sum();
    let ready = board
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .filter(|p| p.ready)
        .count();
    let not_ready_nodes = board.nodes.iter().filter(|n| !n.ready).count();
    let mut s = format!(
        "{} nodes, {} pods on them ({} ready), {} pending",
        thousands(board.nodes.len()),
        thousands(pods),
        thousands(ready),
        thousands(board.pending.len())
    );
    if not_ready_nodes > 0 {
        s.push_str(&format!(", {} nodes not ready", thousands(not_ready_nodes)));
    }
    s
}

/// 10000 as `10,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    fn node(name: &str, cpu: i64, mem_gi: i64, pods: &[(i64, i64)]) -> Rc<NodeView> {
        Rc::new(NodeView {
            name: name.into(),
            ready: true,
            cpu_allocatable_millis: cpu,
            memory_allocatable_bytes: mem_gi << 30,
            pods: pods
                .iter()
                .enumerate()
                .map(|(i, &(c, m))| {
                    Rc::new(PodView {
                        name: format!("{name}-p{i}"),
                        cpu_millis: c,
                        memory_bytes: m << 20,
                        ready: i % 2 == 0,
                        ..Default::default()
                    })
                })
                .collect(),
            ..Default::default()
        })
    }

    #[test]
    fn the_whole_cluster_fits_in_view_when_it_can() {
        // (nodes, width, height, zoom) -> (columns, rows, slot)
        let table = [
            ((1_000, 800.0, 500.0, 1.0), (40, 25, 20.0)),
            ((1_000, 1600.0, 900.0, 1.0), (43, 24, 37.0)),
            ((250, 800.0, 500.0, 1.0), (21, 12, 38.0)),
            // Too many for the area: the smallest wells, and the map scrolls.
            ((10_000, 800.0, 500.0, 1.0), (50, 200, 16.0)),
            // Zoomed in twice: slots twice the size, half the columns.
            ((1_000, 800.0, 500.0, 2.0), (20, 50, 40.0)),
            // One node never gets more than one column.
            ((1, 800.0, 500.0, 1.0), (1, 1, 500.0)),
        ];
        for ((n, w, h, zoom), (columns, rows, slot)) in table {
            let l = MapLayout::fit(n, w, h, zoom);
            assert_eq!(
                (l.columns, l.rows, l.slot),
                (columns, rows, slot),
                "{n} nodes in {w}×{h} at {zoom}×"
            );
            assert!(l.width <= w, "{n}: {} wider than {w}", l.width);
            if zoom == 1.0 && slot > MIN_WELL_PX + GAP_PX {
                assert!(l.height <= h, "{n}: {} taller than {h}", l.height);
            }
        }
    }

    #[test]
    fn wells_and_pieces_are_to_scale_and_every_pod_shows() {
        let l = MapLayout::fit(2, 100.0, 50.0, 1.0);
        let big = node("big", 4000, 8, &[(1000, 2048), (100, 128), (1, 1)]);
        let small = node("small", 2000, 4, &[]);
        let w = l.well(0, &big, 4000, 8 << 30);
        let inner = l.slot - GAP_PX;
        assert_eq!((w.x, w.y, w.w, w.h), (0.0, 0.0, inner, inner));
        let ws = l.well(1, &small, 4000, 8 << 30);
        assert_eq!((ws.x, ws.w, ws.h), (l.slot, inner / 2.0, inner / 2.0));
        assert_eq!(ws.y + ws.h, inner, "wells stand on the slot's floor");
        let p = pieces(&big, w);
        // A quarter of the CPU, a quarter of the memory, on the floor.
        assert_eq!(
            (p[0].y + p[0].h, p[0].h, p[0].w),
            (inner, inner / 4.0, inner / 4.0)
        );
        // Stacked on the one below.
        assert!((p[1].y + p[1].h - p[0].y).abs() < 1e-9);
        // A 1m/1Mi pod is still a pixel.
        assert_eq!((p[2].w, p[2].h), (1.0, 1.0));
    }

    #[test]
    fn the_pointer_finds_the_nearest_piece_or_the_node() {
        let nodes = vec![
            node("n1", 1000, 1, &[(500, 512), (250, 256)]),
            node("n2", 1000, 1, &[]),
        ];
        let board = Board {
            max_cpu_millis: 1000,
            max_memory_bytes: 1 << 30,
            ..crate::tests::board_of(nodes)
        };
        let l = MapLayout::fit(2, 200.0, 100.0, 1.0);
        let w = l.well(0, &board.nodes[0], 1000, 1 << 30);
        let name = |x: f64, y: f64| match hit(&board, &l, x, y) {
            Some(Hit::Pod(p)) => p.name.clone(),
            Some(Hit::Node(n)) => format!("node {}", n.name),
            None => "nothing".into(),
        };
        assert_eq!(name(2.0, w.y + w.h - 1.0), "n1-p0");
        assert_eq!(name(2.0, w.y + w.h * 0.4), "n1-p1");
        // Above the stack, inside the well: the node.
        assert_eq!(name(2.0, w.y + 1.0), "node n1");
        assert_eq!(name(l.slot + 3.0, 10.0), "node n2");
        assert_eq!(name(l.slot * 3.0, 10.0), "nothing");
        assert_eq!(name(-1.0, 10.0), "nothing");
    }

    #[test]
    fn big_clusters_are_maps() {
        for (nodes, pods, map) in [
            (3, 10, false),
            (200, 3_000, false),
            (250, 0, true),
            (20, 4_000, true),
        ] {
            assert_eq!(wants_map(nodes, pods), map, "{nodes} nodes, {pods} pods");
        }
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
