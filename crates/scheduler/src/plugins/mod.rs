//! The in-tree plugins the playground simulates, by their upstream names, and the names of those it
//! accepts in a configuration without simulating them.

pub mod basic;
pub mod celsched;
pub mod interpod;
pub mod nodeports;
pub mod noderesources;
pub mod spread;
pub mod volumes;

/// A configured plugin instance.
#[derive(Debug)]
pub(crate) enum Plugin {
    NodeUnschedulable,
    NodeName,
    TaintToleration,
    NodeAffinity(basic::NodeAffinityArgs),
    NodePorts,
    NodeResourcesFit(noderesources::FitArgs),
    BalancedAllocation(noderesources::BalancedArgs),
    PodTopologySpread(spread::SpreadArgs),
    InterPodAffinity(interpod::Args),
    ImageLocality,
    /// DynamicResources with no ResourceClaims (the playground models none): its PreFilter
    /// skips and it scores 0 on every node, as upstream's does for a pod without claims.
    DynamicResources,
    Cel(Box<celsched::CelArgs>),
    VolumeRestrictions,
    VolumeBinding,
    /// Accepted by name, not simulated: queue sort (see `queue_less`), binding, preemption (its
    /// PostFilter message is, see `framework`), NodeVolumeLimits and VolumeZone (the
    /// playground's volumes have no attach limits or zones of their own).
    NotSimulated,
}

/// The PostFilter plugins, in the order upstream's default profile runs them.
pub(crate) const POST_FILTER_PLUGINS: &[&str] = &["DynamicResources", "DefaultPreemption"];

/// What a plugin implements, as upstream registers it.
pub(crate) struct Known {
    pub name: &'static str,
    pub filter: bool,
    pub score: bool,
    /// Score weight in the default MultiPoint set (0: not a default score plugin).
    pub default_weight: i32,
    pub default: bool,
}

const fn k(name: &'static str, filter: bool, score: bool, w: i32, default: bool) -> Known {
    Known {
        name,
        filter,
        score,
        default_weight: w,
        default,
    }
}

/// Every plugin name a configuration may use, default ones in upstream's MultiPoint order
/// (`default_plugins.go`, v1.35, DynamicResourceAllocation on).
pub(crate) const KNOWN: &[Known] = &[
    k("SchedulingGates", false, false, 0, true),
    k("PrioritySort", false, false, 0, true),
    k("NodeUnschedulable", true, false, 0, true),
    k("NodeName", true, false, 0, true),
    k("TaintToleration", true, true, 3, true),
    k("NodeAffinity", true, true, 2, true),
    k("NodePorts", true, false, 0, true),
    k("NodeResourcesFit", true, true, 1, true),
    k("VolumeRestrictions", true, false, 0, true),
    k("NodeVolumeLimits", true, false, 0, true),
    k("VolumeBinding", true, false, 0, true),
    k("VolumeZone", true, false, 0, true),
    k("PodTopologySpread", true, true, 2, true),
    k("InterPodAffinity", true, true, 2, true),
    k("DynamicResources", true, true, 2, true),
    k("DefaultPreemption", false, false, 0, true),
    k("NodeResourcesBalancedAllocation", false, true, 1, true),
    k("ImageLocality", false, true, 1, true),
    k("DefaultBinder", false, false, 0, true),
    k(celsched::NAME, true, true, 0, false),
];

pub(crate) fn known(name: &str) -> Option<&'static Known> {
    KNOWN.iter().find(|p| p.name == name)
}
