//! Clients, expectations and waivers as written.

use super::*;

record! {
    /// A client outside the designed networks.
    pub struct ClientDef ("client") {
        /// internet | on_prem | azure_service.
        kind: ClientKind => req,
        /// on_prem: `GATEWAY/SITE` it sits behind.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        site: Option<Ref> => opt,
        /// Its address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ip: Option<Spanned<Ip>> => opt,
        /// Identity groups it is an authenticated member of.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        groups: Vec<String> => def,
        /// The DNS server it queries (a `dns_server` workload or a firewall's DNS proxy).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dns_server: Option<Spanned<Ip>> => opt,
        /// azure_service: the service tag it comes from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service_tag: Option<Ref> => opt,
    }
}

record! {
    /// A design intent.
    pub struct ExpectDef ("expectation") {
        /// What the intent is.
        name: String => req,
        /// Source: workload, client, `internet`, `service:TAG`, `VNET/SUBNET`, `VNET/*`, an IP or CIDR.
        from: Ref => req,
        /// Destination: workload, `SERVICE:SUBRESOURCE`, FQDN, `VNET/SUBNET`, `VNET/*`, IP or CIDR.
        to: Ref => req,
        /// Protocol (default tcp).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        protocol: Option<RuleProtocol> => opt,
        /// One destination port.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        port: Option<Spanned<Port>> => opt,
        /// A set of destination ports (`*` = all).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ports: Option<PortList> => opt,
        /// allowed | denied.
        verdict: ExpectedVerdict => req,
        /// Waypoints (`VNET/SUBNET`, firewall or application gateway names) the path must
        /// cross. An application gateway among them is where the client connects: the flow is
        /// addressed to its listener on `port`, and holds when the gateway forwards it to `to`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        via: Vec<Ref> => def,
    }
}

record! {
    /// A waiver: a reviewed finding that is accepted until a date. `vnetlab audit` reports the
    /// findings it matches as accepted; after `expires` it accepts nothing and is itself a finding.
    pub struct AcceptDef ("waiver") {
        /// The finding kind's id, e.g. `AML-PUBLIC-DEPENDENCY` (docs/aml.md).
        finding: Spanned<String> => req,
        /// The element the finding names (one of its resources, e.g. `mlstore` or `ml/training`).
        resource: Spanned<String> => req,
        /// Why the finding is accepted (the review's outcome).
        justification: String => req,
        /// Who owns the exception (a person or team).
        owner: String => req,
        /// The last day the waiver applies, `YYYY-MM-DD`.
        expires: Spanned<Date> => req,
    }
}
