//! ARM deployment templates (what `az bicep build` writes) expanded into the resources a
//! deployment would create: parameters (defaults and a parameters file), variables (with
//! `copy`), resources with `copy` loops, `condition`, child resources, property `copy` loops,
//! and nested inline deployments (`Microsoft.Resources/deployments`, inner or outer scope) with
//! their parameters and `outputs`, read back through `reference()`.
//!
//! Everything is evaluated lazily and at most once: a variable, parameter default or resource is
//! evaluated when first needed, so declaration order does not matter and a cycle is an error.

use super::eval::{Context, EvalError, Host, R, eval_string};
use super::json::{At, J, V};
use crate::report::Outcome;
use std::collections::BTreeMap;

/// The deployment's context: documented placeholders unless the user gives real values (then
/// `uniqueString(resourceGroup().id)` and friends give the names a real deployment would).
#[derive(Clone, Debug)]
pub struct Options {
    /// `subscription().subscriptionId`.
    pub subscription_id: String,
    /// `subscription().tenantId`.
    pub tenant_id: String,
    /// `resourceGroup().name`.
    pub resource_group: String,
    /// `resourceGroup().location`.
    pub location: String,
    /// `deployment().name`.
    pub deployment: String,
    /// The design's name (default: the first file's name without its extension).
    pub design_name: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            subscription_id: "00000000-0000-0000-0000-000000000000".into(),
            tenant_id: "00000000-0000-0000-0000-000000000000".into(),
            resource_group: "vnetlab-rg".into(),
            location: "eastus".into(),
            deployment: "vnetlab-import".into(),
            design_name: None,
        }
    }
}

/// A resource the deployment would create, with its properties evaluated.
#[derive(Clone, Debug)]
pub struct Resource {
    /// Its resource id (with the context's subscription and resource group).
    pub id: String,
    /// Its full type, e.g. `Microsoft.Network/virtualNetworks/subnets`.
    pub rtype: String,
    /// Its full name, e.g. `hub/AzureFirewallSubnet`.
    pub name: String,
    /// The evaluated resource object (`properties`, `location`, …).
    pub body: J,
    /// Where it is declared.
    pub at: At,
}

/// Something the expansion could not carry over exactly.
#[derive(Clone, Debug)]
pub struct Note {
    /// Where.
    pub at: At,
    /// The resource concerned.
    pub resource: Option<String>,
    /// What happened.
    pub outcome: Outcome,
    /// The property concerned.
    pub subject: String,
    /// Why.
    pub message: String,
}

/// The resources of a template and what could not be carried over.
#[derive(Clone, Debug)]
pub struct Expanded {
    /// Resources, in declaration order.
    pub resources: Vec<Resource>,
    /// The template's outputs, evaluated.
    pub outputs: J,
    /// Notes for the report.
    pub notes: Vec<Note>,
}

#[derive(Clone, Debug)]
enum Slot {
    Raw(J),
    Busy,
    Done(J),
}

struct Scope {
    params: BTreeMap<String, Slot>,
    vars: BTreeMap<String, Slot>,
    ctx: Context,
}

enum Kind {
    Resource,
    Deployment { inner: usize, outputs: Option<J> },
}

struct Decl {
    scope: usize,
    copy: Vec<(String, i64)>,
    rtype: String,
    name: String,
    symbolic: Option<String>,
    id: String,
    raw: J,
    kind: Kind,
    existing: bool,
    deployed: bool,
    body: Slot,
}

struct Engine {
    scopes: Vec<Scope>,
    decls: Vec<Decl>,
    notes: Vec<Note>,
    /// Variables, parameter defaults and resources being evaluated, one inside another.
    depth: usize,
}

/// How deep one evaluation may nest, in units: a variable, parameter default or `reference()`d
/// resource evaluated inside another costs [`CHAIN`], a function call inside another [`CALL`],
/// an array or object inside another 1.
/// It guards the stack (a 2 MB thread in a debug build holds about twice this); real templates
/// stay far below (a chain of 10 variables 20 levels deep costs 280).
const MAX_NESTING: usize = 500;
/// The cost of one link of a chain of variables, parameters or references.
const CHAIN: usize = 8;
/// The cost of a function call inside another.
const CALL: usize = 2;

