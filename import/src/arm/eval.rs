//! Evaluates ARM template expressions: the template functions real templates use, with a
//! [`Host`] (the template being evaluated) answering `parameters`, `variables`, `reference`,
//! `copyIndex` and the deployment's context. A value Azure only knows at deployment
//! (`reference` to a property Azure sets, `listKeys`, `utcNow`, `newGuid`) evaluates to
//! [`V::Unknown`] with the reason, and functions given an unknown value give an unknown value.

use super::expr::{Expr, Template, classify, parse};
use super::hash;
use super::json::{At, J, V};

/// An evaluation failure: where, what and (when obvious) the fix.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalError {
    /// Where.
    pub at: At,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// Result of evaluation.
pub type R<T> = Result<T, EvalError>;

/// What an expression can ask of the template it is in.
pub trait Host {
    /// `parameters(name)`.
    fn parameter(&mut self, name: &str, at: At) -> R<J>;
    /// `variables(name)`.
    fn variable(&mut self, name: &str, at: At) -> R<J>;
    /// `reference(target, …, 'Full'?)`.
    fn reference(&mut self, target: &str, full: bool, at: At) -> R<J>;
    /// `copyIndex(loop?)` without the offset.
    fn copy_index(&mut self, name: Option<&str>, at: At) -> R<i64>;
    /// Subscription id, resource group name, location and deployment name in effect.
    fn context(&self) -> Context;
    /// A function call starts inside the current evaluation (the host may limit how deep
    /// evaluation nests); [`Host::leave`] follows when it ends without error.
    fn enter(&mut self, _at: At) -> R<()> {
        Ok(())
    }
    /// The call [`Host::enter`] announced has ended.
    fn leave(&mut self) {}
}

/// The deployment's fixed context (documented placeholders unless given).
#[derive(Clone, Debug)]
pub struct Context {
    /// Subscription id.
    pub subscription_id: String,
    /// Tenant id.
    pub tenant_id: String,
    /// Resource group name.
    pub resource_group: String,
    /// Resource group location.
    pub location: String,
    /// Deployment name.
    pub deployment: String,
}

fn err(at: At, message: impl Into<String>) -> EvalError {
    EvalError {
        at,
        message: message.into(),
        help: None,
    }
}

/// Evaluates a template string at `at`: plain text as is, an expression evaluated.
pub fn eval_string(s: &str, at: At, host: &mut dyn Host) -> R<J> {
    match classify(s) {
        Template::Text(t) => Ok(J::new(V::Str(t.into_owned()), at)),
        Template::Expr(text) => {
            let e = parse(text).map_err(|e| err(offset(at, e.at), e.message))?;
            // The value is reported where this string is written, not where a value it read
            // (a parameter, an output) was.
            let mut v = eval(&e, at, host)?;
            v.at = at;
            Ok(v)
        }
    }
}

/// The place of character `k` of the expression in a string written at `at` (after `"[`).
fn offset(at: At, k: usize) -> At {
    let mut a = at;
    a.span.col += 2 + k as u32;
    a
}

/// Evaluates an expression of the string at `at`.
pub fn eval(e: &Expr, at: At, host: &mut dyn Host) -> R<J> {
    match e {
        Expr::Str(s) => Ok(J::new(V::Str(s.clone()), at)),
        Expr::Int(i) => Ok(J::new(V::Int(*i), at)),
        Expr::Member(base, name) => {
            let b = eval(base, at, host)?;
            member(&b, name, at)
        }
        Expr::Index(base, index) => {
            let b = eval(base, at, host)?;
            let i = eval(index, at, host)?;
            match (&b.v, &i.v) {
                (V::Unknown(_), _) => Ok(b),
                (_, V::Unknown(_)) => Ok(i),
                (V::Arr(a), V::Int(n)) => a.get(*n as usize).cloned().ok_or_else(|| {
                    err(
                        at,
                        format!("index {n} is out of range of an array of {}", a.len()),
                    )
                }),
                (V::Obj(_), V::Str(k)) => member(&b, k, at),
                _ => Err(err(
                    at,
                    "only arrays take an integer index and objects a string",
                )),
            }
        }
        Expr::Call { name, args, at: k } => {
            let place = offset(at, *k);
            host.enter(place)?;
            let v = call(name, args, place, at, host);
            host.leave();
            v
        }
    }
}

fn member(b: &J, name: &str, at: At) -> R<J> {
    match &b.v {
        V::Unknown(_) => Ok(b.clone()),
        V::Obj(_) => Ok(b.get(name).cloned().unwrap_or_else(|| {
            J::new(
                V::Unknown(format!(
                    "property `{name}` is not in the template: Azure sets it at deployment"
                )),
                at,
            )
        })),
        V::Null => Ok(J::new(
            V::Unknown(format!("property `{name}` of a null value")),
            at,
        )),
        _ => Err(err(at, format!("`.{name}` needs an object"))),
    }
}

