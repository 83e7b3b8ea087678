//! Evaluates a configuration statically, as checkov and tfsec do: variables (defaults, .tfvars,
//! `--var`), locals, `count`, `for_each`, `dynamic` blocks and local modules, every block after
//! the blocks it reads. Each resource instance gets its attributes and a synthetic `id`
//! ([`token`]) that references resolve through; values Azure decides at apply time are left out
//! (and reported when something reads them), except those the configuration determines
//! ([`super::derive`]).

use super::config::{Module, ResourceBlock, attr};
use super::deps::{body_refs, expr_refs};
use super::{Instance, TfError, derive, funcs};
use crate::report::{ImportReport, Outcome, Source};
use hcl::eval::{Context, Evaluate};
use hcl::expr::{Expression, Operation, TraversalOperator};
use hcl::{Body, Map, Structure, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The prefix of the synthetic id of a resource instance.
pub const TOKEN: &str = "tf://";

/// The synthetic id of the resource instance at `address`.
pub fn token(address: &str) -> String {
    format!("{TOKEN}{address}")
}

/// Module nesting deeper than this is taken for a module calling itself.
const MAX_DEPTH: usize = 16;
/// `count` and `for_each` larger than this are taken for a mistake.
const MAX_INSTANCES: usize = 4096;
/// A configuration expanding to more resource or module instances than this is refused (a
/// module calling itself with `count`, say), so that any input finishes quickly.
const MAX_TOTAL: usize = 50_000;

/// The state of one evaluation: every module's configuration, the instances so far, the report.
pub struct Evaluator<'a> {
    /// Modules by directory (`""` is the root).
    pub modules: &'a BTreeMap<String, Module>,
    /// Every resource and data instance evaluated, in evaluation order.
    pub instances: Vec<Instance>,
    /// Instance index by synthetic id.
    pub by_token: BTreeMap<String, usize>,
    /// What could not be evaluated.
    pub report: ImportReport,
    /// Module instances evaluated so far.
    module_instances: usize,
}

/// The values one module instance has evaluated so far.
#[derive(Default)]
struct Scope {
    vars: Map<String, Value>,
    locals: Map<String, Value>,
    resources: Map<String, Map<String, Value>>,
    data: Map<String, Map<String, Value>>,
    modules: Map<String, Value>,
    dir: String,
}

impl Scope {
    fn context(&self) -> Context<'static> {
        let mut ctx = Context::new();
        funcs::declare(&mut ctx);
        ctx.declare_var("var", Value::Object(self.vars.clone()));
        ctx.declare_var("local", Value::Object(self.locals.clone()));
        ctx.declare_var("module", Value::Object(self.modules.clone()));
        let data: Map<String, Value> = self
            .data
            .iter()
            .map(|(k, v)| (k.clone(), Value::Object(v.clone())))
            .collect();
        ctx.declare_var("data", Value::Object(data));
        for (ty, by_name) in &self.resources {
            ctx.declare_var(ty.as_str(), Value::Object(by_name.clone()));
        }
        let mut path = Map::new();
        let dir = if self.dir.is_empty() { "." } else { &self.dir };
        path.insert("module".into(), Value::from(dir.to_string()));
        path.insert("root".into(), Value::from("."));
        path.insert("cwd".into(), Value::from("."));
        ctx.declare_var("path", Value::Object(path));
        let mut tf = Map::new();
        tf.insert("workspace".into(), Value::from("default"));
        ctx.declare_var("terraform", Value::Object(tf));
        ctx
    }
}

/// One block of a module to evaluate.
#[derive(Clone, Copy)]
enum Item {
    Local(usize),
    Resource(usize),
    Call(usize),
}

/// The instance keys of a block: one, `count` of them, or one per `for_each` element.
enum Keys {
    One,
    Count(usize),
    Each(Vec<(Value, Value)>),
}

fn key_suffix(k: &Value) -> String {
    match k {
        Value::Number(n) => format!("[{n}]"),
        Value::String(s) => format!("[{s:?}]"),
        other => format!("[{other}]"),
    }
}

