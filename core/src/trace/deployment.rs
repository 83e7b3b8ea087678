//! A managed online endpoint's deployment reaching out (S24): it runs in Microsoft's network,
//! not in a customer subnet. With the workspace's managed virtual network, its outbound is that
//! network's decision; otherwise (the legacy isolation) `egress_public_network_access` decides:
//! disabled, only the workspace and its storage, key vault and registry, over private
//! endpoints Azure ML creates for the deployment; enabled, the public network from Microsoft's
//! addresses, where each service's own firewall decides.

use super::*;
use crate::eval::paas::Arrival;
use crate::model::ServiceId;

impl Walk<'_> {
    pub(super) fn deployment_egress(
        &mut self,
        ws: ServiceId,
        name: &str,
        egress_public: bool,
    ) -> Step_ {
        self.touch(Touch::Services);
        let d = self.d;
        let w = &d.services[ws.ix()];
        if w.managed_network
            .as_ref()
            .is_some_and(|m| m.isolation != crate::format::Isolation::Disabled)
        {
            // "Outbound communications from deployments to services are handled through
            // private endpoints from the workspace's managed virtual network."
            return self.managed_egress(ws);
        }
        let at = name.to_string();
        // The deployment's egress setting decides, on the workspace that holds it.
        let setting = ElementRef::service(d, ws).setting("online_endpoints");
        if egress_public {
            self.hop(Hop::new(
                &at,
                Step::Route,
                true,
                format!(
                    "egress_public_network_access is enabled: {name} reaches out over the public network from Microsoft's address {} (S24)",
                    self.flow.src
                )).element(setting.clone()));
            return match target_at(d, self.flow.dst) {
                Target::Nic { .. } | Target::Host { .. } | Target::Pe(_) | Target::OnPrem(_) => {
                    Err(Verdict::Dropped {
                        reason: format!(
                            "{name} runs in Microsoft's network and has no private connection to customer networks (S24)"
                        ),
                    })
                }
                t => self.deliver(t),
            };
        }
        let deps = [w.storage, w.key_vault, w.container_registry, Some(ws)];
        match self.dns_service {
            Some((sid, _)) if deps.contains(&Some(sid)) => {
                self.hop(Hop::new(
                    &at,
                    Step::Route,
                    true,
                    format!(
                        "egress_public_network_access is disabled: {name} reaches {} of workspace {} over a private endpoint Azure ML creates for the deployment (S24)",
                        d.services[sid.ix()].name,
                        w.name
                    )).element(setting.clone()));
                self.service(sid, Arrival::DeploymentPrivateEndpoint)
            }
            _ => {
                let why = format!(
                    "egress_public_network_access is disabled: {name} reaches only workspace {} and its storage, key vault and registry, by name, over private endpoints (S24)",
                    w.name
                );
                self.hop(Hop::new(&at, Step::Route, false, why).element(setting.clone()));
                Err(Verdict::Dropped {
                    reason: format!("{name}: outbound to public networks disabled (S24)"),
                })
            }
        }
    }
}
