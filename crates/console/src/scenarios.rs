//! The scenarios shipped with the playground (`static/scenarios/*.yaml`), embedded so that the
//! web app and the CLI load the same ones: `default` (three Ready nodes) and `empty`.

/// Every scenario, by name.
pub const ALL: &[(&str, &str)] = &[
    (
        "default",
        include_str!("../../../static/scenarios/default.yaml"),
    ),
    (
        "empty",
        include_str!("../../../static/scenarios/empty.yaml"),
    ),
];

/// The YAML of a scenario, by name.
pub fn get(name: &str) -> Option<&'static str> {
    ALL.iter().find(|(n, _)| *n == name).map(|(_, y)| *y)
}

/// The scenarios' names, for `--scenario` errors and the web app's picker.
pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|(n, _)| *n).collect()
}
