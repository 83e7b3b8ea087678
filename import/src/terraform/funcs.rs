//! Terraform's built-in functions that network configurations use, for hcl-rs's evaluator.
//! Each follows the behaviour documented on developer.hashicorp.com/terraform/language/functions;
//! an unsupported function is an evaluation error, reported with its location.

use hcl::eval::{Context, FuncArgs, FuncDef, ParamType};
use hcl::{Map, Value};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

type FnResult = Result<Value, String>;

/// The checked binary arithmetic the evaluator rewrites `+ - * / %` into.
pub const ARITH: &str = "vnetlab_arith";
/// The checked negation the evaluator rewrites unary `-` into.
pub const NEG: &str = "vnetlab_neg";
/// The string concatenation templates with arithmetic are rewritten into.
pub const CONCAT: &str = "vnetlab_template";

/// Declares every supported function in `ctx`.
pub fn declare(ctx: &mut Context) {
    let table: &[(&str, hcl::eval::Func)] = &[
        ("cidrsubnet", cidrsubnet),
        ("cidrsubnets", cidrsubnets),
        ("cidrhost", cidrhost),
        ("cidrnetmask", cidrnetmask),
        ("concat", concat),
        ("merge", merge),
        ("lookup", lookup),
        ("format", format),
        ("join", join),
        ("split", split),
        ("element", element),
        ("length", length),
        ("toset", toset),
        ("tolist", tolist),
        ("tomap", identity),
        ("tostring", tostring),
        ("tonumber", tonumber),
        ("tobool", tobool),
        ("flatten", flatten),
        ("keys", keys),
        ("values", values),
        ("contains", contains),
        ("distinct", distinct),
        ("coalesce", coalesce),
        ("compact", compact),
        ("lower", lower),
        ("upper", upper),
        ("replace", replace),
        ("trimspace", trimspace),
        ("startswith", startswith),
        ("endswith", endswith),
        ("zipmap", zipmap),
        ("range", range),
        ("min", min),
        ("max", max),
        ("index", index),
        ("one", one),
        // Reached only when every argument evaluated (`try`/`can` with a failing argument are
        // resolved before evaluation, see `eval::resolve_try`): the first argument is then the
        // answer of `try`, and `can` is true.
        ("try", first),
        ("can", can),
        (ARITH, arith),
        (NEG, neg),
        (CONCAT, template),
    ];
    for (name, f) in table {
        ctx.declare_func(
            *name,
            FuncDef::builder().variadic_param(ParamType::Any).build(*f),
        );
    }
}

fn arity(args: &FuncArgs, lo: usize, hi: usize, name: &str) -> Result<(), String> {
    if args.len() < lo || args.len() > hi {
        let want = if lo == hi {
            format!("{lo}")
        } else {
            format!("{lo} to {hi}")
        };
        return Err(format!("{name} takes {want} arguments, got {}", args.len()));
    }
    Ok(())
}

fn str_arg<'a>(v: &'a Value, what: &str) -> Result<&'a str, String> {
    v.as_str()
        .ok_or_else(|| format!("{what} must be a string, got `{v}`"))
}

fn int_arg(v: &Value, what: &str) -> Result<i64, String> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .ok_or_else(|| format!("{what} must be a whole number, got `{v}`")),
        Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| format!("{what} must be a number, got `{s}`")),
        _ => Err(format!("{what} must be a number, got `{v}`")),
    }
}

fn list_arg<'a>(v: &'a Value, what: &str) -> Result<&'a [Value], String> {
    match v {
        Value::Array(a) => Ok(a),
        _ => Err(format!("{what} must be a list, got `{v}`")),
    }
}

fn net_arg(v: &Value) -> Result<Ipv4Net, String> {
    let s = str_arg(v, "prefix")?;
    s.trim()
        .parse::<Ipv4Net>()
        .map_err(|_| format!("`{s}` is not an IPv4 CIDR prefix"))
}

/// Terraform renders a value as a string the way `tostring` does.
pub fn to_str(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(format!("`{v}` cannot be converted to a string")),
    }
}