/// Source of the block at `loc` for the instance at `address`.
fn source(loc: &Source, address: &str) -> Source {
    Source {
        resource: Some(address.to_string()),
        ..loc.clone()
    }
}

/// Replaces each `try(…)` / `can(…)` whose arguments can be judged in `ctx` by its value, so
/// that a failing argument gives the next one (or `false`) instead of an error. Called once
/// every block the expression reads has been evaluated, so a failure is final.
pub fn resolve_try(expr: &mut Expression, ctx: &Context) {
    match expr {
        Expression::FuncCall(f) => {
            for a in f.args.iter_mut() {
                resolve_try(a, ctx);
            }
            if !f.name.namespace.is_empty() {
                return;
            }
            match f.name.name.as_str() {
                "try" => {
                    if let Some(v) = f.args.iter().find_map(|a| a.evaluate(ctx).ok()) {
                        *expr = Expression::from(v);
                    }
                }
                "can" if f.args.len() == 1 => {
                    let ok = f.args[0].evaluate(ctx).is_ok();
                    *expr = Expression::Bool(ok);
                }
                _ => {}
            }
        }
        Expression::Array(a) => a.iter_mut().for_each(|e| resolve_try(e, ctx)),
        Expression::Object(o) => o.values_mut().for_each(|e| resolve_try(e, ctx)),
        Expression::Parenthesis(e) => resolve_try(e, ctx),
        Expression::Conditional(c) => {
            resolve_try(&mut c.cond_expr, ctx);
            resolve_try(&mut c.true_expr, ctx);
            resolve_try(&mut c.false_expr, ctx);
        }
        Expression::Operation(op) => match op.as_mut() {
            Operation::Unary(u) => resolve_try(&mut u.expr, ctx),
            Operation::Binary(b) => {
                resolve_try(&mut b.lhs_expr, ctx);
                resolve_try(&mut b.rhs_expr, ctx);
            }
        },
        Expression::Traversal(t) => {
            resolve_try(&mut t.expr, ctx);
            for op in t.operators.iter_mut() {
                if let TraversalOperator::Index(e) = op {
                    resolve_try(e, ctx);
                }
            }
        }
        _ => {}
    }
}

/// Evaluates `expr` in `ctx` with `try`/`can` resolved and arithmetic checked.
pub fn eval_expr(expr: &Expression, ctx: &Context) -> Result<Value, String> {
    let mut e = expr.clone();
    guard_arith(&mut e);
    resolve_try(&mut e, ctx);
    e.evaluate(ctx).map_err(|e| e.to_string())
}

