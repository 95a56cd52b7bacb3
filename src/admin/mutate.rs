//! The edits behind [`Live`](super::Live): each one works on a copy of the dataset and either completes or refuses,
//! so the data served never sees half a change. Lists stay sorted by name (repositories and tags are looked up by
//! binary search, and an unsorted tag list would be sorted again by `prepare`).

use super::address::RepoAddress;
use super::live::{Put, Refusal};
use crate::model::{Dataset, Namespace, Registry, Repository, Tag};
use std::sync::Arc;

/// Longest name accepted for a repository (the Docker distribution limit for a whole repository path).
const MAX_REPOSITORY_NAME: usize = 255;

/// Refuses a tag whose name or digests no registry would accept.
pub(super) fn check_tag(tag: &Tag) -> Result<(), Refusal> {
    if !is_tag_name(&tag.name) {
        return Err(Refusal::Invalid(format!(
            "regmock: {:?} is not a tag name (1 to 128 characters of A-Z a-z 0-9 _ . -, not starting with . or -)",
            tag.name
        )));
    }
    check_digest("digest", &tag.digest.text())?;
    if !tag.config_digest.is_empty() {
        check_digest("config_digest", &tag.config_digest.text())?;
    }
    for p in tag.platform_images() {
        check_digest("platforms[].digest", &p.digest.text())?;
    }
    if !matches!(tag.schema, 1 | 2) {
        return Err(Refusal::Invalid(format!(
            "regmock: schema is the Docker manifest version, 1 or 2, not {}",
            tag.schema
        )));
    }
    Ok(())
}

/// The Docker reference grammar for a tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
fn is_tag_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    first_ok
        && name.len() <= 128
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn check_digest(field: &str, digest: &str) -> Result<(), Refusal> {
    let ok = digest.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if ok {
        Ok(())
    } else {
        Err(Refusal::Invalid(format!(
            "regmock: {field} {digest:?} is not sha256:<64 lower-case hex digits>"
        )))
    }
}

/// Refuses a repository whose name differs from its address or is not a repository path, or whose tags could not be
/// served (bad names or digests, a name twice).
pub(super) fn check_repository(at: &RepoAddress, repo: &Repository) -> Result<(), Refusal> {
    if repo.name != at.repository {
        return Err(Refusal::Invalid(format!(
            "regmock: the body names repository {:?} but the path {:?}",
            repo.name, at.repository
        )));
    }
    if !is_repository_name(&repo.name) {
        return Err(Refusal::Invalid(format!(
            "regmock: {:?} is not a repository name (components of a-z 0-9 separated by . _ __ or -, joined by /, at \
             most {MAX_REPOSITORY_NAME} characters)",
            repo.name
        )));
    }
    if at.provider != crate::model::ProviderId::Ncr && !is_namespace_name(&at.namespace) {
        return Err(Refusal::Invalid(format!(
            "regmock: {:?} is not a namespace name (a-z 0-9 . _ -, starting with a letter or digit)",
            at.namespace
        )));
    }
    for tag in repo.tags.iter() {
        check_tag(tag)?;
    }
    Ok(())
}

/// The Docker distribution grammar for a repository path: components `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*` joined by
/// `/`.
fn is_repository_name(name: &str) -> bool {
    name.len() <= MAX_REPOSITORY_NAME && !name.is_empty() && name.split('/').all(is_path_component)
}

fn is_path_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !bytes.first().is_some_and(alnum) || !bytes.last().is_some_and(alnum) {
        return false;
    }
    // Between alphanumeric runs: one `.`, one or two `_`, or any number of `-`.
    let mut separator = String::new();
    for &b in bytes {
        if alnum(&b) {
            if !matches!(separator.as_str(), "" | "." | "_" | "__")
                && !separator.bytes().all(|s| s == b'-')
            {
                return false;
            }
            separator.clear();
        } else if matches!(b, b'.' | b'_' | b'-') {
            separator.push(b as char);
        } else {
            return false;
        }
    }
    true
}

fn is_namespace_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes
        .first()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name.len() <= 64
        && bytes.iter().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
}

fn registry<'d>(data: &'d mut Dataset, at: &RepoAddress) -> Result<&'d mut Registry, Refusal> {
    data.registries
        .iter_mut()
        .find(|r| {
            r.provider == at.provider && at.registry.as_deref().is_none_or(|name| r.name == name)
        })
        .ok_or_else(|| {
            Refusal::NotFound(match &at.registry {
                Some(name) => format!("regmock: no {} registry {name:?}", at.provider.as_str()),
                None => format!(
                    "regmock: the dataset has no {} registry",
                    at.provider.as_str()
                ),
            })
        })
}

