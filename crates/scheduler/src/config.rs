//! KubeSchedulerConfiguration (`kubescheduler.config.k8s.io/v1`): defaulting, plugin-set merging,
//! plugin args and validation with the API machinery's message shapes; the built-in profiles.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{json, Map, Value};

use crate::framework::Profile;
use crate::plugins::celsched::{self, CelArgs, Normalize};
use crate::plugins::interpod;
use crate::plugins::noderesources::{
    default_resources, BalancedArgs, FitArgs, ResourceSpec, ScoringStrategy,
    MAX_CUSTOM_PRIORITY_SCORE, MAX_NODE_SCORE,
};
use crate::plugins::spread::{DefaultConstraint, SpreadArgs};
use crate::plugins::{known, Plugin, KNOWN};

pub const API_VERSION: &str = "kubescheduler.config.k8s.io/v1";
pub const KIND: &str = "KubeSchedulerConfiguration";
pub const DEFAULT_SCHEDULER_NAME: &str = "default-scheduler";

/// A configuration the scheduler refuses. Several problems print as upstream's aggregate does:
/// one alone as itself, more as `[first, second]`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub errors: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errors.as_slice() {
            [one] => f.write_str(one),
            many => write!(f, "[{}]", many.join(", ")),
        }
    }
}

impl ConfigError {
    fn one(msg: String) -> ConfigError {
        ConfigError { errors: vec![msg] }
    }
}

/// How a field error prints a value: strings quoted, everything else as JSON.
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

fn invalid(path: &str, v: &Value, detail: &str) -> String {
    format!("{path}: Invalid value: {}: {detail}", show(v))
}

fn required(path: &str, detail: &str) -> String {
    if detail.is_empty() {
        format!("{path}: Required value")
    } else {
        format!("{path}: Required value: {detail}")
    }
}

fn unsupported(path: &str, v: &Value, supported: &[&str]) -> String {
    let s: Vec<String> = supported.iter().map(|s| format!("{s:?}")).collect();
    format!(
        "{path}: Unsupported value: {}: supported values: {}",
        show(v),
        s.join(", ")
    )
}

fn unknown_field(path: &str) -> String {
    format!("strict decoding error: unknown field \"{path}\"")
}

/// The fields of an object, or an error naming the path.
fn object<'v>(v: &'v Value, path: &str, errs: &mut Vec<String>) -> Option<&'v Map<String, Value>> {
    match v {
        Value::Object(m) => Some(m),
        Value::Null => None,
        other => {
            errs.push(invalid(path, other, "must be an object"));
            None
        }
    }
}

fn check_fields(m: &Map<String, Value>, path: &str, allowed: &[&str], errs: &mut Vec<String>) {
    for k in m.keys() {
        if !allowed.contains(&k.as_str()) {
            errs.push(unknown_field(&format!("{path}.{k}")));
        }
    }
}

fn int(v: Option<&Value>, path: &str, errs: &mut Vec<String>) -> Option<i64> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64(),
        Some(other) => {
            errs.push(invalid(path, other, "must be an integer"));
            None
        }
    }
}

fn string<'v>(v: Option<&'v Value>, path: &str, errs: &mut Vec<String>) -> Option<&'v str> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => {
            errs.push(invalid(path, other, "must be a string"));
            None
        }
    }
}

fn array<'v>(v: Option<&'v Value>, path: &str, errs: &mut Vec<String>) -> &'v [Value] {
    match v {
        None | Some(Value::Null) => &[],
        Some(Value::Array(a)) => a,
        Some(other) => {
            errs.push(invalid(path, other, "must be a list"));
            &[]
        }
    }
}

fn percentage(v: Option<&Value>, path: &str, errs: &mut Vec<String>) -> Option<i32> {
    let p = int(v, path, errs)?;
    if !(0..=100).contains(&p) {
        errs.push(invalid(path, &json!(p), "not in valid range [0-100]"));
        return None;
    }
    Some(p as i32)
}

/// One extension point's `enabled` and `disabled` lists.
#[derive(Clone, Debug, Default)]
struct PluginSet {
    enabled: Vec<(String, i32)>,
    disabled: Vec<String>,
}