impl Engine {
    fn enter(&mut self, cost: usize, at: At) -> R<()> {
        self.depth += cost;
        if self.depth > MAX_NESTING {
            return Err(EvalError {
                at,
                message: "variables, parameters or references refer to one another in a chain too long or too deeply nested to evaluate".into(),
                help: Some("simplify the chain of variables".into()),
            });
        }
        Ok(())
    }
}

/// Keys of a resource that are not part of what it is.
const META: &[&str] = &[
    "copy",
    "resources",
    "condition",
    "dependsOn",
    "existing",
    "comments",
];

/// Expands a template with an optional parameters file (its `parameters` object).
pub fn expand(template: &J, params: Option<&J>, opts: &Options) -> R<Expanded> {
    let mut e = Engine {
        scopes: Vec::new(),
        decls: Vec::new(),
        notes: Vec::new(),
        depth: 0,
    };
    let ctx = Context {
        subscription_id: opts.subscription_id.clone(),
        tenant_id: opts.tenant_id.clone(),
        resource_group: opts.resource_group.clone(),
        location: opts.location.clone(),
        deployment: opts.deployment.clone(),
    };
    let given: BTreeMap<String, J> = params
        .map(|p| {
            p.members()
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), param_value(v)))
                .collect()
        })
        .unwrap_or_default();
    if let Some(p) = params {
        let declared = template.get("parameters");
        for (k, v) in p.members() {
            if declared.and_then(|d| d.get(k)).is_none() {
                return Err(EvalError {
                    at: v.at,
                    message: format!("the template has no parameter `{k}`"),
                    help: Some("remove it from the parameters file, or check its spelling".into()),
                });
            }
        }
    }
    let root = e.scope(template, given, ctx)?;
    e.declare_template(root, template, &[])?;
    for i in 0..e.decls.len() {
        if matches!(e.decls[i].kind, Kind::Resource) && e.decls[i].deployed && !e.decls[i].existing
        {
            e.body(i)?;
        }
    }
    // The template's own outputs: evaluated so a mistake in them is an error, as in Azure.
    let mut outputs = Vec::new();
    for (k, o) in template.get("outputs").map(J::members).unwrap_or(&[]) {
        if let Some(v) = o.get("value") {
            outputs.push((k.clone(), e.eval_in(root, &[], v)?));
        }
    }
    let mut out = Expanded {
        resources: Vec::new(),
        outputs: J::new(V::Obj(outputs), template.at),
        notes: std::mem::take(&mut e.notes),
    };
    for d in &e.decls {
        if let (Kind::Resource, true, false, Slot::Done(body)) =
            (&d.kind, d.deployed, d.existing, &d.body)
        {
            out.resources.push(Resource {
                id: d.id.clone(),
                rtype: d.rtype.clone(),
                name: d.name.clone(),
                body: body.clone(),
                at: d.raw.at,
            });
        }
    }
    Ok(out)
}

/// A parameters-file entry: `{"value": …}`, or a Key Vault reference (unknown here).
fn param_value(v: &J) -> J {
    match v.get("value") {
        Some(x) => x.clone(),
        None if v.get("reference").is_some() => J::new(
            V::Unknown("a Key Vault secret reference is read at deployment".into()),
            v.at,
        ),
        None => v.clone(),
    }
}

fn err(at: At, message: impl Into<String>) -> EvalError {
    EvalError {
        at,
        message: message.into(),
        help: None,
    }
}

