//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// vnetlab: find out before deployment whether an Azure network design lets Azure ML work and
/// keeps it private. Reads topology files (YAML or JSON), never touches Azure.
#[derive(Parser, Debug)]
#[command(name = "vnetlab", version, about, long_about = None, after_help = "\
Exit codes: 0 success, 1 an expectation or check failed, 2 bad input or usage.

Examples:
  vnetlab check topologies/*.yaml
  vnetlab trace topologies/aml-private-endpoints.yaml --from trainer --to mlstore:blob --port 443
  vnetlab routes topologies/hub-spoke-firewall.yaml --subnet ml/training
  vnetlab rules topologies/aml-private-endpoints.yaml --workload trainer")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,
    /// Microsoft's service-tags JSON ("Azure IP Ranges and Service Tags") to use instead of the
    /// built-in synthetic ranges.
    #[arg(long, value_name = "FILE", global = true)]
    pub service_tags: Option<PathBuf>,
}

/// Output formats.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// Stable JSON (documented in docs/cli-json.md).
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
        /// private endpoint, peering, setting) and report which expectations each breaks.
        /// Only 1 is supported.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=1))]
        faults: Option<u8>,
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
        #[arg(long, default_value = "22,443,445,3389")]
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
        /// Write the design as JSON instead of YAML (the same records; JSON loads several
        /// times faster, which matters for T3's 40 MB).
        #[arg(long)]
        json: bool,
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
        /// Shared options.
        #[command(flatten)]
        common: Common,
    },
    /// Audit Azure ML: trace every flow the workspaces need (works / broken, with the smallest
    /// fix) and run the isolation audits (findings with a witness trace). Exit 1 when a required
    /// flow is broken or a finding is at or above --fail-on.
    Audit {
        /// Topology file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Lowest finding severity that fails the audit.
        #[arg(long, value_enum, default_value_t = FailOn::High)]
        fail_on: FailOn,
        /// Also print the trace of flows that work and of every finding.
        #[arg(long, short)]
        verbose: bool,
        /// Shared options.
        #[command(flatten)]
        common: Common,
    },
    /// Open the terminal what-if app: the design as a tree, expectations and findings with their
    /// verdicts, traces, effective routes and rules, the reachability matrix; toggle rules,
    /// routes, links and settings and see every verdict change. Press ? in the app for keys.
    Tui {
        /// Topology file (reloaded when it changes on disk).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Shared options.
        #[command(flatten)]
        common: Common,
    },
    /// Print the JSON Schema of the topology format.
    Schema,
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
