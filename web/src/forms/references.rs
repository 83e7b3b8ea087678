//! What refers to an element, so a delete can offer to remove those elements too or to re-point
//! them to another element of the same kind, instead of leaving dangling references.
//! References are read from the elements' forms (the values an architect sees), so every kind
//! with a form is covered.

use super::*;

/// How `t` is written where it is referred to (`VNET/SUBNET` for a subnet, else its name);
/// `None` for elements nothing refers to by name (rules, routes, peerings, expectations…).
pub fn reference(t: &Target) -> Option<String> {
    match t.kind {
        FormKind::Subnet | FormKind::Site => Some(format!("{}/{}", t.parent, t.name)),
        FormKind::PrivateEndpoint
        | FormKind::NsgRule
        | FormKind::Route
        | FormKind::Peering
        | FormKind::Expectation => None,
        _ => Some(t.name.clone()),
    }
}

/// `value` with `old` (a reference) replaced by `new`: the whole value, or its head before
/// `/` (a VNet's subnets, a gateway's sites) or `:` (a service's sub-resources).
fn repoint(value: &str, old: &str, new: &str) -> Option<String> {
    if value == old {
        return Some(new.to_string());
    }
    ['/', ':'].iter().find_map(|sep| {
        value
            .strip_prefix(old)
            .and_then(|rest| rest.strip_prefix(*sep))
            .map(|rest| format!("{new}{sep}{rest}"))
    })
}

/// A field's value with every part (lists: comma-separated) re-pointed; `None` if no part
/// refers to `old`.
fn repoint_field(f: &Field, old: &str, new: &str) -> Option<String> {
    if f.role == Role::List {
        let parts: Vec<&str> = f.value.split(',').map(str::trim).collect();
        let changed: Vec<Option<String>> = parts.iter().map(|p| repoint(p, old, new)).collect();
        changed.iter().any(Option::is_some).then(|| {
            parts
                .iter()
                .zip(changed)
                .map(|(p, c)| c.unwrap_or_else(|| p.to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        })
    } else {
        repoint(f.value.trim(), old, new)
    }
}

/// The elements whose fields refer to `t` (its children name it only as their parent and go
/// with it).
pub fn referrers(file: &TopologyFile, t: &Target) -> Vec<Item> {
    let Some(old) = reference(t) else {
        return Vec::new();
    };
    items(file)
        .into_iter()
        .filter(|i| i.target != *t)
        .filter(|i| {
            Form::edit(&i.target, file).is_some_and(|form| {
                form.fields
                    .iter()
                    .filter(|f| f.role != Role::Parent)
                    .any(|f| repoint_field(f, &old, "\u{0}").is_some())
            })
        })
        .collect()
}

/// The elements `t` could be re-pointed to: the other elements of its kind, as references.
pub fn alternatives(file: &TopologyFile, t: &Target) -> Vec<String> {
    items(file)
        .into_iter()
        .filter(|i| i.target.kind == t.kind && i.target != *t)
        .filter_map(|i| reference(&i.target))
        .collect()
}

fn index_of(t: &Target) -> usize {
    t.name.parse().unwrap_or(0)
}

/// Deletes `t` and everything that refers to it, transitively.
pub fn delete_with_referrers(file: &TopologyFile, t: &Target) -> TopologyFile {
    let mut doomed = vec![t.clone()];
    let mut i = 0;
    while i < doomed.len() {
        for r in referrers(file, &doomed[i]) {
            if !doomed.contains(&r.target) {
                doomed.push(r.target);
            }
        }
        i += 1;
    }
    // Elements named by index go last, highest index first, so the others keep theirs.
    doomed.sort_by_key(|d| (reference(d).is_none(), std::cmp::Reverse(index_of(d))));
    doomed.iter().fold(file.clone(), |f, d| delete(&f, d))
}

/// Re-points everything that refers to `t` to `to` (a reference of the same kind), then
/// deletes `t`; the first form that does not accept the change is returned as the error.
pub fn delete_repointing(
    file: &TopologyFile,
    t: &Target,
    to: &str,
) -> Result<TopologyFile, Box<Form>> {
    let old = reference(t).unwrap_or_default();
    let mut out = file.clone();
    for r in referrers(file, t) {
        let Some(mut form) = Form::edit(&r.target, &out) else {
            continue;
        };
        for k in 0..form.fields.len() {
            let f = &form.fields[k];
            if f.role == Role::Parent {
                continue;
            }
            if let Some(v) = repoint_field(f, &old, to) {
                let key = f.key;
                form.set(key, v);
            }
        }
        out = form.submit(&out)?;
    }
    Ok(delete(&out, t))
}
