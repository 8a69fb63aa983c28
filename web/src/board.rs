//! The cluster board: each node a Tetris well (height = CPU, width = memory), each pod a piece
//! sized by its requests, pending pods queued above; node and pod actions run kubectl commands.

use std::rc::Rc;

use kubeplay_view::{Board, NodeView, PodView};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// How many pods the board animates at most.
const DENSE_PODS: usize = 150;
/// How many pending pods are drawn; the rest are counted. A rollout of hundreds of pods would
/// otherwise create and move hundreds of elements at once, for a queue no one reads piece by piece.
const QUEUE_SHOWN: usize = 30;
/// How the board fits its nodes on a screen: few nodes get large wells with every detail, many
/// get small wells so that the whole cluster stays in view (style.css `.nodes[data-density]`).
#[derive(Clone, Copy, PartialEq)]
enum Density {
    Normal,
    Compact,
    Tiny,
}

impl Density {
    fn of(nodes: usize) -> Density {
        match nodes {
            0..=6 => Density::Normal,
            7..=16 => Density::Compact,
            _ => Density::Tiny,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Density::Normal => "normal",
            Density::Compact => "compact",
            Density::Tiny => "tiny",
        }
    }
    /// The height of the largest node's well, in pixels (set on the well; style.css has the
    /// normal one as a default).
    fn well_px(self) -> f64 {
        match self {
            Density::Normal => 240.0,
            Density::Compact => 150.0,
            Density::Tiny => 72.0,
        }
    }
}

/// The largest node's CPU and memory: wells are drawn to scale with it, so a small node looks
/// small next to a big one.
#[derive(Clone, Copy, PartialEq)]
struct Scale {
    cpu_millis: i64,
    memory_bytes: i64,
    density: Density,
}

#[derive(Properties, PartialEq)]
pub struct BoardProps {
    pub board: Rc<Board>,
    /// The scheduler's recorded decision for the selected pod.
    pub inspection: Option<kubeplay_view::Inspection>,
    pub selected: Option<String>,
    pub on_select: Callback<Option<String>>,
    pub on_command: Callback<String>,
}

/// The piece's look for each of kubectl's statuses, so they can be told apart at a glance.
fn status_class(p: &PodView) -> &'static str {
    if p.terminating {
        return "st-terminating";
    }
    match p.status.as_str() {
        "Running" if p.ready => "st-ready",
        "Running" => "st-running",
        "ContainerCreating" | "PodInitializing" => "st-creating",
        "CrashLoopBackOff" | "Error" | "OOMKilled" => "st-crash",
        "ImagePullBackOff" | "ErrImagePull" | "InvalidImageName" => "st-pullerr",
        "Pending" => "st-pending",
        "Completed" | "Succeeded" => "st-done",
        _ => "st-other",
    }
}

fn short(name: &str) -> &str {
    name.rsplit('-').next().unwrap_or(name)
}

/// Where a piece is drawn: in a node's well (its size relative to the node's allocatable) or in
/// the pending queue (a square whose area grows with the CPU it asks for).
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Well { cpu_pct: f64, mem_pct: f64 },
    Queue,
}

#[derive(Properties, PartialEq)]
struct PieceProps {
    pod: Rc<PodView>,
    place: Place,
    selected: bool,
}

