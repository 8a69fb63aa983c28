//! What the page's URL asks for: `?seed=N&scenario=NAME&speed=X&theme=dark&panels=...&tour=0&
//! workshop=NAME|PATH`, parsed once from the query string, decoded as browsers encode forms
//! (`+` is a space, `%XX` a byte). Anything malformed falls back to the default, so no link can
//! stop the page from starting; the workshop's path is checked where it is opened
//! (`kubeplay_workshop::served_path`).

/// The options of one page load.
#[derive(Clone, Debug, PartialEq)]
pub struct PageOptions {
    /// The simulation's random seed (1 when absent or not a number).
    pub seed: u64,
    /// The starting cluster's scenario name (`default` when absent).
    pub scenario: String,
    /// The simulation speed asked for, if it is a finite number (the page clamps it).
    pub speed: Option<f64>,
    /// `dark` or `light`; anything else is `light`.
    pub dark: bool,
    pub panels: Panels,
    /// `?workshop=`: a built-in workshop's name or a served folder's path.
    pub workshop: Option<String>,
    /// `?game=SEED`: open "Be the scheduler" with this seed (a whole number that fits in 64
    /// bits; anything else opens no game).
    pub game: Option<u64>,
}

impl PageOptions {
    /// Parses a query string, with or without its leading `?`. The first of repeated keys wins,
    /// as `URLSearchParams.get` does.
    pub fn from_query(query: &str) -> PageOptions {
        let pairs: Vec<(String, String)> = query
            .strip_prefix('?')
            .unwrap_or(query)
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect();
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        PageOptions {
            seed: get("seed").and_then(|s| s.trim().parse().ok()).unwrap_or(1),
            scenario: get("scenario").unwrap_or("default").to_string(),
            speed: get("speed")
                .and_then(|s| s.trim().parse::<f64>().ok())
                .filter(|s| s.is_finite()),
            dark: get("theme") == Some("dark"),
            panels: Panels::from_url(get("panels"), get("tour")),
            workshop: get("workshop").map(str::to_string),
            game: get("game").and_then(|s| s.trim().parse().ok()),
        }
    }
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; a `%` not
/// followed by two hex digits stays as it is; bytes that are not UTF-8 become U+FFFD.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (
                    b.get(i + 1).and_then(|c| hex(*c)),
                    b.get(i + 2).and_then(|c| hex(*c)),
                ) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Which panels show beside the board, from `?panels=traffic,console,...` (every one when
/// absent; the board always shows), and `?tour=0`, which hides the tour alone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Panels {
    pub tour: bool,
    pub traffic: bool,
    pub deployments: bool,
    pub services: bool,
    pub activity: bool,
    pub events: bool,
    pub editor: bool,
    pub console: bool,
    /// The timeline under the header (not beside the board, but picked the same way).
    pub timeline: bool,
}

impl Panels {
    /// From `?panels=` (a comma-separated list; every panel when absent) and `?tour=0`.
    pub fn from_url(panels: Option<&str>, tour: Option<&str>) -> Panels {
        let on = |name: &str| {
            panels.is_none_or(|list| list.split(',').any(|p| p.trim().eq_ignore_ascii_case(name)))
        };
        Panels {
            // The workshop panel ("Start here"): `tour` is its older name.
            tour: (on("workshop") || on("tour")) && tour != Some("0"),
            traffic: on("traffic"),
            deployments: on("deployments"),
            services: on("services"),
            activity: on("activity"),
            events: on("events"),
            editor: on("editor"),
            console: on("console"),
            timeline: on("timeline"),
        }
    }

    /// Whether any panel of the side column shows.
    pub fn side(&self) -> bool {
        self.tour
            || self.traffic
            || self.deployments
            || self.services
            || self.activity
            || self.events
            || self.editor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panels_from_the_url() {
        let all = Panels::from_url(None, None);
        assert!(all.side() && all.console && all.tour && all.timeline);
        assert!(!Panels::from_url(None, Some("0")).tour);
        let some = Panels::from_url(Some("traffic, Console,unknown"), None);
        assert_eq!(
            some,
            Panels {
                tour: false,
                traffic: true,
                deployments: false,
                services: false,
                activity: false,
                events: false,
                editor: false,
                console: true,
                timeline: false,
            }
        );
        let none = Panels::from_url(Some(""), None);
        assert!(!none.side() && !none.console);
    }

    #[test]
    fn options_from_the_query() {
        let o = PageOptions::from_query(
            "?seed=7&scenario=empty&speed=2.5&theme=dark&workshop=labs%2Fmy+lab&seed=9",
        );
        assert_eq!(
            (o.seed, o.scenario.as_str(), o.speed, o.dark),
            (7, "empty", Some(2.5), true)
        );
        assert_eq!(o.workshop.as_deref(), Some("labs/my lab"));
        let d = PageOptions::from_query("");
        assert_eq!(
            (d.seed, d.scenario.as_str(), d.speed, d.dark, d.workshop),
            (1, "default", None, false, None)
        );
        // Malformed values fall back; they never stop the page.
        let bad =
            PageOptions::from_query("seed=-1&speed=NaN&theme=%3Cscript%3E&panels=%E0%A4&x=%&%zz");
        assert_eq!((bad.seed, bad.speed, bad.dark), (1, None, false));
        assert!(!bad.panels.side());
        assert_eq!(decode("%41%4a%2"), "AJ%2");
        assert_eq!(decode("%"), "%");
    }

    #[test]
    fn game_seed_from_the_query() {
        let game = |q: &str| PageOptions::from_query(q).game;
        let table: [(&str, Option<u64>); 9] = [
            ("?game=7", Some(7)),
            ("?game=%2042", Some(42)),
            ("?game=18446744073709551615", Some(u64::MAX)),
            // Malformed seeds open no game: too big, negative, not a whole number, empty.
            ("?game=18446744073709551616", None),
            ("?game=-1", None),
            ("?game=1e3", None),
            ("?game=seven", None),
            ("?game=", None),
            ("?seed=7", None),
        ];
        for (query, want) in table {
            assert_eq!(game(query), want, "{query}");
        }
    }
}