/// ARM's string conversion (`concat`, `string`, `format`): booleans as .NET writes them,
/// objects and arrays as compact JSON, null as empty.
pub fn to_text(j: &J) -> String {
    match &j.v {
        V::Str(s) => s.clone(),
        V::Int(i) => i.to_string(),
        V::Float(f) => f.to_string(),
        V::Bool(true) => "True".into(),
        V::Bool(false) => "False".into(),
        V::Null => String::new(),
        V::Unknown(_) => "<unknown>".into(),
        V::Arr(_) | V::Obj(_) => j.to_json().to_string(),
    }
}

fn truthy(j: &J, at: At) -> R<bool> {
    match &j.v {
        V::Bool(b) => Ok(*b),
        V::Str(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        V::Str(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(err(at, "a boolean is expected here")),
    }
}

/// Every function this evaluator knows (lower case), for "did you mean".
pub const FUNCTIONS: &[&str] = &[
    "add",
    "and",
    "array",
    "bool",
    "coalesce",
    "concat",
    "contains",
    "copyindex",
    "createarray",
    "createobject",
    "deployment",
    "div",
    "empty",
    "endswith",
    "environment",
    "equals",
    "extensionresourceid",
    "false",
    "first",
    "format",
    "greater",
    "greaterorequals",
    "guid",
    "if",
    "indexof",
    "int",
    "intersection",
    "join",
    "json",
    "last",
    "lastindexof",
    "length",
    "less",
    "lessorequals",
    "listkeys",
    "max",
    "min",
    "mod",
    "mul",
    "newguid",
    "not",
    "null",
    "or",
    "padleft",
    "parameters",
    "range",
    "reference",
    "replace",
    "resourcegroup",
    "resourceid",
    "skip",
    "split",
    "startswith",
    "string",
    "sub",
    "subscription",
    "subscriptionresourceid",
    "substring",
    "take",
    "tenant",
    "tenantresourceid",
    "tolower",
    "toupper",
    "trim",
    "true",
    "union",
    "uniquestring",
    "utcnow",
    "variables",
    "items",
    "base64",
    "uri",
];

#[allow(clippy::too_many_lines)]
fn call(name: &str, args: &[Expr], at: At, outer: At, host: &mut dyn Host) -> R<J> {
    let lname = name.to_ascii_lowercase();
    // Lazy functions first: only the branch taken is evaluated.
    if lname == "if" {
        arity(name, args.len(), 3, 3, at)?;
        let c = eval(&args[0], outer, host)?;
        if let V::Unknown(r) = &c.v {
            return Ok(J::new(V::Unknown(r.clone()), at));
        }
        let branch = if truthy(&c, at)? { &args[1] } else { &args[2] };
        return eval(branch, outer, host);
    }
    if lname == "coalesce" {
        for a in args {
            let v = eval(a, outer, host)?;
            if !matches!(v.v, V::Null) {
                return Ok(v);
            }
        }
        return Ok(J::new(V::Null, at));
    }
    let vals = args
        .iter()
        .map(|a| eval(a, outer, host))
        .collect::<R<Vec<J>>>()?;
    let keeps_unknowns = matches!(lname.as_str(), "createarray" | "createobject" | "union");
    if !keeps_unknowns && let Some(u) = vals.iter().find(|v| v.is_unknown()) {
        return Ok(J::new(u.v.clone(), at));
    }
    match lname.as_str() {
        "parameters" | "variables" | "reference" | "copyindex" => {
            host_call(&lname, name, &vals, at, host)
        }
        _ => {
            let ctx = host.context();
            builtin(&lname, name, vals, at, &ctx)
        }
    }
}

/// The functions that ask the template (kept apart from [`builtin`] so the recursion through
/// variables and references keeps small stack frames).
fn host_call(lname: &str, name: &str, vals: &[J], at: At, host: &mut dyn Host) -> R<J> {
    let s = |i: usize| -> R<String> {
        match vals.get(i).map(|v| &v.v) {
            Some(V::Str(s)) => Ok(s.clone()),
            _ => Err(err(
                at,
                format!("argument {} of `{name}` must be a string", i + 1),
            )),
        }
    };
    match lname {
        "parameters" => {
            arity(name, vals.len(), 1, 1, at)?;
            let n = s(0)?;
            host.parameter(&n, at)
        }
        "variables" => {
            arity(name, vals.len(), 1, 1, at)?;
            let n = s(0)?;
            host.variable(&n, at)
        }
        "reference" => {
            arity(name, vals.len(), 1, 3, at)?;
            let full = vals
                .get(2)
                .and_then(J::as_str)
                .is_some_and(|f| f.eq_ignore_ascii_case("full"));
            let t = s(0)?;
            host.reference(&t, full, at)
        }
        _ => {
            arity(name, vals.len(), 0, 2, at)?;
            let (loop_name, off) = match vals {
                [] => (None, 0),
                [J { v: V::Int(o), .. }] => (None, *o),
                [J { v: V::Str(n), .. }] => (Some(n.clone()), 0),
                [J { v: V::Str(n), .. }, J { v: V::Int(o), .. }] => (Some(n.clone()), *o),
                _ => return Err(err(at, "copyIndex takes an optional loop name and offset")),
            };
            let i = host.copy_index(loop_name.as_deref(), at)?;
            Ok(J::new(V::Int(i + off), at))
        }
    }
}

/// The functions of values alone.
#[inline(never)]
#[allow(clippy::too_many_lines)]
fn builtin(lname: &str, name: &str, vals: Vec<J>, at: At, ctx: &Context) -> R<J> {
    let s = |i: usize| -> R<String> {
        match &vals[i].v {
            V::Str(s) => Ok(s.clone()),
            _ => Err(err(
                at,
                format!("argument {} of `{name}` must be a string", i + 1),
            )),
        }
    };
    let int = |i: usize| -> R<i64> {
        match &vals[i].v {
            V::Int(n) => Ok(*n),
            _ => Err(err(
                at,
                format!("argument {} of `{name}` must be an integer", i + 1),
            )),
        }
    };
    let out = |v: V| Ok(J::new(v, at));
    match lname {
        "listkeys" | "listsecrets" | "utcnow" | "newguid" => out(V::Unknown(format!(
            "`{name}()` is only known at deployment"
        ))),
        n if n.starts_with("list") => out(V::Unknown(format!(
            "`{name}()` is only known at deployment"
        ))),
        "concat" => {
            arity(name, vals.len(), 1, usize::MAX, at)?;
            if vals.iter().all(|v| matches!(v.v, V::Arr(_))) {
                out(V::Arr(
                    vals.iter().flat_map(|v| v.items().to_vec()).collect(),
                ))
            } else {
                out(V::Str(vals.iter().map(to_text).collect()))
            }
        }
        "format" => {
            arity(name, vals.len(), 1, usize::MAX, at)?;
            out(V::Str(format_string(&s(0)?, &vals[1..], at)?))
        }
        "string" => {
            arity(name, vals.len(), 1, 1, at)?;
            out(V::Str(to_text(&vals[0])))
        }
        "int" => {
            arity(name, vals.len(), 1, 1, at)?;
            match vals[0].as_int() {
                Some(i) => out(V::Int(i)),
                None => Err(err(at, "`int` needs an integer or a string of digits")),
            }
        }
        "bool" => {
            arity(name, vals.len(), 1, 1, at)?;
            match &vals[0].v {
                V::Int(i) => out(V::Bool(*i != 0)),
                _ => out(V::Bool(truthy(&vals[0], at)?)),
            }
        }
        "json" => {
            arity(name, vals.len(), 1, 1, at)?;
            let text = s(0)?;
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(v) => out(from_serde(&v, at).v),
                Err(e) => Err(err(
                    at,
                    format!("`json` was given text that is not JSON: {e}"),
                )),
            }
        }
        "true" => out(V::Bool(true)),
        "false" => out(V::Bool(false)),
        "null" => out(V::Null),
        "tolower" => out(V::Str(s(0)?.to_lowercase())),
        "toupper" => out(V::Str(s(0)?.to_uppercase())),
        "trim" => out(V::Str(s(0)?.trim().to_string())),
        "uniquestring" | "guid" => {
            arity(name, vals.len(), 1, usize::MAX, at)?;
            let parts = (0..vals.len()).map(s).collect::<R<Vec<_>>>()?;
            let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
            out(V::Str(if lname == "guid" {
                hash::guid(&refs)
            } else {
                hash::unique_string(&refs)
            }))
        }
        "substring" => {
            arity(name, vals.len(), 2, 3, at)?;
            let text: Vec<char> = s(0)?.chars().collect();
            let start = int(1)?;
            let len = if vals.len() == 3 {
                int(2)?
            } else {
                text.len() as i64 - start
            };
            if start < 0 || len < 0 || start + len > text.len() as i64 {
                return Err(err(
                    at,
                    format!(
                        "substring({start}, {len}) is out of range of a string of {} characters",
                        text.len()
                    ),
                ));
            }
            out(V::Str(
                text[start as usize..(start + len) as usize]
                    .iter()
                    .collect(),
            ))
        }
        "replace" => {
            arity(name, vals.len(), 3, 3, at)?;
            out(V::Str(s(0)?.replace(&s(1)?, &s(2)?)))
        }
        "split" => {
            arity(name, vals.len(), 2, 2, at)?;
            let text = s(0)?;
            let delims: Vec<String> = match &vals[1].v {
                V::Str(d) => vec![d.clone()],
                V::Arr(a) => a.iter().map(to_text).collect(),
                _ => return Err(err(at, "split needs a delimiter string or array")),
            };
            let mut parts = vec![text];
            for d in delims.iter().filter(|d| !d.is_empty()) {
                parts = parts
                    .iter()
                    .flat_map(|p| p.split(d.as_str()).map(str::to_string).collect::<Vec<_>>())
                    .collect();
            }
            out(V::Arr(
                parts.into_iter().map(|p| J::new(V::Str(p), at)).collect(),
            ))
        }
        "join" => {
            arity(name, vals.len(), 2, 2, at)?;
            let sep = s(1)?;
            out(V::Str(
                vals[0]
                    .items()
                    .iter()
                    .map(to_text)
                    .collect::<Vec<_>>()
                    .join(&sep),
            ))
        }
        "length" => {
            arity(name, vals.len(), 1, 1, at)?;
            match &vals[0].v {
                V::Str(t) => out(V::Int(t.chars().count() as i64)),
                V::Arr(a) => out(V::Int(a.len() as i64)),
                V::Obj(m) => out(V::Int(m.len() as i64)),
                _ => Err(err(at, "`length` needs a string, array or object")),
            }
        }
        "empty" => {
            arity(name, vals.len(), 1, 1, at)?;
            out(V::Bool(match &vals[0].v {
                V::Null => true,
                V::Str(t) => t.is_empty(),
                V::Arr(a) => a.is_empty(),
                V::Obj(m) => m.is_empty(),
                _ => return Err(err(at, "`empty` needs a string, array or object")),
            }))
        }
        "contains" => {
            arity(name, vals.len(), 2, 2, at)?;
            out(V::Bool(match &vals[0].v {
                V::Str(t) => t.contains(&to_text(&vals[1])),
                V::Arr(a) => a.iter().any(|x| same(x, &vals[1])),
                V::Obj(_) => vals[0].get(&to_text(&vals[1])).is_some(),
                _ => return Err(err(at, "`contains` needs a string, array or object")),
            }))
        }
        "first" | "last" => {
            arity(name, vals.len(), 1, 1, at)?;
            match &vals[0].v {
                V::Str(t) => {
                    let c = if lname == "first" {
                        t.chars().next()
                    } else {
                        t.chars().last()
                    };
                    out(V::Str(c.map(String::from).unwrap_or_default()))
                }
                V::Arr(a) => {
                    let x = if lname == "first" {
                        a.first()
                    } else {
                        a.last()
                    };
                    Ok(x.cloned().unwrap_or_else(|| J::new(V::Null, at)))
                }
                _ => Err(err(at, format!("`{name}` needs a string or array"))),
            }
        }
        "take" | "skip" => {
            arity(name, vals.len(), 2, 2, at)?;
            let n = int(1)?.max(0) as usize;
            match &vals[0].v {
                V::Str(t) => {
                    let it = t.chars();
                    out(V::Str(if lname == "take" {
                        it.take(n).collect()
                    } else {
                        it.skip(n).collect()
                    }))
                }
                V::Arr(a) => out(V::Arr(if lname == "take" {
                    a.iter().take(n).cloned().collect()
                } else {
                    a.iter().skip(n).cloned().collect()
                })),
                _ => Err(err(at, format!("`{name}` needs a string or array"))),
            }
        }
        "range" => {
            arity(name, vals.len(), 2, 2, at)?;
            let (start, count) = (int(0)?, int(1)?);
            if !(0..=10_000).contains(&count) {
                return Err(err(at, "range count must be from 0 to 10000"));
            }
            out(V::Arr(
                (start..start + count)
                    .map(|i| J::new(V::Int(i), at))
                    .collect(),
            ))
        }
        "createarray" => out(V::Arr(vals)),
        "array" => {
            arity(name, vals.len(), 1, 1, at)?;
            match &vals[0].v {
                V::Arr(_) => Ok(vals[0].clone()),
                _ => out(V::Arr(vals)),
            }
        }
        "createobject" => {
            if !vals.len().is_multiple_of(2) {
                return Err(err(at, "createObject takes pairs of key and value"));
            }
            let mut m = Vec::new();
            for pair in vals.chunks(2) {
                m.push((to_text(&pair[0]), pair[1].clone()));
            }
            out(V::Obj(m))
        }
        "union" => {
            arity(name, vals.len(), 1, usize::MAX, at)?;
            if let Some(u) = vals.iter().find(|v| v.is_unknown()) {
                return Ok(u.clone());
            }
            if vals.iter().all(|v| matches!(v.v, V::Obj(_))) {
                let mut m: Vec<(String, J)> = Vec::new();
                for v in &vals {
                    merge_into(&mut m, v.members());
                }
                out(V::Obj(m))
            } else if vals.iter().all(|v| matches!(v.v, V::Arr(_))) {
                let mut a: Vec<J> = Vec::new();
                for x in vals.iter().flat_map(|v| v.items()) {
                    if !a.iter().any(|y| same(x, y)) {
                        a.push(x.clone());
                    }
                }
                out(V::Arr(a))
            } else {
                Err(err(at, "`union` needs all objects or all arrays"))
            }
        }
        "intersection" => {
            arity(name, vals.len(), 2, usize::MAX, at)?;
            let first = vals[0].items().to_vec();
            out(V::Arr(
                first
                    .into_iter()
                    .filter(|x| {
                        vals[1..]
                            .iter()
                            .all(|v| v.items().iter().any(|y| same(x, y)))
                    })
                    .collect(),
            ))
        }
        "equals" => {
            arity(name, vals.len(), 2, 2, at)?;
            out(V::Bool(same(&vals[0], &vals[1])))
        }
        "not" => {
            arity(name, vals.len(), 1, 1, at)?;
            out(V::Bool(!truthy(&vals[0], at)?))
        }
        "and" | "or" => {
            arity(name, vals.len(), 2, usize::MAX, at)?;
            let bs = vals
                .iter()
                .map(|v| truthy(v, at))
                .collect::<R<Vec<bool>>>()?;
            out(V::Bool(if lname == "and" {
                bs.iter().all(|b| *b)
            } else {
                bs.iter().any(|b| *b)
            }))
        }
        "less" | "lessorequals" | "greater" | "greaterorequals" => {
            arity(name, vals.len(), 2, 2, at)?;
            let ord = match (&vals[0].v, &vals[1].v) {
                (V::Int(a), V::Int(b)) => a.cmp(b),
                (V::Str(a), V::Str(b)) => a.cmp(b),
                _ => {
                    return Err(err(
                        at,
                        format!("`{name}` compares two integers or two strings"),
                    ));
                }
            };
            use std::cmp::Ordering::*;
            out(V::Bool(match lname {
                "less" => ord == Less,
                "lessorequals" => ord != Greater,
                "greater" => ord == Greater,
                _ => ord != Less,
            }))
        }
        "add" | "sub" | "mul" | "div" | "mod" => {
            arity(name, vals.len(), 2, 2, at)?;
            let (a, b) = (int(0)?, int(1)?);
            let r = match lname {
                "add" => a.checked_add(b),
                "sub" => a.checked_sub(b),
                "mul" => a.checked_mul(b),
                "div" => a.checked_div(b),
                _ => a.checked_rem(b),
            };
            r.map(|v| J::new(V::Int(v), at)).ok_or_else(|| {
                err(
                    at,
                    format!("`{name}({a}, {b})` overflows or divides by zero"),
                )
            })
        }
        "min" | "max" => {
            let nums: Vec<i64> = match vals.as_slice() {
                [J { v: V::Arr(a), .. }] => a.iter().filter_map(J::as_int).collect(),
                _ => (0..vals.len()).map(int).collect::<R<_>>()?,
            };
            let r = if lname == "min" {
                nums.iter().min()
            } else {
                nums.iter().max()
            };
            r.map(|v| J::new(V::Int(*v), at))
                .ok_or_else(|| err(at, format!("`{name}` needs at least one integer")))
        }
        "startswith" | "endswith" | "indexof" | "lastindexof" => {
            arity(name, vals.len(), 2, 2, at)?;
            let (a, b) = (s(0)?.to_lowercase(), s(1)?.to_lowercase());
            out(match lname {
                "startswith" => V::Bool(a.starts_with(&b)),
                "endswith" => V::Bool(a.ends_with(&b)),
                "indexof" => V::Int(a.find(&b).map_or(-1, |i| a[..i].chars().count() as i64)),
                _ => V::Int(a.rfind(&b).map_or(-1, |i| a[..i].chars().count() as i64)),
            })
        }
        "padleft" => {
            arity(name, vals.len(), 2, 3, at)?;
            let text = to_text(&vals[0]);
            let width = int(1)?.clamp(0, 16_384) as usize;
            let pad = vals
                .get(2)
                .map(to_text)
                .and_then(|p| p.chars().next())
                .unwrap_or(' ');
            let n = text.chars().count();
            out(V::Str(
                std::iter::repeat_n(pad, width.saturating_sub(n))
                    .chain(text.chars())
                    .collect(),
            ))
        }
        "items" => {
            arity(name, vals.len(), 1, 1, at)?;
            let mut m: Vec<(String, J)> = vals[0].members().to_vec();
            m.sort_by(|a, b| a.0.cmp(&b.0));
            out(V::Arr(
                m.into_iter()
                    .map(|(k, v)| {
                        J::new(
                            V::Obj(vec![
                                ("key".into(), J::new(V::Str(k), at)),
                                ("value".into(), v),
                            ]),
                            at,
                        )
                    })
                    .collect(),
            ))
        }
        "resourceid" | "subscriptionresourceid" | "tenantresourceid" | "extensionresourceid" => {
            let parts = (0..vals.len()).map(s).collect::<R<Vec<_>>>()?;
            resource_id(lname, &parts, ctx)
                .map(|id| J::new(V::Str(id), at))
                .map_err(|m| err(at, m))
        }
        "resourcegroup" => {
            let id = format!(
                "/subscriptions/{}/resourceGroups/{}",
                ctx.subscription_id, ctx.resource_group
            );
            out(obj(
                &[
                    ("id", V::Str(id)),
                    ("name", V::Str(ctx.resource_group.clone())),
                    ("type", V::Str("Microsoft.Resources/resourceGroups".into())),
                    ("location", V::Str(ctx.location.clone())),
                ],
                at,
            ))
        }
        "subscription" => out(obj(
            &[
                (
                    "id",
                    V::Str(format!("/subscriptions/{}", ctx.subscription_id)),
                ),
                ("subscriptionId", V::Str(ctx.subscription_id.clone())),
                ("tenantId", V::Str(ctx.tenant_id.clone())),
                ("displayName", V::Str("vnetlab-subscription".into())),
            ],
            at,
        )),
        "tenant" => out(obj(&[("tenantId", V::Str(ctx.tenant_id.clone()))], at)),
        "deployment" => out(obj(
            &[
                ("name", V::Str(ctx.deployment.clone())),
                ("location", V::Str(ctx.location.clone())),
            ],
            at,
        )),
        "environment" => Ok(from_serde(
            &serde_json::json!({
                "name": "AzureCloud",
                "gallery": "https://gallery.azure.com/",
                "graph": "https://graph.windows.net/",
                "portal": "https://portal.azure.com",
                "resourceManager": "https://management.azure.com/",
                "authentication": {
                    "loginEndpoint": "https://login.microsoftonline.com/",
                    "audiences": ["https://management.core.windows.net/", "https://management.azure.com/"],
                    "tenant": "common",
                    "identityProvider": "AAD"
                },
                "suffixes": {
                    "acrLoginServer": ".azurecr.io",
                    "azureDatalakeAnalyticsCatalogAndJob": "azuredatalakeanalytics.net",
                    "azureDatalakeStoreFileSystem": "azuredatalakestore.net",
                    "keyvaultDns": ".vault.azure.net",
                    "sqlServerHostname": ".database.windows.net",
                    "storage": "core.windows.net"
                }
            }),
            at,
        )),
        "base64" | "uri" => out(V::Str(
            vals.iter().map(to_text).collect::<Vec<_>>().join("/"),
        )),
        _ => {
            let help = vnetlab_core::diag::did_you_mean(lname, FUNCTIONS.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| {
                    "vnetlab evaluates the template functions listed in docs/import.md".into()
                });
            Err(EvalError {
                at,
                message: format!("unknown template function `{name}`"),
                help: Some(help),
            })
        }
    }
}

fn arity(name: &str, n: usize, min: usize, max: usize, at: At) -> R<()> {
    if n < min || n > max {
        let want = if min == max {
            format!("{min}")
        } else if max == usize::MAX {
            format!("at least {min}")
        } else {
            format!("{min} to {max}")
        };
        return Err(err(
            at,
            format!("`{name}` takes {want} argument(s), not {n}"),
        ));
    }
    Ok(())
}

fn obj(pairs: &[(&str, V)], at: At) -> V {
    V::Obj(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), J::new(v.clone(), at)))
            .collect(),
    )
}