/// One pod: a component, so that only the pieces whose pod changed are redrawn. Clicks are
/// handled once per well or queue (`on_piece_click`), not by a listener per piece.
#[function_component(Piece)]
fn piece(props: &PieceProps) -> Html {
    let p = &props.pod;
    let light = kubeplay_view::piece_lightness(&p.version);
    let on = kubeplay_view::ink_on(p.hue, kubeplay_view::PIECE_SATURATION, light);
    let style = match props.place {
        // A minimum size keeps small pieces visible and clickable; the legend says so.
        Place::Well { cpu_pct, mem_pct } => format!(
            "height:max(var(--min-piece),{:.2}%);width:{:.2}%;--hue:{};--light:{}%;--on:{on}",
            cpu_pct.min(100.0),
            mem_pct.clamp(28.0, 100.0),
            p.hue,
            light
        ),
        Place::Queue => {
            let side = ((p.cpu_millis as f64).sqrt() * 1.6).clamp(18.0, 64.0);
            format!(
                "height:{side:.0}px;width:{side:.0}px;--hue:{};--light:{}%;--on:{on}",
                p.hue, light
            )
        }
    };
    let title = format!(
        "pod/{} — {} ({} ready), {}m CPU, {} MiB{}{}",
        p.name,
        p.status,
        p.ready_text,
        p.cpu_millis,
        p.memory_bytes / (1024 * 1024),
        if p.best_effort {
            " (no requests: sized by the scheduler's defaults)"
        } else {
            ""
        },
        if p.node.is_empty() {
            ", waiting for a node".to_string()
        } else {
            format!(", on {}", p.node)
        }
    );
    html! {
        <button
            class={classes!("pod", status_class(p), props.selected.then_some("selected"), p.best_effort.then_some("besteffort"), p.serving.then_some("serving"))}
            data-kind="pod" data-name={p.name.clone()} data-namespace={p.namespace.clone()} data-node={p.node.clone()}
            data-phase={p.phase.clone()} data-ready={if p.ready {"true"} else {"false"}} data-status={p.status.clone()}
            data-owner={p.owner.clone()} data-version={p.version.clone()}
            style={style} title={title.clone()} aria-label={title}>
            {short(&p.name)}
        </button>
    }
}

/// A click (or Enter/Space) on a piece inside `e`'s container selects its pod.
fn on_piece_click(on_select: &Callback<Option<String>>) -> Callback<MouseEvent> {
    let on_select = on_select.clone();
    Callback::from(move |e: MouseEvent| {
        let name = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-kind=pod]").ok().flatten())
            .and_then(|el| el.get_attribute("data-name"));
        if let Some(name) = name {
            on_select.emit(Some(name));
        }
    })
}

fn pieces<'a>(
    pods: &'a [Rc<PodView>],
    node: Option<&'a NodeView>,
    selected: Option<&'a str>,
) -> impl Iterator<Item = Html> + 'a {
    pods.iter().map(move |p| {
        let place = match node {
            Some(n) => Place::Well {
                cpu_pct: 100.0 * p.cpu_millis as f64 / n.cpu_allocatable_millis.max(1) as f64,
                mem_pct: 100.0 * p.memory_bytes as f64 / n.memory_allocatable_bytes.max(1) as f64,
            },
            None => Place::Queue,
        };
        html! { <Piece key={p.name.clone()} pod={p.clone()} place={place} selected={selected == Some(p.name.as_str())} /> }
    })
}

#[derive(Properties, PartialEq)]
struct NodeWellProps {
    pub node: Rc<NodeView>,
    scale: Scale,
    /// The selected pod, only when it is on this node (so other nodes' props stay equal).
    pub selected: Option<String>,
    pub on_select: Callback<Option<String>>,
    pub on_command: Callback<String>,
}