fn subnet_of(net: Ipv4Net, newbits: i64, netnum: i64) -> Result<Ipv4Net, String> {
    let len = i64::from(net.prefix_len()) + newbits;
    if !(0..=32).contains(&newbits) || len > 32 {
        return Err(format!(
            "cannot add {newbits} bits to the /{} prefix {net}",
            net.prefix_len()
        ));
    }
    if netnum < 0 || (newbits < 63 && netnum >= (1i64 << newbits)) {
        return Err(format!(
            "netnum {netnum} does not fit in {newbits} new bits"
        ));
    }
    let base = u32::from(net.network()) as u64;
    let addr = base + ((netnum as u64) << (32 - len as u32));
    let sub = Ipv4Net::new(Ipv4Addr::from(addr as u32), len as u8).map_err(|e| e.to_string())?;
    Ok(sub)
}

fn cidrsubnet(args: FuncArgs) -> FnResult {
    arity(&args, 3, 3, "cidrsubnet")?;
    let net = net_arg(&args[0])?.trunc();
    let sub = subnet_of(
        net,
        int_arg(&args[1], "newbits")?,
        int_arg(&args[2], "netnum")?,
    )?;
    Ok(Value::from(sub.to_string()))
}

fn cidrsubnets(args: FuncArgs) -> FnResult {
    if args.is_empty() {
        return Err("cidrsubnets takes a prefix and new bit counts".into());
    }
    let net = net_arg(&args[0])?.trunc();
    let mut next = u32::from(net.network()) as u64;
    let end = u32::from(net.broadcast()) as u64;
    let mut out = Vec::new();
    for a in args.iter().skip(1) {
        let bits = int_arg(a, "newbits")?;
        let len = i64::from(net.prefix_len()) + bits;
        if !(1..=32).contains(&bits) || len > 32 {
            return Err(format!("cannot add {bits} bits to {net}"));
        }
        let size = 1u64 << (32 - len as u32);
        let start = next.div_ceil(size) * size;
        if start + size - 1 > end {
            return Err(format!("not enough room in {net}"));
        }
        let sub =
            Ipv4Net::new(Ipv4Addr::from(start as u32), len as u8).map_err(|e| e.to_string())?;
        out.push(Value::from(sub.to_string()));
        next = start + size;
    }
    Ok(Value::Array(out))
}

fn cidrhost(args: FuncArgs) -> FnResult {
    arity(&args, 2, 2, "cidrhost")?;
    let net = net_arg(&args[0])?.trunc();
    let n = int_arg(&args[1], "hostnum")?;
    let size = 1i64 << (32 - u32::from(net.prefix_len()));
    let idx = if n < 0 { size + n } else { n };
    if idx < 0 || idx >= size {
        return Err(format!("host number {n} is outside {net}"));
    }
    let addr = u32::from(net.network()) as i64 + idx;
    Ok(Value::from(Ipv4Addr::from(addr as u32).to_string()))
}

fn cidrnetmask(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "cidrnetmask")?;
    Ok(Value::from(net_arg(&args[0])?.netmask().to_string()))
}

fn concat(args: FuncArgs) -> FnResult {
    let mut out = Vec::new();
    for a in args.iter() {
        out.extend(list_arg(a, "each argument of concat")?.iter().cloned());
    }
    Ok(Value::Array(out))
}

fn merge(args: FuncArgs) -> FnResult {
    let mut out = Map::new();
    for a in args.iter() {
        match a {
            Value::Object(m) => {
                for (k, v) in m {
                    out.insert(k.clone(), v.clone());
                }
            }
            Value::Null => {}
            other => return Err(format!("merge takes maps, got `{other}`")),
        }
    }
    Ok(Value::Object(out))
}

fn lookup(args: FuncArgs) -> FnResult {
    arity(&args, 2, 3, "lookup")?;
    let Value::Object(m) = &args[0] else {
        return Err(format!("lookup takes a map, got `{}`", args[0]));
    };
    let key = to_str(&args[1])?;
    match (m.get(&key), args.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(d)) => Ok(d.clone()),
        (None, None) => Err(format!(
            "the map has no key `{key}` and no default was given"
        )),
    }
}