/// A serde value as a [`J`] at `at`.
pub fn from_serde(v: &serde_json::Value, at: At) -> J {
    use serde_json::Value;
    let v = match v {
        Value::Null => V::Null,
        Value::Bool(b) => V::Bool(*b),
        Value::Number(n) => n
            .as_i64()
            .map_or_else(|| V::Float(n.as_f64().unwrap_or(0.0)), V::Int),
        Value::String(s) => V::Str(s.clone()),
        Value::Array(a) => V::Arr(a.iter().map(|x| from_serde(x, at)).collect()),
        Value::Object(m) => V::Obj(
            m.iter()
                .map(|(k, x)| (k.clone(), from_serde(x, at)))
                .collect(),
        ),
    };
    J::new(v, at)
}

/// `union` of objects: later keys win, nested objects are merged recursively, nested arrays
/// replaced (Azure's documented behaviour).
fn merge_into(m: &mut Vec<(String, J)>, more: &[(String, J)]) {
    for (k, x) in more {
        match m.iter_mut().find(|(mk, _)| mk.eq_ignore_ascii_case(k)) {
            Some(slot) => match (&mut slot.1.v, &x.v) {
                (V::Obj(inner), V::Obj(add)) => merge_into(inner, add),
                _ => slot.1 = x.clone(),
            },
            None => m.push((k.clone(), x.clone())),
        }
    }
}

