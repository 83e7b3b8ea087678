//! `terraform show -json PLAN`: the instances of `planned_values` (root module and child
//! modules), linked through the `configuration` section's references where a value is unknown
//! until apply (every id in a plan that creates resources). A reference names a resource (or a
//! module variable or output that leads to one) and an attribute path in it; it is followed to
//! the referenced instance's value: its id (a synthetic token when unknown) or a derived value
//! (an Azure Firewall's private IP).
//!
//! The format is Terraform's documented JSON output format (`format_version` 1.x).

use super::eval::{Evaluator, token};
use super::{Evaluated, Instance, TfError, derive};
use crate::Input;
use crate::report::{Outcome, Source};
use hcl::{Map, Value};
use serde_json::Value as J;
use std::collections::BTreeMap;

/// Follow module variables and outputs at most this deep.
const MAX_HOPS: usize = 16;

fn to_hcl(v: &J) -> Value {
    match v {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Value::from(u),
            (_, Some(i), _) => Value::from(i),
            (_, _, Some(f)) => hcl::Number::from_f64(f).map_or(Value::Null, Value::Number),
            _ => Value::Null,
        },
        J::String(s) => Value::from(s.clone()),
        J::Array(a) => Value::Array(a.iter().map(to_hcl).collect()),
        J::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), to_hcl(v))).collect()),
    }
}

fn err(
    input: &Input,
    line: usize,
    col: usize,
    msg: impl Into<String>,
    help: Option<&str>,
) -> TfError {
    TfError {
        loc: Source {
            file: input.name.to_string(),
            line: line as u32,
            col: col as u32,
            resource: None,
        },
        message: msg.into(),
        help: help.map(str::to_string),
    }
}

/// A module of the `configuration` section, with its path of call names.
struct ConfigModule<'j> {
    json: &'j J,
}

impl<'j> ConfigModule<'j> {
    fn resource(&self, addr: &str) -> Option<&'j J> {
        self.json
            .get("resources")?
            .as_array()?
            .iter()
            .find(|r| r.get("address").and_then(J::as_str) == Some(addr))
    }
    fn call(&self, name: &str) -> Option<&'j J> {
        self.json.get("module_calls")?.get(name)
    }
}

/// The configuration module of a module instance path like `module.a["x"].module.b`.
fn config_module<'j>(
    root: &'j J,
    module_path: &[(String, Option<String>)],
) -> Option<ConfigModule<'j>> {
    let mut m = root;
    for (name, _) in module_path {
        m = m.get("module_calls")?.get(name)?.get("module")?;
    }
    Some(ConfigModule { json: m })
}

/// Splits an address into its module path and the resource part:
/// `module.a["x"].azurerm_subnet.s[0]` → ([("a", Some("[\"x\"]"))], `azurerm_subnet.s[0]`).
fn split_address(addr: &str) -> (Vec<(String, Option<String>)>, String) {
    let mut path = Vec::new();
    let mut rest = addr;
    while let Some(r) = rest.strip_prefix("module.") {
        let end = r.find(['.', '[']).unwrap_or(r.len());
        let name = r[..end].to_string();
        let mut after = &r[end..];
        let mut key = None;
        if after.starts_with('[')
            && let Some(close) = index_end(after)
        {
            key = Some(after[..close].to_string());
            after = &after[close..];
        }
        path.push((name, key));
        rest = after.strip_prefix('.').unwrap_or(after);
    }
    (path, rest.to_string())
}

/// The end (exclusive) of the `[…]` at the start of `s`, minding quoted keys.
fn index_end(s: &str) -> Option<usize> {
    let mut in_str = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if in_str && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => in_str = !in_str,
            ']' if !in_str => return Some(i + 1),
            _ => {}
        }
        escaped = false;
    }
    None
}

fn module_prefix(path: &[(String, Option<String>)]) -> String {
    path.iter()
        .map(|(n, k)| format!("module.{n}{}.", k.as_deref().unwrap_or("")))
        .collect()
}