fn format(args: FuncArgs) -> FnResult {
    if args.is_empty() {
        return Err("format takes a format string".into());
    }
    let spec = str_arg(&args[0], "the format")?;
    let mut out = String::new();
    let mut next = 1;
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        let mut flags = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || d == '-' {
                flags.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let verb = chars
            .next()
            .ok_or_else(|| "the format ends in the middle of a verb".to_string())?;
        let arg = args
            .get(next)
            .ok_or_else(|| format!("not enough arguments for the format `{spec}`"))?;
        next += 1;
        let text = match verb {
            's' | 'v' => to_str(arg)?,
            'd' => int_arg(arg, "a %d argument")?.to_string(),
            _ => return Err(format!("format verb %{verb} is not supported")),
        };
        let zero = flags.starts_with('0');
        let left = flags.starts_with('-');
        let width: usize = flags.trim_start_matches(['0', '-']).parse().unwrap_or(0);
        if width > 1024 {
            return Err(format!("format width {width} is larger than 1024"));
        }
        let pad = width.saturating_sub(text.chars().count());
        let fill = if zero && !left { '0' } else { ' ' };
        if left {
            out.push_str(&text);
            out.extend(std::iter::repeat_n(' ', pad));
        } else {
            out.extend(std::iter::repeat_n(fill, pad));
            out.push_str(&text);
        }
    }
    Ok(Value::from(out))
}

fn join(args: FuncArgs) -> FnResult {
    if args.len() < 2 {
        return Err("join takes a separator and lists".into());
    }
    let sep = str_arg(&args[0], "the separator")?;
    let mut parts = Vec::new();
    for a in args.iter().skip(1) {
        for v in list_arg(a, "a join argument")? {
            parts.push(to_str(v)?);
        }
    }
    Ok(Value::from(parts.join(sep)))
}

fn split(args: FuncArgs) -> FnResult {
    arity(&args, 2, 2, "split")?;
    let sep = str_arg(&args[0], "the separator")?;
    let s = str_arg(&args[1], "the string")?;
    Ok(Value::Array(
        s.split(sep).map(|p| Value::from(p.to_string())).collect(),
    ))
}

fn element(args: FuncArgs) -> FnResult {
    arity(&args, 2, 2, "element")?;
    let list = list_arg(&args[0], "the list")?;
    if list.is_empty() {
        return Err("element of an empty list".into());
    }
    let i = int_arg(&args[1], "the index")?;
    if i < 0 {
        return Err("element's index must not be negative".into());
    }
    Ok(list[i as usize % list.len()].clone())
}

fn length(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "length")?;
    let n = match &args[0] {
        Value::Array(a) => a.len(),
        Value::Object(m) => m.len(),
        Value::String(s) => s.chars().count(),
        other => return Err(format!("length of `{other}`")),
    };
    Ok(Value::from(n as u64))
}

/// Terraform's sets of strings iterate in lexical order; other elements keep their first
/// occurrence's order.
fn toset(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "toset")?;
    let mut out: Vec<Value> = Vec::new();
    for v in list_arg(&args[0], "the argument of toset")? {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    if out.iter().all(|v| v.is_string()) {
        out.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
    Ok(Value::Array(out))
}

fn tolist(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "tolist")?;
    Ok(Value::Array(
        list_arg(&args[0], "the argument of tolist")?.to_vec(),
    ))
}

fn identity(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "tomap")?;
    Ok(args[0].clone())
}

fn tostring(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "tostring")?;
    Ok(Value::from(to_str(&args[0])?))
}

fn tonumber(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "tonumber")?;
    match &args[0] {
        Value::Number(_) => Ok(args[0].clone()),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("`{s}` is not a number")),
        other => Err(format!("`{other}` is not a number")),
    }
}

fn tobool(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "tobool")?;
    match &args[0] {
        Value::Bool(_) => Ok(args[0].clone()),
        Value::String(s) if s == "true" => Ok(Value::Bool(true)),
        Value::String(s) if s == "false" => Ok(Value::Bool(false)),
        other => Err(format!("`{other}` is not a bool")),
    }
}

fn flatten(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "flatten")?;
    fn walk(v: &Value, out: &mut Vec<Value>) {
        match v {
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            other => out.push(other.clone()),
        }
    }
    let mut out = Vec::new();
    list_arg(&args[0], "the argument of flatten")?;
    walk(&args[0], &mut out);
    Ok(Value::Array(out))
}

