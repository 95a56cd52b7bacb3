//! Where a change applies: a repository as each vendor names it. SWR has one registry per dataset and names a
//! repository by namespace and name; NCR names an image (which may contain `/`) in a registry; TCR names a repository
//! by instance, namespace and name.

use crate::model::ProviderId;

/// A repository of one provider, as the admin API and [`Live`](super::Live) address it.
///
/// ```
/// use regmock::admin::RepoAddress;
/// let at = RepoAddress::ncr("ncr-example", "hello/world");
/// assert_eq!(at.namespace, "");
/// assert_eq!(at.to_string(), "ncr registry ncr-example image hello/world");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoAddress {
    /// Which provider's data.
    pub provider: ProviderId,
    /// The registry (NCR registry, TCR instance id); `None` for SWR, whose dataset has one registry.
    pub registry: Option<String>,
    /// The namespace (SWR organization, TCR namespace); `""` for NCR, which has none.
    pub namespace: String,
    /// The repository (NCR image) name, `/` allowed.
    pub repository: String,
}

impl RepoAddress {
    /// An SWR repository: `namespace/repository` in the dataset's SWR registry.
    ///
    /// ```
    /// let at = regmock::admin::RepoAddress::swr("group", "busybox");
    /// assert!(at.registry.is_none());
    /// ```
    pub fn swr(namespace: &str, repository: &str) -> RepoAddress {
        RepoAddress {
            provider: ProviderId::Swr,
            registry: None,
            namespace: namespace.to_string(),
            repository: repository.to_string(),
        }
    }

    /// An NCR image in registry `registry`.
    ///
    /// ```
    /// let at = regmock::admin::RepoAddress::ncr("ncr-example", "hello/world");
    /// assert_eq!(at.registry.as_deref(), Some("ncr-example"));
    /// ```
    pub fn ncr(registry: &str, image: &str) -> RepoAddress {
        RepoAddress {
            provider: ProviderId::Ncr,
            registry: Some(registry.to_string()),
            namespace: String::new(),
            repository: image.to_string(),
        }
    }

    /// A TCR repository in instance `registry`.
    ///
    /// ```
    /// let at = regmock::admin::RepoAddress::tcr("tcr-okmj78", "team-01", "nginx");
    /// assert_eq!(at.namespace, "team-01");
    /// ```
    pub fn tcr(registry: &str, namespace: &str, repository: &str) -> RepoAddress {
        RepoAddress {
            provider: ProviderId::Tcr,
            registry: Some(registry.to_string()),
            namespace: namespace.to_string(),
            repository: repository.to_string(),
        }
    }

    /// Reads the path form of the admin API, segments already percent-decoded: `swr/{namespace}/{repository..}`,
    /// `ncr/{registry}/{image..}`, `tcr/{registry}/{namespace}/{repository..}`. The repository takes every remaining
    /// segment, so a name with `/` may be written plainly or with `%2F`.
    ///
    /// ```
    /// use regmock::admin::RepoAddress;
    /// let at = RepoAddress::from_segments(&["ncr", "ncr-example", "hello", "world"]).unwrap();
    /// assert_eq!(at, RepoAddress::ncr("ncr-example", "hello/world"));
    /// assert!(RepoAddress::from_segments(&["swr", "group"]).is_err());
    /// ```
    pub fn from_segments(segments: &[&str]) -> Result<RepoAddress, String> {
        let joined = |rest: &[&str]| rest.join("/");
        match segments {
            ["swr", namespace, repo @ ..] if !repo.is_empty() => {
                Ok(RepoAddress::swr(namespace, &joined(repo)))
            }
            ["ncr", registry, image @ ..] if !image.is_empty() => {
                Ok(RepoAddress::ncr(registry, &joined(image)))
            }
            ["tcr", registry, namespace, repo @ ..] if !repo.is_empty() => {
                Ok(RepoAddress::tcr(registry, namespace, &joined(repo)))
            }
            [provider, ..] if !["swr", "ncr", "tcr"].contains(provider) => Err(format!(
                "unknown provider {provider:?}; use swr, ncr or tcr"
            )),
            _ => Err(
                "a repository is swr/{namespace}/{repository}, ncr/{registry}/{image} or \
                      tcr/{registry}/{namespace}/{repository}"
                    .to_string(),
            ),
        }
    }
}

impl std::fmt::Display for RepoAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let registry = self.registry.as_deref().unwrap_or("");
        match self.provider {
            ProviderId::Swr => write!(f, "swr repository {}/{}", self.namespace, self.repository),
            ProviderId::Ncr => write!(f, "ncr registry {registry} image {}", self.repository),
            ProviderId::Tcr => write!(
                f,
                "tcr instance {registry} repository {}/{}",
                self.namespace, self.repository
            ),
        }
    }
}
