//! Asking registries what images are: `winlint images lock` resolves every reference over
//! the OCI distribution API, in parallel with a bound per registry. Linting never comes
//! here; it reads the lock.

pub mod auth;
pub mod client;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use self::auth::Credentials;
use self::client::{Fault, Registry, Settings};
use crate::facts::images::lock::LockEntry;
use crate::facts::images::{glob, ImageRef};

/// How to reach registries.
#[derive(Debug, Clone)]
pub struct Options {
    /// `images.insecureRegistries`: host[:port] globs asked over plain HTTP.
    pub insecure: Vec<String>,
    pub settings: Settings,
    /// Requests in flight per registry at most.
    pub per_registry: usize,
}

/// References that did not resolve, and why; one per registry fault or per reference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Failure {
    pub registry: String,
    pub why: String,
    pub references: Vec<String>,
}

/// What a run resolved and what it could not.
#[derive(Debug, Default)]
pub struct Outcome {
    pub resolved: BTreeMap<String, LockEntry>,
    pub failures: Vec<Failure>,
}

/// Is `host` listed in `images.insecureRegistries`?
pub fn is_insecure(host: &str, globs: &[String]) -> bool {
    let host = host.to_ascii_lowercase();
    globs.iter().any(|g| glob(&g.to_ascii_lowercase(), &host))
}

/// Resolves canonical references (`registry/repository:tag[@digest]`): registries in
/// parallel, each with at most `per_registry` requests at once.
pub fn resolve(references: &BTreeSet<String>, creds: &Credentials, opts: &Options) -> Outcome {
    let mut by_registry: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in references {
        let host = ImageRef::parse(r).registry;
        by_registry.entry(host).or_default().push(r.clone());
    }
    let results: Vec<Outcome> = std::thread::scope(|scope| {
        let handles: Vec<_> = by_registry
            .into_iter()
            .map(|(host, refs)| scope.spawn(move || resolve_registry(&host, refs, creds, opts)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut out = Outcome::default();
    for o in results {
        out.resolved.extend(o.resolved);
        out.failures.extend(o.failures);
    }
    out.failures.sort();
    out
}

/// What the workers of one registry have found so far.
#[derive(Default)]
struct Progress {
    done: Outcome,
    /// The registry-level fault that stopped the work, and the references it left.
    fault: Option<String>,
    stranded: Vec<String>,
}

fn resolve_registry(
    host: &str,
    mut refs: Vec<String>,
    creds: &Credentials,
    opts: &Options,
) -> Outcome {
    let failure = |why: String, references: Vec<String>| Failure {
        registry: host.to_owned(),
        why,
        references,
    };
    let basic = match creds.for_host(host) {
        Ok(b) => b,
        Err(why) => {
            return Outcome {
                failures: vec![failure(why, refs)],
                ..Outcome::default()
            }
        }
    };
    let insecure = is_insecure(host, &opts.insecure);
    let registry = Registry::new(host, insecure, basic, &opts.settings);
    let workers = opts.per_registry.clamp(1, refs.len().max(1));
    refs.reverse(); // popped from the end: asked in sorted order
    let queue = Mutex::new(refs);
    let state = Mutex::new(Progress::default());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(reference) = queue.lock().ok().and_then(|mut q| q.pop()) {
                    // After a registry-level fault every reference would fail the same way.
                    let stopped = state.lock().map_or(true, |s| s.fault.is_some());
                    let answer = (!stopped).then(|| resolve_one(&registry, &reference));
                    let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
                    match answer {
                        None => s.stranded.push(reference),
                        Some(Ok(entry)) => {
                            s.done.resolved.insert(reference, entry);
                        }
                        Some(Err(Fault::Registry(why))) => {
                            s.fault.get_or_insert(why);
                            s.stranded.push(reference);
                        }
                        Some(Err(Fault::Reference(why))) => {
                            s.done.failures.push(failure(why, vec![reference]))
                        }
                    }
                }
            });
        }
    });
    let mut s = state.into_inner().unwrap_or_else(|p| p.into_inner());
    if let Some(why) = s.fault {
        s.stranded.sort();
        s.done.failures.push(failure(why, s.stranded));
    }
    s.done
}

fn resolve_one(registry: &Registry, reference: &str) -> Result<LockEntry, Fault> {
    let r = ImageRef::parse(reference);
    let at = match (&r.digest, &r.tag) {
        (Some(d), _) => d.clone(),
        (None, Some(t)) => t.clone(),
        (None, None) => "latest".to_owned(),
    };
    registry.resolve(&r.repository, &at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insecure_globs() {
        let globs = vec!["127.0.0.1:*".to_owned(), "*.internal".to_owned()];
        assert!(is_insecure("127.0.0.1:5000", &globs));
        assert!(is_insecure("Reg.Internal", &globs));
        assert!(!is_insecure("127.0.0.1", &globs));
        assert!(!is_insecure("docker.io", &globs));
    }
}
