//! The PaaS service's own firewall (D1–D6): private endpoint approval, trusted services, public
//! network access, default action, virtual network rules and IP rules.

use crate::format::{PeState, ServiceKind};
use crate::model::{Design, ElementRef, PeId, ServiceId, SubnetId, catalog};
use std::net::Ipv4Addr;

/// How a request reaches the service.
#[derive(Clone, Copy, Debug)]
pub enum Arrival<'a> {
    /// Through one of its private endpoints.
    PrivateEndpoint(PeId),
    /// To the public endpoint through a service endpoint of a subnet.
    ServiceEndpoint(SubnetId),
    /// To the public endpoint from a public address, and the Azure region it leaves Azure in
    /// when it comes from inside Azure.
    Public(Ipv4Addr, Option<&'a str>),
    /// From a trusted Azure service (by its service tag).
    Trusted,
    /// From a service instance, with its managed identity (`identity:SERVICE`, S22).
    Instance(ServiceId),
    /// Through a managed private endpoint of an Azure ML managed network (E4).
    ManagedPrivateEndpoint,
    /// Through a private endpoint Azure ML creates for a managed online deployment whose
    /// outbound to public networks is disabled (S24).
    DeploymentPrivateEndpoint,
    /// Through the private endpoint a Front Door Premium profile (named) manages for a Private
    /// Link origin, approved on the service (I9).
    FrontDoorPrivateLink(&'a str),
}

/// The service firewall's decision.
#[derive(Clone, Debug)]
pub struct PaasDecision {
    /// Allowed or not.
    pub allowed: bool,
    /// Why.
    pub reason: String,
    /// What decided: the private endpoint (its approval), or the service's setting
    /// (`public_network_access`, `default_action`, `virtual_network_rules`, `ip_rules`,
    /// `trusted_services`, `region`).
    pub decided_by: ElementRef,
}

fn allow(by: ElementRef, reason: impl Into<String>) -> PaasDecision {
    PaasDecision {
        allowed: true,
        reason: reason.into(),
        decided_by: by,
    }
}
fn deny(by: ElementRef, reason: impl Into<String>) -> PaasDecision {
    PaasDecision {
        allowed: false,
        reason: reason.into(),
        decided_by: by,
    }
}

/// Whether trusted Azure services pass the service's firewall: storage, key vaults and
/// registries with the exception on (D2, D3, D4).
fn trusted_bypass(s: &crate::model::Service) -> bool {
    s.trusted_services
        && matches!(
            s.kind,
            ServiceKind::Storage | ServiceKind::KeyVault | ServiceKind::ContainerRegistry
        )
}

/// Evaluates the service's network rules for one request (DERIVED model D6).
pub fn evaluate(d: &Design, sid: ServiceId, arrival: Arrival<'_>) -> PaasDecision {
    let s = &d.services[sid.ix()];
    let setting = |name: &str| ElementRef::service(d, sid).setting(name);
    match arrival {
        Arrival::PrivateEndpoint(pid) => {
            let pe = &d.private_endpoints[pid.ix()];
            let by = ElementRef::private_endpoint(d, pid);
            return match pe.state {
                PeState::Approved => allow(
                    by,
                    format!(
                        "arrives over approved private endpoint {}; the service firewall does not apply (D2)",
                        pe.name
                    ),
                ),
                other => deny(
                    by,
                    format!(
                        "private endpoint {} is {other}: only Approved endpoints carry traffic (C1)",
                        pe.name
                    ),
                ),
            };
        }
        Arrival::DeploymentPrivateEndpoint => {
            return allow(
                setting("online_endpoints"),
                "arrives over a private endpoint Azure ML creates for the deployment; the service firewall does not apply (S24, D2)",
            );
        }
        Arrival::FrontDoorPrivateLink(fd) => {
            return allow(
                ElementRef::FrontDoor(fd.to_string()),
                format!(
                    "arrives over the private endpoint Front Door {fd} manages, approved on the origin; the service firewall does not apply (I9, D2)"
                ),
            );
        }
        Arrival::ManagedPrivateEndpoint => {
            return allow(setting("managed_network"), "arrives over a managed private endpoint of the workspace's managed network; the service firewall does not apply (E4, D2)".to_string());
        }
        Arrival::Instance(from) => {
            if let Some(r) = s.resource_access.iter().find(|r| r.service == Some(from)) {
                return allow(
                    setting("resource_access_rules"),
                    format!(
                        "{} admits {} ({}) by a resource instance rule, through its managed identity, whatever its network rules and even with public access disabled (S22, D2)",
                        s.name,
                        d.services[from.ix()].name,
                        r.resource_type
                    ),
                );
            }
            if trusted_bypass(s) {
                return allow(
                    setting("trusted_services"),
                    format!(
                        "{} allows trusted Azure services, and {} calls with its managed identity (D2, D3, D4)",
                        s.name,
                        d.services[from.ix()].name
                    ),
                );
            }
        }
        Arrival::Trusted if trusted_bypass(s) => {
            return allow(
                setting("trusted_services"),
                format!(
                    "{} allows trusted Azure services, even with public access disabled (D2, D3, D4)",
                    s.name
                ),
            );
        }
        _ => {}
    }
    if !s.public_network_access {
        return deny(
            setting("public_network_access"),
            format!(
                "{} has public network access disabled: only private endpoints are accepted (HTTP 403)",
                s.name
            ),
        );
    }
    if s.default_allow {
        return allow(
            setting("default_action"),
            format!(
                "{} accepts public traffic from all networks (default action allow)",
                s.name
            ),
        );
    }
    match arrival {
        Arrival::ServiceEndpoint(sub) => {
            if s.vnet_rules.contains(&sub) {
                return allow(
                    setting("virtual_network_rules"),
                    format!(
                        "{} is in {}'s virtual network rules and arrives through its service endpoint",
                        d.subnets[sub.ix()].name,
                        s.name
                    ),
                );
            }
            deny(
                setting("default_action"),
                format!(
                    "{} arrives through a service endpoint, but {} is not in {}'s virtual network rules (HTTP 403)",
                    d.subnets[sub.ix()].name,
                    d.subnets[sub.ix()].name,
                    s.name
                ),
            )
        }
        Arrival::Public(ip, Some(region))
            if s.kind == ServiceKind::Storage && crate::regions::same(region, &s.region) =>
        {
            deny(
                setting("ip_rules"),
                format!(
                    "{ip} comes from {region}, {}'s own region: storage IP network rules have no effect on requests from the account's region (D2); allow the subnet with a service endpoint and a virtual network rule, or use a private endpoint (HTTP 403)",
                    s.name
                ),
            )
        }
        Arrival::Public(ip, _) => {
            if s.ip_rules.contains(ip) {
                return allow(
                    setting("ip_rules"),
                    format!("{ip} is in {}'s IP rules", s.name),
                );
            }
            let hint = if catalog::service_endpoint(s.kind).is_some() {
                "IP rules or virtual network rules"
            } else {
                "IP rules"
            };
            deny(
                setting("default_action"),
                format!(
                    "{ip} is not in {}'s {hint}; default action deny (HTTP 403)",
                    s.name
                ),
            )
        }
        Arrival::Trusted => deny(
            setting("trusted_services"),
            format!(
                "{} does not let trusted services bypass its firewall",
                s.name
            ),
        ),
        Arrival::Instance(from) => deny(
            setting("resource_access_rules"),
            format!(
                "{} does not let trusted services bypass its firewall and has no resource instance rule for {} (HTTP 403)",
                s.name,
                d.services[from.ix()].name
            ),
        ),
        Arrival::PrivateEndpoint(_)
        | Arrival::ManagedPrivateEndpoint
        | Arrival::FrontDoorPrivateLink(_)
        | Arrival::DeploymentPrivateEndpoint => {
            unreachable!("handled above")
        }
    }
}
