//! Terraform (azurerm): a configuration's `.tf` files read statically, or the JSON of
//! `terraform show -json PLAN`, imported as a vnetlab design.
//!
//! Pipeline: [`config`] parses every file into modules of located blocks; [`eval`] evaluates
//! them (variables, locals, `count`, `for_each`, `dynamic`, local modules, [`funcs`]) into
//! resource instances whose ids are synthetic tokens, filling in what [`derive`] can derive;
//! [`plan`] reads a plan's instances instead; [`azurerm`] maps the instances to the design
//! through the shared emitter. Entry point: [`import_terraform`].

pub mod azurerm;
pub mod config;
pub mod deps;
pub mod derive;
pub mod eval;
pub mod funcs;
pub mod plan;

use crate::report::{ImportReport, Outcome, Source};
use crate::{ImportError, Imported, Input};
use hcl::{Map, Structure, Value};
use std::collections::BTreeMap;
use vnetlab_core::diag::{Diagnostic, Severity, Span};

/// A located error in the input: what makes the configuration unreadable.
#[derive(Clone, Debug, PartialEq)]
pub struct TfError {
    /// Where.
    pub loc: Source,
    /// What is wrong.
    pub message: String,
    /// How to fix it, where obvious.
    pub help: Option<String>,
}

impl TfError {
    /// An error at `loc`.
    pub fn new(loc: &Source, message: impl Into<String>, help: Option<String>) -> Self {
        Self {
            loc: Source {
                resource: None,
                ..loc.clone()
            },
            message: message.into(),
            help,
        }
    }

    fn into_diagnostic(self) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: self.loc.file,
            span: Span {
                line: self.loc.line,
                col: self.loc.col,
            },
            code: "terraform",
            message: self.message,
            help: self.help,
            related: Vec::new(),
        }
    }
}

/// A located place in an input (an alias of the report's [`Source`]).
pub type Loc = Source;

/// One resource (or data source) instance with its evaluated attributes.
#[derive(Clone, Debug)]
pub struct Instance {
    /// Its address, e.g. `module.spoke["a"].azurerm_subnet.this[0]`.
    pub address: String,
    /// Its type, e.g. `azurerm_subnet`.
    pub rtype: String,
    /// A data source.
    pub data: bool,
    /// Arguments and nested blocks (lists of objects); `id` is a synthetic token
    /// ([`eval::token`]) unless the input gives a real id.
    pub attrs: Map<String, Value>,
    /// Where it is declared.
    pub source: Source,
}

/// Options of a Terraform import.
#[derive(Clone, Debug, Default)]
pub struct Options<'a> {
    /// `.tfvars` files given with `--var-file`, in order (later ones win).
    pub var_files: Vec<Input<'a>>,
    /// `--var NAME=VALUE`, in order (later ones win; they win over files).
    pub vars: Vec<(String, String)>,
}

/// What an evaluation (HCL or plan) hands to the mapping.
pub struct Evaluated {
    /// The instances.
    pub instances: Vec<Instance>,
    /// What could not be evaluated.
    pub report: ImportReport,
}

/// Imports a Terraform configuration or plan. `root` is the configuration's directory as the
/// file names spell it (`""` when they are bare names); `inputs` are its `.tf` files, those of
/// its local modules in subdirectories, and any `.tfvars` to load automatically
/// (`terraform.tfvars`, `*.auto.tfvars` in the root). A single `.json` input is read as the
/// output of `terraform show -json PLAN`. Never panics on any input.
pub fn import_terraform(
    root: &str,
    inputs: &[Input],
    opts: &Options,
) -> Result<Imported, ImportError> {
    let name = design_name(root, inputs);
    let evaluated = match inputs {
        [one] if one.name.ends_with(".json") => {
            plan::read(one).map_err(|e| vec![e.into_diagnostic()])?
        }
        _ => read_config(root, inputs, opts).map_err(|e| vec![e.into_diagnostic()])?,
    };
    let mut report = evaluated.report;
    let emitted = azurerm::map(&name, &evaluated.instances, &mut report);
    report.finish();
    Ok(Imported {
        design: emitted.file,
        yaml: emitted.yaml,
        report,
    })
}

fn design_name(root: &str, inputs: &[Input]) -> String {
    let base = root.trim_end_matches(['/', '\\']);
    let base = base.rsplit(['/', '\\']).next().unwrap_or("");
    if base.is_empty() || base == "." || base == ".." {
        crate::design_name(inputs)
    } else {
        base.to_string()
    }
}

/// The directory of `file` relative to `root`, `/`-separated.
fn rel_dir(root: &str, file: &str) -> String {
    let file = file.replace('\\', "/");
    let root = root.replace('\\', "/");
    let root = root.trim_end_matches('/');
    let rel = if root.is_empty() {
        file.as_str()
    } else {
        file.strip_prefix(root)
            .map(|r| r.trim_start_matches('/'))
            .unwrap_or(&file)
    };
    match rel.rsplit_once('/') {
        Some((d, _)) => eval::join_dir("", d).unwrap_or_default(),
        None => String::new(),
    }
}

