//! Reads the `.tf` files of a configuration into modules of blocks, each with the file, line and
//! column it starts at. The HCL syntax is hcl-rs's parser (hcl-edit, which keeps spans).

use super::{Loc, TfError};
use hcl::edit::Span;
use hcl::edit::structure as es;
use hcl::{Block, BlockLabel, Body, Expression, Structure};
use std::collections::BTreeMap;

/// A `variable` block.
#[derive(Clone, Debug)]
pub struct Variable {
    /// Its `default`, if any.
    pub default: Option<Expression>,
    /// Its `type` constraint as written (`string`, `number`, `list(string)`, …).
    pub type_name: Option<String>,
    /// Where it is declared.
    pub loc: Loc,
}

/// A named expression: a local value or an output.
#[derive(Clone, Debug)]
pub struct Named {
    /// The name.
    pub name: String,
    /// The expression.
    pub expr: Expression,
    /// Where it is written.
    pub loc: Loc,
}

/// A `resource` or `data` block.
#[derive(Clone, Debug)]
pub struct ResourceBlock {
    /// `true` for a `data` block.
    pub data: bool,
    /// The resource type, e.g. `azurerm_subnet`.
    pub rtype: String,
    /// The block's name label.
    pub name: String,
    /// Its body.
    pub body: Body,
    /// Where the block starts.
    pub loc: Loc,
    /// Where each of its top-level arguments starts.
    pub attr_locs: BTreeMap<String, Loc>,
}

/// A `module` block.
#[derive(Clone, Debug)]
pub struct ModuleCall {
    /// The module's name.
    pub name: String,
    /// Its body (arguments and meta-arguments, `source` among them).
    pub body: Body,
    /// Where the block starts.
    pub loc: Loc,
}

/// One module: the blocks of every `.tf` file of one directory.
#[derive(Clone, Debug, Default)]
pub struct Module {
    /// Variables by name.
    pub variables: BTreeMap<String, Variable>,
    /// Local values.
    pub locals: Vec<Named>,
    /// Resources and data sources.
    pub resources: Vec<ResourceBlock>,
    /// Module calls.
    pub calls: Vec<ModuleCall>,
    /// Outputs.
    pub outputs: Vec<Named>,
}

/// Line and column (1-based) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

fn loc_of(file: &str, text: &str, span: Option<std::ops::Range<usize>>) -> Loc {
    let (line, col) = line_col(text, span.map_or(0, |s| s.start));
    Loc {
        file: file.to_string(),
        line: line as u32,
        col: col as u32,
        resource: None,
    }
}

/// Parses one HCL file (a `.tf` or `.tfvars`) into its items with their locations.
pub fn parse_file(file: &str, text: &str) -> Result<Vec<(Structure, Loc)>, TfError> {
    let body = hcl::edit::parser::parse_body(text).map_err(|e| {
        let l = e.location();
        TfError {
            loc: Loc {
                file: file.to_string(),
                line: l.line() as u32,
                col: l.column() as u32,
                resource: None,
            },
            message: format!("HCL syntax: {}", e.message()),
            help: None,
        }
    })?;
    Ok(body
        .into_iter()
        .map(|item: es::Structure| {
            let loc = loc_of(file, text, item.span());
            (Structure::from(item), loc)
        })
        .collect())
}

/// For each top-level item of a file, where each argument of its body starts (none for an
/// attribute), in order.
fn body_attr_locs(file: &str, text: &str) -> Vec<Vec<(String, Loc)>> {
    let Ok(body) = hcl::edit::parser::parse_body(text) else {
        return Vec::new();
    };
    body.iter()
        .map(|s| match s.as_block() {
            Some(b) => b
                .body
                .iter()
                .filter_map(|s| s.as_attribute())
                .map(|a| (a.key.as_str().to_string(), loc_of(file, text, a.span())))
                .collect(),
            None => Vec::new(),
        })
        .collect()
}