fn keys(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "keys")?;
    let Value::Object(m) = &args[0] else {
        return Err(format!("keys takes a map, got `{}`", args[0]));
    };
    let mut k: Vec<&String> = m.keys().collect();
    k.sort();
    Ok(Value::Array(
        k.into_iter().map(|s| Value::from(s.clone())).collect(),
    ))
}

fn values(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "values")?;
    let Value::Object(m) = &args[0] else {
        return Err(format!("values takes a map, got `{}`", args[0]));
    };
    let mut kv: Vec<(&String, &Value)> = m.iter().collect();
    kv.sort_by(|a, b| a.0.cmp(b.0));
    Ok(Value::Array(
        kv.into_iter().map(|(_, v)| v.clone()).collect(),
    ))
}

fn contains(args: FuncArgs) -> FnResult {
    arity(&args, 2, 2, "contains")?;
    Ok(Value::Bool(
        list_arg(&args[0], "the list")?.contains(&args[1]),
    ))
}

fn distinct(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "distinct")?;
    let mut out: Vec<Value> = Vec::new();
    for v in list_arg(&args[0], "the list")? {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    Ok(Value::Array(out))
}

fn coalesce(args: FuncArgs) -> FnResult {
    args.iter()
        .find(|v| !v.is_null() && v.as_str() != Some(""))
        .cloned()
        .ok_or_else(|| "no non-null, non-empty argument".to_string())
}

fn compact(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "compact")?;
    Ok(Value::Array(
        list_arg(&args[0], "the list")?
            .iter()
            .filter(|v| !v.is_null() && v.as_str() != Some(""))
            .cloned()
            .collect(),
    ))
}

fn lower(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "lower")?;
    Ok(Value::from(str_arg(&args[0], "the string")?.to_lowercase()))
}

fn upper(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "upper")?;
    Ok(Value::from(str_arg(&args[0], "the string")?.to_uppercase()))
}

fn replace(args: FuncArgs) -> FnResult {
    arity(&args, 3, 3, "replace")?;
    let s = str_arg(&args[0], "the string")?;
    let from = str_arg(&args[1], "the substring")?;
    if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
        return Err("replace with a regular expression is not supported".into());
    }
    Ok(Value::from(
        s.replace(from, str_arg(&args[2], "the replacement")?),
    ))
}

fn trimspace(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "trimspace")?;
    Ok(Value::from(
        str_arg(&args[0], "the string")?.trim().to_string(),
    ))
}

fn startswith(args: FuncArgs) -> FnResult {
    arity(&args, 2, 2, "startswith")?;
    Ok(Value::Bool(
        str_arg(&args[0], "the string")?.starts_with(str_arg(&args[1], "the prefix")?),
    ))
}

fn endswith(args: FuncArgs) -> FnResult {
    arity(&args, 2, 2, "endswith")?;
    Ok(Value::Bool(
        str_arg(&args[0], "the string")?.ends_with(str_arg(&args[1], "the suffix")?),
    ))
}

fn zipmap(args: FuncArgs) -> FnResult {
    arity(&args, 2, 2, "zipmap")?;
    let k = list_arg(&args[0], "the keys")?;
    let v = list_arg(&args[1], "the values")?;
    if k.len() != v.len() {
        return Err("zipmap's lists differ in length".into());
    }
    let mut m = Map::new();
    for (k, v) in k.iter().zip(v) {
        m.insert(to_str(k)?, v.clone());
    }
    Ok(Value::Object(m))
}

fn range(args: FuncArgs) -> FnResult {
    arity(&args, 1, 3, "range")?;
    let n: Vec<i64> = args
        .iter()
        .map(|a| int_arg(a, "a range bound"))
        .collect::<Result<_, _>>()?;
    let (start, end, step) = match n.as_slice() {
        [e] => (0, *e, 1),
        [s, e] => (*s, *e, if e >= s { 1 } else { -1 }),
        [s, e, st] => (*s, *e, *st),
        _ => unreachable!("arity checked"),
    };
    if step == 0
        || end
            .saturating_sub(start)
            .checked_div(step)
            .is_none_or(|n| n > 1024)
    {
        return Err("range has a zero step or more than 1024 elements".into());
    }
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < end) || (step < 0 && i > end) {
        out.push(Value::from(i));
        let Some(next) = i.checked_add(step) else {
            break;
        };
        i = next;
    }
    Ok(Value::Array(out))
}