fn read_config(root: &str, inputs: &[Input], opts: &Options) -> Result<Evaluated, TfError> {
    let mut by_dir: BTreeMap<String, Vec<&Input>> = BTreeMap::new();
    let mut auto_vars: Vec<&Input> = Vec::new();
    for input in inputs {
        let dir = rel_dir(root, input.name);
        if input.name.ends_with(".tf") {
            by_dir.entry(dir).or_default().push(input);
        } else if dir.is_empty()
            && (input.name.ends_with("terraform.tfvars") || input.name.ends_with(".auto.tfvars"))
        {
            auto_vars.push(input);
        }
    }
    // The root module, then the local modules it calls (a module's `source` is a literal
    // string in Terraform), so that other directories (examples, tests) are not read.
    let mut modules: BTreeMap<String, config::Module> = BTreeMap::new();
    let mut queue = vec![String::new()];
    while let Some(dir) = queue.pop() {
        if modules.contains_key(&dir) {
            continue;
        }
        let Some(files) = by_dir.get(&dir) else {
            continue;
        };
        let mut module = config::Module::default();
        for f in files {
            config::add_file(&mut module, f.name, f.text)?;
        }
        for call in &module.calls {
            if let Some(hcl::Expression::String(src)) = config::attr(&call.body, "source")
                && (src.starts_with("./") || src.starts_with("../"))
                && let Some(child) = eval::join_dir(&dir, src)
            {
                queue.push(child);
            }
        }
        modules.insert(dir, module);
    }
    let first = Source {
        file: inputs.first().map_or(String::new(), |i| i.name.to_string()),
        line: 1,
        col: 1,
        resource: None,
    };
    if !modules.contains_key("") {
        return Err(TfError::new(
            &first,
            "no .tf file in the configuration's directory",
            Some("give the directory holding the root module's .tf files, or a plan's JSON".into()),
        ));
    }
    let mut ev = eval::Evaluator::new(&modules);
    let mut given = Map::new();
    // Terraform's order: terraform.tfvars, *.auto.tfvars (lexical), -var-file and -var in order.
    auto_vars.sort_by_key(|i| (!i.name.ends_with("terraform.tfvars"), i.name));
    for f in auto_vars.into_iter().chain(opts.var_files.iter()) {
        read_tfvars(f, &modules[""], &mut given, &mut ev.report)?;
    }
    for (name, text) in &opts.vars {
        let Some(var) = modules[""].variables.get(name) else {
            return Err(TfError::new(
                &first,
                format!("--var {name}: the configuration declares no variable `{name}`"),
                None,
            ));
        };
        given.insert(name.clone(), cli_value(text, var.type_name.as_deref()));
    }
    let vars = ev.bind_variables("", given, &first, &first)?;
    ev.run_module("", "", vars, 0)?;
    Ok(Evaluated {
        instances: ev.instances,
        report: ev.report,
    })
}

/// A `--var` value: a string for `string` variables (and untyped ones), otherwise parsed as an
/// HCL expression as Terraform does (`--var 'subnets=["a","b"]'`).
fn cli_value(text: &str, type_name: Option<&str>) -> Value {
    if matches!(type_name, None | Some("string")) {
        return Value::from(text.to_string());
    }
    let parsed = format!("v = {text}\n")
        .parse::<hcl::Body>()
        .ok()
        .and_then(|b| match b.into_iter().next() {
            Some(Structure::Attribute(a)) => {
                let mut ctx = hcl::eval::Context::new();
                funcs::declare(&mut ctx);
                eval::eval_expr(&a.expr, &ctx).ok()
            }
            _ => None,
        });
    parsed.unwrap_or_else(|| Value::from(text.to_string()))
}

fn read_tfvars(
    f: &Input,
    root: &config::Module,
    given: &mut Map<String, Value>,
    report: &mut ImportReport,
) -> Result<(), TfError> {
    let mut ctx = hcl::eval::Context::new();
    funcs::declare(&mut ctx);
    for (item, loc) in config::parse_file(f.name, f.text)? {
        let Structure::Attribute(a) = item else {
            return Err(TfError::new(
                &loc,
                "a .tfvars file holds `NAME = value` lines only",
                None,
            ));
        };
        let name = a.key.as_str().to_string();
        let v = eval::eval_expr(&a.expr, &ctx).map_err(|e| {
            TfError::new(
                &loc,
                format!("the value of `{name}` cannot be evaluated: {e}"),
                Some("a .tfvars file holds literal values".into()),
            )
        })?;
        if !root.variables.contains_key(&name) {
            report.add(
                &loc,
                Outcome::Dropped,
                name.clone(),
                "the configuration declares no such variable; ignored (Terraform warns too)",
            );
            continue;
        }
        given.insert(name, v);
    }
    Ok(())
}