/// One node's well: a component, so an unchanged node is not redrawn.
#[function_component(NodeWell)]
fn node_well(props: &NodeWellProps) -> Html {
    let NodeWellProps {
        node: n,
        scale,
        selected,
        on_select,
        on_command,
    } = props;
    let cpu_pct = 100 * n.cpu_requested_millis / n.cpu_allocatable_millis.max(1);
    let mem_pct = 100 * n.memory_requested_bytes / n.memory_allocatable_bytes.max(1);
    let cmd = |c: String| {
        let on_command = on_command.clone();
        Callback::from(move |_| on_command.emit(c.clone()))
    };
    let name = &n.name;
    let cordon = if n.cordoned {
        format!("kubectl uncordon {name}")
    } else {
        format!("kubectl cordon {name}")
    };
    let fail = if n.ready {
        format!("node fail {name}")
    } else {
        format!("node restore {name}")
    };
    let free_cpu = (n.cpu_allocatable_millis - n.cpu_requested_millis).max(0);
    // Height to scale with the largest node's CPU, width with its memory (at least a third, to
    // stay legible).
    let well_px = scale.density.well_px()
        * (n.cpu_allocatable_millis as f64 / scale.cpu_millis.max(1) as f64).clamp(0.34, 1.0);
    let well_width = (100.0 * n.memory_allocatable_bytes as f64 / scale.memory_bytes.max(1) as f64)
        .clamp(34.0, 100.0);
    // Pieces are at least 18px high to stay readable and clickable, less when that many would
    // not fit: minimum-size pieces fill at most half the well, which must not look much fuller
    // than the node is.
    let min_piece = (well_px / (2 * n.pods.len().max(1)) as f64).clamp(3.0, 18.0) - 1.0;
    html! {
        <div key={n.name.clone()} class={classes!("node", (!n.ready).then_some("notready"), n.cordoned.then_some("cordoned"), n.fragmented.then_some("fragmented"))}
             data-kind="node" data-name={n.name.clone()} data-status={n.status.clone()}>
            <div class="node-head">
                <span class="node-name">{&n.name}</span>
                <span class={classes!("badge", if n.ready {"ok"} else {"bad"})}>{&n.status}</span>
                if let Some(z) = &n.zone { <span class="zone" title="topology.kubernetes.io/zone">{z}</span> }
            </div>
            if let Some(ms) = n.eviction_in_ms {
                <div class="evict" data-testid="eviction" title="Taint-based eviction: its pods tolerate the NoExecute taint for tolerationSeconds (300 s by default), then are deleted and replaced elsewhere">
                    { if ms > 0 { format!("pods evicted in {}", kubeplay_api::summary::human_duration(ms)) } else { "evicting pods".to_string() } }
                </div>
            }
            <div class="taints">
                { for n.taints.iter().map(|t| html!{ <span class="taint" title="taint">{t}</span> }) }
            </div>
            <div class="well" role="group" aria-label={format!("Pods on {}", n.name)} onclick={on_piece_click(on_select)}
                 style={format!("height:{well_px:.0}px;width:{well_width:.0}%;--min-piece:{min_piece:.0}px")}>
                <div class="free" style={format!("height:{:.1}%", 100.0 * free_cpu as f64 / n.cpu_allocatable_millis.max(1) as f64)}
                     title={if n.fragmented {"Room left that no pending pod fits in: fragmentation"} else {"Unrequested CPU"}}></div>
                { for pieces(&n.pods, Some(n), selected.as_deref()) }
            </div>
            <div class="util" aria-label="Requested over allocatable">
                <div class="bar"><span style={format!("width:{}%", cpu_pct.min(100))}></span><label>{format!("CPU {}m / {}m", n.cpu_requested_millis, n.cpu_allocatable_millis)}</label></div>
                <div class="bar mem"><span style={format!("width:{}%", mem_pct.min(100))}></span><label>{format!("mem {} / {} MiB", n.memory_requested_bytes >> 20, n.memory_allocatable_bytes >> 20)}</label></div>
                <div class="podcount">{format!("{} / {} pods", n.pods.len(), n.pods_allocatable)}</div>
            </div>
            <div class="node-actions">
                <button onclick={cmd(cordon)} title="Mark the node (un)schedulable">{ if n.cordoned {"Uncordon"} else {"Cordon"} }</button>
                <button onclick={cmd(format!("kubectl drain {name} --ignore-daemonsets --delete-emptydir-data"))} title="Cordon and evict its pods">{"Drain"}</button>
                <button class="danger" onclick={cmd(fail)} title="Simulate the machine failing or coming back">{ if n.ready {"Fail"} else {"Restore"} }</button>
            </div>
        </div>
    }
}

