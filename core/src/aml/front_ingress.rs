//! The inference ingress path through Azure Front Door (docs/semantics.md I10): what reaches
//! scoring from the internet through a Front Door profile and whether its WAF blocks what it
//! detects, and a public origin that every Front Door profile's backend addresses reach.
//!
//! - AML-INGRESS-NO-WAF / AML-WAF-DETECTION: as for an application gateway, with the profile's
//!   WAF policy (witness: `internet` → the profile's endpoint, forwarded to the target).
//! - AML-FRONTDOOR-PUBLIC-ORIGIN: an inference target that is a public origin and accepts
//!   connections from `AzureFrontDoor.Backend`: the range is shared by every customer's
//!   profile, so another profile reaches it without this profile's WAF unless the application
//!   checks the `X-Azure-FDID` header, which a network model cannot see.

use super::Severity;
use super::findings::{Finding, finding, with_witness};
use super::flows::is_ml_target;
use crate::format::WafMode;
use crate::model::{Design, FrontDoorHost, FrontDoorId, WorkloadId};
use crate::net::Protocol;
use crate::query::Endpoint;
use crate::trace::{Origin, Trace, TraceOptions, origin_of, trace_from};

/// The trace of the internet's HTTPS request to Front Door `fid`, forwarded to `backend`.
fn via_front_door(d: &Design, fid: FrontDoorId, backend: std::net::Ipv4Addr) -> Option<Trace> {
    let internet = Endpoint::Client(crate::model::ClientId(0));
    let origin = origin_of(d, &internet).ok()?;
    let fd = &d.front_doors[fid.ix()];
    Some(trace_from(
        d,
        origin,
        &Endpoint::Ip(fd.ip),
        Protocol::Tcp,
        443,
        "internet",
        &fd.name,
        TraceOptions {
            backend: Some(backend),
            ..TraceOptions::default()
        },
    ))
}

/// AML-INGRESS-NO-WAF, AML-WAF-DETECTION and AML-FRONTDOOR-PUBLIC-ORIGIN; returns the inference
/// targets a profile with a WAF policy forwards the internet's requests to.
pub(super) fn through_front_doors(d: &Design, v: &mut Vec<Finding>) -> Vec<WorkloadId> {
    let mut fronted = Vec::new();
    for (i, fd) in d.front_doors.iter().enumerate() {
        let fid = FrontDoorId(i as u32);
        let mut reported = Vec::new();
        for o in &fd.origins {
            let FrontDoorHost::Workload(t) = o.host else {
                continue;
            };
            let target = &d.workloads[t.ix()];
            if !is_ml_target(target.kind) || reported.contains(&t) {
                continue;
            }
            let Some(trace) = via_front_door(d, fid, target.ip).filter(|t| t.verdict.allowed())
            else {
                continue;
            };
            reported.push(t);
            let resources = vec![fd.name.clone(), target.name.clone()];
            let f = match fd.waf {
                WafMode::Prevention => {
                    fronted.push(t);
                    None
                }
                WafMode::Detection => {
                    fronted.push(t);
                    Some(finding(
                        "AML-WAF-DETECTION",
                        Severity::Medium,
                        format!(
                            "Front Door {} forwards the internet's requests to inference target {} with its WAF in detection mode: attacks are logged, not blocked",
                            fd.name, target.name
                        ),
                        resources.clone(),
                        "set the Front Door WAF policy to prevention mode (waf: prevention) once its detection logs show no false positives",
                    ))
                }
                WafMode::Off => Some(finding(
                    "AML-INGRESS-NO-WAF",
                    Severity::High,
                    format!(
                        "the internet reaches inference target {} through Front Door {}, which has no WAF policy",
                        target.name, fd.name
                    ),
                    resources.clone(),
                    "associate a WAF policy in prevention mode with the Front Door endpoint (waf: prevention)",
                )),
            };
            if let Some(mut f) = f {
                f.references = super::mapping::references(f.id, "front_door");
                v.push(with_witness(f, trace));
            }
            if !o.private_link
                && let Some(t) = other_profiles(d, t, o.port)
            {
                v.push(with_witness(finding(
                    "AML-FRONTDOOR-PUBLIC-ORIGIN",
                    Severity::Medium,
                    format!(
                        "inference target {} is a public origin of Front Door {}: it accepts connections from AzureFrontDoor.Backend, which every Front Door profile shares, so another profile reaches it without {}'s WAF unless the application checks the X-Azure-FDID header",
                        target.name, fd.name, fd.name
                    ),
                    resources,
                    "connect Front Door Premium to the origin over Private Link (private_link: true) and remove its public IP; failing that, verify the X-Azure-FDID header in the application and accept this finding with a waiver that says so",
                ), t));
            }
        }
    }
    fronted.sort();
    fronted.dedup();
    fronted
}

/// The trace of a connection from Front Door's backend addresses straight to the public
/// address of `target` (as any profile's would come), when it is delivered.
fn other_profiles(d: &Design, target: WorkloadId, port: u16) -> Option<Trace> {
    let ip = d.front_door_backend_ip();
    let origin = Origin::Outside {
        ip,
        tag: None,
        instance: None,
        groups: Vec::new(),
        name: "AzureFrontDoor.Backend".into(),
    };
    let t = trace_from(
        d,
        origin,
        &Endpoint::Workload(target),
        Protocol::Tcp,
        port,
        "AzureFrontDoor.Backend",
        &d.workloads[target.ix()].name,
        TraceOptions::default(),
    );
    t.verdict.allowed().then_some(t)
}
