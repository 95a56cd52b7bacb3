//! The live dataset: what requests read now. Each request reads one snapshot (an `Arc<Dataset>`), so an answer never
//! mixes data from before and after a change; a change builds a new dataset beside the served one, prepares it and
//! swaps it in, so a refused change leaves the served data untouched.

use super::address::RepoAddress;
use super::mutate;
use crate::model::{Dataset, Repository, Tag};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// Why a change to the live data was refused; the data served is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The registry, namespace, repository or tag the change names does not exist (HTTP 404).
    #[error("{0}")]
    NotFound(String),
    /// The change itself is invalid: a bad name, digest or body (HTTP 400).
    #[error("{0}")]
    Invalid(String),
}

impl Refusal {
    /// The HTTP status the admin API answers for this refusal.
    ///
    /// ```
    /// use regmock::admin::Refusal;
    /// assert_eq!(Refusal::NotFound("no such tag".into()).status(), 404);
    /// assert_eq!(Refusal::Invalid("bad digest".into()).status(), 400);
    /// ```
    pub fn status(&self) -> u16 {
        match self {
            Refusal::NotFound(_) => 404,
            Refusal::Invalid(_) => 400,
        }
    }
}

/// Whether a put added something new or replaced what was there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// Nothing had that name before (HTTP 201).
    Created,
    /// An item with that name was replaced (HTTP 200).
    Replaced,
}

/// The data an [`Emulator`](crate::Emulator) serves, changeable at run time; reached through
/// [`Emulator::live`](crate::Emulator::live). The HTTP admin API (`/__regmock/tags/..`, `/__regmock/repositories/..`,
/// `/__regmock/reset`) calls these same methods.
///
/// ```
/// use regmock::{Emulator, admin::{Put, RepoAddress}, http::Request, model::Tag};
/// let emu = Emulator::embedded();
/// let busybox = RepoAddress::swr("group", "busybox");
/// let tag: Tag = serde_json::from_value(serde_json::json!({
///     "name": "1.37", "size": 1024,
///     "digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
///     "created": "2026-11-01T00:00:00Z", "updated": "2026-11-01T00:00:00Z"
/// })).unwrap();
/// assert_eq!(emu.live().put_tag(&busybox, tag).unwrap(), Put::Created);
/// let get = Request::get("/v2/manage/namespaces/group/repos/busybox/tags/1.37").header("X-Auth-Token", "t");
/// assert_eq!(emu.dispatch(&get).status, 200);
/// emu.live().reset();
/// assert_eq!(emu.dispatch(&get).status, 404);
/// ```
#[derive(Debug)]
pub struct Live {
    loaded: Arc<Dataset>,
    current: RwLock<Arc<Dataset>>,
    /// How many tags `current` holds, kept with it (see [`Live::tag_count`]).
    tags: AtomicUsize,
    /// Changes run one at a time, so two concurrent changes cannot both start from the same snapshot and lose one.
    writer: Mutex<()>,
}

impl Live {
    /// Live data starting from (and resetting to) `loaded`, which must be prepared.
    ///
    /// ```
    /// let live = regmock::admin::Live::new(regmock::model::Dataset::embedded().unwrap());
    /// assert_eq!(live.snapshot().registries.len(), live.loaded().registries.len());
    /// ```
    pub fn new(loaded: Dataset) -> Live {
        let loaded = Arc::new(loaded);
        Live {
            current: RwLock::new(loaded.clone()),
            tags: AtomicUsize::new(count_tags(&loaded)),
            loaded,
            writer: Mutex::new(()),
        }
    }

    /// The dataset loaded at start, which [`Live::reset`] returns to.
    ///
    /// ```
    /// let emu = regmock::Emulator::embedded();
    /// assert!(!emu.live().loaded().registries.is_empty());
    /// ```
    pub fn loaded(&self) -> &Dataset {
        &self.loaded
    }