/// Rewrites arithmetic (`+ - * / %`, unary `-`) into calls of checked functions
/// ([`funcs::ARITH`], [`funcs::NEG`]): hcl-rs's own integer arithmetic panics on overflow and
/// on `% 0`. Templates with arithmetic in an interpolation become a concatenation
/// ([`funcs::CONCAT`]); templates with directives are left to hcl-rs and not rewritten.
pub fn guard_arith(expr: &mut Expression) {
    use hcl::expr::{BinaryOperator as B, FuncCall, UnaryOperator as U};
    match expr {
        Expression::Operation(op) => {
            let call = match op.as_mut() {
                Operation::Unary(u) => {
                    guard_arith(&mut u.expr);
                    (u.operator == U::Neg)
                        .then(|| FuncCall::builder(funcs::NEG).arg(u.expr.clone()).build())
                }
                Operation::Binary(b) => {
                    guard_arith(&mut b.lhs_expr);
                    guard_arith(&mut b.rhs_expr);
                    let sym = match b.operator {
                        B::Plus => Some("+"),
                        B::Minus => Some("-"),
                        B::Mul => Some("*"),
                        B::Div => Some("/"),
                        B::Mod => Some("%"),
                        _ => None,
                    };
                    sym.map(|sym| {
                        FuncCall::builder(funcs::ARITH)
                            .arg(Expression::String(sym.into()))
                            .arg(b.lhs_expr.clone())
                            .arg(b.rhs_expr.clone())
                            .build()
                    })
                }
            };
            if let Some(call) = call {
                *expr = Expression::FuncCall(Box::new(call));
            }
        }
        Expression::Array(a) => a.iter_mut().for_each(guard_arith),
        Expression::Object(o) => {
            let entries: Vec<_> = std::mem::take(o).into_iter().collect();
            for (mut k, mut v) in entries {
                if let hcl::ObjectKey::Expression(k) = &mut k {
                    guard_arith(k);
                }
                guard_arith(&mut v);
                o.insert(k, v);
            }
        }
        Expression::FuncCall(f) => f.args.iter_mut().for_each(guard_arith),
        Expression::Parenthesis(e) => guard_arith(e),
        Expression::Conditional(c) => {
            guard_arith(&mut c.cond_expr);
            guard_arith(&mut c.true_expr);
            guard_arith(&mut c.false_expr);
        }
        Expression::Traversal(t) => {
            guard_arith(&mut t.expr);
            for op in t.operators.iter_mut() {
                if let TraversalOperator::Index(e) = op {
                    guard_arith(e);
                }
            }
        }
        Expression::ForExpr(f) => {
            guard_arith(&mut f.collection_expr);
            if let Some(k) = &mut f.key_expr {
                guard_arith(k);
            }
            guard_arith(&mut f.value_expr);
            if let Some(c) = &mut f.cond_expr {
                guard_arith(c);
            }
        }
        Expression::TemplateExpr(t) => {
            let Ok(template) = hcl::Template::from_expr(t) else {
                return;
            };
            let mut args = Vec::new();
            let mut arith = false;
            for el in template.elements() {
                match el {
                    hcl::template::Element::Literal(l) => args.push(Expression::String(l.clone())),
                    hcl::template::Element::Interpolation(i) => {
                        let mut e = i.expr.clone();
                        let before = e.clone();
                        guard_arith(&mut e);
                        arith |= e != before;
                        args.push(e);
                    }
                    hcl::template::Element::Directive(_) => return,
                }
            }
            if arith {
                let mut call = FuncCall::new(funcs::CONCAT);
                call.args = args;
                *expr = Expression::FuncCall(Box::new(call));
            }
        }
        _ => {}
    }
}

/// Meta-arguments that are not part of a resource's value.
const META: &[&str] = &["count", "for_each", "depends_on", "provider", "lifecycle"];
/// Nested blocks with no bearing on the design.
const SKIPPED_BLOCKS: &[&str] = &["lifecycle", "timeouts", "provisioner", "connection"];

impl<'a> Evaluator<'a> {
    /// An evaluator over the modules read.
    pub fn new(modules: &'a BTreeMap<String, Module>) -> Self {
        Self {
            modules,
            instances: Vec::new(),
            by_token: BTreeMap::new(),
            report: ImportReport::default(),
            module_instances: 0,
        }
    }

