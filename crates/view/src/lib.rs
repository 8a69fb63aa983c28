//! The board's view model: nodes as Tetris wells sized by their allocatable resources, pods as
//! pieces sized by their requests, the pending queue, rollouts, Services and traffic. Computed
//! from the engine's state so that the web crate only draws; tested natively.

mod activity;
mod board;
mod inspector;
mod stage;
mod tour;

pub use activity::*;
pub use board::*;
pub use inspector::*;
pub use stage::*;
pub use tour::*;

use kubeplay_api::Time;

/// failures (crash loops, image pulls), so owners get greens, blues and purples: 140..330.
pub fn hue(name: &str) -> u16 {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    140 + (h % 190) as u16
}

/// Compares names with their runs of digits taken as numbers: `node-2` < `node-10`.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> impl Iterator<Item = (bool, &str)> {
        let mut rest = s;
        std::iter::from_fn(move || {
            let first = rest.chars().next()?;
            let digit = first.is_ascii_digit();
            let end = rest
                .find(|c: char| c.is_ascii_digit() != digit)
                .unwrap_or(rest.len());
            let (chunk, tail) = rest.split_at(end);
            rest = tail;
            Some((digit, chunk))
        })
    }
    // Numbers compare by the length of their significant digits first, then as text.
    fn key((digit, c): (bool, &str)) -> (bool, usize, &str) {
        let trimmed = c.trim_start_matches('0');
        if digit {
            (true, trimmed.len(), trimmed)
        } else {
            (false, 0, c)
        }
    }
    chunks(a)
        .map(key)
        .cmp(chunks(b).map(key))
        .then_with(|| a.cmp(b))
}

/// The simulated clock as `HH:MM:SS` since the cluster started.
pub fn clock(now: Time) -> String {
    let s = (now.millis() - kubeplay_engine::EPOCH.millis()).max(0) / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

#[cfg(test)]
mod tests;
