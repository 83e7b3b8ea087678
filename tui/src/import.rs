//! `vnetlab import`: reads the files, calls vnetlab-import, writes the design and the report.

use crate::cli::{Format, ImportCommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use vnetlab_import::{ImportError, Imported, Input};

/// Runs an import subcommand. `Err` (exit 2) on unreadable or bad input, with every located
/// problem printed first.
pub fn run(cmd: ImportCommand) -> Result<ExitCode, String> {
    match cmd {
        ImportCommand::Arm {
            files,
            parameters,
            output,
            name,
            subscription_id,
            resource_group,
            location,
            deployment_name,
            format,
        } => {
            if format.is_report() {
                return Err(
                    "--format sarif, junit and github are for check and audit; `import` writes text or json"
                        .into(),
                );
            }
            let mut opts = vnetlab_import::arm::Options {
                design_name: name,
                ..Default::default()
            };
            if let Some(s) = subscription_id {
                opts.subscription_id = s;
            }
            if let Some(g) = resource_group {
                opts.resource_group = g;
            }
            if let Some(l) = location {
                opts.location = l;
            }
            if let Some(d) = deployment_name {
                opts.deployment = d;
            }
            let texts = files
                .iter()
                .map(|p| read(p))
                .collect::<Result<Vec<_>, _>>()?;
            let params = parameters.as_ref().map(|p| read(p)).transpose()?;
            let inputs: Vec<Input> = texts
                .iter()
                .map(|(name, text)| Input { name, text })
                .collect();
            let params_input = params.as_ref().map(|(name, text)| Input { name, text });
            let all: Vec<Input> = inputs.iter().copied().chain(params_input).collect();
            let result =
                vnetlab_import::arm::import_arm_with(&inputs, params_input.as_ref(), &opts);
            finish(result, &all, output.as_deref(), format)
        }
        ImportCommand::Terraform {
            path,
            var_files,
            vars,
            output,
            format,
        } => {
            let (root, files) = terraform_files(&path)?;
            let texts = files
                .iter()
                .map(|p| read(p))
                .collect::<Result<Vec<_>, _>>()?;
            let var_texts = var_files
                .iter()
                .map(|p| read(p))
                .collect::<Result<Vec<_>, _>>()?;
            let mut pairs = Vec::new();
            for v in &vars {
                let Some((name, value)) = v.split_once('=') else {
                    return Err(format!("--var {v}: write it as NAME=VALUE"));
                };
                pairs.push((name.trim().to_string(), value.to_string()));
            }
            let inputs: Vec<Input> = texts
                .iter()
                .map(|(name, text)| Input { name, text })
                .collect();
            let opts = vnetlab_import::terraform::Options {
                var_files: var_texts
                    .iter()
                    .map(|(name, text)| Input { name, text })
                    .collect(),
                vars: pairs,
            };
            let all: Vec<Input> = inputs
                .iter()
                .copied()
                .chain(opts.var_files.iter().copied())
                .collect();
            let result = vnetlab_import::terraform::import_terraform(&root, &inputs, &opts);
            finish(result, &all, output.as_deref(), format)
        }
    }
}

/// The files of a Terraform import: a plan's JSON alone, or every `.tf` file under the
/// configuration's directory (local modules live in subdirectories; `.terraform/` and hidden
/// directories are skipped) with the root's `terraform.tfvars` and `*.auto.tfvars`. Sorted,
/// so the import is the same on every machine.
fn terraform_files(path: &Path) -> Result<(String, Vec<PathBuf>), String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let dir = if meta.is_dir() {
        path.to_path_buf()
    } else if path.extension().is_some_and(|e| e == "json") {
        return Ok((String::new(), vec![path.to_path_buf()]));
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let root = dir.display().to_string();
    let mut out = Vec::new();
    let mut stack = vec![(dir.clone(), 0usize)];
    while let Some((d, depth)) = stack.pop() {
        let entries = std::fs::read_dir(if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &d
        })
        .map_err(|e| format!("cannot read {}: {e}", d.display()))?;
        for e in entries {
            let e = e.map_err(|e| format!("cannot read {}: {e}", d.display()))?;
            let name = e.file_name().to_string_lossy().into_owned();
            let p = if d.as_os_str().is_empty() {
                PathBuf::from(&name)
            } else {
                d.join(&name)
            };
            let ft = e
                .file_type()
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            if ft.is_dir() {
                if !name.starts_with('.') && depth < 16 {
                    stack.push((p, depth + 1));
                }
            } else if name.ends_with(".tf")
                || (depth == 0 && (name == "terraform.tfvars" || name.ends_with(".auto.tfvars")))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    if out.iter().all(|p| p.extension().is_none_or(|e| e != "tf")) {
        return Err(format!("{}: no .tf file here", dir.display()));
    }
    Ok((root, out))
}

fn read(path: &Path) -> Result<(String, String), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let name = path.display().to_string();
    match String::from_utf8(bytes) {
        Ok(text) => Ok((name, text.trim_start_matches('\u{feff}').to_string())),
        Err(e) => {
            let ok = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = ok.iter().filter(|&&b| b == b'\n').count() + 1;
            Err(format!(
                "{name}:{line}: the file is not valid UTF-8 (save it as UTF-8)"
            ))
        }
    }
}

fn finish(
    result: Result<Imported, ImportError>,
    inputs: &[Input],
    output: Option<&Path>,
    format: Format,
) -> Result<ExitCode, String> {
    let imported = match result {
        Ok(i) => i,
        Err(diags) => {
            if format == Format::Json {
                out!(
                    "{}\n",
                    serde_json::to_string_pretty(&crate::json::ImportDocument {
                        design: None,
                        design_diagnostics: None,
                        diagnostics: Some(&diags),
                        output: None,
                        report: None,
                        valid: false,
                    })
                    .expect("json")
                );
            } else {
                for d in &diags {
                    let source = inputs.iter().find(|i| i.name == d.file).map(|i| i.text);
                    eprint!("{}", d.render(source));
                }
            }
            return Err(format!("{} error(s); nothing was imported", diags.len()));
        }
    };
    if let Some(path) = output {
        std::fs::write(path, &imported.yaml)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    // The design is checked as `vnetlab check` will read it: what Azure accepted but vnetlab's
    // validation does not is shown now, as warnings (the import itself succeeded).
    let name = output.map_or("imported design".to_string(), |p| p.display().to_string());
    let loaded = vnetlab_core::load(
        &name,
        imported.yaml.as_bytes(),
        &vnetlab_core::model::BuildOptions::default(),
    );
    let invalid: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == vnetlab_core::diag::Severity::Error)
        .collect();
    if !invalid.is_empty() && format == Format::Text {
        eprintln!(
            "vnetlab: warning: the imported design does not validate yet; fix these in it before `vnetlab check`:"
        );
        for d in &invalid {
            eprint!("{}", d.render(Some(&imported.yaml)));
        }
    }
    match format {
        Format::Text | Format::Sarif | Format::Junit | Format::Github => {
            if output.is_none() {
                out!("{}", imported.yaml);
            }
            eprint!("{}", imported.report.to_text());
        }
        Format::Json => {
            let doc = crate::json::ImportDocument {
                design: output.is_none().then_some(imported.yaml.as_str()),
                design_diagnostics: Some(invalid),
                diagnostics: None,
                output: output.map(|p| p.display().to_string()),
                report: Some(imported.report.summary()),
                valid: true,
            };
            out!("{}\n", serde_json::to_string_pretty(&doc).expect("json"));
        }
    }
    Ok(ExitCode::SUCCESS)
}
