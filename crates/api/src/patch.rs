//! The API server's three patch types, over an object's JSON (`kubectl patch --type`):
//! JSON merge patch (RFC 7386), JSON patch (RFC 6902), and strategic merge patch, which merges
//! lists of named things (containers, env, volumes, ports...) by their key instead of replacing
//! them, and understands the `$patch: delete|replace` directive.

use serde_json::{Map, Value};

/// A patch type as kubectl names it (`--type`, `--override-type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    Json,
    Merge,
    Strategic,
}

impl PatchType {
    /// `json`, `merge` or `strategic`; `None` for anything else.
    pub fn parse(name: &str) -> Option<PatchType> {
        match name {
            "json" => Some(PatchType::Json),
            "merge" => Some(PatchType::Merge),
            "strategic" => Some(PatchType::Strategic),
            _ => None,
        }
    }

    /// `target` with `patch` applied; the error is the API server's reason.
    pub fn apply(self, target: &Value, patch: &Value) -> Result<Value, String> {
        match self {
            PatchType::Json => json_patch(target, patch),
            PatchType::Merge => Ok(merge_patch(target, patch)),
            PatchType::Strategic => strategic_merge_patch(target, patch),
        }
    }
}

/// `--type=merge`: RFC 7386. `null` removes a key; objects merge; everything else replaces.
pub fn merge_patch(target: &Value, patch: &Value) -> Value {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            let mut out = t.clone();
            for (k, v) in p {
                if v.is_null() {
                    out.remove(k);
                } else {
                    let merged = merge_patch(t.get(k).unwrap_or(&Value::Null), v);
                    out.insert(k.clone(), merged);
                }
            }
            Value::Object(out)
        }
        (_, Value::Object(p)) => merge_patch(&Value::Object(Map::new()), &Value::Object(p.clone())),
        (_, p) => p.clone(),
    }
}

/// The key a list of this field merges on in a strategic merge patch (the `patchMergeKey` of
/// the Kubernetes API types), if it merges at all.
fn merge_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "resourceClaims"
        | "schedulingGates" => "name",
        "ports" => "containerPort",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        "ownerReferences" => "uid",
        "conditions" => "type",
        _ => return None,
    })
}

/// `--type=strategic` (kubectl's default for built-in kinds).
pub fn strategic_merge_patch(target: &Value, patch: &Value) -> Result<Value, String> {
    merge_strategic(target, patch, "")
}

fn merge_strategic(target: &Value, patch: &Value, field: &str) -> Result<Value, String> {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            if p.get("$patch").and_then(Value::as_str) == Some("replace") {
                let mut p = p.clone();
                p.remove("$patch");
                return Ok(Value::Object(p));
            }
            let mut out = t.clone();
            for (k, v) in p {
                if k.starts_with("$setElementOrder/") || k == "$retainKeys" || k == "$patch" {
                    continue;
                }
                if v.is_null() {
                    out.remove(k);
                    continue;
                }
                let merged = merge_strategic(t.get(k).unwrap_or(&Value::Null), v, k)?;
                out.insert(k.clone(), merged);
            }
            Ok(Value::Object(out))
        }
        (Value::Array(t), Value::Array(p)) => match merge_key(field) {
            Some(key) => merge_list(t, p, key),
            None => Ok(Value::Array(p.clone())),
        },
        (_, Value::Object(p)) => {
            let mut p = p.clone();
            p.remove("$patch");
            merge_strategic(&Value::Object(Map::new()), &Value::Object(p), field)
        }
        (_, p) => Ok(p.clone()),
    }
}

/// Merges a list of objects by `key`: a patch element with the key of an existing one merges
/// into it (or deletes it with `$patch: delete`), new ones are appended.
fn merge_list(target: &[Value], patch: &[Value], key: &str) -> Result<Value, String> {
    let mut out: Vec<Value> = target.to_vec();
    for item in patch {
        let Some(obj) = item.as_object() else {
            // A list of scalars under a merge key: kubectl replaces it.
            return Ok(Value::Array(patch.to_vec()));
        };
        let Some(k) = obj.get(key) else {
            return Err(format!(
                "map: {} does not contain declared merge key: {key}",
                Value::Object(obj.clone())
            ));
        };
        let at = out.iter().position(|e| e.get(key) == Some(k));
        let delete = obj.get("$patch").and_then(Value::as_str) == Some("delete");
        match (at, delete) {
            (Some(i), true) => {
                out.remove(i);
            }
            (None, true) => {}
            (Some(i), false) => out[i] = merge_strategic(&out[i], item, "")?,
            (None, false) => {
                let mut clean = obj.clone();
                clean.remove("$patch");
                out.push(merge_strategic(&Value::Null, &Value::Object(clean), "")?);
            }
        }
    }
    Ok(Value::Array(out))
}