/// The repositories of `at`'s namespace and the index of `at`'s repository among them (kept sorted by name).
fn slot<'d>(
    data: &'d mut Dataset,
    at: &RepoAddress,
) -> Result<(&'d mut Vec<Repository>, usize), Refusal> {
    let not_found = || Refusal::NotFound(format!("regmock: no {at}"));
    let ns = registry(data, at)?
        .namespaces
        .iter_mut()
        .find(|n| n.name == at.namespace)
        .ok_or_else(not_found)?;
    let i = ns
        .repositories
        .binary_search_by(|r| r.name.as_str().cmp(&at.repository))
        .map_err(|_| not_found())?;
    Ok((&mut ns.repositories, i))
}

fn repository<'d>(data: &'d mut Dataset, at: &RepoAddress) -> Result<&'d mut Repository, Refusal> {
    let (repositories, i) = slot(data, at)?;
    Ok(&mut repositories[i])
}

/// Adds or replaces a tag. A tag given without an `id` (0) keeps the id of the tag it replaces, or gets the
/// repository's next one, so no two tags of a repository share an id (SWR answers `id` as the tag's ID).
pub(super) fn put_tag(data: &mut Dataset, at: &RepoAddress, mut tag: Tag) -> Result<Put, Refusal> {
    let repo = repository(data, at)?;
    // Copies the list only when another snapshot shares it (always, while the old data is served).
    let tags = Arc::make_mut(&mut repo.tags);
    match tags.binary_search_by(|t| t.name.as_str().cmp(&tag.name)) {
        Ok(i) => {
            if tag.id == 0 {
                tag.id = tags[i].id;
            }
            tags[i] = tag;
            Ok(Put::Replaced)
        }
        Err(i) => {
            if tag.id == 0 && !tags.is_empty() {
                tag.id = tags
                    .iter()
                    .map(|t| t.id)
                    .max()
                    .unwrap_or(0)
                    .saturating_add(1);
            }
            tags.insert(i, tag);
            Ok(Put::Created)
        }
    }
}

pub(super) fn delete_tag(data: &mut Dataset, at: &RepoAddress, name: &str) -> Result<Tag, Refusal> {
    let repo = repository(data, at)?;
    let i = repo
        .tags
        .binary_search_by(|t| t.name.as_str().cmp(name))
        .map_err(|_| Refusal::NotFound(format!("regmock: no tag {name:?} in {at}")))?;
    Ok(Arc::make_mut(&mut repo.tags).remove(i))
}

pub(super) fn put_repository(
    data: &mut Dataset,
    at: &RepoAddress,
    repo: Repository,
) -> Result<Put, Refusal> {
    let reg = registry(data, at)?;
    let ns = match reg.namespaces.iter().position(|n| n.name == at.namespace) {
        Some(i) => &mut reg.namespaces[i],
        None => {
            reg.namespaces.push(Namespace {
                name: at.namespace.clone(),
                repositories: Vec::new(),
            });
            let last = reg.namespaces.len() - 1;
            &mut reg.namespaces[last]
        }
    };
    match ns
        .repositories
        .binary_search_by(|r| r.name.as_str().cmp(&repo.name))
    {
        Ok(i) => {
            ns.repositories[i] = repo;
            Ok(Put::Replaced)
        }
        Err(i) => {
            ns.repositories.insert(i, repo);
            Ok(Put::Created)
        }
    }
}

pub(super) fn delete_repository(
    data: &mut Dataset,
    at: &RepoAddress,
) -> Result<Repository, Refusal> {
    let (repositories, i) = slot(data, at)?;
    Ok(repositories.remove(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names_follow_the_docker_grammar() {
        for ok in ["latest", "v1.2-rc_1", "_x", "8", &"a".repeat(128)] {
            assert!(is_tag_name(ok), "{ok}");
        }
        for bad in ["", ".x", "-x", "a b", "a/b", "é", &"a".repeat(129)] {
            assert!(!is_tag_name(bad), "{bad}");
        }
    }

    #[test]
    fn repository_names_follow_the_docker_grammar() {
        for ok in [
            "busybox",
            "library/nginx",
            "hello/world",
            "a__b",
            "a---b",
            "a.b_c",
        ] {
            assert!(is_repository_name(ok), "{ok}");
        }
        for bad in [
            "",
            "/a",
            "a/",
            "a//b",
            "A",
            "a..b",
            "a___b",
            "a-",
            "a b",
            &"a".repeat(256),
        ] {
            assert!(!is_repository_name(bad), "{bad}");
        }
    }

    #[test]
    fn digests_are_sha256_hex() {
        assert!(check_digest("digest", &format!("sha256:{}", "a".repeat(64))).is_ok());
        for bad in [
            "",
            "sha256:",
            "sha256:ABC",
            &format!("sha512:{}", "a".repeat(64)),
        ] {
            assert!(check_digest("digest", bad).is_err(), "{bad}");
        }
    }
}