impl Engine {
    /// A new scope for `template` with the values given for its parameters.
    fn scope(&mut self, template: &J, given: BTreeMap<String, J>, ctx: Context) -> R<usize> {
        if let Some(f) = template.get("functions")
            && !f.items().is_empty()
        {
            return Err(EvalError {
                at: f.at,
                message: "user-defined template functions are not supported".into(),
                help: Some("inline the function's expression where it is called".into()),
            });
        }
        let mut params = BTreeMap::new();
        for (name, decl) in template.get("parameters").map(J::members).unwrap_or(&[]) {
            let key = name.to_ascii_lowercase();
            let slot = match given.get(&key) {
                Some(v) => Slot::Done(v.clone()),
                None => match decl.get("defaultValue") {
                    Some(d) => Slot::Raw(d.clone()),
                    None => {
                        return Err(EvalError {
                            at: decl.at,
                            message: format!("parameter `{name}` has no value and no default"),
                            help: Some(
                                "give it a value in the parameters file (--parameters FILE)".into(),
                            ),
                        });
                    }
                },
            };
            params.insert(key, slot);
        }
        let mut vars = BTreeMap::new();
        for (name, v) in template.get("variables").map(J::members).unwrap_or(&[]) {
            if name.eq_ignore_ascii_case("copy") {
                for c in v.items() {
                    if let Some(n) = c.get("name").and_then(J::as_str) {
                        let mut loop_obj = c.clone();
                        // Stored as a one-entry property copy, expanded on first use.
                        loop_obj.v =
                            V::Obj(vec![("copy".into(), J::new(V::Arr(vec![c.clone()]), c.at))]);
                        vars.insert(n.to_ascii_lowercase(), Slot::Raw(loop_obj));
                    }
                }
            } else {
                vars.insert(name.to_ascii_lowercase(), Slot::Raw(v.clone()));
            }
        }
        self.scopes.push(Scope { params, vars, ctx });
        Ok(self.scopes.len() - 1)
    }

    fn declare_template(&mut self, scope: usize, template: &J, copy: &[(String, i64)]) -> R<()> {
        let Some(res) = template.get("resources") else {
            return Ok(());
        };
        match &res.v {
            V::Arr(items) => {
                for r in items {
                    self.declare(scope, r, None, None, copy)?;
                }
            }
            V::Obj(members) => {
                for (sym, r) in members {
                    self.declare(scope, r, None, Some(sym), copy)?;
                }
            }
            _ => return Err(err(res.at, "`resources` must be an array or an object")),
        }
        Ok(())
    }

    fn eval_in(&mut self, scope: usize, copy: &[(String, i64)], j: &J) -> R<J> {
        let mut c = Cursor {
            e: self,
            scope,
            copy: copy.to_vec(),
        };
        c.value(j)
    }

