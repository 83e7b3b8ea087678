//! Azure Resource Manager: resource JSON as Azure returns it and deployment templates, imported
//! as a vnetlab design.
//!
//! Each input is read with the core's spanned reader (so every message has a line and column)
//! and recognised by its shape: a deployment template (`$schema` …`deploymentTemplate.json`, or
//! `resources` with `contentVersion`), a parameters file (`deploymentParameters.json`), or
//! resources as Azure returns them — one object with `id` and `type` (`az … show`, REST GET),
//! an array of them (`az … list`, `az resource list`), a REST list (`{"value": […]}`) or a
//! Resource Graph result (`{"data": […]}`). Templates are expanded ([`template`]) and every
//! resource is mapped ([`map`]) into one design.

pub mod eval;
pub mod expr;
pub mod hash;
pub mod json;
pub mod map;
pub mod template;

use crate::emit::DesignBuilder;
use crate::report::ImportReport;
use crate::{ImportError, Imported, Input, design_name};
use eval::EvalError;
use json::{At, J, V};
use map::Res;
pub use template::Options;
use vnetlab_core::diag::{Diagnostic, Diagnostics, Severity, Span};

/// Imports ARM files with the documented placeholder context (see [`Options`]).
pub fn import_arm(inputs: &[Input], parameters: Option<&Input>) -> Result<Imported, ImportError> {
    import_arm_with(inputs, parameters, &Options::default())
}

/// What a file is.
enum Kind {
    Template(J),
    Parameters(J),
    Resources(Vec<J>),
}

