//! Azure Front Door profiles and their origins as written (issue #15, docs/semantics.md I8–I10).

use super::*;

// Azure Front Door (issue #15, docs/semantics.md I8–I10).

record! {
    /// An Azure Front Door profile: a global reverse proxy with a public (anycast) frontend
    /// that ends each client connection and opens a new one to an origin.
    pub struct FrontDoorDef ("front door") {
        /// standard | premium (default standard; Private Link origins need premium).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sku: Option<FrontDoorSku> => opt,
        /// The mode of the WAF policy associated with its endpoint (default `off`: none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        waf: Option<WafMode> => opt,
        /// Its origins (one origin group): requests go to the first that answers.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        origins: Vec<FrontDoorOriginDef> => def,
    }
}

record! {
    /// An origin of a Front Door profile.
    pub struct FrontDoorOriginDef ("origin") {
        /// The origin: a workload (behind an internal load balancer with Private Link, or at its
        /// public IP), a storage account, or a public IP address.
        host: Ref => req,
        /// premium: reach it through Private Link (a private endpoint Front Door manages, approved
        /// on the origin) instead of its public address (default false).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        private_link: Option<bool> => opt,
        /// The port Front Door connects to (`httpsPort`, default 443).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        https_port: Option<Spanned<u16>> => opt,
    }
}
