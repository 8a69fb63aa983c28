//! The cluster board: each node a Tetris well (height = CPU, width = memory), each pod a piece
//! sized by its requests, pending pods queued above; node and pod actions run kubectl commands.

use std::rc::Rc;

use kubeplay_view::wells::stack;
use kubeplay_view::{Board, CellScale, Density, NodeView, PieceBox, PodView};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// How many pods the board animates at most.
const DENSE_PODS: usize = 150;
/// How many pending pods are drawn; the rest are counted. A rollout of hundreds of pods would
/// otherwise create and move hundreds of elements at once, for a queue no one reads piece by piece.
const QUEUE_SHOWN: usize = 30;
/// A cell of a waiting piece, in pixels.
const QUEUE_CELL_PX: f64 = 12.0;
/// The largest node's CPU and memory, the cell and the density: wells are drawn to scale with
/// the largest node, pieces of cells (`kubeplay_view::wells`).
#[derive(Clone, Copy, PartialEq)]
struct Scale {
    cpu_millis: i64,
    memory_bytes: i64,
    density: Density,
    cells: CellScale,
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
    Well(PieceBox),
    Queue { rows: f64, columns: f64 },
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
        // Resting on the pieces below; `--top` is how far it falls from the well's rim.
        Place::Well(b) => format!(
            "bottom:{:.3}%;height:{:.3}%;width:{:.3}%;--rows:{:.3};--cols:{:.3};--top:{:.2};--hue:{};--light:{}%;--on:{on}",
            b.bottom_pct,
            b.height_pct,
            b.width_pct,
            b.rows,
            b.columns,
            (100.0 - b.bottom_pct - b.height_pct).max(0.0),
            p.hue,
            light
        ),
        // Waiting pieces in cells of the queue's own size, big ones shrunk to stay in a row.
        Place::Queue { rows, columns } => {
            let cell = (QUEUE_CELL_PX * 5.0 / rows.max(columns / 2.0)).min(QUEUE_CELL_PX);
            format!(
                "height:{:.0}px;width:{:.0}px;--rows:{rows:.3};--cols:{columns:.3};--hue:{};--light:{}%;--on:{on}",
                (rows * cell).max(14.0),
                (columns * cell).max(14.0),
                p.hue,
                light
            )
        }
    };
    let title = format!(
        "pod/{} — {} ({} ready), {}m CPU, {} MiB{}{}{}",
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
        },
        match p.cert_expires_in.as_deref() {
            Some("expired") => ", its TLS certificate has expired".to_string(),
            Some(left) => format!(", its TLS certificate expires in {left}"),
            None => String::new(),
        }
    );
    html! {
        <button
            class={classes!("pod", status_class(p), props.selected.then_some("selected"), p.best_effort.then_some("besteffort"), p.serving.then_some("serving"))}
            data-kind="pod" data-name={p.name.clone()} data-namespace={p.namespace.clone()} data-node={p.node.clone()}
            data-phase={p.phase.clone()} data-ready={if p.ready {"true"} else {"false"}} data-status={p.status.clone()}
            data-owner={p.owner.clone()} data-version={p.version.clone()} data-cert-expires-in={p.cert_expires_in.clone()}
            style={style} title={title.clone()} aria-label={title}>
            {short(&p.name)}
            if p.cert_expiring { <span class="cert-badge" data-testid="cert-badge" title="When the TLS certificate this app serves expires: from then on it answers no request">{p.cert_expires_in.clone().unwrap_or_default()}</span> }
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

fn well_pieces<'a>(
    node: &'a NodeView,
    cells: CellScale,
    selected: Option<&'a str>,
) -> impl Iterator<Item = Html> + 'a {
    node.pods.iter().zip(stack(node, cells)).map(move |(p, b)| {
        html! { <Piece key={p.name.clone()} pod={p.clone()} place={Place::Well(b)} selected={selected == Some(p.name.as_str())} /> }
    })
}

