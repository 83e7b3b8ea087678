//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// vnetlab: find out before deployment whether an Azure network design lets Azure ML work and
/// keeps it private. Reads topology files (YAML or JSON), never touches Azure.
#[derive(Parser, Debug)]
#[command(name = "vnetlab", version, about, long_about = None, after_help = "\
Exit codes: 0 success, 1 an expectation or check failed, 2 bad input or usage.
A design FILE (or BEFORE, AFTER) may be `-`: read from standard input.

Examples:
  vnetlab check topologies/*.yaml
  vnetlab audit topologies/aml-private-aks.yaml
  vnetlab audit topologies/aml-hipaa-isolated.yaml topologies/aml-private-aks.yaml
  vnetlab trace topologies/aml-private-endpoints.yaml --from trainer --to mlstore:blob --port 443
  vnetlab routes topologies/hub-spoke-firewall.yaml --subnet ml/training
  vnetlab rules topologies/aml-private-aks.yaml --workload trainer --expand
  vnetlab check - < topologies/aml-private-aks.yaml
  vnetlab check --format sarif topologies/*.yaml > vnetlab.sarif
  vnetlab audit --format junit topologies/aml-hipaa-isolated.yaml > vnetlab-audit.xml")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command that analyses a design takes.
#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,
    /// Microsoft's service-tags JSON ("Azure IP Ranges and Service Tags") to use instead of the
    /// built-in synthetic ranges.
    #[arg(long, value_name = "FILE", global = true)]
    pub service_tags: Option<PathBuf>,
    /// Colour diagnostics: `auto` colours a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

/// When to colour diagnostics.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set (CLICOLOR_FORCE forces it).
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The options of the terminal app: [`Common`] without `--format` (it draws, it prints nothing).
#[derive(Args, Debug, Clone)]
pub struct Tags {
    /// Microsoft's service-tags JSON ("Azure IP Ranges and Service Tags") to use instead of the
    /// built-in synthetic ranges.
    #[arg(long, value_name = "FILE")]
    pub service_tags: Option<PathBuf>,
}

/// Output formats.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// Stable JSON (documented in docs/cli-json.md).
    Json,
    /// SARIF 2.1.0 for code scanning (GitHub, Azure DevOps); `check` and `audit` only.
    Sarif,
    /// JUnit XML for test tabs (Azure DevOps, GitLab, Jenkins); `check` and `audit` only.
    Junit,
    /// GitHub Actions workflow commands (`::error file=…`) that annotate a pull request; `check`
    /// and `audit` only.
    Github,
}

impl Format {
    /// Whether this format is one of the CI reports only `check` and `audit` write.
    pub fn is_report(self) -> bool {
        matches!(self, Format::Sarif | Format::Junit | Format::Github)
    }
}

/// What `generate` writes.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DesignFormat {
    /// The topology format's YAML.
    Yaml,
    /// The same records as JSON (loads several times faster).
    Json,
}

/// What `schema` writes.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaFormat {
    /// JSON Schema (draft 2020-12) as JSON.
    Json,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate designs and prove every `expect` entry. Exit 1 when one fails.
    Check {
        /// Topology files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Also print the trace of expectations that hold.
        #[arg(long, short)]
        verbose: bool,
        /// Fault tolerance: try every single removal or flip (one NSG rule, route, DNS link,
        /// private endpoint, peering, setting) that can change what a holding expectation
        /// reads, and report which expectations each breaks. Only 1 is supported. Reported, not
        /// failed on, unless --fail-on-fault.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=1))]
        faults: Option<u8>,
        /// With --faults 1: exit 1 when a single edit breaks an expectation (the CI policy
        /// "every expectation survives any single mistake").
        #[arg(long, requires = "faults")]
        fail_on_fault: bool,
        /// Exit 1 when a file has no `expect` entries (by default it is only said).
        #[arg(long)]
        require_expectations: bool,
        /// Print nothing on success; on failure only what failed (and the diagnostics). Machine
        /// formats are written whole either way.
        #[arg(long, short)]
        quiet: bool,
        /// Shared options.
        #[command(flatten)]
        common: Common,
    },
    /// Who reaches whom: subnets (or workloads) × the same, per port, each cell proven over
    /// every packet class.
    Matrix {
        /// Topology file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// TCP ports (comma-separated); `udp/53` for UDP.
        #[arg(long, default_value_t = vnetlab_core::reach::matrix::default_ports_text())]
        ports: String,
        /// Rows and columns.
        #[arg(long, value_enum, default_value_t = By::Subnet)]
        by: By,
        /// Shared options.
        #[command(flatten)]
        common: Common,
    },
    /// What a change does: reachability gained or lost between subnets, and expectations whose
    /// outcome changed. Exit 0 either way (1 only with --fail-on-change).
    Diff {
        /// The design before the change.
        #[arg(value_name = "BEFORE")]
        before: PathBuf,
        /// The design after the change.
        #[arg(value_name = "AFTER")]
        after: PathBuf,
        /// Show only the changes on these ports (comma-separated; `udp/53` for UDP). Every
        /// protocol and port is always compared.
        #[arg(long, default_value = "")]
        ports: String,
        /// Exit 1 when anything changed (shown or not).
        #[arg(long)]
        fail_on_change: bool,
        /// Shared options.
        #[command(flatten)]
        common: Common,
    },
    /// Write a seeded benchmark design (performance.md workloads T1–T4) to standard output.
    Generate {
        /// t1, t2, t3 or t4.
        #[arg(long, default_value = "t1")]
        workload: String,
        /// The seed: the same seed gives the same file.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output format: YAML, or the same records as JSON (JSON loads several times
        /// faster, which matters for T3's 40 MB).
        #[arg(long, value_enum, default_value_t = DesignFormat::Yaml)]
        format: DesignFormat,
    },
    /// Explain one flow hop by hop: DNS, NSGs, the route chosen, firewalls, the service
    /// firewall, and the reply path.
    Trace {
        /// Topology file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Source: a workload, client, `internet`, `service:TAG`, `VNET/SUBNET` or an IP.
        #[arg(long)]
        from: String,
        /// Destination: a workload, `SERVICE:SUBRESOURCE`, an FQDN, `VNET/SUBNET` or an IP.
        #[arg(long)]
        to: String,
        /// Protocol.
        #[arg(long, value_enum, default_value_t = Proto::Tcp)]
        protocol: Proto,
        /// Destination port.
        #[arg(long, default_value_t = 443)]
        port: u16,
        /// Source port (NSG rules can name source ports).
        #[arg(long, default_value_t = 50000)]
        source_port: u16,
        /// Exit 1 unless the verdict is this.
        #[arg(long, value_enum)]
        expect: Option<Expect>,
        /// Shared options.
        #[command(flatten)]
        common: Common,
    },
    /// Show a subnet's effective routes, like Azure's effective routes table.
    Routes {
        /// Topology file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The subnet, as VNET/SUBNET.
        #[arg(long)]
        subnet: String,
        /// Shared options.
        #[command(flatten)]
        common: Common,
    },
    /// Show a workload's effective security rules (subnet and NIC NSGs, defaults included).
    Rules {
        /// Topology file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The workload.
        #[arg(long)]
        workload: String,
        /// Also list the prefixes each service tag, VirtualNetwork and application security
        /// group in the rules expands to.
        #[arg(long)]
        expand: bool,
        /// Shared options.
        #[command(flatten)]
        common: Common,
    },
    /// Audit Azure ML: trace every flow the workspaces need (works / broken, with the smallest
    /// fix) and run the isolation audits (findings with a witness trace); over many designs,
    /// also the portfolio (public workspaces, public computes, dependencies without a private
    /// endpoint, findings by severity and benchmark control). Exit 1 when a required flow is
    /// broken or a finding is at or above --fail-on.
    Audit {
        /// Topology files, directories (their *.yaml and *.yml files, recursively) or globs.
        /// More than one design: each report, then the portfolio's figures across them.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Lowest finding severity that fails the audit.
        #[arg(long, value_enum, default_value_t = FailOn::High)]
        fail_on: FailOn,
        /// Also print the trace of flows that work and of every finding.
        #[arg(long, short)]
        verbose: bool,
        /// The date waivers' `expires` is compared with (YYYY-MM-DD; default: today, UTC).
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
        /// Print nothing on success; on failure the whole report. Machine formats are written
        /// whole either way.
        #[arg(long, short)]
        quiet: bool,
        /// Shared options.
        #[command(flatten)]
        common: Common,
    },
    /// Open the terminal what-if app: the design as a tree, expectations and findings with their
    /// verdicts, traces, effective routes and rules, the reachability matrix (with the internet;
    /// Enter on a cell shows its packet classes and a witness trace); toggle rules,
    /// routes, links and settings and see every verdict change. Press ? in the app for keys.
    Tui {
        /// Topology file (reloaded when it changes on disk; `-` reads it once from standard
        /// input).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Service tags to use.
        #[command(flatten)]
        tags: Tags,
    },
    /// Print the JSON Schema of the topology format.
    Schema {
        /// Output format.
        #[arg(long, value_enum, default_value_t = SchemaFormat::Json)]
        format: SchemaFormat,
    },
    /// Print a shell completion script (e.g. `vnetlab completions bash > /etc/bash_completion.d/vnetlab`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff; e.g. `vnetlab man > ~/.local/share/man/man1/vnetlab.1`).
    Man,
    /// Import a design written in another format (Azure Resource Manager JSON, …) as a vnetlab
    /// design, with a report of what was dropped, approximated or unknown until deployment.
    #[command(subcommand)]
    Import(ImportCommand),
}

/// Severities for `audit --fail-on`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// Any finding.
    Info,
    /// Low and above.
    Low,
    /// Medium and above.
    Medium,
    /// High and above.
    High,
    /// Critical only.
    Critical,
}

/// Rows and columns of a matrix.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum By {
    /// Subnets.
    Subnet,
    /// Workloads.
    Workload,
}

/// Protocols on the command line.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Proto {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP.
    Icmp,
    /// ESP.
    Esp,
    /// AH.
    Ah,
}

/// Expected trace verdicts.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Delivered and the reply returns.
    Allowed,
    /// Anything else.
    Denied,
}

/// The formats `vnetlab import` reads.
#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Azure Resource Manager: resource JSON as Azure returns it (`az … show/list`, REST,
    /// Resource Graph; objects, arrays or several files mixed) and deployment templates (what
    /// `az bicep build` writes). The design goes to standard output (or -o), the report to
    /// standard error. Exit 0 on success (with warnings), 2 on bad input.
    Arm {
        /// Resource JSON and template files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// A deployment parameters file for the template.
        #[arg(long, value_name = "PARAMS.json")]
        parameters: Option<PathBuf>,
        /// Write the design here instead of standard output.
        #[arg(long, short, value_name = "OUT.yaml")]
        output: Option<PathBuf>,
        /// The design's name (default: the first file's name).
        #[arg(long)]
        name: Option<String>,
        /// The subscription the template deploys to: `subscription()`, `resourceId()`,
        /// `uniqueString(…)` then give what a real deployment gives (default: a placeholder,
        /// see docs/import.md).
        #[arg(long, value_name = "GUID")]
        subscription_id: Option<String>,
        /// The resource group the template deploys to (default `vnetlab-rg`).
        #[arg(long, value_name = "NAME")]
        resource_group: Option<String>,
        /// The resource group's location (default `eastus`).
        #[arg(long, value_name = "REGION")]
        location: Option<String>,
        /// The deployment's name, `deployment().name` (default `vnetlab-import`).
        #[arg(long, value_name = "NAME")]
        deployment_name: Option<String>,
        /// Output format of the report.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Terraform (azurerm): a configuration directory read statically, without credentials
    /// (every `.tf` file, local modules in subdirectories, `terraform.tfvars` and
    /// `*.auto.tfvars`), or the JSON of `terraform show -json PLAN`. The design goes to standard
    /// output (or -o), the report to standard error. Exit 0 on success (with warnings), 2 on
    /// bad input.
    Terraform {
        /// The configuration's directory (or one of its .tf files), or a plan's JSON.
        #[arg(value_name = "PATH")]
        path: PathBuf,
        /// A .tfvars file (repeatable; later files win).
        #[arg(long = "var-file", value_name = "F.tfvars")]
        var_files: Vec<PathBuf>,
        /// A variable's value, NAME=VALUE (repeatable; wins over files).
        #[arg(long = "var", value_name = "NAME=VALUE")]
        vars: Vec<String>,
        /// Write the design here instead of standard output.
        #[arg(long, short, value_name = "OUT.yaml")]
        output: Option<PathBuf>,
        /// Output format of the report.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}