    fn declare(
        &mut self,
        scope: usize,
        r: &J,
        parent: Option<(&str, &str)>,
        symbolic: Option<&str>,
        copy: &[(String, i64)],
    ) -> R<()> {
        let ty = r
            .get("type")
            .ok_or_else(|| err(r.at, "a resource needs a `type`"))?;
        let ty = self.eval_in(scope, copy, ty)?;
        let ty = ty
            .as_str()
            .ok_or_else(|| err(ty.at, "a resource `type` must be a string"))?
            .to_string();
        let instances: Vec<Vec<(String, i64)>> = match r.get("copy") {
            None => vec![copy.to_vec()],
            Some(c) => {
                let name = c
                    .get("name")
                    .and_then(J::as_str)
                    .ok_or_else(|| err(c.at, "a `copy` loop needs a `name`"))?
                    .to_string();
                let count = c
                    .get("count")
                    .ok_or_else(|| err(c.at, "a `copy` loop needs a `count`"))?;
                let count = self.eval_in(scope, copy, count)?;
                let n = match &count.v {
                    V::Int(n) if (0..=800).contains(n) => *n,
                    V::Unknown(why) => {
                        self.notes.push(Note {
                            at: c.at,
                            resource: None,
                            outcome: Outcome::UnknownUntilDeploy,
                            subject: format!("copy `{name}`"),
                            message: format!(
                                "the loop's count is unknown ({why}); no instance imported"
                            ),
                        });
                        0
                    }
                    _ => {
                        return Err(err(
                            count.at,
                            "a `copy` count must be an integer from 0 to 800",
                        ));
                    }
                };
                (0..n)
                    .map(|i| {
                        let mut c = copy.to_vec();
                        c.push((name.clone(), i));
                        c
                    })
                    .collect()
            }
        };
        for inst in instances {
            let name = r
                .get("name")
                .ok_or_else(|| err(r.at, "a resource needs a `name`"))?;
            let name = self.eval_in(scope, &inst, name)?;
            let name = match &name.v {
                V::Str(s) => s.clone(),
                V::Unknown(why) => {
                    return Err(err(
                        name.at,
                        format!("a resource's name must be known before deployment ({why})"),
                    ));
                }
                _ => return Err(err(name.at, "a resource `name` must be a string")),
            };
            let (full_type, full_name) = match parent {
                Some((pt, pn)) if !ty.contains('/') => {
                    (format!("{pt}/{ty}"), format!("{pn}/{name}"))
                }
                _ => (ty.clone(), name.clone()),
            };
            let mut deployed = true;
            if let Some(c) = r.get("condition") {
                let v = self.eval_in(scope, &inst, c)?;
                match &v.v {
                    V::Bool(b) => deployed = *b,
                    V::Unknown(why) => self.notes.push(Note {
                        at: c.at,
                        resource: Some(full_name.clone()),
                        outcome: Outcome::UnknownUntilDeploy,
                        subject: "condition".into(),
                        message: format!("unknown before deployment ({why}); imported as deployed"),
                    }),
                    _ => return Err(err(v.at, "a `condition` must be a boolean")),
                }
            }
            let existing = r.get("existing").and_then(J::as_bool).unwrap_or(false);
            let ctx = self.scopes[scope].ctx.clone();
            let (ctx, id) = if full_type.eq_ignore_ascii_case("Microsoft.Resources/deployments") {
                let mut nctx = ctx.clone();
                if let Some(rg) = r.get("resourceGroup")
                    && let Some(s) = self.eval_in(scope, &inst, rg)?.as_str()
                {
                    nctx.resource_group = s.to_string();
                }
                if let Some(sub) = r.get("subscriptionId")
                    && let Some(s) = self.eval_in(scope, &inst, sub)?.as_str()
                {
                    nctx.subscription_id = s.to_string();
                }
                nctx.deployment = full_name.clone();
                let id = make_id(&nctx, &full_type, &full_name);
                (nctx, id)
            } else {
                let id = make_id(&ctx, &full_type, &full_name);
                (ctx, id)
            };
            let index = self.decls.len();
            self.decls.push(Decl {
                scope,
                copy: inst.clone(),
                rtype: full_type.clone(),
                name: full_name.clone(),
                symbolic: symbolic.map(str::to_string),
                id,
                raw: r.clone(),
                kind: Kind::Resource,
                existing,
                deployed,
                body: Slot::Raw(r.clone()),
            });
            if !deployed {
                continue;
            }
            if full_type.eq_ignore_ascii_case("Microsoft.Resources/deployments") && !existing {
                self.deployment(index, scope, r, &inst, ctx)?;
            }
            if let Some(children) = r.get("resources") {
                for c in children.items() {
                    self.declare(scope, c, Some((&full_type, &full_name)), None, &inst)?;
                }
            }
        }
        Ok(())
    }