/// A reference split into the resource it names (`TYPE.NAME` with an optional `[KEY]`) and the
/// attribute path after it; `None` for references to anything else.
fn split_ref(r: &str) -> Option<(String, Option<String>, Vec<String>)> {
    let mut parts = r.splitn(3, '.');
    let ty = parts.next()?;
    if [
        "var",
        "local",
        "each",
        "count",
        "module",
        "data",
        "path",
        "terraform",
        "self",
    ]
    .contains(&ty)
    {
        return None;
    }
    let rest = parts.next()?;
    let (name, key) = match rest.find('[') {
        Some(i) => {
            let close = index_end(&rest[i..])?;
            (rest[..i].to_string(), Some(rest[i..i + close].to_string()))
        }
        None => (rest.to_string(), None),
    };
    let path = parts
        .next()
        .map(|p| {
            p.split(['.', '['])
                .filter(|s| !s.is_empty())
                .map(|s| s.trim_end_matches(']').to_string())
                .collect()
        })
        .unwrap_or_default();
    Some((format!("{ty}.{name}"), key, path))
}

fn walk<'v>(mut v: &'v Value, path: &[String]) -> Option<&'v Value> {
    for p in path {
        v = match v {
            Value::Object(m) => m.get(p)?,
            Value::Array(a) => a.get(p.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}

struct Linker<'j> {
    config_root: &'j J,
    index: BTreeMap<String, usize>,
}

impl Linker<'_> {
    /// Values the references of one expression lead to, from the instance at `from` (module
    /// path and its own index key).
    fn follow(
        &self,
        ev: &Evaluator,
        refs: &[String],
        path: &[(String, Option<String>)],
        own_key: Option<&str>,
        hops: usize,
    ) -> Vec<Value> {
        if hops > MAX_HOPS {
            return Vec::new();
        }
        let prefix = module_prefix(path);
        // The most specific references come first: take the first that resolves, per resource.
        let mut out = Vec::new();
        let mut seen_resources: Vec<String> = Vec::new();
        for r in refs {
            if let Some(var) = r.strip_prefix("var.") {
                let var = var.split(['.', '[']).next().unwrap_or(var);
                let Some((call, parent)) = path.split_last() else {
                    continue;
                };
                let Some(cfg) = config_module(self.config_root, parent) else {
                    continue;
                };
                let Some(refs) = cfg.call(&call.0).and_then(|c| {
                    c.get("expressions")?
                        .get(var)?
                        .get("references")?
                        .as_array()
                        .cloned()
                }) else {
                    continue;
                };
                let refs: Vec<String> = refs
                    .iter()
                    .filter_map(|r| r.as_str().map(str::to_string))
                    .collect();
                let key = call.1.as_deref().map(|k| k.trim_matches(['[', ']', '"']));
                out.extend(self.follow(ev, &refs, parent, key, hops + 1));
                if !out.is_empty() {
                    return out;
                }
                continue;
            }
            if let Some(m) = r.strip_prefix("module.") {
                let mut it = m.splitn(2, '.');
                let (Some(name), Some(output)) = (it.next(), it.next()) else {
                    continue;
                };
                let output = output.split(['.', '[']).next().unwrap_or(output);
                let Some(cfg) = config_module(self.config_root, path) else {
                    continue;
                };
                let Some(child) = cfg.call(name).and_then(|c| c.get("module")) else {
                    continue;
                };
                let Some(refs) = child.get("outputs").and_then(|o| {
                    o.get(output)?
                        .get("expression")?
                        .get("references")?
                        .as_array()
                        .cloned()
                }) else {
                    continue;
                };
                let refs: Vec<String> = refs
                    .iter()
                    .filter_map(|r| r.as_str().map(str::to_string))
                    .collect();
                let mut child_path = path.to_vec();
                child_path.push((name.to_string(), None));
                out.extend(self.follow(ev, &refs, &child_path, None, hops + 1));
                if !out.is_empty() {
                    return out;
                }
                continue;
            }
            let Some((res, key, attr_path)) = split_ref(r) else {
                continue;
            };
            if seen_resources.contains(&res) {
                continue;
            }
            // An index written with an expression (`x[each.key]`) is absent from the
            // reference: the instance with the referrer's own key, else the only one.
            let candidates: Vec<String> = match &key {
                Some(k) => vec![format!("{prefix}{res}{k}")],
                None => {
                    let mut c = vec![format!("{prefix}{res}")];
                    if let Some(own) = own_key {
                        c.push(format!("{prefix}{res}[{own:?}]"));
                        c.push(format!("{prefix}{res}[{own}]"));
                    }
                    c
                }
            };
            for c in candidates {
                if let Some(&i) = self.index.get(&c) {
                    let attrs = Value::Object(ev.instances[i].attrs.clone());
                    // A reference to the whole resource (its index was an expression) stands
                    // for its id where an id is expected.
                    let v = match walk(&attrs, &attr_path) {
                        Some(Value::Object(m)) if attr_path.is_empty() => m.get("id").cloned(),
                        other => other.cloned(),
                    };
                    if let Some(v) = v.filter(|v| !v.is_null()) {
                        out.push(v);
                        seen_resources.push(res.clone());
                    }
                    break;
                }
            }
        }
        out
    }
}

