//! The scheduler inspector: for the selected pod, each node's filter verdicts, raw and weighted
//! scores, the chosen node, and why the others lost — or, for a pending pod, why nothing fits.

use kubeplay_view::Inspection;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub inspection: Inspection,
}

fn short_plugin(p: &str) -> String {
    // Column headers: upstream names, shortened where long (full names in the title).
    p.replace("NodeResources", "")
        .replace("BalancedAllocation", "Balanced")
        .replace("PodTopologySpread", "Spread")
        .replace("InterPodAffinity", "PodAffinity")
}

/// Why a placed pod has no decision to show. Past `RECORD_DECISIONS_UP_TO_NODES` nodes the
/// scheduler records only the chosen node (a record of every node per pod would slow a
/// 1,000-node cluster); the sentence names the limit so the map's pods do not look unexplained.
fn not_recorded() -> String {
    format!(
        "No scheduling decision was recorded for this pod: it names its node, no scheduler of the \
         playground serves it, or the cluster has more than {} nodes (past that, only the chosen \
         node is recorded).",
        kubeplay_engine::RECORD_DECISIONS_UP_TO_NODES
    )
}

#[function_component(InspectorView)]
pub fn inspector_view(props: &InspectorProps) -> Html {
    let i = &props.inspection;
    if i.nodes.is_empty() {
        return html! {
            <div class="inspector" data-testid="inspector">
                <p class="hint">{ if i.unschedulable.is_some() { "The scheduler has not examined any node yet.".to_string() } else { not_recorded() } }</p>
            </div>
        };
    }
    html! {
        <div class="inspector" data-testid="inspector">
            <div class="insp-head">
                {format!("{} decided: ", i.scheduler)}
                if let Some(n) = &i.selected { <strong data-testid="inspector-selected">{format!("{n}")}</strong> }
                if let Some(msg) = &i.unschedulable { <span class="unsched" data-testid="inspector-unschedulable">{msg}</span> }
            </div>
            <table>
                <thead><tr>
                    <th>{"Node"}</th><th>{"Filters"}</th>
                    { for i.plugins.iter().map(|p| html!{ <th title={format!("{p}: raw score → normalised × weight")}>{short_plugin(p)}</th> }) }
                    <th>{"Total"}</th>
                </tr></thead>
                <tbody>
                { for i.nodes.iter().map(|n| html! {
                    <tr class={classes!(n.chosen.then_some("chosen"), (!n.passed).then_some("filtered"))} data-node={n.node.clone()}>
                        <td>{ if n.chosen { format!("★ {}", n.node) } else { n.node.clone() } }</td>
                        <td>{ if n.passed { html!{ <span class="pass">{"all passed"}</span> } } else {
                            html!{ { for n.filters.iter().filter(|(_, v)| v != "passed").map(|(p, v)| html!{ <div class="fail" title={p.clone()}>{v}</div> }) } }
                        } }</td>
                        { for n.scores.iter().map(|(raw, fin)| html!{
                            <td class="num">{ match (raw, fin) { (Some(r), Some(f)) => format!("{r} → {f}"), (None, Some(f)) => format!("{f}"), _ => "–".into() } }</td>
                        }) }
                        <td class="num total">{ n.total.map(|t| t.to_string()).unwrap_or_else(|| "–".into()) }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            <ul class="why">
                { for i.nodes.iter().filter_map(|n| n.why_not.as_ref().map(|w| html!{ <li><strong>{&n.node}</strong>{": "}{w}</li> })) }
            </ul>
        </div>
    }
}