    /// A nested deployment: its own scope (inner) or its parent's (outer), its resources and
    /// outputs.
    fn deployment(
        &mut self,
        index: usize,
        scope: usize,
        r: &J,
        copy: &[(String, i64)],
        ctx: Context,
    ) -> R<()> {
        let name = self.decls[index].name.clone();
        let props = r.get("properties");
        let Some(template) = props.and_then(|p| p.get("template")) else {
            let at = props
                .and_then(|p| p.get("templateLink"))
                .map_or(r.at, |t| t.at);
            self.notes.push(Note {
                at,
                resource: Some(name),
                outcome: Outcome::Dropped,
                subject: "properties.templateLink".into(),
                message: "a linked template is not read: build it into the template (`az bicep build` inlines modules) or import it separately".into(),
            });
            self.decls[index].kind = Kind::Deployment {
                inner: scope,
                outputs: None,
            };
            return Ok(());
        };
        let inner_mode = props
            .and_then(|p| p.path(&["expressionEvaluationOptions", "scope"]))
            .and_then(J::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
        let inner = if inner_mode {
            let mut given = BTreeMap::new();
            if let Some(ps) = props.and_then(|p| p.get("parameters")) {
                for (k, v) in ps.members() {
                    let value = match v.get("value") {
                        Some(x) => self.eval_in(scope, copy, x)?,
                        None => param_value(v),
                    };
                    given.insert(k.to_ascii_lowercase(), value);
                }
                for (k, v) in ps.members() {
                    if template.path(&["parameters", k]).is_none() {
                        return Err(err(
                            v.at,
                            format!("nested deployment `{name}` has no parameter `{k}`"),
                        ));
                    }
                }
            }
            self.scope(template, given, ctx)?
        } else {
            let params = self.scopes[scope].params.clone();
            let vars = self.scopes[scope].vars.clone();
            self.scopes.push(Scope { params, vars, ctx });
            self.scopes.len() - 1
        };
        self.decls[index].kind = Kind::Deployment {
            inner,
            outputs: template.get("outputs").cloned(),
        };
        let inner_copy: Vec<(String, i64)> = if inner_mode {
            Vec::new()
        } else {
            copy.to_vec()
        };
        self.declare_template(inner, template, &inner_copy)
    }

    /// The evaluated body of resource `i`.
    fn body(&mut self, i: usize) -> R<J> {
        match &self.decls[i].body {
            Slot::Done(j) => return Ok(j.clone()),
            Slot::Busy => {
                return Err(err(
                    self.decls[i].raw.at,
                    format!(
                        "resource `{}` refers to itself through reference()",
                        self.decls[i].name
                    ),
                ));
            }
            Slot::Raw(_) => {}
        }
        let Slot::Raw(raw) = std::mem::replace(&mut self.decls[i].body, Slot::Busy) else {
            unreachable!("checked above")
        };
        let (scope, copy) = (self.decls[i].scope, self.decls[i].copy.clone());
        self.enter(CHAIN, raw.at)?;
        let mut members = Vec::new();
        for (k, v) in raw.members() {
            if META.iter().any(|m| m.eq_ignore_ascii_case(k)) {
                continue;
            }
            let value = match k.to_ascii_lowercase().as_str() {
                "name" => J::new(V::Str(self.decls[i].name.clone()), v.at),
                "type" => J::new(V::Str(self.decls[i].rtype.clone()), v.at),
                _ => self.eval_in(scope, &copy, v)?,
            };
            members.push((k.clone(), value));
        }
        members.push((
            "id".into(),
            J::new(V::Str(self.decls[i].id.clone()), raw.at),
        ));
        let body = J::new(V::Obj(members), raw.at);
        self.decls[i].body = Slot::Done(body.clone());
        self.depth -= CHAIN;
        Ok(body)
    }

    fn find(&self, scope: usize, target: &str) -> Option<usize> {
        let t = target.to_ascii_lowercase();
        let by_id = |d: &Decl| d.id.to_ascii_lowercase() == t;
        if let Some(i) = self.decls.iter().position(by_id) {
            return Some(i);
        }
        if t.starts_with('/') {
            // An id with another subscription or resource group: match type and name.
            let (ty, name) = split_id(&t)?;
            return self.decls.iter().position(|d| {
                d.rtype.to_ascii_lowercase() == ty && d.name.to_ascii_lowercase() == name
            });
        }
        self.decls
            .iter()
            .position(|d| {
                d.scope == scope
                    && (d
                        .symbolic
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(target))
                        || d.name.eq_ignore_ascii_case(target))
            })
            .or_else(|| {
                self.decls
                    .iter()
                    .position(|d| d.name.eq_ignore_ascii_case(target))
            })
    }
}

/// `(type, name)` of a resource id, in the id's case: `/subscriptions/…/providers/NS/t1/n1/t2/n2`
/// → (`NS/t1/t2`, `n1/n2`).
pub fn split_id(id: &str) -> Option<(String, String)> {
    let lower = id.to_ascii_lowercase();
    let at = lower.rfind("/providers/")?;
    let rest: Vec<&str> = id[at + "/providers/".len()..].split('/').collect();
    let (ns, pairs) = rest.split_first()?;
    if pairs.len() % 2 != 0 || pairs.is_empty() {
        return None;
    }
    let mut ty = ns.to_string();
    let mut names = Vec::new();
    for p in pairs.chunks(2) {
        ty.push('/');
        ty.push_str(p[0]);
        names.push(p[1]);
    }
    Some((ty, names.join("/")))
}