#[function_component(BoardView)]
pub fn board_view(props: &BoardProps) -> Html {
    let b = &props.board;
    let selected_pod = props.selected.as_ref().and_then(|s| {
        b.nodes
            .iter()
            .flat_map(|n| n.pods.iter())
            .chain(b.pending.iter())
            .find(|p| &p.name == s)
    });
    let scale = Scale {
        cpu_millis: b
            .nodes
            .iter()
            .map(|n| n.cpu_allocatable_millis)
            .max()
            .unwrap_or(1),
        memory_bytes: b
            .nodes
            .iter()
            .map(|n| n.memory_allocatable_bytes)
            .max()
            .unwrap_or(1),
        density: Density::of(b.nodes.len()),
    };
    let close = {
        let on_select = props.on_select.clone();
        Callback::from(move |_| on_select.emit(None))
    };
    html! {
        <>
        <div class="board-scroll">
        <div class="pending" aria-label="Pending pods" onclick={on_piece_click(&props.on_select)}>
            <span class="pending-title">{format!("Pending ({})", b.pending.len())}</span>
            { for pieces(&b.pending[..b.pending.len().min(QUEUE_SHOWN)], None, props.selected.as_deref()) }
            if b.pending.len() > QUEUE_SHOWN { <span class="more" data-testid="pending-more">{format!("+{} more", b.pending.len() - QUEUE_SHOWN)}</span> }
            if b.pending.is_empty() { <span class="hint">{"Pods wait here for the scheduler, then fall into a node."}</span> }
        </div>
        // Past a few hundred pieces the board stops animating drops: the picture stays readable
        // and the frame rate stays up (docs/BENCHMARKS.md).
        <div class="nodes" data-dense={(b.nodes.iter().map(|n| n.pods.len()).sum::<usize>() > DENSE_PODS).to_string()}
             data-density={scale.density.name()}>
            { for b.nodes.iter().map(|n| {
                let sel = props.selected.clone().filter(|s| n.pods.iter().any(|p| &p.name == s));
                html! { <NodeWell key={n.name.clone()} node={n.clone()} scale={scale} selected={sel} on_select={props.on_select.clone()} on_command={props.on_command.clone()} /> }
            }) }
            if b.nodes.is_empty() { <p class="hint">{"No nodes. Add one: node add node-1 --cpu 4 --memory 8Gi"}</p> }
        </div>
        <details class="legend" open=true>
            <summary>{"How to read the board"}</summary>
            <ul>
                <li>{"Each node is a well, drawn to scale with the largest node: its height is the CPU it can allocate, its width the memory. A piece's height is the CPU its pod requests, its width the memory."}</li>
                <li>{"Colour is the workload; a lighter or darker shade is another version (ReplicaSet) of it."}</li>
                <li><span class="swatch st-creating"></span>{"creating "}<span class="swatch st-running"></span>{"running, not ready "}<span class="swatch st-ready"></span>{"ready "}
                    <span class="swatch st-terminating"></span>{"terminating "}<span class="swatch st-crash"></span>{"crash-looping "}<span class="swatch st-pullerr"></span>{"image pull failing"}</li>
                <li>{"Keys: "}{ for crate::presenter::SHORTCUTS.iter().map(|(k, what)| html! { <><kbd>{*k}</kbd>{format!(" {what}  ")}</> }) }</li>
                <li>{"Hatched red space: room left that no pending pod fits in (fragmentation). Dashed pieces set no requests: they are drawn at the scheduler's default size (100m CPU, 200 MiB) and at least big enough to click."}</li>
            </ul>
        </details>
        </div>
        if let Some(p) = selected_pod {
            <div class="pod-card" data-testid="pod-details" role="dialog" aria-label={format!("Pod {}", p.name)}>
                <div class="card-head"><strong>{format!("pod/{}", p.name)}</strong><button onclick={close} aria-label="Close">{"✕"}</button></div>
                <dl>
                    <dt>{"Status"}</dt><dd>{format!("{} ({} ready, {} restarts)", p.status, p.ready_text, p.restarts)}</dd>
                    <dt>{"Node"}</dt><dd>{ if p.node.is_empty() { "— (Pending)".to_string() } else { p.node.clone() } }</dd>
                    <dt>{"Owner"}</dt><dd>{format!("{} · revision {}", p.owner, p.revision.map(|r| r.to_string()).unwrap_or("–".into()))}</dd>
                    <dt>{"Image"}</dt><dd>{&p.image}</dd>
                    <dt>{"Requests"}</dt><dd>{format!("{}m CPU, {} MiB{}", p.cpu_millis, p.memory_bytes >> 20, if p.best_effort {" (defaults)"} else {""})}</dd>
                </dl>
                if let Some(i) = &props.inspection { <crate::inspector::InspectorView inspection={i.clone()} /> }
                <div class="card-actions">
                    <button onclick={{ let c = props.on_command.clone(); let n = p.name.clone(); Callback::from(move |_| c.emit(format!("kubectl describe pod {n}"))) }}>{"Describe"}</button>
                    <button class="danger" onclick={{ let c = props.on_command.clone(); let n = p.name.clone(); Callback::from(move |_| c.emit(format!("kubectl delete pod {n}"))) }}>{"Delete pod"}</button>
                </div>
            </div>
        }
        </>
    }
}
