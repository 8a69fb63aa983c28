//! The board's view model: nodes as Tetris wells sized by their allocatable resources, pods as
//! pieces sized by their requests, the pending queue, rollouts, Services and traffic. Computed
//! from the engine's state so that the web crate only draws; tested natively.

mod activity;
mod board;
mod inspector;
pub mod map;
pub mod messages;
pub mod page;
mod stage;
pub mod wells;

pub use activity::*;
pub use board::*;
pub use inspector::*;
pub use stage::*;
pub use wells::{CellScale, Density, PieceBox};

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

/// The text colour for a piece filled with `hsl(hue, saturation%, lightness%)`: white or near
/// black, whichever contrasts more (WCAG's relative luminance), so a label always reads at
/// 4.5:1 or better whatever colour its owner got (with pure black the worse of the two is
/// still 4.58:1; a softer black would drop below 4.5 on mid-tones).
pub fn ink_on(hue: u16, saturation_pct: u8, lightness_pct: u8) -> &'static str {
    let l = relative_luminance(hsl_to_rgb(hue, saturation_pct, lightness_pct));
    let with_white = 1.05 / (l + 0.05);
    let with_dark = (l + 0.05) / (relative_luminance(DARK_INK_RGB) + 0.05);
    if with_white >= with_dark {
        "#fff"
    } else {
        DARK_INK
    }
}

const DARK_INK: &str = "#000";
const DARK_INK_RGB: [f64; 3] = [0.0, 0.0, 0.0];

fn hsl_to_rgb(hue: u16, saturation_pct: u8, lightness_pct: u8) -> [f64; 3] {
    let (h, s, l) = (
        (hue % 360) as f64,
        saturation_pct.min(100) as f64 / 100.0,
        lightness_pct.min(100) as f64 / 100.0,
    );
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    [r + m, g + m, b + m]
}

/// WCAG 2 relative luminance of an sRGB colour (channels 0..1).
fn relative_luminance(rgb: [f64; 3]) -> f64 {
    let lin = |c: f64| {
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
}

/// The saturation of pieces' fills (`.pod` in static/style.css uses the same).
pub const PIECE_SATURATION: u8 = 62;

/// The lightness of a piece of `version` (its pod-template-hash): new versions are lighter
/// than old ones, so a rollout shows as two shades of one colour.
pub fn piece_lightness(version: &str) -> u8 {
    38 + (hue(version) % 4) as u8 * 8
}

/// The contrast ratio of a piece's label on its fill.
#[cfg(test)]
pub(crate) fn piece_contrast(hue: u16, saturation_pct: u8, lightness_pct: u8) -> f64 {
    let l = relative_luminance(hsl_to_rgb(hue, saturation_pct, lightness_pct));
    let ink = if ink_on(hue, saturation_pct, lightness_pct) == "#fff" {
        1.0
    } else {
        relative_luminance(DARK_INK_RGB)
    };
    (l.max(ink) + 0.05) / (l.min(ink) + 0.05)
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
