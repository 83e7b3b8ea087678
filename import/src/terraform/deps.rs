//! What an expression refers to (`local.x`, `var.x`, `TYPE.NAME`, `data.TYPE.NAME`,
//! `module.NAME`), so that each block is evaluated after the blocks it reads, and `try`/`can`
//! resolved only once everything they read is known.

use hcl::expr::{Expression, ObjectKey, Operation, TraversalOperator};
use hcl::template::{Directive, Element, Template};
use hcl::{Body, Structure};
use std::collections::BTreeSet;

/// Adds the block keys every expression of `body` refers to.
pub fn body_refs(body: &Body, out: &mut BTreeSet<String>) {
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => expr_refs(&a.expr, out),
            Structure::Block(b) => body_refs(&b.body, out),
        }
    }
}

fn attr_name(op: Option<&TraversalOperator>) -> Option<&str> {
    match op {
        Some(TraversalOperator::GetAttr(i)) => Some(i.as_str()),
        _ => None,
    }
}

/// Adds the block keys `expr` refers to.
pub fn expr_refs(expr: &Expression, out: &mut BTreeSet<String>) {
    match expr {
        Expression::Variable(v) => {
            out.insert(v.as_str().to_string());
        }
        Expression::Traversal(t) => {
            if let Expression::Variable(root) = &t.expr {
                let root = root.as_str();
                let first = attr_name(t.operators.first());
                let key = match (root, first) {
                    ("data", Some(ty)) => attr_name(t.operators.get(1))
                        .map(|name| format!("data.{ty}.{name}"))
                        .unwrap_or_else(|| format!("data.{ty}")),
                    (r, Some(a)) => format!("{r}.{a}"),
                    (r, None) => r.to_string(),
                };
                out.insert(key);
            } else {
                expr_refs(&t.expr, out);
            }
            for op in &t.operators {
                if let TraversalOperator::Index(e) = op {
                    expr_refs(e, out);
                }
            }
        }
        Expression::Array(a) => a.iter().for_each(|e| expr_refs(e, out)),
        Expression::Object(o) => {
            for (k, v) in o.iter() {
                if let ObjectKey::Expression(k) = k {
                    expr_refs(k, out);
                }
                expr_refs(v, out);
            }
        }
        Expression::TemplateExpr(t) => {
            if let Ok(t) = Template::from_expr(t) {
                template_refs(&t, out);
            }
        }
        Expression::FuncCall(f) => f.args.iter().for_each(|e| expr_refs(e, out)),
        Expression::Parenthesis(e) => expr_refs(e, out),
        Expression::Conditional(c) => {
            expr_refs(&c.cond_expr, out);
            expr_refs(&c.true_expr, out);
            expr_refs(&c.false_expr, out);
        }
        Expression::Operation(op) => match op.as_ref() {
            Operation::Unary(u) => expr_refs(&u.expr, out),
            Operation::Binary(b) => {
                expr_refs(&b.lhs_expr, out);
                expr_refs(&b.rhs_expr, out);
            }
        },
        Expression::ForExpr(f) => {
            expr_refs(&f.collection_expr, out);
            if let Some(k) = &f.key_expr {
                expr_refs(k, out);
            }
            expr_refs(&f.value_expr, out);
            if let Some(c) = &f.cond_expr {
                expr_refs(c, out);
            }
        }
        _ => {}
    }
}

fn template_refs(t: &Template, out: &mut BTreeSet<String>) {
    for e in t.elements() {
        match e {
            Element::Interpolation(i) => expr_refs(&i.expr, out),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(i) => {
                    expr_refs(&i.cond_expr, out);
                    template_refs(&i.true_template, out);
                    if let Some(f) = &i.false_template {
                        template_refs(f, out);
                    }
                }
                Directive::For(f) => {
                    expr_refs(&f.collection_expr, out);
                    template_refs(&f.template, out);
                }
            },
            Element::Literal(_) => {}
        }
    }
}
