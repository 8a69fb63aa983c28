//! Side panels: rollouts with their ReplicaSets and budget, Services with endpoints and traffic,
//! the traffic chart with its failures split by cause, and the controllers' recent decisions.

use std::collections::BTreeMap;

use kubeplay_engine::{Activity, FailureCause, FailureCounts, TrafficSample};
use kubeplay_view::{DeploymentView, EventView, ServiceView};
use web_sys::HtmlInputElement;
use yew::prelude::*;

fn emit(on: &Callback<String>, cmd: String) -> Callback<MouseEvent> {
    let on = on.clone();
    Callback::from(move |_| on.emit(cmd.clone()))
}

#[derive(Properties, PartialEq)]
pub struct RolloutProps {
    pub deployments: Vec<DeploymentView>,
    pub on_command: Callback<String>,
}

#[function_component(RolloutPanel)]
pub fn rollout_panel(props: &RolloutProps) -> Html {
    let image_input = use_node_ref();
    html! {
        <section class="panel" aria-label="Deployments">
            <h2>{"Deployments"}</h2>
            if props.deployments.is_empty() { <p class="hint">{"No deployments yet."}</p> }
            { for props.deployments.iter().map(|d| {
                let name = &d.name;
                let set_image = {
                    let on = props.on_command.clone();
                    let input = image_input.clone();
                    let name = name.clone();
                    let container_image = d.image.clone();
                    Callback::from(move |_| {
                        let Some(el) = input.cast::<HtmlInputElement>() else { return };
                        let img = el.value();
                        let img = if img.trim().is_empty() { container_image.clone() } else { img };
                        on.emit(format!("kubectl set image deployment/{name} *={img}"));
                    })
                };
                html! {
                <div class="deploy" key={d.name.clone()} data-kind="deployment" data-name={d.name.clone()} style={format!("--hue:{}", d.hue)}>
                    <div class="deploy-head">
                        <strong>{&d.name}</strong>
                        <span class="counts" title="ready / up-to-date / available of desired">{format!("{}/{} ready · {} up-to-date · {} available", d.ready, d.replicas, d.updated, d.available)}</span>
                    </div>
                    if d.rolling_out {
                        <div class="budget" title="The rollout's budget, from maxSurge and maxUnavailable">
                            {format!("{} rollout: {} pods now, at most {} (replicas + maxSurge {}); at least {} available (replicas − maxUnavailable {})",
                                d.strategy, d.pods_now, d.replicas as i64 + d.max_surge, d.max_surge, (d.replicas as i64 - d.max_unavailable).max(0), d.max_unavailable)}
                        </div>
                    }
                    { for d.replica_sets.iter().map(|r| html! {
                        <div class={classes!("rs", r.is_new.then_some("new"))} data-kind="replicaset" data-name={r.name.clone()}>
                            <span class="rs-name">{format!("rev {} · {}", r.revision, r.name)}</span>
                            <span class="rs-image">{&r.image}</span>
                            <span class="rs-bar"><span style={format!("width:{}%", if d.replicas > 0 { 100 * r.ready / d.replicas.max(1) } else { 0 })}></span></span>
                            <span class="rs-count">{format!("{}/{}", r.ready, r.desired)}</span>
                        </div>
                    }) }
                    <div class="deploy-actions">
                        <button onclick={emit(&props.on_command, format!("kubectl scale deployment/{name} --replicas={}", (d.replicas - 1).max(0)))} aria-label={format!("−1 replica: scale {name} down by one")}>{"−1"}</button>
                        <button onclick={emit(&props.on_command, format!("kubectl scale deployment/{name} --replicas={}", d.replicas + 1))} aria-label={format!("+1 replica: scale {name} up by one")}>{"+1"}</button>
                        <input ref={image_input.clone()} class="image-input" type="text" placeholder="new image, e.g. nginx:1.11" aria-label={format!("New image for {name}")} />
                        <button onclick={set_image}>{"Set image"}</button>
                        <button onclick={emit(&props.on_command, format!("kubectl rollout undo deployment/{name}"))}>{"Undo"}</button>
                    </div>
                </div>
            }}) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ServiceProps {
    pub services: Vec<ServiceView>,
    pub on_command: Callback<String>,
}

#[function_component(ServicePanel)]
pub fn service_panel(props: &ServiceProps) -> Html {
    let services: Vec<&ServiceView> = props
        .services
        .iter()
        .filter(|s| !(s.namespace == "default" && s.name == "kubernetes"))
        .collect();
    html! {
        <section class="panel" aria-label="Services">
            <h2>{"Services"}</h2>
            if services.is_empty() { <p class="hint">{"Expose a deployment: kubectl expose deployment nginx --port=80"}</p> }
            { for services.iter().map(|s| {
                let target = format!("svc/{}", s.name);
                html! {
                <div class="svc" key={s.name.clone()} data-kind="service" data-name={s.name.clone()}>
                    <div><strong>{&s.name}</strong>{format!(" {} {} {}", s.type_, s.cluster_ip, s.ports)}</div>
                    <div class="endpoints" title="Ready endpoints receive traffic">
                        {format!("{} ready endpoint(s)", s.endpoints.len())}
                        if !s.not_ready.is_empty() { {format!(", {} not ready", s.not_ready.len())} }
                    </div>
                    <div class="svc-actions">
                        if let Some(rps) = s.traffic_rps {
                            <span class="live">{format!("sending {rps} req/s")}</span>
                            <button onclick={emit(&props.on_command, "traffic stop".into())}>{"Stop traffic"}</button>
                        } else {
                            <button onclick={emit(&props.on_command, format!("traffic {target} --rps 50"))}>{"Send 50 req/s"}</button>
                        }
                    </div>
                </div>
            }}) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct TrafficProps {
    pub samples: std::rc::Rc<Vec<TrafficSample>>,
    /// (ok, failed) since traffic started.
    pub totals: (u64, u64),
    /// The failed requests of `totals` by cause.
    #[prop_or_default]
    pub failures: FailureCounts,
}

#[function_component(TrafficPanel)]
pub fn traffic_panel(props: &TrafficProps) -> Html {
    if props.samples.is_empty() {
        return html! {};
    }
    // One bar per second (summed over Services): successes by version, failures on top, one
    // colour per cause.
    let mut per_second: BTreeMap<i64, (FailureCounts, BTreeMap<String, u32>)> = BTreeMap::new();
    for s in props.samples.iter() {
        let e = per_second.entry(s.time.millis()).or_default();
        e.0.merge(&s.failures);
        for (v, n) in &s.versions {
            *e.1.entry(v.clone()).or_default() += n;
        }
    }
    let max = per_second
        .values()
        .map(|(f, v)| f.total() + u64::from(v.values().sum::<u32>()))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let versions: Vec<String> = {
        let mut v: Vec<String> = per_second
            .values()
            .flat_map(|(_, m)| m.keys().cloned())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    // The causes the chart shows, for its legend: those in the last minute or in the totals.
    let causes: Vec<FailureCause> = FailureCause::ALL
        .into_iter()
        .filter(|c| props.failures.get(*c) > 0 || per_second.values().any(|(f, _)| f.get(*c) > 0))
        .collect();
    let (total_ok, total_failed) = props.totals;
    let n = per_second.len().max(1) as f64;
    let bw = 300.0 / 60.0;
    let bars = per_second.iter().enumerate().map(|(i, (_, (failed, by_version)))| {
        let x = 300.0 - (n - i as f64) * bw;
        let mut y = 100.0;
        let mut rects = Vec::new();
        for (vi, v) in versions.iter().enumerate() {
            let c = *by_version.get(v).unwrap_or(&0) as f64;
            let h = 100.0 * c / max;
            y -= h;
            rects.push(html! { <rect x={format!("{x:.1}")} y={format!("{y:.1}")} width={format!("{:.1}", bw - 0.5)} height={format!("{h:.1}")} class={format!("v{}", vi % 4)} /> });
        }
        for (cause, count) in failed.nonzero() {
            let h = 100.0 * count as f64 / max;
            y -= h;
            rects.push(html! { <rect x={format!("{x:.1}")} y={format!("{y:.1}")} width={format!("{:.1}", bw - 0.5)} height={format!("{h:.1}")} class={classes!("failed", format!("cause-{}", cause.id()))} /> });
        }
        html! { <g>{ for rects }</g> }
    });
    html! {
        <section class="panel traffic" aria-label="Traffic" data-testid="traffic-chart">
            <h2>{"Traffic"}<span class={classes!("failcount", (total_failed > 0).then_some("bad"))} data-testid="failed-requests">{format!("{total_failed} failed")}</span><span class="okcount">{format!("of {} requests", total_ok + total_failed)}</span></h2>
            if props.failures.total() > 0 {
                <p class="traffic-causes" data-testid="traffic-causes" title={kubeplay_view::failures_text(&props.failures)}>
                    { for props.failures.nonzero().map(|(c, count)| html! {
                        <span class="cause" data-cause={c.id()} data-count={count.to_string()}><span class={classes!("key", format!("cause-{}", c.id()))}></span>{format!("{count} {}", c.describe())}</span>
                    }) }
                </p>
            }
            <svg viewBox="0 0 300 100" preserveAspectRatio="none" role="img" aria-label="Requests per second over the last minute: successes by version, failures by cause">{ for bars }</svg>
            <div class="chart-axis"><span>{"−60 s"}</span><span>{"requests per second"}</span><span>{"now"}</span></div>
            <div class="chart-legend">
                { for versions.iter().enumerate().map(|(i, v)| html!{ <span><span class={format!("key v{}", i % 4)}></span>{v}</span> }) }
                if causes.is_empty() { <span><span class="key failed"></span>{"failed"}</span> }
                { for causes.iter().map(|c| html!{ <span><span class={classes!("key", "failed", format!("cause-{}", c.id()))}></span>{c.describe()}</span> }) }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ActivityProps {
    pub activity: std::rc::Rc<Vec<Activity>>,
}

#[function_component(ActivityPanel)]
pub fn activity_panel(props: &ActivityProps) -> Html {
    html! {
        <section class="panel activity" aria-label="Controller activity" data-testid="activity">
            <h2>{"Who did what"}</h2>
            <ol>
                { for props.activity.iter().map(|a| html! {
                    <li><span class="when">{kubeplay_view::clock(a.time)}</span><span class="who">{&a.controller}</span><span class="what">{format!("{}: {}", a.object, a.message)}</span></li>
                }) }
            </ol>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct EventsProps {
    pub events: std::rc::Rc<Vec<EventView>>,
}

/// `kubectl get events`, newest first: warnings stand out.
#[function_component(EventsPanel)]
pub fn events_panel(props: &EventsProps) -> Html {
    html! {
        <section class="panel events" aria-label="Events" data-testid="events">
            <h2>{"Events"}<span class="counts">{"kubectl get events"}</span></h2>
            if props.events.is_empty() { <p class="hint">{"No events yet."}</p> }
            <ol>
                { for props.events.iter().map(|e| html! {
                    <li class={classes!((e.type_ == "Warning").then_some("warning"))} data-reason={e.reason.clone()}>
                        <span class="when">{&e.last_seen}</span>
                        <span class="reason">{&e.reason}</span>
                        <span class="object">{&e.object}</span>
                        if e.count > 1 { <span class="count">{format!("×{}", e.count)}</span> }
                        <span class="what">{&e.message}</span>
                    </li>
                }) }
            </ol>
        </section>
    }
}
