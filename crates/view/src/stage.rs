//! How the drawn board catches up with the cluster a few pieces a frame.

use std::rc::Rc;

use crate::board::*;

/// Pieces that differ between two states of a node: pods added, removed or changed.
pub(crate) fn changed_pieces(from: &NodeView, to: &NodeView) -> usize {
    let before: std::collections::HashMap<&str, &PodView> =
        from.pods.iter().map(|p| (p.name.as_str(), &**p)).collect();
    let kept = to
        .pods
        .iter()
        .filter(|p| before.get(p.name.as_str()) == Some(&&***p))
        .count();
    // Changed or added pods, plus removed ones.
    (to.pods.len() - kept) + (from.pods.len() - kept)
}

/// `shown` moved towards `target`: whole nodes at a time, starting at node `from` (round robin),
/// until about `budget` pieces changed; everything but the nodes comes from `target`.
/// Returns the board and whether it is `target` in full.
pub fn stage(shown: &Board, target: &Board, budget: usize, from: usize) -> (Board, bool) {
    let same_nodes = shown.nodes.len() == target.nodes.len()
        && shown
            .nodes
            .iter()
            .zip(&target.nodes)
            .all(|(a, b)| a.name == b.name);
    let mut board = target.clone();
    if !same_nodes {
        return (board, true);
    }
    let n = target.nodes.len();
    let mut spent = 0;
    let mut done = true;
    for k in 0..n {
        let i = (from + k) % n;
        let (old, new) = (&shown.nodes[i], &target.nodes[i]);
        if Rc::ptr_eq(old, new) || **old == **new {
            continue;
        }
        let cost = changed_pieces(old, new);
        // A node is taken whole; the first changed node always is, so staging always advances.
        if spent > 0 && spent + cost > budget {
            board.nodes[i] = old.clone();
            done = false;
        } else {
            spent += cost;
        }
    }
    (board, done)
}