fn min(args: FuncArgs) -> FnResult {
    let n: Vec<i64> = args
        .iter()
        .map(|a| int_arg(a, "min's argument"))
        .collect::<Result<_, _>>()?;
    n.into_iter()
        .min()
        .map(Value::from)
        .ok_or_else(|| "min of nothing".into())
}

fn max(args: FuncArgs) -> FnResult {
    let n: Vec<i64> = args
        .iter()
        .map(|a| int_arg(a, "max's argument"))
        .collect::<Result<_, _>>()?;
    n.into_iter()
        .max()
        .map(Value::from)
        .ok_or_else(|| "max of nothing".into())
}

fn index(args: FuncArgs) -> FnResult {
    arity(&args, 2, 2, "index")?;
    list_arg(&args[0], "the list")?
        .iter()
        .position(|v| *v == args[1])
        .map(|i| Value::from(i as u64))
        .ok_or_else(|| format!("`{}` is not in the list", args[1]))
}

fn number(v: &Value) -> Result<f64, String> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| format!("`{v}` is not a number")),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("`{s}` is not a number")),
        _ => Err(format!("`{v}` is not a number")),
    }
}

fn whole(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn from_f64(f: f64) -> FnResult {
    if !f.is_finite() {
        return Err("the result is not a finite number".into());
    }
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        return Ok(Value::from(f as i64));
    }
    hcl::Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| "the result is not a finite number".into())
}

/// `+ - * / %` with Terraform's number semantics, without overflow or division by zero.
fn arith(args: FuncArgs) -> FnResult {
    arity(&args, 3, 3, "arithmetic")?;
    let op = str_arg(&args[0], "the operator")?;
    if let (Some(a), Some(b)) = (whole(&args[1]), whole(&args[2])) {
        let r = match op {
            "+" => a.checked_add(b),
            "-" => a.checked_sub(b),
            "*" => a.checked_mul(b),
            "%" if b == 0 => return Err("modulo by zero".into()),
            "%" => a.checked_rem(b),
            _ => None,
        };
        if let Some(r) = r {
            return Ok(Value::from(r));
        }
    }
    let (a, b) = (number(&args[1])?, number(&args[2])?);
    match op {
        "+" => from_f64(a + b),
        "-" => from_f64(a - b),
        "*" => from_f64(a * b),
        "/" if b == 0.0 => Err("division by zero".into()),
        "/" => from_f64(a / b),
        "%" if b == 0.0 => Err("modulo by zero".into()),
        "%" => from_f64(a % b),
        other => Err(format!("`{other}` is not an arithmetic operator")),
    }
}

fn neg(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "negation")?;
    match whole(&args[0]).and_then(i64::checked_neg) {
        Some(n) => Ok(Value::from(n)),
        None => from_f64(-number(&args[0])?),
    }
}

/// A template's parts joined, each as `tostring` renders it.
fn template(args: FuncArgs) -> FnResult {
    let mut out = String::new();
    for a in args.iter() {
        out.push_str(&to_str(a)?);
    }
    Ok(Value::from(out))
}

fn one(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "one")?;
    match list_arg(&args[0], "the argument of one")? {
        [] => Ok(Value::Null),
        [x] => Ok(x.clone()),
        more => Err(format!(
            "one takes a list of at most one element, got {}",
            more.len()
        )),
    }
}

fn first(args: FuncArgs) -> FnResult {
    args.first()
        .cloned()
        .ok_or_else(|| "try takes at least one argument".into())
}

