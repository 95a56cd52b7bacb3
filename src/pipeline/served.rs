//! What the start-up samples of `serve` may use: the data actually served and a credential the emulator accepts, so
//! every printed command works as pasted under any `--dataset`, `--credentials` or `--no-auth`.

use super::{Credentials, KeyPair};
use crate::model::{Dataset, Namespace, ProviderId, Registry, Repository};

/// The inputs of a provider's sample command.
#[derive(Debug, Clone, Copy)]
pub struct Served<'a> {
    /// The data served.
    pub dataset: &'a Dataset,
    /// A key pair the emulator accepts; `None` when authentication is off.
    pub key: Option<&'a KeyPair>,
    /// A token it accepts (SWR `X-Auth-Token`); `None` when authentication is off.
    pub token: Option<&'a str>,
}

/// A repository to show, with where it lives.
pub type Located<'a> = (&'a Registry, &'a Namespace, &'a Repository);

impl<'a> Served<'a> {
    /// The samples' inputs for `dataset` and `credentials`.
    ///
    /// ```
    /// use regmock::{model::Dataset, pipeline::{Credentials, Served}};
    /// let data = Dataset::embedded().unwrap();
    /// let creds = Credentials::default();
    /// let served = Served::new(&data, &creds, false);
    /// assert_eq!(served.key.unwrap().access_key, "regmock-access-key");
    /// assert_eq!(served.token, Some("any"));
    /// ```
    pub fn new(dataset: &'a Dataset, credentials: &'a Credentials, no_auth: bool) -> Served<'a> {
        if no_auth {
            return Served {
                dataset,
                key: None,
                token: None,
            };
        }
        Served {
            dataset,
            key: credentials.keys.first(),
            // With no token list any non-empty token passes.
            token: Some(credentials.tokens.first().map_or("any", String::as_str)),
        }
    }

    /// The repository `(registry, namespace, repository)` of `provider` when the dataset has it (the vendor's
    /// documented example; an empty registry name matches any registry), else the first repository with tags, else
    /// the first repository at all.
    pub fn repository(
        &self,
        provider: ProviderId,
        preferred: (&str, &str, &str),
    ) -> Option<Located<'a>> {
        let all = || {
            self.dataset.registries_of(provider).flat_map(|reg| {
                reg.namespaces
                    .iter()
                    .flat_map(move |ns| ns.repositories.iter().map(move |r| (reg, ns, r)))
            })
        };
        let (reg, ns, repo) = preferred;
        all()
            .find(|(r, n, p)| (reg.is_empty() || r.name == reg) && n.name == ns && p.name == repo)
            .or_else(|| all().find(|(_, _, r)| !r.tags.is_empty()))
            .or_else(|| all().next())
    }
}

/// `text` quoted for a POSIX shell: single quotes, with any single quote inside written `'\''`.
///
/// ```
/// assert_eq!(regmock::pipeline::shell_quote("it's"), r#"'it'\''s'"#);
/// ```
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