/// Deep equality ignoring positions.
fn same(a: &J, b: &J) -> bool {
    a.to_json() == b.to_json()
}

/// .NET composite formatting: `{0}`, `{1:D3}` (zero-padded integers), `{{`/`}}`.
fn format_string(f: &str, args: &[J], at: At) -> R<String> {
    let mut out = String::new();
    let mut chars = f.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut spec = String::new();
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                    spec.push(d);
                }
                let (idx, fmt) = spec.split_once(':').unwrap_or((&spec, ""));
                let i: usize = idx
                    .trim()
                    .parse()
                    .map_err(|_| err(at, format!("`{{{spec}}}` is not a format item")))?;
                let a = args
                    .get(i)
                    .ok_or_else(|| err(at, format!("format item {{{i}}} has no argument")))?;
                let text = to_text(a);
                match (fmt.chars().next(), &a.v) {
                    (Some('D' | 'd'), V::Int(n)) => {
                        let w: usize = fmt[1..].parse().unwrap_or(0);
                        out.push_str(&format!("{n:0w$}"));
                    }
                    _ => out.push_str(&text),
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// `resourceId` and its variants, with the context's subscription and resource group.
pub fn resource_id(func: &str, parts: &[String], ctx: &Context) -> Result<String, String> {
    let (scope, rest): (String, &[String]) = match func {
        "extensionresourceid" => match parts.split_first() {
            Some((base, rest)) => (base.trim_end_matches('/').to_string(), rest),
            None => return Err("extensionResourceId needs a resource id and a type".into()),
        },
        _ => {
            let t = parts.iter().position(|p| p.contains('/')).ok_or_else(|| {
                format!("`{func}` needs a resource type such as Microsoft.Network/virtualNetworks")
            })?;
            let (pre, rest) = parts.split_at(t);
            let scope = match (func, pre) {
                ("tenantresourceid", []) => String::new(),
                ("subscriptionresourceid", []) => format!("/subscriptions/{}", ctx.subscription_id),
                ("subscriptionresourceid", [sub]) => format!("/subscriptions/{sub}"),
                ("resourceid", []) => format!(
                    "/subscriptions/{}/resourceGroups/{}",
                    ctx.subscription_id, ctx.resource_group
                ),
                ("resourceid", [rg]) => {
                    format!("/subscriptions/{}/resourceGroups/{rg}", ctx.subscription_id)
                }
                ("resourceid", [sub, rg]) => format!("/subscriptions/{sub}/resourceGroups/{rg}"),
                _ => {
                    return Err(format!(
                        "`{func}` was given too many arguments before the resource type"
                    ));
                }
            };
            (scope, rest)
        }
    };
    let Some((rtype, names)) = rest.split_first() else {
        return Err(format!("`{func}` needs a resource type"));
    };
    let segs: Vec<&str> = rtype.split('/').collect();
    if segs.len() < 2 || segs.len() - 1 != names.len() {
        return Err(format!(
            "resource type `{rtype}` needs {} name(s), {} given",
            segs.len().saturating_sub(1),
            names.len()
        ));
    }
    let mut id = format!("{scope}/providers/{}", segs[0]);
    for (t, n) in segs[1..].iter().zip(names) {
        id.push_str(&format!("/{t}/{n}"));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    struct H(BTreeMap<String, J>);
    impl Host for H {
        fn parameter(&mut self, name: &str, at: At) -> R<J> {
            self.0
                .get(name)
                .cloned()
                .ok_or_else(|| err(at, "no such parameter"))
        }
        fn variable(&mut self, name: &str, at: At) -> R<J> {
            self.parameter(name, at)
        }
        fn reference(&mut self, t: &str, _: bool, at: At) -> R<J> {
            Ok(J::new(V::Unknown(format!("reference({t})")), at))
        }
        fn copy_index(&mut self, _: Option<&str>, _: At) -> R<i64> {
            Ok(2)
        }
        fn context(&self) -> Context {
            Context {
                subscription_id: "sub".into(),
                tenant_id: "ten".into(),
                resource_group: "rg".into(),
                location: "westeurope".into(),
                deployment: "dep".into(),
            }
        }
    }

    fn ev(s: &str) -> serde_json::Value {
        let mut h = H(BTreeMap::from([(
            "p".to_string(),
            from_serde(
                &serde_json::json!({"a": [1, 2, 3], "b": "x"}),
                At::default(),
            ),
        )]));
        eval_string(s, At::default(), &mut h).unwrap().to_json()
    }

    #[test]
    fn documented_examples() {
        use serde_json::json;
        assert_eq!(ev("[concat('a', 1, true())]"), json!("a1True"));
        assert_eq!(ev("[format('{0}-{1:D3}', 'x', 7)]"), json!("x-007"));
        assert_eq!(
            ev("[replace('123-123-1234', '-', '')]"),
            json!("1231231234")
        );
        assert_eq!(
            ev("[split('one;two,three', createArray(',', ';'))]"),
            json!(["one", "two", "three"])
        );
        assert_eq!(ev("[skip('one two three', 4)]"), json!("two three"));
        assert_eq!(
            ev("[take(createArray('one','two','three'), 2)]"),
            json!(["one", "two"])
        );
        assert_eq!(ev("[last('One Two Three')]"), json!("e"));
        assert_eq!(ev("[indexOf('abcdef', 'CD')]"), json!(2));
        assert_eq!(ev("[padLeft('123', 10, '0')]"), json!("0000000123"));
        assert_eq!(ev("[range(5, 3)]"), json!([5, 6, 7]));
        assert_eq!(ev("[length(parameters('p').a)]"), json!(3));
        assert_eq!(
            ev("[union(createObject('a', 1), createObject('b', 2))]"),
            json!({"a": 1, "b": 2})
        );
        // Nested objects merge, nested arrays are replaced.
        assert_eq!(
            ev(r#"[union(json('{"o": {"x": 1, "l": [1]}}'), json('{"o": {"y": 2, "l": [2]}}'))]"#),
            json!({"o": {"x": 1, "y": 2, "l": [2]}})
        );
        assert_eq!(ev("[if(empty(''), 'yes', fail())]"), json!("yes"));
        assert_eq!(ev("[coalesce(null(), 'x')]"), json!("x"));
        assert_eq!(ev("[string(createObject('a', 1))]"), json!("{\"a\":1}"));
        assert_eq!(ev("[contains(createArray('a', 'b'), 'b')]"), json!(true));
        assert_eq!(ev("[int('42')]"), json!(42));
        assert_eq!(ev("[substring('hello', 1, 3)]"), json!("ell"));
        assert_eq!(ev("[toUpper(first(createArray('ab')))]"), json!("AB"));
        assert_eq!(ev("[copyIndex(1)]"), json!(3));
        assert_eq!(
            ev("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 's')]"),
            json!(
                "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
            )
        );
        assert_eq!(
            ev("[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'x')]"),
            json!("/subscriptions/sub/providers/Microsoft.Resources/resourceGroups/x")
        );
        assert_eq!(
            ev("[tenantResourceId('Microsoft.Management/managementGroups', 'mg')]"),
            json!("/providers/Microsoft.Management/managementGroups/mg")
        );
        assert_eq!(ev("[resourceGroup().location]"), json!("westeurope"));
        assert_eq!(
            ev("[environment().suffixes.storage]"),
            json!("core.windows.net")
        );
        assert_eq!(ev("[[literal]"), json!("[literal]"));
        assert_eq!(ev("[uniqueString('test')]"), json!("rbgf3xv4ufgzg"));
    }

    #[test]
    fn unknown_values_spread_and_unknown_functions_fail() {
        assert_eq!(
            ev("[concat('a', reference('x').ip)]"),
            serde_json::json!("<unknown>")
        );
        let mut h = H(BTreeMap::new());
        let e = eval_string("[concat(fooBar('a'))]", At::default(), &mut h).unwrap_err();
        assert!(e.message.contains("unknown template function `fooBar`"));
        assert_eq!(e.at.span.col, 9);
        let e = eval_string("[tolowr('A')]", At::default(), &mut h).unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `tolower`?"));
    }
}