fn label(l: &BlockLabel) -> &str {
    match l {
        BlockLabel::Identifier(i) => i.as_str(),
        BlockLabel::String(s) => s.as_str(),
    }
}

fn labels<'a>(b: &'a Block, n: usize, loc: &Loc, what: &str) -> Result<Vec<&'a str>, TfError> {
    if b.labels.len() != n {
        return Err(TfError {
            loc: loc.clone(),
            message: format!(
                "a `{}` block takes {n} label(s), this one has {}",
                b.identifier.as_str(),
                b.labels.len()
            ),
            help: Some(format!("write it as {what}")),
        });
    }
    Ok(b.labels.iter().map(label).collect())
}

/// The value of attribute `key` in a body, if present.
pub fn attr<'a>(body: &'a Body, key: &str) -> Option<&'a Expression> {
    body.attributes()
        .find(|a| a.key.as_str() == key)
        .map(|a| &a.expr)
}

/// Adds the blocks of one `.tf` file to `module`.
pub fn add_file(module: &mut Module, file: &str, text: &str) -> Result<(), TfError> {
    let items = parse_file(file, text)?;
    let mut attr_locs = body_attr_locs(file, text).into_iter();
    for (item, loc) in items {
        let locs: BTreeMap<String, Loc> =
            attr_locs.next().unwrap_or_default().into_iter().collect();
        let Structure::Block(b) = item else {
            let Structure::Attribute(a) = item else {
                unreachable!()
            };
            return Err(TfError {
                loc,
                message: format!(
                    "`{}` is an argument outside any block; a .tf file holds blocks only",
                    a.key.as_str()
                ),
                help: Some("values given this way belong in a .tfvars file".into()),
            });
        };
        match b.identifier.as_str() {
            "variable" => {
                let name = labels(&b, 1, &loc, "variable \"NAME\" { … }")?[0].to_string();
                module.variables.insert(
                    name,
                    Variable {
                        default: attr(&b.body, "default").cloned(),
                        type_name: attr(&b.body, "type").map(|t| t.to_string()),
                        loc,
                    },
                );
            }
            "locals" => {
                for a in b.body.attributes() {
                    module.locals.push(Named {
                        name: a.key.as_str().to_string(),
                        expr: a.expr.clone(),
                        loc: locs
                            .get(a.key.as_str())
                            .cloned()
                            .unwrap_or_else(|| loc.clone()),
                    });
                }
            }
            "output" => {
                let name = labels(&b, 1, &loc, "output \"NAME\" { value = … }")?[0].to_string();
                let Some(expr) = attr(&b.body, "value").cloned() else {
                    return Err(TfError {
                        loc,
                        message: format!("output `{name}` has no `value`"),
                        help: None,
                    });
                };
                module.outputs.push(Named { name, expr, loc });
            }
            kind @ ("resource" | "data") => {
                let l = labels(&b, 2, &loc, &format!("{kind} \"TYPE\" \"NAME\" {{ … }}"))?;
                module.resources.push(ResourceBlock {
                    data: kind == "data",
                    rtype: l[0].to_string(),
                    name: l[1].to_string(),
                    body: b.body.clone(),
                    loc,
                    attr_locs: locs,
                });
            }
            "module" => {
                let name = labels(&b, 1, &loc, "module \"NAME\" { source = … }")?[0].to_string();
                module.calls.push(ModuleCall {
                    name,
                    body: b.body.clone(),
                    loc,
                });
            }
            // Settings with no bearing on the design.
            "terraform" | "provider" | "moved" | "import" | "removed" | "check" => {}
            other => {
                return Err(TfError {
                    loc,
                    message: format!("`{other}` is not a Terraform block type"),
                    help: Some(
                        "a .tf file holds resource, data, variable, locals, output, module, provider and terraform blocks"
                            .into(),
                    ),
                });
            }
        }
    }
    Ok(())
}