    /// Evaluates a body into an object: attributes by name, nested blocks as lists of objects
    /// (`dynamic` blocks expanded). An attribute that cannot be evaluated is left out and
    /// reported.
    fn eval_body(
        &mut self,
        body: &Body,
        ctx: &Context,
        src: &Source,
        path: &str,
        locs: &BTreeMap<String, Source>,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let key = a.key.as_str();
                    if path.is_empty() && META.contains(&key) {
                        continue;
                    }
                    match eval_expr(&a.expr, ctx) {
                        Ok(v) => {
                            out.insert(key.to_string(), v);
                        }
                        Err(e) => {
                            // The argument's own place when known (top-level arguments).
                            let at = match locs.get(key).filter(|_| path.is_empty()) {
                                Some(l) => Source {
                                    resource: src.resource.clone(),
                                    ..l.clone()
                                },
                                None => src.clone(),
                            };
                            self.report.add(
                                &at,
                                Outcome::UnknownUntilDeploy,
                                format!("{path}{key}"),
                                format!("not known before apply or not evaluable, left out: {e}"),
                            )
                        }
                    }
                }
                Structure::Block(b) => {
                    let ident = b.identifier.as_str();
                    if SKIPPED_BLOCKS.contains(&ident) {
                        continue;
                    }
                    if ident == "dynamic" {
                        self.eval_dynamic(b, ctx, src, path, &mut out);
                        continue;
                    }
                    let v = self.eval_body(
                        &b.body,
                        ctx,
                        src,
                        &format!("{path}{ident}."),
                        &BTreeMap::new(),
                    );
                    push_block(&mut out, ident, Value::Object(v));
                }
            }
        }
        out
    }

    fn eval_dynamic(
        &mut self,
        b: &hcl::Block,
        ctx: &Context,
        src: &Source,
        path: &str,
        out: &mut Map<String, Value>,
    ) {
        let Some(label) = b.labels.first().map(|l| match l {
            hcl::BlockLabel::Identifier(i) => i.as_str().to_string(),
            hcl::BlockLabel::String(s) => s.clone(),
        }) else {
            self.report.add(
                src,
                Outcome::Dropped,
                format!("{path}dynamic"),
                "a dynamic block without a label",
            );
            return;
        };
        let iterator = match attr(&b.body, "iterator") {
            Some(Expression::Variable(v)) => v.as_str().to_string(),
            _ => label.clone(),
        };
        let subject = format!("{path}dynamic.{label}");
        let keys = match attr(&b.body, "for_each").map(|e| eval_expr(e, ctx)) {
            Some(Ok(v)) => match dynamic_keys(&v) {
                Ok(k) => k,
                Err(e) => {
                    self.report.add(src, Outcome::Dropped, subject, e);
                    return;
                }
            },
            Some(Err(e)) => {
                self.report.add(
                    src,
                    Outcome::Dropped,
                    subject,
                    format!("for_each cannot be evaluated: {e}"),
                );
                return;
            }
            None => {
                self.report.add(
                    src,
                    Outcome::Dropped,
                    subject,
                    "a dynamic block without for_each",
                );
                return;
            }
        };
        let Some(content) = b.body.blocks().find(|c| c.identifier.as_str() == "content") else {
            self.report.add(
                src,
                Outcome::Dropped,
                subject,
                "a dynamic block without content",
            );
            return;
        };
        for (k, v) in keys {
            let mut c = ctx.clone();
            let mut it = Map::new();
            it.insert("key".into(), k);
            it.insert("value".into(), v);
            c.declare_var(iterator.as_str(), Value::Object(it));
            let obj = self.eval_body(
                &content.body,
                &c,
                src,
                &format!("{path}{label}."),
                &BTreeMap::new(),
            );
            push_block(out, &label, Value::Object(obj));
        }
    }

    fn keys(&mut self, body: &Body, ctx: &Context, src: &Source) -> Option<Keys> {
        if let Some(e) = attr(body, "count") {
            let n = eval_expr(e, ctx).and_then(|v| match &v {
                Value::Number(n) => n
                    .as_u64()
                    .or_else(|| {
                        n.as_f64()
                            .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                            .map(|f| f as u64)
                    })
                    .ok_or_else(|| format!("count must be a whole number, got {v}")),
                Value::Bool(b) => Ok(u64::from(*b)),
                _ => Err(format!("count must be a whole number, got {v}")),
            });
            return match n {
                Ok(n) if (n as usize) <= MAX_INSTANCES => Some(Keys::Count(n as usize)),
                Ok(n) => {
                    self.report.add(
                        src,
                        Outcome::Dropped,
                        "count",
                        format!("count {n} is above {MAX_INSTANCES}"),
                    );
                    None
                }
                Err(e) => {
                    self.report.add(
                        src,
                        Outcome::Dropped,
                        "count",
                        format!("the block is left out: {e}"),
                    );
                    None
                }
            };
        }
        if let Some(e) = attr(body, "for_each") {
            return match eval_expr(e, ctx).and_then(|v| each_keys(&v)) {
                Ok(k) => Some(Keys::Each(k)),
                Err(e) => {
                    self.report.add(
                        src,
                        Outcome::Dropped,
                        "for_each",
                        format!("the block is left out: {e}"),
                    );
                    None
                }
            };
        }
        Some(Keys::One)
    }

    /// Evaluates one resource or data block into its scope value, recording its instances.
    fn eval_resource(&mut self, rb: &ResourceBlock, ctx: &Context, prefix: &str) -> Option<Value> {
        let base = if rb.data {
            format!("{prefix}data.{}.{}", rb.rtype, rb.name)
        } else {
            format!("{prefix}{}.{}", rb.rtype, rb.name)
        };
        let src = source(&rb.loc, &base);
        let keys = self.keys(&rb.body, ctx, &src)?;
        let n = match &keys {
            Keys::One => 1,
            Keys::Count(n) => *n,
            Keys::Each(kv) => kv.len(),
        };
        if self.instances.len() + n > MAX_TOTAL {
            self.report.add(
                &src,
                Outcome::Dropped,
                &rb.rtype,
                format!("the configuration expands to more than {MAX_TOTAL} instances; left out"),
            );
            return None;
        }
        let one = |this: &mut Self, address: String, c: &Context| -> Value {
            let src = source(&rb.loc, &address);
            let mut attrs = this.eval_body(&rb.body, c, &src, "", &rb.attr_locs);
            attrs
                .entry("id".to_string())
                .or_insert_with(|| Value::from(token(&address)));
            derive::derive(&rb.rtype, &address, &mut attrs, this, &src);
            let value = Value::Object(attrs.clone());
            this.by_token.insert(token(&address), this.instances.len());
            this.instances.push(Instance {
                address,
                rtype: rb.rtype.clone(),
                data: rb.data,
                attrs,
                source: src,
            });
            value
        };
        Some(match keys {
            Keys::One => one(self, base, ctx),
            Keys::Count(n) => Value::Array(
                (0..n)
                    .map(|i| {
                        let mut c = ctx.clone();
                        let mut count = Map::new();
                        count.insert("index".into(), Value::from(i as u64));
                        c.declare_var("count", Value::Object(count));
                        one(self, format!("{base}[{i}]"), &c)
                    })
                    .collect(),
            ),
            Keys::Each(kv) => {
                let mut m = Map::new();
                for (k, v) in kv {
                    let mut c = ctx.clone();
                    c.declare_var("each", each_object(&k, &v));
                    let key = funcs::to_str(&k).unwrap_or_else(|_| k.to_string());
                    let value = one(
                        self,
                        format!("{base}{}", key_suffix(&Value::from(key.clone()))),
                        &c,
                    );
                    m.insert(key, value);
                }
                Value::Object(m)
            }
        })
    }

    /// Evaluates the module in directory `dir` with the variable values `vars`; instances are
    /// addressed under `prefix` (`module.NAME[KEY].`). Returns its outputs.
    pub fn run_module(
        &mut self,
        dir: &str,
        prefix: &str,
        vars: Map<String, Value>,
        depth: usize,
    ) -> Result<Map<String, Value>, TfError> {
        let module = &self.modules[dir];
        let mut scope = Scope {
            vars,
            dir: dir.to_string(),
            ..Scope::default()
        };
        // Every block's key and the keys it reads.
        let mut items: Vec<(Item, String, BTreeSet<String>)> = Vec::new();
        for (i, l) in module.locals.iter().enumerate() {
            let mut r = BTreeSet::new();
            expr_refs(&l.expr, &mut r);
            items.push((Item::Local(i), format!("local.{}", l.name), r));
        }
        for (i, rb) in module.resources.iter().enumerate() {
            let mut r = BTreeSet::new();
            body_refs(&rb.body, &mut r);
            let key = if rb.data {
                format!("data.{}.{}", rb.rtype, rb.name)
            } else {
                format!("{}.{}", rb.rtype, rb.name)
            };
            items.push((Item::Resource(i), key, r));
        }
        for (i, c) in module.calls.iter().enumerate() {
            let mut r = BTreeSet::new();
            body_refs(&c.body, &mut r);
            items.push((Item::Call(i), format!("module.{}", c.name), r));
        }
        let all: BTreeSet<String> = items.iter().map(|(_, k, _)| k.clone()).collect();
        // `data.TYPE` alone (a splat over a data type) waits for every data block of that type.
        let waits_for = |r: &String, done: &BTreeSet<String>| {
            if all.contains(r) {
                return !done.contains(r);
            }
            let p = format!("{r}.");
            all.iter().any(|k| k.starts_with(&p) && !done.contains(k))
        };
        let mut done: BTreeSet<String> = BTreeSet::new();
        let mut pending = items;
        while !pending.is_empty() {
            let (ready, rest): (Vec<_>, Vec<_>) = pending
                .into_iter()
                .partition(|(_, key, r)| r.iter().all(|d| d == key || !waits_for(d, &done)));
            let (ready, rest) = if ready.is_empty() {
                // A cycle: evaluate the first block anyway; what it reads is reported.
                let mut rest = rest;
                let first = rest.remove(0);
                (vec![first], rest)
            } else {
                (ready, rest)
            };
            let ctx = scope.context();
            let mut results = Vec::new();
            for (item, key, _) in &ready {
                let v = match *item {
                    Item::Local(i) => {
                        let l = &module.locals[i];
                        match eval_expr(&l.expr, &ctx) {
                            Ok(v) => Some(v),
                            Err(e) => {
                                self.report.add(
                                    &source(&l.loc, &format!("{prefix}local.{}", l.name)),
                                    Outcome::UnknownUntilDeploy,
                                    format!("local.{}", l.name),
                                    format!("cannot be evaluated, left out: {e}"),
                                );
                                None
                            }
                        }
                    }
                    Item::Resource(i) => self.eval_resource(&module.resources[i], &ctx, prefix),
                    Item::Call(i) => self.eval_call(module, i, &ctx, dir, prefix, depth)?,
                };
                results.push((*item, key.clone(), v));
            }
            drop(ctx);
            for (item, key, v) in results {
                done.insert(key);
                let Some(v) = v else { continue };
                match item {
                    Item::Local(i) => {
                        scope.locals.insert(module.locals[i].name.clone(), v);
                    }
                    Item::Resource(i) => {
                        let rb = &module.resources[i];
                        let by_type = if rb.data {
                            &mut scope.data
                        } else {
                            &mut scope.resources
                        };
                        let entry = by_type.entry(rb.rtype.clone()).or_default();
                        entry.insert(rb.name.clone(), v);
                    }
                    Item::Call(i) => {
                        scope.modules.insert(module.calls[i].name.clone(), v);
                    }
                }
            }
            pending = rest;
        }
        let ctx = scope.context();
        let mut outputs = Map::new();
        for o in &module.outputs {
            match eval_expr(&o.expr, &ctx) {
                Ok(v) => {
                    outputs.insert(o.name.clone(), v);
                }
                Err(e) => self.report.add(
                    &source(&o.loc, &format!("{prefix}output.{}", o.name)),
                    Outcome::UnknownUntilDeploy,
                    format!("output.{}", o.name),
                    format!("cannot be evaluated, left out: {e}"),
                ),
            }
        }
        Ok(outputs)
    }

    /// Evaluates a module call: each instance's arguments, then the module itself.
    fn eval_call(
        &mut self,
        module: &Module,
        i: usize,
        ctx: &Context,
        dir: &str,
        prefix: &str,
        depth: usize,
    ) -> Result<Option<Value>, TfError> {
        let call = &module.calls[i];
        let base = format!("{prefix}module.{}", call.name);
        let src = source(&call.loc, &base);
        let Some(src_expr) = attr(&call.body, "source") else {
            return Err(TfError::new(
                &call.loc,
                format!("module `{}` has no `source`", call.name),
                None,
            ));
        };
        let Ok(Value::String(from)) = eval_expr(src_expr, ctx) else {
            return Err(TfError::new(
                &call.loc,
                format!("module `{}`: `source` must be a string", call.name),
                None,
            ));
        };
        if !(from.starts_with("./") || from.starts_with("../")) {
            self.report.add(
                &src,
                Outcome::Dropped,
                "module",
                format!("module source `{from}` is not a local directory (./…); its resources are not read"),
            );
            return Ok(None);
        }
        let Some(child) = join_dir(dir, &from) else {
            return Err(TfError::new(
                &call.loc,
                format!("module source `{from}` leaves the configuration's directory"),
                None,
            ));
        };
        if !self.modules.contains_key(&child) {
            return Err(TfError::new(
                &call.loc,
                format!(
                    "module source `{from}` (directory `{child}`) has no .tf files among those read"
                ),
                Some(
                    "check the path; module sources are relative to the calling module's directory"
                        .into(),
                ),
            ));
        }
        if depth >= MAX_DEPTH {
            return Err(TfError::new(
                &call.loc,
                format!("modules nest deeper than {MAX_DEPTH}: does `{from}` call itself?"),
                None,
            ));
        }
        let Some(keys) = self.keys(&call.body, ctx, &src) else {
            return Ok(None);
        };
        let instances: Vec<(Option<Value>, Context)> = match keys {
            Keys::One => vec![(None, ctx.clone())],
            Keys::Count(n) => (0..n)
                .map(|i| {
                    let mut c = ctx.clone();
                    let mut count = Map::new();
                    count.insert("index".into(), Value::from(i as u64));
                    c.declare_var("count", Value::Object(count));
                    (Some(Value::from(i as u64)), c)
                })
                .collect(),
            Keys::Each(kv) => kv
                .into_iter()
                .map(|(k, v)| {
                    let mut c = ctx.clone();
                    c.declare_var("each", each_object(&k, &v));
                    let key = funcs::to_str(&k).unwrap_or_else(|_| k.to_string());
                    (Some(Value::from(key)), c)
                })
                .collect(),
        };
        self.module_instances += instances.len();
        if self.module_instances > MAX_TOTAL {
            return Err(TfError::new(
                &call.loc,
                format!("the configuration expands to more than {MAX_TOTAL} module instances"),
                Some("does a module call itself?".into()),
            ));
        }
        let child_module = &self.modules[&child];
        let mut by_key = Map::new();
        let mut list = Vec::new();
        let mut single = None;
        for (key, c) in instances {
            let address = match &key {
                Some(k) => format!("{base}{}", key_suffix(k)),
                None => base.clone(),
            };
            let isrc = source(&call.loc, &address);
            let mut args = Map::new();
            for a in call.body.attributes() {
                let name = a.key.as_str();
                if [
                    "source",
                    "version",
                    "providers",
                    "count",
                    "for_each",
                    "depends_on",
                ]
                .contains(&name)
                {
                    continue;
                }
                if !child_module.variables.contains_key(name) {
                    return Err(TfError::new(
                        &call.loc,
                        format!(
                            "module `{}` has no variable `{name}` (directory `{child}`)",
                            call.name
                        ),
                        None,
                    ));
                }
                match eval_expr(&a.expr, &c) {
                    Ok(v) => {
                        args.insert(name.to_string(), v);
                    }
                    Err(e) => self.report.add(
                        &isrc,
                        Outcome::UnknownUntilDeploy,
                        name,
                        format!("module argument cannot be evaluated, left out: {e}"),
                    ),
                }
            }
            let vars = self.bind_variables(&child, args, &call.loc, &isrc)?;
            let outputs = self.run_module(&child, &format!("{address}."), vars, depth + 1)?;
            let out = Value::Object(outputs);
            match key {
                Some(Value::String(k)) => {
                    by_key.insert(k, out);
                }
                Some(_) => list.push(out),
                None => single = Some(out),
            }
        }
        Ok(Some(match single {
            Some(v) => v,
            None if !list.is_empty() => Value::Array(list),
            None => Value::Object(by_key),
        }))
    }

    /// The values of a module's variables: given, else the default, else an error at `at`.
    pub fn bind_variables(
        &mut self,
        dir: &str,
        mut given: Map<String, Value>,
        at: &Source,
        src: &Source,
    ) -> Result<Map<String, Value>, TfError> {
        let module = &self.modules[dir];
        let mut ctx = Context::new();
        funcs::declare(&mut ctx);
        let mut out = Map::new();
        for (name, v) in &module.variables {
            if let Some(val) = given.shift_remove(name) {
                out.insert(name.clone(), val);
                continue;
            }
            match &v.default {
                Some(d) => match eval_expr(d, &ctx) {
                    Ok(val) => {
                        out.insert(name.clone(), val);
                    }
                    Err(e) => {
                        return Err(TfError::new(
                            &v.loc,
                            format!("the default of variable `{name}` cannot be evaluated: {e}"),
                            None,
                        ));
                    }
                },
                None if self
                    .report
                    .items
                    .iter()
                    .any(|i| i.source == *src && i.subject == *name) =>
                {
                    // Its argument was reported as not evaluable; the module's blocks that
                    // read it will be reported too.
                }
                None => {
                    let help = if dir.is_empty() {
                        format!(
                            "give it a value: --var {name}=VALUE or a .tfvars file with `{name} = …`"
                        )
                    } else {
                        format!("pass `{name} = …` in the module block")
                    };
                    return Err(TfError::new(
                        if dir.is_empty() { &v.loc } else { at },
                        format!("variable `{name}` has no value and no default"),
                        Some(help),
                    ));
                }
            }
        }
        Ok(out)
    }
}