const EXTENSION_POINTS: &[&str] = &[
    "multiPoint",
    "preEnqueue",
    "queueSort",
    "preFilter",
    "filter",
    "postFilter",
    "preScore",
    "score",
    "reserve",
    "permit",
    "preBind",
    "bind",
    "postBind",
];

fn parse_set(v: &Value, path: &str, errs: &mut Vec<String>) -> PluginSet {
    let mut set = PluginSet::default();
    let Some(m) = object(v, path, errs) else {
        return set;
    };
    check_fields(m, path, &["enabled", "disabled"], errs);
    for (k, p) in array(m.get("enabled"), &format!("{path}.enabled"), errs)
        .iter()
        .enumerate()
    {
        let pp = format!("{path}.enabled[{k}]");
        let Some(pm) = object(p, &pp, errs) else {
            continue;
        };
        check_fields(pm, &pp, &["name", "weight"], errs);
        let Some(name) = string(pm.get("name"), &format!("{pp}.name"), errs) else {
            errs.push(required(&format!("{pp}.name"), ""));
            continue;
        };
        let weight = int(pm.get("weight"), &format!("{pp}.weight"), errs).unwrap_or(0);
        if weight < 0 {
            errs.push(invalid(
                &format!("{pp}.weight"),
                &json!(weight),
                "must be greater than or equal to 0",
            ));
        }
        let weight = weight.clamp(0, i32::MAX as i64) as i32;
        set.enabled.push((name.to_string(), weight));
    }
    for (k, p) in array(m.get("disabled"), &format!("{path}.disabled"), errs)
        .iter()
        .enumerate()
    {
        let pp = format!("{path}.disabled[{k}]");
        let Some(pm) = object(p, &pp, errs) else {
            continue;
        };
        check_fields(pm, &pp, &["name", "weight"], errs);
        if let Some(name) = string(pm.get("name"), &format!("{pp}.name"), errs) {
            set.disabled.push(name.to_string());
        }
    }
    set
}

/// `mergePluginSet`: the defaults minus the disabled ones (all with `*`), a default re-enabled by
/// the user replaced in place, then the user's other plugins appended.
fn merge(defaults: &[(String, i32)], custom: &PluginSet) -> PluginSet {
    let star = custom.disabled.iter().any(|d| d == "*");
    let mut replaced = BTreeSet::new();
    let mut enabled = Vec::new();
    if !star {
        for d in defaults {
            if custom.disabled.contains(&d.0) {
                continue;
            }
            match custom.enabled.iter().position(|c| c.0 == d.0) {
                Some(i) => {
                    replaced.insert(i);
                    enabled.push(custom.enabled[i].clone());
                }
                None => enabled.push(d.clone()),
            }
        }
    }
    for (i, c) in custom.enabled.iter().enumerate() {
        if !replaced.contains(&i) {
            enabled.push(c.clone());
        }
    }
    PluginSet {
        enabled,
        disabled: custom.disabled.clone(),
    }
}

/// The plugins of one extension point, in upstream's order: those enabled both at the point and
/// in multiPoint (in the point's order), then multiPoint-only ones not disabled at the point,
/// then the point's other plugins.
fn expand(
    multi: &PluginSet,
    point: &PluginSet,
    implements: impl Fn(&str) -> bool,
) -> Vec<(String, i32)> {
    let star = point.disabled.iter().any(|d| d == "*");
    let in_multi = |n: &str| multi.enabled.iter().any(|m| m.0 == n);
    let in_point = |n: &str| point.enabled.iter().any(|p| p.0 == n);
    let mut out: Vec<(String, i32)> = Vec::new();
    let mut push = |p: &(String, i32)| {
        if !out.iter().any(|o| o.0 == p.0) {
            out.push(p.clone());
        }
    };
    for p in point.enabled.iter().filter(|p| in_multi(&p.0)) {
        push(p);
    }
    for m in &multi.enabled {
        if in_point(&m.0) || !implements(&m.0) || star || point.disabled.contains(&m.0) {
            continue;
        }
        push(m);
    }
    for p in point.enabled.iter().filter(|p| !in_multi(&p.0)) {
        push(p);
    }
    out
}