fn queue_pieces<'a>(
    pods: &'a [Rc<PodView>],
    cells: CellScale,
    selected: Option<&'a str>,
) -> impl Iterator<Item = Html> + 'a {
    pods.iter().map(move |p| {
        let (rows, columns) = cells.cells(p.cpu_millis, p.memory_bytes);
        html! { <Piece key={p.name.clone()} pod={p.clone()} place={Place::Queue { rows, columns }} selected={selected == Some(p.name.as_str())} /> }
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
    // Height to scale with the largest node's CPU (style.css turns the fraction into pixels
    // for the screen), width with its memory (at least a third, to stay legible).
    let height_frac =
        (n.cpu_allocatable_millis as f64 / scale.cpu_millis.max(1) as f64).clamp(0.34, 1.0);
    let well_width = (100.0 * n.memory_allocatable_bytes as f64 / scale.memory_bytes.max(1) as f64)
        .clamp(34.0, 100.0);
    let rows = (n.cpu_allocatable_millis as f64 / scale.cells.cpu_millis as f64).max(1.0);
    let columns = (n.memory_allocatable_bytes as f64 / scale.cells.memory_bytes as f64).max(1.0);
    let down = n.kubelet_stopped;
    html! {
        <div key={n.name.clone()} class={classes!("node", (!n.ready).then_some("notready"), down.then_some("down"), n.cordoned.then_some("cordoned"), n.fragmented.then_some("fragmented"), n.full.then_some("full"))}
             data-kind="node" data-name={n.name.clone()} data-status={n.status.clone()}
             data-kubelet={if down {"stopped"} else {"running"}} data-full={n.full.to_string()}>
            <div class="node-head">
                <span class="node-name">{&n.name}</span>
                <span class={classes!("badge", if n.ready {"ok"} else {"bad"})}>{&n.status}</span>
                if let Some(z) = &n.zone { <span class="zone" title="topology.kubernetes.io/zone">{z}</span> }
            </div>
            if let Some(ms) = n.not_ready_in_ms {
                <div class="evict" data-testid="not-ready-countdown" title="The machine failed: its kubelet stopped posting status. The node lifecycle controller marks the node NotReady when none has come for its grace period (40 s), then taints it">
                    { if ms > 0 { format!("kubelet stopped · NotReady in {}", kubeplay_api::summary::human_duration(ms)) } else { "kubelet stopped · NotReady now".to_string() } }
                </div>
            }
            if let Some(ms) = n.eviction_in_ms {
                <div class="evict" data-testid="eviction" title="Taint-based eviction: its pods tolerate the NoExecute taint for tolerationSeconds (300 s by default), then are deleted and replaced elsewhere">
                    { if ms > 0 { format!("pods evicted in {}", kubeplay_api::summary::human_duration(ms)) } else { "evicting pods".to_string() } }
                </div>
            }
            <div class="taints">
                { for n.taints.iter().map(|t| html!{ <span class="taint" title="taint">{t}</span> }) }
            </div>
            <div class="well" role="group" aria-label={format!("Pods on {}", n.name)} onclick={on_piece_click(on_select)}
                 style={format!("--frac:{height_frac:.3};width:{well_width:.0}%;--well-rows:{rows:.2};--well-cols:{columns:.2}")}>
                <div class="free" style={format!("height:{:.1}%", 100.0 * free_cpu as f64 / n.cpu_allocatable_millis.max(1) as f64)}
                     title={if n.fragmented {"Room left that no pending pod fits in: fragmentation"} else if n.full {"Full: no pending pod fits here"} else {"Unrequested CPU"}}></div>
                // The keyed pieces alone in their own element: beside other children, Yew rebuilt
                // them when one was added, and each rebuilt piece fell again.
                <div class="stack">{ for well_pieces(n, scale.cells, selected.as_deref()) }</div>
                if down {
                    // A crack across the machine: drawn, not a picture, so the CSP needs nothing.
                    <svg class="crack" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">
                        <polyline points="58,0 46,18 60,31 41,52 55,66 38,84 47,100" />
                    </svg>
                }
                if n.full { <span class="full-tag" data-testid="well-full">{"full"}</span> }
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
        cpu_millis: b.max_cpu_millis,
        memory_bytes: b.max_memory_bytes,
        density: b.density,
        cells: b.cells,
    };
    let close = {
        let on_select = props.on_select.clone();
        Callback::from(move |_| on_select.emit(None))
    };
    html! {
        <>
        <div class="board-scroll">
        <crate::requests::RequestsOverlay requests={b.requests.clone()} now={b.now} />
        <div class="pending" aria-label="Pending pods" onclick={on_piece_click(&props.on_select)}>
            <span class="pending-title">{format!("Pending ({})", b.pending.len())}</span>
            { for queue_pieces(&b.pending[..b.pending.len().min(QUEUE_SHOWN)], b.cells, props.selected.as_deref()) }
            if b.pending.len() > QUEUE_SHOWN { <span class="more" data-testid="pending-more">{format!("+{} more", b.pending.len() - QUEUE_SHOWN)}</span> }
            if b.pending.is_empty() { <span class="hint">{"Pods wait here for the scheduler, then fall into a node."}</span> }
        </div>
        // Past a few hundred pieces the board stops animating drops: the picture stays readable
        // and the frame rate stays up (docs/BENCHMARKS.md).
        if b.map {
            <crate::board_map::BoardMap board={b.clone()} selected={props.selected.clone()} on_select={props.on_select.clone()} />
        } else {
        <div class="nodes" data-dense={(b.nodes.iter().map(|n| n.pods.len()).sum::<usize>() > DENSE_PODS).to_string()}
             data-density={scale.density.name()}>
            { for b.nodes.iter().map(|n| {
                let sel = props.selected.clone().filter(|s| n.pods.iter().any(|p| &p.name == s));
                html! { <NodeWell key={n.name.clone()} node={n.clone()} scale={scale} selected={sel} on_select={props.on_select.clone()} on_command={props.on_command.clone()} /> }
            }) }
            if b.nodes.is_empty() { <p class="hint">{"No nodes. Add one: node add node-1 --cpu 4 --memory 8Gi"}</p> }
        </div>
        }
        <details class="legend" open=true>
            <summary>{"How to read the board"}</summary>
            <ul>
                <li data-testid="cell-scale">{format!("One cell = {}. ", b.cells.describe())}{"Each node is a well, drawn to scale with the largest node: its height is the CPU it can allocate, its width the memory. A piece's height is the CPU its pod requests, its width the memory; a pod asking for less than a cell is drawn as one."}</li>
                <li>{"Colour is the workload; a lighter or darker shade is another version (ReplicaSet) of it."}</li>
                <li><span class="swatch st-creating"></span>{"creating "}<span class="swatch st-running"></span>{"running, not ready "}<span class="swatch st-ready"></span>{"ready "}
                    <span class="swatch st-terminating"></span>{"terminating "}<span class="swatch st-crash"></span>{"crash-looping "}<span class="swatch st-pullerr"></span>{"image pull failing"}</li>
                <li>{"Keys: "}{ for crate::presenter::SHORTCUTS.iter().map(|(k, what)| html! { <><kbd>{*k}</kbd>{format!(" {what}  ")}</> }) }</li>
                <li>{"A red rim: the well is full for the pods waiting (none fits). Hatched red space: room left that no pending pod fits in (fragmentation). A cracked grey well: the machine failed, and its kubelet stopped; the node turns NotReady 40 s later. Dashed pieces set no requests: they are drawn at the scheduler's default size (100m CPU, 200 MiB)."}</li>
                <li>{"A finished pod (a Job's, Completed or Failed) takes no room any more: its piece leaves the stack, the pieces above it fall, and it hangs one cell high and grey from the top of its well until the pod is deleted."}</li>
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