/// Imports ARM files: resource JSON and deployment templates, with an optional parameters file,
/// in the deployment context `opts`.
pub fn import_arm_with(
    inputs: &[Input],
    parameters: Option<&Input>,
    opts: &Options,
) -> Result<Imported, ImportError> {
    let mut all: Vec<Input> = inputs.to_vec();
    all.extend(parameters.copied());
    let names: Vec<&str> = all.iter().map(|i| i.name).collect();
    let mut errors = Vec::new();
    let mut kinds = Vec::new();
    for (i, input) in all.iter().enumerate() {
        match read(input, i) {
            Ok(k) => kinds.push((i, k)),
            Err(mut d) => errors.append(&mut d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut params: Option<J> = None;
    let mut templates = Vec::new();
    let mut resources = Vec::new();
    for (i, k) in kinds {
        match k {
            Kind::Parameters(p) => {
                if params.is_some() {
                    return Err(vec![located(
                        &names,
                        p.at,
                        "a second parameters file",
                        Some("give one parameters file"),
                    )]);
                }
                params = Some(p);
            }
            Kind::Template(t) => templates.push(t),
            Kind::Resources(items) => {
                for item in items {
                    resources.push(
                        resource(&item, i).map_err(|m| vec![located(&names, item.at, &m, None)])?,
                    );
                }
            }
        }
    }
    if params.is_some() && templates.len() != 1 {
        return Err(vec![located(
            &names,
            params.as_ref().map_or(At::default(), |p| p.at),
            &format!(
                "a parameters file needs exactly one template; {} given",
                templates.len()
            ),
            Some("import each template with its own parameters file"),
        )]);
    }
    let mut report = ImportReport::default();
    for t in &templates {
        let p = params
            .as_ref()
            .map(|p| p.get("parameters").unwrap_or(p).clone());
        let expanded =
            template::expand(t, p.as_ref(), opts).map_err(|e| vec![eval_error(&names, &e)])?;
        for n in &expanded.notes {
            let s = crate::Source {
                file: names.get(n.at.file).copied().unwrap_or("").to_string(),
                line: n.at.span.line,
                col: n.at.span.col,
                resource: n.resource.clone(),
            };
            report.add(&s, n.outcome, n.subject.clone(), n.message.clone());
        }
        for r in expanded.resources {
            resources.push(Res {
                ty: r.rtype.to_ascii_lowercase(),
                id: r.id,
                name: r.name,
                body: r.body,
                at: r.at,
            });
        }
    }
    let name = opts
        .design_name
        .clone()
        .unwrap_or_else(|| design_name(inputs));
    let mut b = DesignBuilder::new(
        &name,
        Some(format!(
            "Imported from {} Azure Resource Manager file(s) by vnetlab import arm",
            all.len()
        )),
    );
    map::map(&resources, &names, &mut b, &mut report);
    report.finish();
    let mut header = vec!["Imported by `vnetlab import arm` from:".to_string()];
    header.extend(names.iter().map(|n| format!("  {n}")));
    header.push(format!(
        "{} dropped, {} approximated, {} unknown until deploy: see the import report.",
        report.count(crate::Outcome::Dropped),
        report.count(crate::Outcome::Approximated),
        report.count(crate::Outcome::UnknownUntilDeploy)
    ));
    let emitted = b.finish(&header);
    Ok(Imported {
        design: emitted.file,
        yaml: emitted.yaml,
        report,
    })
}

/// Expands one template (with an optional parameters file) into the resources a deployment in
/// the context `opts` would create, without mapping them.
pub fn expand_template(
    template: &Input,
    parameters: Option<&Input>,
    opts: &Options,
) -> Result<template::Expanded, ImportError> {
    let names: Vec<&str> = std::iter::once(template.name)
        .chain(parameters.map(|p| p.name))
        .collect();
    let t = match read(template, 0)? {
        Kind::Template(t) => t,
        _ => {
            return Err(vec![located(
                &names,
                At {
                    file: 0,
                    span: Span { line: 1, col: 1 },
                },
                "this file is not a deployment template",
                None,
            )]);
        }
    };
    let p = match parameters.map(|p| read(p, 1)).transpose()? {
        Some(Kind::Parameters(p)) => Some(p.get("parameters").unwrap_or(&p).clone()),
        Some(_) => {
            return Err(vec![located(
                &names,
                At {
                    file: 1,
                    span: Span { line: 1, col: 1 },
                },
                "this file is not a deployment parameters file",
                None,
            )]);
        }
        None => None,
    };
    template::expand(&t, p.as_ref(), opts).map_err(|e| vec![eval_error(&names, &e)])
}

fn located(names: &[&str], at: At, message: &str, help: Option<&str>) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        file: names.get(at.file).copied().unwrap_or("").to_string(),
        span: at.span,
        code: "import",
        message: message.to_string(),
        help: help.map(str::to_string),
    }
}

fn eval_error(names: &[&str], e: &EvalError) -> Diagnostic {
    located(names, e.at, &e.message, e.help.as_deref())
}

/// Reads one input and recognises its kind.
fn read(input: &Input, index: usize) -> Result<Kind, Vec<Diagnostic>> {
    let mut diags = Diagnostics::new(input.name);
    let text = input.text.strip_prefix('\u{feff}').unwrap_or(input.text);
    if text.trim().is_empty() {
        diags.error(Span { line: 1, col: 1 }, "empty", "the file is empty");
        return Err(diags.finish());
    }
    // Templates may hold `//` and `/* */` comments (Azure accepts them): blanked out, so every
    // line and column stays where it was.
    let blanked = blank_comments(text);
    let text = blanked.as_str();
    let node = match vnetlab_core::syntax::parse_json(text) {
        Some(n) => n,
        None => match vnetlab_core::syntax::parse(text, &mut diags) {
            Some(n) => n,
            None => return Err(diags.finish()),
        },
    };
    let root = J::from_node(&node, index);
    let schema = root
        .get("$schema")
        .and_then(J::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    let fail = |msg: &str, help: &str| -> Result<Kind, Vec<Diagnostic>> {
        let mut d = Diagnostics::new(input.name);
        d.error(root.at.span, "import", msg).help(help);
        Err(d.finish())
    };
    if schema.contains("deploymentparameters") {
        return Ok(Kind::Parameters(root));
    }
    if schema.contains("deploymenttemplate")
        || (root.get("resources").is_some() && root.get("contentVersion").is_some())
    {
        return Ok(Kind::Template(root));
    }
    let items: Vec<J> = match &root.v {
        V::Arr(a) => a.clone(),
        V::Obj(_) if root.get("id").is_some() && root.get("type").is_some() => vec![root.clone()],
        V::Obj(_) => match root.get("value").or_else(|| root.get("data")) {
            Some(J { v: V::Arr(a), .. }) => a.clone(),
            _ => {
                return fail(
                    "this JSON is not ARM JSON vnetlab reads",
                    "give a deployment template (`az bicep build` output), a parameters file, or resources as Azure returns them: an object with `id` and `type`, an array of them, `{\"value\": [...]}` (REST) or `{\"data\": [...]}` (Resource Graph)",
                );
            }
        },
        _ => {
            return fail(
                "this file is not a JSON object or array",
                "give ARM JSON: a template or resources as `az`, the REST API or Resource Graph return them",
            );
        }
    };
    Ok(Kind::Resources(items))
}

/// The text with JSON comments (`// …`, `/* … */`, outside strings) replaced by spaces, line
/// breaks kept.
fn blank_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let (mut in_string, mut escaped) = (false, false);
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                out.push(' ');
                while let Some(&n) = chars.peek() {
                    if n == '\n' || n == '\r' {
                        break;
                    }
                    out.push(' ');
                    chars.next();
                }
            }
            ('/', Some('*')) => {
                chars.next();
                out.push_str("  ");
                let mut last = ' ';
                for n in chars.by_ref() {
                    out.push(if n == '\n' || n == '\r' { n } else { ' ' });
                    if last == '*' && n == '/' {
                        break;
                    }
                    last = n;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// One resource as Azure returns it.
fn resource(item: &J, _file: usize) -> Result<Res, String> {
    let Some(id) = item.get("id").and_then(J::as_str) else {
        return Err("this item is not an Azure resource: it has no `id`".into());
    };
    let Some((ty, name)) = template::split_id(id) else {
        return Err(format!(
            "`{id}` is not a resource id (…/providers/NAMESPACE/TYPE/NAME)"
        ));
    };
    Ok(Res {
        id: id.to_string(),
        ty: ty.to_ascii_lowercase(),
        name,
        body: item.clone(),
        at: item.at,
    })
}