fn push_block(out: &mut Map<String, Value>, ident: &str, v: Value) {
    match out.get_mut(ident) {
        Some(Value::Array(a)) => a.push(v),
        _ => {
            out.insert(ident.to_string(), Value::Array(vec![v]));
        }
    }
}

fn each_object(k: &Value, v: &Value) -> Value {
    let mut each = Map::new();
    each.insert("key".into(), k.clone());
    each.insert("value".into(), v.clone());
    Value::Object(each)
}

/// The `(key, value)` pairs of a `for_each` value: a map's entries in key order, or a set of
/// strings (each its own key).
fn each_keys(v: &Value) -> Result<Vec<(Value, Value)>, String> {
    let out: Vec<(Value, Value)> = match v {
        Value::Object(m) => {
            let mut kv: Vec<(&String, &Value)> = m.iter().collect();
            kv.sort_by(|a, b| a.0.cmp(b.0));
            kv.into_iter()
                .map(|(k, v)| (Value::from(k.clone()), v.clone()))
                .collect()
        }
        Value::Array(a) => {
            let mut keys = Vec::new();
            for x in a {
                let Value::String(s) = x else {
                    return Err(format!(
                        "for_each takes a map or a set of strings, got an element `{x}`"
                    ));
                };
                keys.push(s.clone());
            }
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .map(|s| (Value::from(s.clone()), Value::from(s)))
                .collect()
        }
        other => {
            return Err(format!(
                "for_each takes a map or a set of strings, got `{other}`"
            ));
        }
    };
    if out.len() > MAX_INSTANCES {
        return Err(format!("for_each has more than {MAX_INSTANCES} elements"));
    }
    Ok(out)
}

/// The `(key, value)` pairs of a `dynamic` block's `for_each`: a map's entries, or a list's
/// elements keyed by index. (Sets are lists here, so a `dynamic` block over `toset(…)` keys its
/// elements by index where Terraform keys them by value; only `.key` differs.)
fn dynamic_keys(v: &Value) -> Result<Vec<(Value, Value)>, String> {
    match v {
        Value::Array(a) => Ok(a
            .iter()
            .enumerate()
            .map(|(i, x)| (Value::from(i as u64), x.clone()))
            .collect()),
        _ => each_keys(v),
    }
}

/// The directory `rel` names from `dir` (both `/`-separated, relative to the root), or `None`
/// when it leaves the root.
pub fn join_dir(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}