/// `--type=json`: RFC 6902 operations (`add`, `remove`, `replace`, `move`, `copy`, `test`) on
/// JSON pointers. The error is the API server's reason.
pub fn json_patch(target: &Value, ops: &Value) -> Result<Value, String> {
    let Some(ops) = ops.as_array() else {
        return Err("json: cannot unmarshal object into Go value of type jsonpatch.Patch".into());
    };
    let mut doc = target.clone();
    for op in ops {
        let name = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = op
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("Unexpected kind: {name}"))?;
        match name {
            "add" => add(&mut doc, path, value(op)?)?,
            "remove" => {
                remove(&mut doc, path)?;
            }
            "replace" => {
                remove(&mut doc, path).map_err(|_| {
                    format!("replace operation does not apply: doc is missing key: {path}")
                })?;
                add(&mut doc, path, value(op)?)?;
            }
            "move" | "copy" => {
                let from = op
                    .get("from")
                    .and_then(Value::as_str)
                    .ok_or("missing from")?;
                let v = if name == "move" {
                    remove(&mut doc, from)?
                } else {
                    pointer(&doc, from).cloned().ok_or_else(|| {
                        format!("copy operation does not apply: doc is missing from path: {from}")
                    })?
                };
                add(&mut doc, path, v)?;
            }
            "test" => {
                if pointer(&doc, path) != Some(value(op)?).as_ref() {
                    return Err(format!("testing value {path} failed: test failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(doc)
}

fn value(op: &Value) -> Result<Value, String> {
    op.get("value")
        .cloned()
        .ok_or_else(|| "missing value".to_string())
}

/// A JSON pointer's tokens (`~1` is `/`, `~0` is `~`).
fn tokens(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(format!(
            "JSON pointer must be empty or start with a \"/\": {path}"
        ));
    };
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn pointer<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = doc;
    for t in tokens(path).ok()? {
        cur = match cur {
            Value::Object(m) => m.get(&t)?,
            Value::Array(a) => a.get(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// The parent of `path` and the last token.
fn parent_mut<'a>(doc: &'a mut Value, path: &str) -> Result<(&'a mut Value, String), String> {
    let mut toks = tokens(path)?;
    let Some(last) = toks.pop() else {
        return Err("the root cannot be patched".into());
    };
    let mut cur = doc;
    for t in &toks {
        cur = match cur {
            Value::Object(m) => m
                .get_mut(t)
                .ok_or_else(|| format!("doc is missing path: {path}: missing value"))?,
            Value::Array(a) => t
                .parse::<usize>()
                .ok()
                .and_then(|i| a.get_mut(i))
                .ok_or_else(|| format!("doc is missing path: {path}: missing value"))?,
            _ => return Err(format!("doc is missing path: {path}: missing value")),
        };
    }
    Ok((cur, last))
}

fn add(doc: &mut Value, path: &str, v: Value) -> Result<(), String> {
    let (parent, last) = parent_mut(doc, path)?;
    match parent {
        Value::Object(m) => {
            m.insert(last, v);
            Ok(())
        }
        Value::Array(a) => {
            let i = if last == "-" {
                a.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|i| *i <= a.len())
                    .ok_or_else(|| {
                        format!("add operation does not apply: doc is missing path: {path}")
                    })?
            };
            a.insert(i, v);
            Ok(())
        }
        _ => Err(format!(
            "add operation does not apply: doc is missing path: {path}"
        )),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let missing = || {
        format!("remove operation does not apply: doc is missing path: \"{path}\": missing value")
    };
    let (parent, last) = parent_mut(doc, path).map_err(|_| missing())?;
    match parent {
        Value::Object(m) => m.remove(&last).ok_or_else(missing),
        Value::Array(a) => {
            let i = last
                .parse::<usize>()
                .ok()
                .filter(|i| *i < a.len())
                .ok_or_else(missing)?;
            Ok(a.remove(i))
        }
        _ => Err(missing()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_rfc7386_examples() {
        // The examples of RFC 7386, appendix A.
        for (target, patch, want) in [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": "b"}),
                json!({"b": "c"}),
                json!({"a": "b", "b": "c"}),
            ),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (
                json!({"a": "b", "b": "c"}),
                json!({"a": null}),
                json!({"b": "c"}),
            ),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
            (
                json!({"a": {"b": "c"}}),
                json!({"a": {"b": "d", "c": null}}),
                json!({"a": {"b": "d"}}),
            ),
            (
                json!({"a": [{"b": "c"}]}),
                json!({"a": [1]}),
                json!({"a": [1]}),
            ),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a": "b"}), json!(["c"]), json!(["c"])),
            (json!({"a": "foo"}), json!(null), json!(null)),
            (json!({"a": "foo"}), json!("bar"), json!("bar")),
            (
                json!({"e": null}),
                json!({"a": 1}),
                json!({"e": null, "a": 1}),
            ),
            (
                json!([1, 2]),
                json!({"a": "b", "c": null}),
                json!({"a": "b"}),
            ),
            (
                json!({}),
                json!({"a": {"bb": {"ccc": null}}}),
                json!({"a": {"bb": {}}}),
            ),
        ] {
            assert_eq!(merge_patch(&target, &patch), want, "{target} + {patch}");
        }
    }

    #[test]
    fn strategic_merge_by_key() {
        let pod = json!({"spec": {"containers": [
            {"name": "app", "image": "nginx:1.25", "env": [{"name": "A", "value": "1"}]},
            {"name": "side", "image": "busybox"}
        ], "tolerations": [{"key": "x"}]}});
        let got = strategic_merge_patch(
            &pod,
            &json!({"spec": {
                "containers": [
                    {"name": "app", "image": "nginx:1.27", "env": [{"name": "B", "value": "2"}]},
                    {"name": "side", "$patch": "delete"},
                    {"name": "new", "image": "redis"}
                ],
                "tolerations": [{"key": "y"}]
            }}),
        )
        .unwrap();
        assert_eq!(
            got,
            json!({"spec": {"containers": [
            {"name": "app", "image": "nginx:1.27", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
            {"name": "new", "image": "redis"}
        ], "tolerations": [{"key": "y"}]}})
        );
        // `$patch: replace` replaces a map whole; a missing merge key is the server's error.
        let got = strategic_merge_patch(
            &json!({"m": {"a": 1, "b": 2}}),
            &json!({"m": {"$patch": "replace", "c": 3}}),
        )
        .unwrap();
        assert_eq!(got, json!({"m": {"c": 3}}));
        assert!(
            strategic_merge_patch(&pod, &json!({"spec": {"containers": [{"image": "x"}]}}))
                .is_err()
        );
    }

    #[test]
    fn json_patch_rfc6902() {
        let doc = json!({"spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "a", "image": "x"}]}}}});
        let got = json_patch(
            &doc,
            &json!([
                {"op": "replace", "path": "/spec/replicas", "value": 3},
                {"op": "add", "path": "/spec/template/spec/containers/-", "value": {"name": "b"}},
                {"op": "add", "path": "/metadata", "value": {"labels": {"a/b": "1"}}},
                {"op": "copy", "from": "/spec/replicas", "path": "/metadata/labels/copy"},
                {"op": "move", "from": "/metadata/labels/a~1b", "path": "/metadata/labels/moved"},
                {"op": "test", "path": "/spec/replicas", "value": 3},
                {"op": "remove", "path": "/spec/template/spec/containers/0"}
            ]),
        )
        .unwrap();
        assert_eq!(
            got,
            json!({"metadata": {"labels": {"copy": 3, "moved": "1"}}, "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "b"}]}}}})
        );
        for bad in [
            json!([{"op": "remove", "path": "/nope"}]),
            json!([{"op": "replace", "path": "/nope", "value": 1}]),
            json!([{"op": "test", "path": "/spec/replicas", "value": 2}]),
            json!([{"op": "add", "path": "/spec/template/spec/containers/9", "value": 1}]),
            json!([{"op": "frobnicate", "path": "/a"}]),
            json!([{"op": "add", "path": "nope", "value": 1}]),
            json!({"op": "add"}),
        ] {
            assert!(json_patch(&doc, &bad).is_err(), "{bad}");
        }
    }
}