fn resource_specs(
    v: Option<&Value>,
    path: &str,
    errs: &mut Vec<String>,
    check: impl Fn(&str, i64, &str, &mut Vec<String>),
) -> Vec<ResourceSpec> {
    let list = array(v, path, errs);
    if list.is_empty() {
        return default_resources();
    }
    let mut out = Vec::new();
    for (i, r) in list.iter().enumerate() {
        let rp = format!("{path}[{i}]");
        let Some(m) = object(r, &rp, errs) else {
            continue;
        };
        check_fields(m, &rp, &["name", "weight"], errs);
        let name = string(m.get("name"), &format!("{rp}.name"), errs)
            .unwrap_or("")
            .to_string();
        let mut weight = int(m.get("weight"), &format!("{rp}.weight"), errs).unwrap_or(0);
        if weight == 0 {
            weight = 1; // v1 defaulting
        }
        check(&name, weight, &format!("{rp}.weight"), errs);
        out.push(ResourceSpec { name, weight });
    }
    out
}

fn fit_args(args: &Value, path: &str, errs: &mut Vec<String>) -> FitArgs {
    let mut out = FitArgs::default();
    let Some(m) = object(args, path, errs) else {
        return out;
    };
    check_fields(
        m,
        path,
        &[
            "ignoredResources",
            "ignoredResourceGroups",
            "scoringStrategy",
        ],
        errs,
    );
    let strings = |v: Option<&Value>, p: &str, errs: &mut Vec<String>| -> Vec<String> {
        array(v, p, errs)
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    out.ignored_resources = strings(
        m.get("ignoredResources"),
        &format!("{path}.ignoredResources"),
        errs,
    );
    out.ignored_resource_groups = strings(
        m.get("ignoredResourceGroups"),
        &format!("{path}.ignoredResourceGroups"),
        errs,
    );
    let sp = format!("{path}.scoringStrategy");
    let Some(s) = m.get("scoringStrategy").and_then(|s| object(s, &sp, errs)) else {
        return out;
    };
    check_fields(
        s,
        &sp,
        &["type", "resources", "requestedToCapacityRatio"],
        errs,
    );
    out.resources = resource_specs(
        s.get("resources"),
        &format!("{sp}.resources"),
        errs,
        |name, w, p, errs| {
            if !(1..=100).contains(&w) {
                errs.push(invalid(
                    p,
                    &json!(w),
                    &format!("resource weight of {name} not in valid range (0, 100]"),
                ));
            }
        },
    );
    let types = [
        "LeastAllocated",
        "MostAllocated",
        "RequestedToCapacityRatio",
    ];
    let t = string(s.get("type"), &format!("{sp}.type"), errs).unwrap_or("LeastAllocated");
    out.strategy = match t {
        "LeastAllocated" => ScoringStrategy::LeastAllocated,
        "MostAllocated" => ScoringStrategy::MostAllocated,
        "RequestedToCapacityRatio" => {
            let rp = format!("{sp}.requestedToCapacityRatio");
            let shape_path = format!("{rp}.shape");
            let mut shape: Vec<(i64, i64)> = Vec::new();
            match s
                .get("requestedToCapacityRatio")
                .and_then(|r| object(r, &rp, errs))
            {
                None => shape = vec![(0, 10), (100, 0)], // v1 default shape
                Some(r) => {
                    check_fields(r, &rp, &["shape"], errs);
                    for (i, p) in array(r.get("shape"), &shape_path, errs).iter().enumerate() {
                        let pp = format!("{shape_path}[{i}]");
                        let Some(pm) = object(p, &pp, errs) else {
                            continue;
                        };
                        check_fields(pm, &pp, &["utilization", "score"], errs);
                        let u = int(pm.get("utilization"), &format!("{pp}.utilization"), errs)
                            .unwrap_or(0);
                        let sc = int(pm.get("score"), &format!("{pp}.score"), errs).unwrap_or(0);
                        shape.push((u, sc));
                    }
                    if shape.is_empty() {
                        errs.push(required(
                            &shape_path,
                            "at least one point must be specified",
                        ));
                    }
                }
            }
            for i in 1..shape.len() {
                if shape[i - 1].0 >= shape[i].0 {
                    errs.push(invalid(
                        &format!("{shape_path}[{i}].utilization"),
                        &json!(shape[i].0),
                        "utilization values must be sorted in increasing order",
                    ));
                    break;
                }
            }
            for (i, (u, sc)) in shape.iter().enumerate() {
                if !(0..=100).contains(u) {
                    errs.push(invalid(
                        &format!("{shape_path}[{i}].utilization"),
                        &json!(u),
                        "not in valid range [0, 100]",
                    ));
                }
                if !(0..=MAX_CUSTOM_PRIORITY_SCORE).contains(sc) {
                    errs.push(invalid(
                        &format!("{shape_path}[{i}].score"),
                        &json!(sc),
                        &format!("not in valid range [0, {MAX_CUSTOM_PRIORITY_SCORE}]"),
                    ));
                }
            }
            let scale = MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE;
            ScoringStrategy::RequestedToCapacityRatio {
                shape: shape.into_iter().map(|(u, s)| (u, s * scale)).collect(),
            }
        }
        other => {
            errs.push(unsupported(&format!("{sp}.type"), &json!(other), &types));
            ScoringStrategy::LeastAllocated
        }
    };
    out
}

fn balanced_args(args: &Value, path: &str, errs: &mut Vec<String>) -> BalancedArgs {
    let Some(m) = object(args, path, errs) else {
        return BalancedArgs::default();
    };
    check_fields(m, path, &["resources"], errs);
    BalancedArgs {
        resources: resource_specs(
            m.get("resources"),
            &format!("{path}.resources"),
            errs,
            |name, w, p, errs| {
                if w != 1 {
                    errs.push(invalid(
                        p,
                        &json!(w),
                        &format!("resource weight of {name} should be 1"),
                    ));
                }
            },
        ),
    }
}

fn spread_args(args: &Value, path: &str, errs: &mut Vec<String>) -> SpreadArgs {
    let Some(m) = object(args, path, errs) else {
        return SpreadArgs::default();
    };
    check_fields(m, path, &["defaultConstraints", "defaultingType"], errs);
    let dt_path = format!("{path}.defaultingType");
    let defaulting = string(m.get("defaultingType"), &dt_path, errs).unwrap_or("System");
    let cp = format!("{path}.defaultConstraints");
    let mut constraints = Vec::new();
    for (i, c) in array(m.get("defaultConstraints"), &cp, errs)
        .iter()
        .enumerate()
    {
        let p = format!("{cp}[{i}]");
        let Some(cm) = object(c, &p, errs) else {
            continue;
        };
        check_fields(
            cm,
            &p,
            &[
                "maxSkew",
                "topologyKey",
                "whenUnsatisfiable",
                "labelSelector",
            ],
            errs,
        );
        let max_skew = int(cm.get("maxSkew"), &format!("{p}.maxSkew"), errs).unwrap_or(0);
        if max_skew <= 0 {
            errs.push(invalid(
                &format!("{p}.maxSkew"),
                &json!(max_skew),
                "must be greater than zero",
            ));
        }
        let key = string(cm.get("topologyKey"), &format!("{p}.topologyKey"), errs).unwrap_or("");
        if key.is_empty() {
            errs.push(required(&format!("{p}.topologyKey"), "can not be empty"));
        }
        let when = string(
            cm.get("whenUnsatisfiable"),
            &format!("{p}.whenUnsatisfiable"),
            errs,
        )
        .unwrap_or("");
        if when != "DoNotSchedule" && when != "ScheduleAnyway" {
            errs.push(unsupported(
                &format!("{p}.whenUnsatisfiable"),
                &json!(when),
                &["DoNotSchedule", "ScheduleAnyway"],
            ));
        }
        if cm.get("labelSelector").is_some_and(|v| !v.is_null()) {
            errs.push(format!(
                "{p}.labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod"
            ));
        }
        let dc = DefaultConstraint {
            max_skew,
            topology_key: key.to_string(),
            when_unsatisfiable: when.to_string(),
        };
        if constraints.iter().any(|o: &DefaultConstraint| {
            o.topology_key == dc.topology_key && o.when_unsatisfiable == dc.when_unsatisfiable
        }) {
            errs.push(format!("{p}: Duplicate value: \"{{{key}, {when}}}\""));
        }
        constraints.push(dc);
    }
    match defaulting {
        "System" => {
            if !constraints.is_empty() {
                errs.push(invalid(
                    &dt_path,
                    &json!("System"),
                    "when .defaultConstraints are not empty",
                ));
            }
            SpreadArgs::default()
        }
        "List" => SpreadArgs {
            default_constraints: constraints,
            system_defaulting: false,
        },
        other => {
            errs.push(unsupported(&dt_path, &json!(other), &["List", "System"]));
            SpreadArgs::default()
        }
    }
}

fn interpod_args(args: &Value, path: &str, errs: &mut Vec<String>) -> interpod::Args {
    let mut out = interpod::Args::default();
    let Some(m) = object(args, path, errs) else {
        return out;
    };
    check_fields(
        m,
        path,
        &[
            "hardPodAffinityWeight",
            "ignorePreferredTermsOfExistingPods",
        ],
        errs,
    );
    let wp = format!("{path}.hardPodAffinityWeight");
    if let Some(w) = int(m.get("hardPodAffinityWeight"), &wp, errs) {
        if !(0..=100).contains(&w) {
            errs.push(invalid(&wp, &json!(w), "not in valid range [0, 100]"));
        }
        out.hard_pod_affinity_weight = w;
    }
    if let Some(b) = m
        .get("ignorePreferredTermsOfExistingPods")
        .and_then(Value::as_bool)
    {
        out.ignore_preferred_terms_of_existing_pods = b;
    }
    out
}

fn cel_args(args: &Value, path: &str, errs: &mut Vec<String>) -> Option<CelArgs> {
    let Some(m) = object(args, path, errs) else {
        errs.push(required(path, "at least one of filter or score"));
        return None;
    };
    check_fields(
        m,
        path,
        &["filter", "score", "filterMessage", "normalize"],
        errs,
    );
    let filter = string(m.get("filter"), &format!("{path}.filter"), errs).map(str::to_string);
    let score = string(m.get("score"), &format!("{path}.score"), errs).map(str::to_string);
    if filter.is_none() && score.is_none() {
        errs.push(required(path, "at least one of filter or score"));
        return None;
    }
    let message = string(
        m.get("filterMessage"),
        &format!("{path}.filterMessage"),
        errs,
    )
    .map(str::to_string);
    let np = format!("{path}.normalize");
    let normalize = match string(m.get("normalize"), &np, errs).unwrap_or("None") {
        "None" => Normalize::None,
        "MinMax" => Normalize::MinMax,
        "ReverseMinMax" => Normalize::ReverseMinMax,
        other => {
            errs.push(unsupported(
                &np,
                &json!(other),
                &["None", "MinMax", "ReverseMinMax"],
            ));
            Normalize::None
        }
    };
    match CelArgs::new(filter.clone(), score.clone(), message, normalize) {
        Ok(a) => Some(a),
        Err((field, e)) => {
            let src = if field == "filter" { filter } else { score }.unwrap_or_default();
            errs.push(invalid(&format!("{path}.{field}"), &json!(src), &e));
            None
        }
    }
}

/// Builds the plugin `name` from its args (None: defaults).
fn build_plugin(name: &str, args: Option<&Value>, path: &str, errs: &mut Vec<String>) -> Plugin {
    let null = Value::Null;
    let a = args.unwrap_or(&null);
    match name {
        "NodeUnschedulable" => Plugin::NodeUnschedulable,
        "NodeName" => Plugin::NodeName,
        "TaintToleration" => Plugin::TaintToleration,
        "NodePorts" => Plugin::NodePorts,
        "NodeAffinity" => {
            let mut args = crate::plugins::basic::NodeAffinityArgs::default();
            if let Some(m) = object(a, path, errs) {
                check_fields(m, path, &["addedAffinity"], errs);
                if let Some(v) = m.get("addedAffinity") {
                    let ap = format!("{path}.addedAffinity");
                    match serde_json::from_value::<kubeplay_api::core::NodeAffinity>(v.clone()) {
                        Ok(na) => args.added_affinity = Some(na),
                        Err(e) => errs.push(invalid(&ap, v, &e.to_string())),
                    }
                }
            }
            Plugin::NodeAffinity(args)
        }
        "NodeResourcesFit" => Plugin::NodeResourcesFit(fit_args(a, path, errs)),
        "NodeResourcesBalancedAllocation" => {
            Plugin::BalancedAllocation(balanced_args(a, path, errs))
        }
        "PodTopologySpread" => Plugin::PodTopologySpread(spread_args(a, path, errs)),
        "InterPodAffinity" => Plugin::InterPodAffinity(interpod_args(a, path, errs)),
        "ImageLocality" => Plugin::ImageLocality,
        "DynamicResources" => Plugin::DynamicResources,
        "VolumeRestrictions" => Plugin::VolumeRestrictions,
        "VolumeBinding" => Plugin::VolumeBinding,
        celsched::NAME => match cel_args(a, path, errs) {
            Some(c) => Plugin::Cel(Box::new(c)),
            None => Plugin::NotSimulated,
        },
        _ => Plugin::NotSimulated,
    }
}

fn default_multi_point() -> Vec<(String, i32)> {
    KNOWN
        .iter()
        .filter(|k| k.default)
        .map(|k| (k.name.to_string(), k.default_weight))
        .collect()
}

fn parse_profile(
    p: &Value,
    i: usize,
    single: bool,
    global_pct: Option<i32>,
    errs: &mut Vec<String>,
) -> Option<Profile> {
    let path = format!("profiles[{i}]");
    let empty = Map::new();
    let m = object(p, &path, errs).unwrap_or(&empty);
    check_fields(
        m,
        &path,
        &[
            "schedulerName",
            "percentageOfNodesToScore",
            "plugins",
            "pluginConfig",
        ],
        errs,
    );
    let name = match string(
        m.get("schedulerName"),
        &format!("{path}.schedulerName"),
        errs,
    ) {
        Some(n) => n.to_string(),
        None if single => DEFAULT_SCHEDULER_NAME.to_string(),
        None => String::new(),
    };
    if name.is_empty() {
        errs.push(required(&format!("{path}.schedulerName"), ""));
    }
    let pct = percentage(
        m.get("percentageOfNodesToScore"),
        &format!("{path}.percentageOfNodesToScore"),
        errs,
    )
    .or(global_pct);

    // Plugin sets.
    let mut sets: std::collections::BTreeMap<&str, PluginSet> = Default::default();
    let pp = format!("{path}.plugins");
    if let Some(pm) = m.get("plugins").and_then(|v| object(v, &pp, errs)) {
        check_fields(pm, &pp, EXTENSION_POINTS, errs);
        for point in EXTENSION_POINTS {
            if let Some(v) = pm.get(*point) {
                sets.insert(point, parse_set(v, &format!("{pp}.{point}"), errs));
            }
        }
    }
    let multi = merge(
        &default_multi_point(),
        &sets.get("multiPoint").cloned().unwrap_or_default(),
    );
    let filter_set = sets.get("filter").cloned().unwrap_or_default();
    let score_set = sets.get("score").cloned().unwrap_or_default();
    let prefix = format!("creating profile for scheduler name {name}");
    let mut unknown = false;
    for set in [&multi].into_iter().chain(sets.values()) {
        for (n, _) in &set.enabled {
            if known(n).is_none() {
                errs.push(format!("{prefix}: plugin {n:?} does not exist"));
                unknown = true;
            }
        }
    }
    if unknown {
        return None;
    }
    for (point, set, check) in [
        (
            "filter",
            &filter_set,
            (|k: &crate::plugins::Known| k.filter) as fn(&crate::plugins::Known) -> bool,
        ),
        ("score", &score_set, |k: &crate::plugins::Known| k.score),
    ] {
        for (n, _) in &set.enabled {
            if known(n).is_some_and(|k| !check(k)) {
                errs.push(format!(
                    "{prefix}: plugin {n:?} does not extend {point} plugin"
                ));
            }
        }
    }
    let filters = expand(&multi, &filter_set, |n| known(n).is_some_and(|k| k.filter));
    let post_filter_set = sets.get("postFilter").cloned().unwrap_or_default();
    let post_filters: Vec<String> = expand(&multi, &post_filter_set, |n| {
        crate::plugins::POST_FILTER_PLUGINS.contains(&n)
    })
    .into_iter()
    .map(|(n, _)| n)
    .filter(|n| crate::plugins::POST_FILTER_PLUGINS.contains(&n.as_str()))
    .collect();
    let scores = expand(&multi, &score_set, |n| known(n).is_some_and(|k| k.score));

    // Plugin args.
    let cp = format!("{path}.pluginConfig");
    let mut configs: Vec<(String, Value, String)> = Vec::new();
    for (j, c) in array(m.get("pluginConfig"), &cp, errs).iter().enumerate() {
        let jp = format!("{cp}[{j}]");
        let Some(cm) = object(c, &jp, errs) else {
            continue;
        };
        check_fields(cm, &jp, &["name", "args"], errs);
        let Some(n) = string(cm.get("name"), &format!("{jp}.name"), errs) else {
            errs.push(required(&format!("{jp}.name"), ""));
            continue;
        };
        if configs.iter().any(|(o, _, _)| o == n) {
            errs.push(format!("{jp}: Duplicate value: {n:?}"));
            continue;
        }
        if known(n).is_none() {
            errs.push(format!("{prefix}: plugin {n:?} does not exist"));
            continue;
        }
        configs.push((
            n.to_string(),
            cm.get("args").cloned().unwrap_or(Value::Null),
            format!("{jp}.args"),
        ));
    }
    let mut plugins: Vec<(String, Plugin)> = Vec::new();
    let mut index_of = |name: &str, errs: &mut Vec<String>| -> usize {
        if let Some(i) = plugins.iter().position(|(n, _)| n == name) {
            return i;
        }
        let cfg = configs.iter().find(|(n, _, _)| n == name);
        let plugin = build_plugin(
            name,
            cfg.map(|c| &c.1),
            cfg.map_or("", |c| c.2.as_str()),
            errs,
        );
        plugins.push((name.to_string(), plugin));
        plugins.len() - 1
    };
    let filter_idx: Vec<usize> = filters.iter().map(|(n, _)| index_of(n, errs)).collect();
    let score_idx: Vec<(usize, i64)> = scores
        .iter()
        .map(|(n, w)| {
            // The weight given at the score point wins; then multiPoint's; 0 means 1.
            let w = score_set
                .enabled
                .iter()
                .find(|e| &e.0 == n)
                .map(|e| e.1)
                .filter(|w| *w > 0)
                .or_else(|| multi.enabled.iter().find(|e| &e.0 == n).map(|e| e.1))
                .unwrap_or(*w);
            (index_of(n, errs), if w == 0 { 1 } else { w as i64 })
        })
        .collect();
    // Args of plugins that are configured but not enabled are still validated, as upstream does.
    for (n, _, _) in configs.clone() {
        index_of(&n, errs);
    }
    Some(Profile {
        name,
        percentage: pct,
        plugins,
        filters: filter_idx,
        scores: score_idx,
        post_filters,
    })
}

/// Parses and validates a KubeSchedulerConfiguration given as a JSON value.
pub(crate) fn parse(cfg: &Value) -> Result<Vec<Profile>, ConfigError> {
    let mut errs = Vec::new();
    let Some(m) = cfg.as_object() else {
        return Err(ConfigError::one(format!(
            "couldn't decode {KIND}: expected an object, got {}",
            show(cfg)
        )));
    };
    let version = m
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or(API_VERSION);
    let kind = m.get("kind").and_then(Value::as_str).unwrap_or(KIND);
    if version != API_VERSION || kind != KIND {
        return Err(ConfigError::one(format!(
            "no kind {kind:?} is registered for version {version:?}"
        )));
    }
    for k in m.keys() {
        // Fields of the component config that concern the kube-scheduler process, not scheduling.
        const PROCESS: &[&str] = &[
            "parallelism",
            "leaderElection",
            "clientConnection",
            "healthzBindAddress",
            "metricsBindAddress",
            "enableProfiling",
            "enableContentionProfiling",
            "podInitialBackoffSeconds",
            "podMaxBackoffSeconds",
            "extenders",
            "delayCacheUntilActive",
        ];
        if !["apiVersion", "kind", "profiles", "percentageOfNodesToScore"].contains(&k.as_str())
            && !PROCESS.contains(&k.as_str())
        {
            errs.push(unknown_field(k));
        }
    }
    let global = percentage(
        m.get("percentageOfNodesToScore"),
        "percentageOfNodesToScore",
        &mut errs,
    );
    let list = array(m.get("profiles"), "profiles", &mut errs);
    let default_profile = [json!({})];
    let list: &[Value] = if list.is_empty() {
        &default_profile
    } else {
        list
    };
    let mut profiles = Vec::new();
    let mut names = BTreeSet::new();
    for (i, p) in list.iter().enumerate() {
        if let Some(profile) = parse_profile(p, i, list.len() == 1, global, &mut errs) {
            if !profile.name.is_empty() && !names.insert(profile.name.clone()) {
                errs.push(format!(
                    "profiles[{i}].schedulerName: Duplicate value: {:?}",
                    profile.name
                ));
            }
            profiles.push(profile);
        }
    }
    if errs.is_empty() {
        Ok(profiles)
    } else {
        Err(ConfigError { errors: errs })
    }
}

/// Kelsey Hightower's 2016 demo scheduler as a profile (also `examples/hightower.yaml`).
pub const HIGHTOWER_YAML: &str = include_str!("../examples/hightower.yaml");

/// The named configurations the UI offers: (id, title, description, KubeSchedulerConfiguration).
pub fn builtin_profiles() -> Vec<(&'static str, &'static str, &'static str, Value)> {
    let cfg =
        |profile: Value| json!({"apiVersion": API_VERSION, "kind": KIND, "profiles": [profile]});
    let hightower = kubeplay_api::parse_documents(HIGHTOWER_YAML)
        .ok()
        .and_then(|d| d.into_iter().next())
        .unwrap_or(Value::Null);
    vec![
        (
            "default",
            "Default (spread by LeastAllocated)",
            "kube-scheduler's default profile: every in-tree plugin with its default weight. \
             NodeResourcesFit scores the least allocated nodes highest, so pods spread out.",
            cfg(json!({"schedulerName": DEFAULT_SCHEDULER_NAME})),
        ),
        (
            "bin-packing",
            "Bin packing (MostAllocated)",
            "NodeResourcesFit scores the most allocated nodes highest: pods pack onto few nodes \
             like Tetris pieces, leaving whole nodes free (the upstream docs' bin-packing recipe).",
            cfg(json!({
                "schedulerName": DEFAULT_SCHEDULER_NAME,
                "pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {
                    "type": "MostAllocated",
                    "resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]
                }}}]
            })),
        ),
        (
            "spread",
            "Spread hard (LeastAllocated ×5)",
            "The default profile with NodeResourcesFit weighing 5 instead of 1: free capacity \
             dominates every other preference, so load evens out across nodes.",
            cfg(json!({
                "schedulerName": DEFAULT_SCHEDULER_NAME,
                "plugins": {"multiPoint": {"enabled": [{"name": "NodeResourcesFit", "weight": 5}]}}
            })),
        ),
        (
            "requested-to-capacity",
            "Tetris (RequestedToCapacityRatio)",
            "NodeResourcesFit with a custom utilisation curve: score 0 for an empty node rising \
             to 10 for a full one. Edit the shape to see how a curve becomes a placement policy.",
            cfg(json!({
                "schedulerName": DEFAULT_SCHEDULER_NAME,
                "pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {
                    "type": "RequestedToCapacityRatio",
                    "resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}],
                    "requestedToCapacityRatio": {"shape": [
                        {"utilization": 0, "score": 0}, {"utilization": 100, "score": 10}
                    ]}
                }}}]
            })),
        ),
        (
            "hightower",
            "Your own scheduler: Hightower's 2016 demo (CEL)",
            "A second scheduler, schedulerName \"hightower\": fits pods on CPU and picks the node \
             with the lowest hightower.com/cost annotation, written as CEL expressions. Pods \
             that name it stay Pending until it places them.",
            hightower,
        ),
    ]
}