fn make_id(ctx: &Context, rtype: &str, name: &str) -> String {
    let segs: Vec<&str> = rtype.split('/').collect();
    let names: Vec<&str> = name.split('/').collect();
    let mut id = format!(
        "/subscriptions/{}/resourceGroups/{}/providers/{}",
        ctx.subscription_id, ctx.resource_group, segs[0]
    );
    for (i, t) in segs[1..].iter().enumerate() {
        id.push_str(&format!("/{t}/{}", names.get(i).copied().unwrap_or("")));
    }
    id
}

/// Evaluation at one place: a scope and the copy loops in effect.
struct Cursor<'e> {
    e: &'e mut Engine,
    scope: usize,
    copy: Vec<(String, i64)>,
}

impl Cursor<'_> {
    /// Evaluates every expression in a value, expanding property `copy` loops.
    fn value(&mut self, j: &J) -> R<J> {
        if !matches!(j.v, V::Arr(_) | V::Obj(_)) {
            return self.scalar(j);
        }
        self.e.enter(1, j.at)?;
        let v = self.nested(j);
        self.e.depth -= 1;
        v
    }

    fn scalar(&mut self, j: &J) -> R<J> {
        match &j.v {
            V::Str(s) => eval_string(s, j.at, self),
            _ => Ok(j.clone()),
        }
    }

    fn nested(&mut self, j: &J) -> R<J> {
        match &j.v {
            V::Str(s) => eval_string(s, j.at, self),
            V::Arr(a) => Ok(J::new(
                V::Arr(a.iter().map(|x| self.value(x)).collect::<R<_>>()?),
                j.at,
            )),
            V::Obj(m) => {
                let mut out = Vec::new();
                for (k, v) in m {
                    if k.eq_ignore_ascii_case("copy") && is_property_copy(v) {
                        for c in v.items() {
                            out.push(self.property_copy(c)?);
                        }
                    } else {
                        out.push((k.clone(), self.value(v)?));
                    }
                }
                Ok(J::new(V::Obj(out), j.at))
            }
            _ => Ok(j.clone()),
        }
    }

    fn property_copy(&mut self, c: &J) -> R<(String, J)> {
        let name = c
            .get("name")
            .and_then(J::as_str)
            .unwrap_or_default()
            .to_string();
        let count = self.value(c.get("count").expect("checked by is_property_copy"))?;
        let n = match count.v {
            V::Int(n) if (0..=800).contains(&n) => n,
            V::Unknown(ref why) => {
                return Ok((
                    name.clone(),
                    J::new(V::Unknown(format!("copy `{name}` count: {why}")), count.at),
                ));
            }
            _ => {
                return Err(err(
                    count.at,
                    "a `copy` count must be an integer from 0 to 800",
                ));
            }
        };
        let input = c.get("input").expect("checked by is_property_copy");
        let mut items = Vec::new();
        for i in 0..n {
            self.copy.push((name.clone(), i));
            let v = self.value(input);
            self.copy.pop();
            items.push(v?);
        }
        Ok((name, J::new(V::Arr(items), c.at)))
    }

    fn slot(&mut self, var: bool, name: &str, at: At) -> R<J> {
        let key = name.to_ascii_lowercase();
        let scope = self.scope;
        fn map(e: &mut Engine, scope: usize, var: bool) -> &mut BTreeMap<String, Slot> {
            if var {
                &mut e.scopes[scope].vars
            } else {
                &mut e.scopes[scope].params
            }
        }
        let what = if var { "variable" } else { "parameter" };
        match map(self.e, scope, var).get(&key).cloned() {
            None => {
                let names: Vec<String> = map(self.e, scope, var).keys().cloned().collect();
                let help = vnetlab_core::diag::did_you_mean(&key, names.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"));
                Err(EvalError {
                    at,
                    message: format!("the template has no {what} `{name}`"),
                    help,
                })
            }
            Some(Slot::Done(j)) => Ok(j),
            Some(Slot::Busy) => Err(err(at, format!("{what} `{name}` refers to itself"))),
            Some(Slot::Raw(raw)) => {
                self.e.enter(CHAIN, at)?;
                map(self.e, scope, var).insert(key.clone(), Slot::Busy);
                let mut c = Cursor {
                    e: self.e,
                    scope,
                    copy: Vec::new(),
                };
                let v = c.value(&raw);
                let v = match v {
                    Ok(v) => v,
                    Err(e) => {
                        map(self.e, scope, var).insert(key, Slot::Raw(raw));
                        return Err(e);
                    }
                };
                // A variable `copy` loop was stored as `{copy: [loop]}`: its value is the array.
                let v = if var && raw.members().len() == 1 && raw.get("copy").is_some() {
                    v.members().first().map(|(_, x)| x.clone()).unwrap_or(v)
                } else {
                    v
                };
                map(self.e, scope, var).insert(key, Slot::Done(v.clone()));
                self.e.depth -= CHAIN;
                Ok(v)
            }
        }
    }
}

