//! CELScheduler: a scheduler of your own, written as CEL expressions in a profile's pluginConfig.
//!
//! ```yaml
//! pluginConfig:
//! - name: CELScheduler
//!   args:
//!     filter: nodeInfo.allocatable.cpu - nodeInfo.requested.cpu >= podRequests.cpu  # bool
//!     filterMessage: Insufficient cpu        # the reason when filter is false (optional)
//!     score: int(node.metadata.annotations['hightower.com/cost'])  # int or double
//!     normalize: ReverseMinMax               # None (default) | MinMax | ReverseMinMax
//! ```
//!
//! Variables: `pod` and `node` (the objects as Kubernetes JSON), `nodeInfo` (`requested` and
//! `allocatable` maps with `cpu` in millicores, `memory`/`ephemeral-storage` in bytes, `pods` as a
//! count, extended resources by name; `pods`, the list of pods on the node), and `podRequests`
//! (the incoming pod's effective requests in the same units).
//!
//! A bad expression is refused when the configuration is read, with its position. A filter that
//! fails to evaluate filters the node out with the error as the reason; a score that fails to
//! evaluate gives the node the lowest normalised score (0), and the record shows the error.
//! `normalize`: `None` clamps the score to 0..100; `MinMax` maps the lowest raw score to 0 and the
//! highest to 100; `ReverseMinMax` the other way round (lowest raw score is best). Equal scores
//! all normalise to 100.

use std::collections::HashMap;
use std::sync::Arc;

use cel::{Context, Env, Program, Value};
use kubeplay_api::Pod;

use super::noderesources::{PodRequest, MAX_NODE_SCORE};
use crate::resources::Resources;
use crate::snapshot::PreparedNode;

pub const NAME: &str = "CELScheduler";
pub const DEFAULT_FILTER_MESSAGE: &str = "node(s) didn't pass the CELScheduler filter";
/// Expressions longer than this are refused: they are typed by hand, and the parser recurses.
pub const MAX_EXPRESSION_LEN: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Normalize {
    None,
    MinMax,
    ReverseMinMax,
}

#[derive(Debug)]
pub struct Expr {
    pub source: String,
    program: Program,
}

/// The plugin's compiled arguments.
pub struct CelArgs {
    pub filter: Option<Expr>,
    pub score: Option<Expr>,
    pub filter_message: String,
    pub normalize: Normalize,
    env: Arc<Env>,
}

impl std::fmt::Debug for CelArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CelArgs")
            .field("filter", &self.filter.as_ref().map(|e| &e.source))
            .field("score", &self.score.as_ref().map(|e| &e.source))
            .field("filter_message", &self.filter_message)
            .field("normalize", &self.normalize)
            .finish()
    }
}

/// Compiles one expression, or says where and why it is wrong (`ERROR: <input>:1:7: ...` with the
/// line and a caret under the position).
pub fn compile(env: &Env, source: &str) -> Result<Program, String> {
    if source.len() > MAX_EXPRESSION_LEN {
        return Err(format!(
            "expression is {} characters long, more than the {MAX_EXPRESSION_LEN} allowed",
            source.len()
        ));
    }
    if source.trim().is_empty() {
        return Err("expression is empty".to_string());
    }
    env.compile(source).map_err(|e| e.to_string())
}

impl CelArgs {
    pub fn new(
        filter: Option<String>,
        score: Option<String>,
        filter_message: Option<String>,
        normalize: Normalize,
    ) -> Result<CelArgs, (&'static str, String)> {
        let env = Arc::new(Env::stdlib());
        let build = |field: &'static str,
                     src: Option<String>|
         -> Result<Option<Expr>, (&'static str, String)> {
            match src {
                None => Ok(None),
                Some(source) => {
                    let program = compile(&env, &source).map_err(|e| (field, e))?;
                    Ok(Some(Expr { source, program }))
                }
            }
        };
        let filter = build("filter", filter)?;
        let score = build("score", score)?;
        Ok(CelArgs {
            filter,
            score,
            filter_message: filter_message.unwrap_or_else(|| DEFAULT_FILTER_MESSAGE.to_string()),
            normalize,
            env,
        })
    }
}

/// Per-attempt state: the root context holding `pod` and `podRequests`.
pub struct CelCycle {
    root: Context<'static, 'static>,
}