    /// The data served now. A request holds one snapshot for its whole answer.
    ///
    /// ```
    /// let emu = regmock::Emulator::embedded();
    /// let now = emu.live().snapshot();
    /// assert_eq!(now.registries.len(), emu.live().loaded().registries.len());
    /// ```
    pub fn snapshot(&self) -> Arc<Dataset> {
        // A panic while holding the lock cannot leave a half-written Arc behind, so a poisoned lock is still good.
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many tags the data served now holds, every repository of every provider together: what a transport reads
    /// to tell whether any answer can take long (a listing over hundreds of thousands of tags) without looking at the
    /// data. Kept when the data changes, so reading it costs one atomic load.
    ///
    /// ```
    /// let emu = regmock::Emulator::embedded();
    /// let before = emu.live().tag_count();
    /// emu.live().delete_repository(&regmock::admin::RepoAddress::swr("group", "busybox")).unwrap();
    /// assert!(emu.live().tag_count() < before);
    /// ```
    pub fn tag_count(&self) -> usize {
        self.tags.load(Ordering::Relaxed)
    }

    /// Serves the loaded dataset again, exactly as it was at start.
    ///
    /// ```
    /// let emu = regmock::Emulator::embedded();
    /// let at = regmock::admin::RepoAddress::swr("group", "busybox");
    /// emu.live().delete_repository(&at).unwrap();
    /// emu.live().reset();
    /// assert!(emu.live().snapshot().registries[0].repository("group", "busybox").is_ok());
    /// ```
    pub fn reset(&self) {
        let _writing = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        self.swap(self.loaded.clone());
    }

    /// The tag called `name` of the repository at `at`, as served now (with the values preparing derived, such as a
    /// left-out `config_digest`).
    ///
    /// ```
    /// let emu = regmock::Emulator::embedded();
    /// let at = regmock::admin::RepoAddress::swr("group", "busybox");
    /// assert!(emu.live().tag(&at, "latest").is_some());
    /// assert!(emu.live().tag(&at, "nothing").is_none());
    /// ```
    pub fn tag(&self, at: &RepoAddress, name: &str) -> Option<Tag> {
        let data = self.snapshot();
        let registry = data.registries.iter().find(|r| {
            r.provider == at.provider && at.registry.as_deref().is_none_or(|n| r.name == n)
        })?;
        let repo = registry.repository(&at.namespace, &at.repository).ok()?;
        let i = repo
            .tags
            .binary_search_by(|t| t.name.as_str().cmp(name))
            .ok()?;
        Some(repo.tags[i].clone())
    }

    /// Adds `tag` to the repository at `at`, or replaces the tag of that name.
    ///
    /// ```
    /// use regmock::admin::{Put, RepoAddress};
    /// let emu = regmock::Emulator::embedded();
    /// let at = RepoAddress::swr("group", "busybox");
    /// let mut tag = emu.live().snapshot().registries[0].repository("group", "busybox").unwrap().tags[0].clone();
    /// tag.size = 7;
    /// assert_eq!(emu.live().put_tag(&at, tag).unwrap(), Put::Replaced);
    /// ```
    pub fn put_tag(&self, at: &RepoAddress, tag: Tag) -> Result<Put, Refusal> {
        mutate::check_tag(&tag)?;
        self.change(|data| mutate::put_tag(data, at, tag))
    }

    /// Removes the tag called `name` from the repository at `at`, returning it.
    ///
    /// ```
    /// let emu = regmock::Emulator::embedded();
    /// let at = regmock::admin::RepoAddress::swr("group", "busybox");
    /// assert_eq!(emu.live().delete_tag(&at, "latest").unwrap().name, "latest");
    /// assert!(emu.live().delete_tag(&at, "latest").is_err());
    /// ```
    pub fn delete_tag(&self, at: &RepoAddress, name: &str) -> Result<Tag, Refusal> {
        self.change(|data| mutate::delete_tag(data, at, name))
    }

    /// Adds `repository` at `at` (its name is `at`'s repository name), or replaces the repository there; a namespace
    /// that does not exist yet is created.
    ///
    /// ```
    /// use regmock::admin::{Put, RepoAddress};
    /// let emu = regmock::Emulator::embedded();
    /// let repo: regmock::model::Repository = serde_json::from_value(serde_json::json!({
    ///     "name": "app", "created_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-01T00:00:00Z"
    /// })).unwrap();
    /// assert_eq!(emu.live().put_repository(&RepoAddress::swr("team", "app"), repo).unwrap(), Put::Created);
    /// ```
    pub fn put_repository(&self, at: &RepoAddress, repository: Repository) -> Result<Put, Refusal> {
        mutate::check_repository(at, &repository)?;
        self.change(|data| mutate::put_repository(data, at, repository))
    }

    /// Removes the repository at `at` with all its tags, returning it.
    ///
    /// ```
    /// let emu = regmock::Emulator::embedded();
    /// let at = regmock::admin::RepoAddress::tcr("tcr-okmj78", "team-01", "nginx");
    /// assert_eq!(emu.live().delete_repository(&at).unwrap().name, "nginx");
    /// ```
    pub fn delete_repository(&self, at: &RepoAddress) -> Result<Repository, Refusal> {
        self.change(|data| mutate::delete_repository(data, at))
    }

    /// Applies `edit` to a copy of the served data, prepares the copy and serves it; on any refusal nothing changes.
    /// The copy is cheap: tag lists are shared, and only the list an edit touches is copied (`Arc::make_mut`).
    fn change<T>(
        &self,
        edit: impl FnOnce(&mut Dataset) -> Result<T, Refusal>,
    ) -> Result<T, Refusal> {
        let _writing = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let mut next = Dataset::clone(&self.snapshot());
        let outcome = edit(&mut next)?;
        let next = next.prepare().map_err(|e| {
            Refusal::Invalid(format!(
                "regmock: the change would make the dataset invalid: {e}"
            ))
        })?;
        self.swap(Arc::new(next));
        Ok(outcome)
    }

    fn swap(&self, next: Arc<Dataset>) {
        self.tags.store(count_tags(&next), Ordering::Relaxed);
        let old = std::mem::replace(
            &mut *self.current.write().unwrap_or_else(PoisonError::into_inner),
            next,
        );
        // Dropped outside the lock: freeing a large replaced list must not hold up readers.
        drop(old);
    }
}

fn count_tags(dataset: &Dataset) -> usize {
    dataset
        .registries
        .iter()
        .flat_map(|r| &r.namespaces)
        .flat_map(|n| &n.repositories)
        .map(|r| r.tags.len())
        .sum()
}