fn can(args: FuncArgs) -> FnResult {
    arity(&args, 1, 1, "can")?;
    Ok(Value::Bool(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(expr: &str) -> Result<Value, String> {
        let mut ctx = Context::new();
        declare(&mut ctx);
        let body: hcl::Body = format!("x = {expr}\n")
            .parse()
            .map_err(|e| format!("{e}"))?;
        let hcl::Structure::Attribute(a) = &body.0[0] else {
            panic!("attribute")
        };
        crate::terraform::eval::eval_expr(&a.expr, &ctx)
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(eval("1 + 2 * 3"), Ok(Value::from(7u64)));
        assert_eq!(
            eval("7 / 2"),
            Ok(Value::Number(hcl::Number::from_f64(3.5).unwrap()))
        );
        assert_eq!(eval("-(2 - 5) % 2"), Ok(Value::from(1u64)));
        assert_eq!(eval("\"n-${1 + 1}\""), Ok(Value::from("n-2")));
        assert_eq!(
            eval("[for i in [1, 2] : i * 10][1]"),
            Ok(Value::from(20u64))
        );
        assert!(eval("9223372036854775807 * 9223372036854775807").is_ok());
        assert!(eval("5 % 0").is_err());
        assert!(eval("1 / 0").is_err());
        assert!(eval("-9223372036854775807 - 10").is_ok());
        assert!(eval("{ (1 + 1) = 2 }").is_ok());
    }

    #[test]
    fn cidr_functions_follow_terraform_examples() {
        // The examples of Terraform's function documentation.
        assert_eq!(
            eval(r#"cidrsubnet("172.16.0.0/12", 4, 2)"#),
            Ok(Value::from("172.18.0.0/16"))
        );
        assert_eq!(
            eval(r#"cidrsubnet("10.1.2.0/24", 4, 15)"#),
            Ok(Value::from("10.1.2.240/28"))
        );
        assert_eq!(
            eval(r#"cidrhost("10.12.112.0/20", 16)"#),
            Ok(Value::from("10.12.112.16"))
        );
        assert_eq!(
            eval(r#"cidrhost("10.12.112.0/20", 268)"#),
            Ok(Value::from("10.12.113.12"))
        );
        assert_eq!(
            eval(r#"cidrhost("10.0.0.0/24", -2)"#),
            Ok(Value::from("10.0.0.254"))
        );
        assert_eq!(
            eval(r#"cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)"#),
            Ok(Value::Array(
                [
                    "10.1.0.0/20",
                    "10.1.16.0/20",
                    "10.1.32.0/24",
                    "10.1.48.0/20"
                ]
                .map(Value::from)
                .to_vec()
            ))
        );
        assert!(eval(r#"cidrsubnet("10.0.0.0/24", 4, 16)"#).is_err());
        assert!(eval(r#"cidrhost("10.0.0.0/30", 4)"#).is_err());
    }

    #[test]
    fn collection_and_string_functions() {
        assert_eq!(
            eval(r#"format("snet-%s-%03d", "a", 7)"#),
            Ok(Value::from("snet-a-007"))
        );
        assert_eq!(
            eval(r#"join("-", ["a", "b"], ["c"])"#),
            Ok(Value::from("a-b-c"))
        );
        assert_eq!(eval(r#"element(["a", "b"], 3)"#), Ok(Value::from("b")));
        assert_eq!(
            eval(r#"length(toset(["b", "a", "b"]))"#),
            Ok(Value::from(2u64))
        );
        assert_eq!(eval(r#"toset(["b", "a", "b"])[0]"#), Ok(Value::from("a")));
        assert_eq!(
            eval(r#"flatten([["a"], [["b"]], "c"])[2]"#),
            Ok(Value::from("c"))
        );
        assert_eq!(eval(r#"lookup({a = 1}, "b", 2)"#), Ok(Value::from(2u64)));
        assert!(eval(r#"lookup({a = 1}, "b")"#).is_err());
        assert_eq!(
            eval(r#"merge({a = 1}, {a = 2, b = 3}).a"#),
            Ok(Value::from(2u64))
        );
        assert_eq!(eval(r#"concat(["a"], ["b"])[1]"#), Ok(Value::from("b")));
        assert_eq!(eval(r#"keys({b = 1, a = 2})[0]"#), Ok(Value::from("a")));
        assert!(eval(r#"nosuchfunction(1)"#).is_err());
        assert!(eval(r#"range(-9223372036854775807, 9223372036854775807)"#).is_err());
        assert_eq!(
            eval(r#"length(range(9223372036854775806, 9223372036854775807, 9))"#),
            Ok(Value::from(1u64))
        );
        assert!(eval(r#"format("%999999999d", 1)"#).is_err());
    }
}