fn resources_value(r: &Resources, pods: i64) -> Value {
    let mut m: HashMap<String, Value> = HashMap::new();
    m.insert("cpu".into(), Value::Int(r.milli_cpu));
    m.insert("memory".into(), Value::Int(r.memory));
    m.insert("ephemeral-storage".into(), Value::Int(r.ephemeral_storage));
    m.insert("pods".into(), Value::Int(pods));
    for (name, v) in &r.scalar {
        m.insert(name.clone(), Value::Int(*v));
    }
    Value::from(m)
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, String> {
    cel::to_value(v).map_err(|e| e.to_string())
}

pub fn cycle(args: &CelArgs, pod: &Pod, req: &PodRequest) -> Result<CelCycle, String> {
    let mut root = Context::with_env(Arc::clone(&args.env));
    root.add_variable_from_value("pod", to_value(pod)?);
    root.add_variable_from_value("podRequests", resources_value(&req.actual, 1));
    Ok(CelCycle { root })
}

fn eval(cycle: &CelCycle, expr: &Expr, node: &PreparedNode) -> Result<Value, String> {
    let mut ctx = cycle.root.new_inner_scope();
    ctx.add_variable_from_value("node", to_value(node.node)?);
    let pods: Vec<Value> = node
        .pods
        .iter()
        .map(|p| to_value(*p))
        .collect::<Result<_, _>>()?;
    let mut info: HashMap<String, Value> = HashMap::new();
    info.insert(
        "requested".into(),
        resources_value(&node.sums.requested, node.pods.len() as i64),
    );
    info.insert(
        "allocatable".into(),
        resources_value(&node.allocatable, node.allocatable.allowed_pods),
    );
    info.insert("pods".into(), Value::List(Arc::new(pods)));
    ctx.add_variable_from_value("nodeInfo", Value::from(info));
    expr.program.execute(&ctx).map_err(|e| e.to_string())
}

fn type_name(v: &Value) -> String {
    v.type_of().to_string()
}

/// Filter: Ok if the expression is true; the filterMessage if false; the error otherwise.
pub fn filter(args: &CelArgs, cycle: &CelCycle, node: &PreparedNode) -> Result<(), String> {
    let Some(expr) = &args.filter else {
        return Ok(());
    };
    match eval(cycle, expr, node) {
        Ok(Value::Bool(true)) => Ok(()),
        Ok(Value::Bool(false)) => Err(args.filter_message.clone()),
        Ok(other) => Err(format!(
            "CELScheduler filter returned {}, want bool",
            type_name(&other)
        )),
        Err(e) => Err(format!("CELScheduler filter: {e}")),
    }
}

/// Raw score, or the evaluation error.
pub fn score(args: &CelArgs, cycle: &CelCycle, node: &PreparedNode) -> Result<i64, String> {
    let Some(expr) = &args.score else {
        return Ok(0);
    };
    match eval(cycle, expr, node) {
        Ok(Value::Int(i)) => Ok(i),
        Ok(Value::UInt(u)) => Ok(u.min(i64::MAX as u64) as i64),
        Ok(Value::Float(f)) if f.is_finite() => Ok(f.round() as i64),
        Ok(other) => Err(format!(
            "CELScheduler score returned {}, want int or double",
            type_name(&other)
        )),
        Err(e) => Err(format!("CELScheduler score: {e}")),
    }
}

/// Normalises raw scores; nodes whose score failed (`failed[j]`) get 0.
pub fn normalize(mode: Normalize, scores: &mut [i64], failed: &[bool]) {
    let ok = |j: usize| !failed.get(j).copied().unwrap_or(false);
    let (mut min, mut max) = (i64::MAX, i64::MIN);
    for (j, s) in scores.iter().enumerate() {
        if ok(j) {
            min = min.min(*s);
            max = max.max(*s);
        }
    }
    for (j, s) in scores.iter_mut().enumerate() {
        if !ok(j) {
            *s = 0;
            continue;
        }
        *s = match mode {
            Normalize::None => (*s).clamp(0, MAX_NODE_SCORE),
            _ if max == min => MAX_NODE_SCORE,
            Normalize::MinMax => {
                ((*s as i128 - min as i128) * MAX_NODE_SCORE as i128 / (max as i128 - min as i128))
                    as i64
            }
            Normalize::ReverseMinMax => {
                ((max as i128 - *s as i128) * MAX_NODE_SCORE as i128 / (max as i128 - min as i128))
                    as i64
            }
        };
    }
}
