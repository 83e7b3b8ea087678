//! Service endpoint policies (Azure Storage): over a subnet's storage service endpoint, only
//! the storage accounts its policies list are reachable ("Once a policy is configured on that
//! subnet, only the resources specified in the policy can be accessed … Access to all other
//! resources, for the specific service, will be denied"; docs/semantics.md S2).

use super::*;
use crate::model::SubnetId;

impl Walk<'_> {
    /// Checks a request leaving `subnet` over its `Storage` service endpoint for the storage
    /// account `account` (`None`: an address of the service no account of the design holds).
    pub(super) fn endpoint_policy(
        &mut self,
        subnet: SubnetId,
        account: Option<ServiceId>,
    ) -> Step_ {
        let d = self.d;
        let Some(allowed) = d.endpoint_policy_allows(subnet) else {
            return Ok(());
        };
        let s = &d.subnets[subnet.ix()];
        let policies = || {
            s.endpoint_policies
                .iter()
                .map(|p| d.endpoint_policies[p.ix()].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let listed = account.is_some_and(|a| allowed.contains(&a));
        let what = match account {
            Some(a) => format!("storage account {}", d.services[a.ix()].name),
            None => format!("the storage account at {}", self.flow.dst),
        };
        let detail = self.text(|| {
            if listed {
                format!("service endpoint policy ({}) lists {what}", policies())
            } else {
                format!("service endpoint policy ({}) does not list {what}: over the service endpoint only the listed storage accounts are reachable", policies())
            }
        });
        let by = s
            .endpoint_policies
            .iter()
            .find(|p| {
                account.is_some_and(|a| d.endpoint_policies[p.ix()].storage_accounts.contains(&a))
            })
            .map(|p| ElementRef::endpoint_policy(d, *p))
            .unwrap_or_else(|| ElementRef::subnet(d, subnet).setting("service_endpoint_policies"));
        self.hop(
            Hop::new(&s.name, Step::Route, listed, detail)
                .element(ElementRef::subnet(d, subnet))
                .decided_by(by),
        );
        if listed {
            Ok(())
        } else {
            Err(Verdict::Denied {
                by: format!("service endpoint policy of {}", s.name),
            })
        }
    }
}