/// Fills the unknown values of `attrs` that `exprs` (a configuration `expressions` object)
/// links to other instances. Returns whether anything was filled.
fn link(
    linker: &Linker,
    ev: &Evaluator,
    attrs: &mut Map<String, Value>,
    exprs: &J,
    path: &[(String, Option<String>)],
    own_key: Option<&str>,
) -> bool {
    let Some(exprs) = exprs.as_object() else {
        return false;
    };
    let mut changed = false;
    for (k, e) in exprs {
        match e {
            J::Object(o) if o.contains_key("references") => {
                let unknown = match attrs.get(k) {
                    None | Some(Value::Null) => true,
                    Some(Value::Array(a)) => !a.is_empty() && a.iter().all(Value::is_null),
                    Some(_) => false,
                };
                if !unknown {
                    continue;
                }
                let refs: Vec<String> = o["references"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|r| r.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                let vals = linker.follow(ev, &refs, path, own_key, 0);
                let v =
                    if k.ends_with("_ids") || k.ends_with("_addresses") || k.ends_with("_prefixes")
                    {
                        let mut flat = Vec::new();
                        for v in vals {
                            match v {
                                Value::Array(a) => flat.extend(a),
                                other => flat.push(other),
                            }
                        }
                        (!flat.is_empty()).then_some(Value::Array(flat))
                    } else {
                        vals.into_iter().next()
                    };
                if let Some(v) = v {
                    attrs.insert(k.clone(), v);
                    changed = true;
                }
            }
            // Nested blocks: a list of expression objects, one per block.
            J::Array(blocks) => {
                let Some(Value::Array(values)) = attrs.get_mut(k) else {
                    continue;
                };
                for (b, v) in blocks.iter().zip(values.iter_mut()) {
                    if let Value::Object(m) = v {
                        changed |= link(linker, ev, m, b, path, own_key);
                    }
                }
            }
            _ => {}
        }
    }
    changed
}

fn collect(module: &J, out: &mut Vec<(String, String, bool, J)>) {
    if let Some(rs) = module.get("resources").and_then(J::as_array) {
        for r in rs {
            let (Some(addr), Some(ty)) = (
                r.get("address").and_then(J::as_str),
                r.get("type").and_then(J::as_str),
            ) else {
                continue;
            };
            let data = r.get("mode").and_then(J::as_str) == Some("data");
            out.push((
                addr.to_string(),
                ty.to_string(),
                data,
                r.get("values").cloned().unwrap_or(J::Null),
            ));
        }
    }
    if let Some(cs) = module.get("child_modules").and_then(J::as_array) {
        for c in cs {
            collect(c, out);
        }
    }
}

/// Reads a plan's JSON into instances.
pub fn read(input: &Input) -> Result<Evaluated, TfError> {
    let plan: J = serde_json::from_str(input.text).map_err(|e| {
        err(
            input,
            e.line(),
            e.column(),
            format!("JSON syntax: {e}"),
            Some("give the output of `terraform show -json PLAN`"),
        )
    })?;
    let version = plan.get("format_version").and_then(J::as_str).unwrap_or("");
    if !version.starts_with("1.") {
        return Err(err(
            input,
            1,
            1,
            format!("not a Terraform plan in JSON (format_version `{version}`; 1.x is read)"),
            Some("write it with `terraform show -json PLAN > plan.json`"),
        ));
    }
    let Some(root) = plan
        .get("planned_values")
        .and_then(|p| p.get("root_module"))
    else {
        return Err(err(
            input,
            1,
            1,
            "the plan has no planned_values.root_module",
            Some(
                "write it with `terraform show -json PLAN`, not `terraform show -json` of a state",
            ),
        ));
    };
    let mut raw = Vec::new();
    collect(root, &mut raw);
    let empty = BTreeMap::new();
    let mut ev = Evaluator::new(&empty);
    let mut index = BTreeMap::new();
    for (addr, ty, data, values) in raw {
        let needle = serde_json::to_string(&addr).unwrap_or_default();
        let at = input
            .text
            .find(&format!("\"address\": {needle}"))
            .or_else(|| input.text.find(&needle))
            .unwrap_or(0);
        let (line, col) = super::config::line_col(input.text, at);
        let source = Source {
            file: input.name.to_string(),
            line: line as u32,
            col: col as u32,
            resource: Some(addr.clone()),
        };
        let mut attrs = match to_hcl(&values) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        if attrs.get("id").is_none_or(Value::is_null) {
            attrs.insert("id".into(), Value::from(token(&addr)));
        }
        let id = attrs
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        index.insert(addr.clone(), ev.instances.len());
        ev.by_token.insert(id, ev.instances.len());
        ev.instances.push(Instance {
            address: addr,
            rtype: ty,
            data,
            attrs,
            source,
        });
    }
    let config_root = plan
        .get("configuration")
        .and_then(|c| c.get("root_module"))
        .cloned()
        .unwrap_or(J::Null);
    if config_root.is_null() {
        ev.report.add(
            &Source { file: input.name.to_string(), line: 1, col: 1, resource: None },
            Outcome::UnknownUntilDeploy,
            "configuration",
            "the plan has no configuration section: references whose values are unknown until apply cannot be linked",
        );
    }
    let linker = Linker {
        config_root: &config_root,
        index,
    };
    // Link, derive, and link again what reads derived values, until nothing changes.
    for _ in 0..MAX_HOPS {
        let mut changed = false;
        for i in 0..ev.instances.len() {
            let (path, res) = split_address(&ev.instances[i].address);
            let (base, key) = match res.find('[') {
                Some(k) => (
                    res[..k].to_string(),
                    Some(res[k..].trim_matches(['[', ']', '"']).to_string()),
                ),
                None => (res.clone(), None),
            };
            let Some(exprs) = config_module(&config_root, &path)
                .and_then(|m| m.resource(&base))
                .and_then(|r| r.get("expressions"))
            else {
                continue;
            };
            let mut attrs = std::mem::take(&mut ev.instances[i].attrs);
            changed |= link(&linker, &ev, &mut attrs, exprs, &path, key.as_deref());
            let before = attrs.clone();
            let (rtype, address, source) = {
                let inst = &ev.instances[i];
                (
                    inst.rtype.clone(),
                    inst.address.clone(),
                    inst.source.clone(),
                )
            };
            derive::derive(&rtype, &address, &mut attrs, &mut ev, &source);
            changed |= before != attrs;
            ev.instances[i].attrs = attrs;
        }
        if !changed {
            break;
        }
    }
    Ok(Evaluated {
        instances: ev.instances,
        report: ev.report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_references_split() {
        let (p, r) = split_address(r#"module.spoke["a.b"].module.inner[0].azurerm_subnet.s["x"]"#);
        assert_eq!(
            p,
            vec![
                ("spoke".to_string(), Some(r#"["a.b"]"#.to_string())),
                ("inner".to_string(), Some("[0]".to_string()))
            ]
        );
        assert_eq!(r, r#"azurerm_subnet.s["x"]"#);
        assert_eq!(
            split_ref(r#"azurerm_firewall.hub.ip_configuration[0].private_ip_address"#),
            Some((
                "azurerm_firewall.hub".to_string(),
                None,
                vec![
                    "ip_configuration".into(),
                    "0".into(),
                    "private_ip_address".into()
                ]
            ))
        );
        assert_eq!(
            split_ref(r#"azurerm_subnet.spoke["ml-training"].id"#),
            Some((
                "azurerm_subnet.spoke".to_string(),
                Some(r#"["ml-training"]"#.to_string()),
                vec!["id".into()]
            ))
        );
        assert_eq!(split_ref("var.x"), None);
    }
}