fn is_property_copy(v: &J) -> bool {
    !v.items().is_empty()
        && v.items().iter().all(|c| {
            c.get("name").is_some() && c.get("count").is_some() && c.get("input").is_some()
        })
}

impl Host for Cursor<'_> {
    fn parameter(&mut self, name: &str, at: At) -> R<J> {
        self.slot(false, name, at)
    }

    fn variable(&mut self, name: &str, at: At) -> R<J> {
        self.slot(true, name, at)
    }

    fn reference(&mut self, target: &str, full: bool, at: At) -> R<J> {
        let Some(i) = self.e.find(self.scope, target) else {
            return Ok(J::new(
                V::Unknown(format!(
                    "reference('{target}') reads a resource this template does not deploy"
                )),
                at,
            ));
        };
        if let Kind::Deployment { inner, outputs } = &self.e.decls[i].kind {
            let (inner, outputs) = (*inner, outputs.clone());
            let Some(outputs) = outputs else {
                return Ok(J::new(
                    V::Unknown(format!("outputs of linked deployment `{target}`")),
                    at,
                ));
            };
            let mut c = Cursor {
                e: self.e,
                scope: inner,
                copy: Vec::new(),
            };
            let mut m = Vec::new();
            for (k, o) in outputs.members() {
                let mut entry = Vec::new();
                if let Some(t) = o.get("type") {
                    entry.push(("type".to_string(), t.clone()));
                }
                let value = match o.get("value") {
                    Some(v) => c.value(v)?,
                    None => J::new(V::Unknown(format!("output `{k}` has no value")), o.at),
                };
                entry.push(("value".to_string(), value));
                m.push((k.clone(), J::new(V::Obj(entry), o.at)));
            }
            return Ok(J::new(
                V::Obj(vec![("outputs".into(), J::new(V::Obj(m), at))]),
                at,
            ));
        }
        if self.e.decls[i].existing {
            return Ok(J::new(
                V::Unknown(format!(
                    "reference('{target}') reads an existing resource this template does not deploy"
                )),
                at,
            ));
        }
        let body = self.e.body(i)?;
        if full {
            Ok(body)
        } else {
            Ok(body
                .get("properties")
                .cloned()
                .unwrap_or_else(|| J::new(V::Obj(Vec::new()), at)))
        }
    }

    fn copy_index(&mut self, name: Option<&str>, at: At) -> R<i64> {
        let found = match name {
            None => self.copy.last(),
            Some(n) => self
                .copy
                .iter()
                .rev()
                .find(|(l, _)| l.eq_ignore_ascii_case(n)),
        };
        found.map(|(_, i)| *i).ok_or_else(|| {
            err(
                at,
                match name {
                    Some(n) => format!("copyIndex('{n}') is used outside the loop `{n}`"),
                    None => "copyIndex() is used outside a copy loop".into(),
                },
            )
        })
    }

    fn context(&self) -> Context {
        self.e.scopes[self.scope].ctx.clone()
    }

    fn enter(&mut self, at: At) -> R<()> {
        self.e.enter(CALL, at)
    }

    fn leave(&mut self) {
        self.e.depth -= CALL;
    }
}
