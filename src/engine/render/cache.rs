//! The render cache: what `helm template` and `kubectl kustomize` printed, stored in the
//! user's cache folder under a hash of every input that can change it, so an unchanged chart
//! is not rendered again. Entries are written to a temporary file and renamed (atomic, safe
//! for concurrent runs), carry their length and checksum (a torn or corrupt entry is a miss
//! and is rewritten), and the folder is kept under a size bound by evicting the least
//! recently used entries (a hit refreshes the entry's modification time).

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::process::{self, Output};

/// The default bound on the cache folder's size.
pub const DEFAULT_MAX_BYTES: u64 = 256 << 20;
/// The entries' folder inside the cache folder; a new layout gets a new name.
const ENTRIES: &str = "renders-v1";
const MAGIC: &[u8; 8] = b"WLRNDR1\n";
/// Magic, body length, body checksum.
const HEADER: usize = 8 + 8 + 32;
/// Temporary files older than this were left by a run that died; eviction removes them.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// Where renders are kept, and how much room they may take.
#[derive(Debug, Clone)]
pub struct RenderCache {
    dir: PathBuf,
    max_bytes: u64,
}

impl RenderCache {
    /// A cache in `dir` (the winlint cache folder; entries go in a subfolder).
    pub fn new(dir: &Path, max_bytes: u64) -> Self {
        RenderCache {
            dir: dir.join(ENTRIES),
            max_bytes,
        }
    }

    /// `$XDG_CACHE_HOME/winlint`, else `~/.cache/winlint`; relative values are ignored, as
    /// the XDG base directory specification says.
    pub fn default_dir() -> Option<PathBuf> {
        let absolute = |v: std::ffi::OsString| {
            let p = PathBuf::from(v);
            p.is_absolute().then_some(p)
        };
        std::env::var_os("XDG_CACHE_HOME")
            .and_then(absolute)
            .or_else(|| {
                std::env::var_os("HOME")
                    .and_then(absolute)
                    .map(|h| h.join(".cache"))
            })
            .map(|d| d.join("winlint"))
    }

    fn path(&self, key: &Key) -> PathBuf {
        self.dir.join(format!("{}.render", key.hex()))
    }

    /// The stored output for `key`, if there is a sound entry; a hit marks it recently used.
    pub(super) fn get(&self, key: &Key) -> Option<Output> {
        let path = self.path(key);
        let bytes = fs::read(&path).ok()?;
        let out = decode(&bytes, key)?;
        if let Ok(f) = fs::File::options().write(true).open(&path) {
            let _ = f.set_modified(SystemTime::now());
        }
        Some(out)
    }

    /// Stores `out` under `key`, then evicts if the folder grew past its bound. A cache that
    /// cannot be written is not an error: the next run renders again.
    pub(super) fn put(&self, key: &Key, out: &Output) {
        if self.write(key, out).is_ok() {
            self.evict();
        }
    }

    fn write(&self, key: &Key, out: &Output) -> io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .suffix(".part")
            .tempfile_in(&self.dir)?;
        tmp.write_all(&encode(key, out))?;
        tmp.persist(self.path(key)).map_err(|e| e.error)?;
        Ok(())
    }

    /// Removes the least recently used entries until the folder is under its bound, and
    /// temporary files a dead run left behind. Concurrent runs may race here: a file already
    /// gone is skipped.
    fn evict(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        let now = SystemTime::now();
        let mut files = Vec::new();
        let mut total = 0u64;
        for e in entries.flatten() {
            let Ok(meta) = e.metadata() else { continue };
            let name = e.file_name();
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            if name.to_string_lossy().starts_with(".tmp-") {
                if now.duration_since(modified).unwrap_or_default() > STALE_TEMP {
                    let _ = fs::remove_file(e.path());
                }
                continue;
            }
            total += meta.len();
            files.push((modified, e.path(), meta.len()));
        }
        if total <= self.max_bytes {
            return;
        }
        files.sort();
        for (_, path, len) in files {
            if total <= self.max_bytes {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
    }
}

/// A cache key: the SHA-256 of every input of one render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Key([u8; 32]);

impl Key {
    fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Builds a key. Every part is written with its length, so that no two different input
/// lists hash the same bytes.
pub(super) struct KeyBuilder(Sha256);

impl KeyBuilder {
    /// A key for one kind of render (`helm`, `kustomize`), by this version of winlint.
    pub fn new(kind: &str) -> Self {
        let mut k = KeyBuilder(Sha256::new());
        k.text("winlint");
        k.text(env!("CARGO_PKG_VERSION"));
        k.text(ENTRIES);
        k.text(kind);
        k
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.0.update((b.len() as u64).to_le_bytes());
        self.0.update(b);
    }

    pub fn text(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    pub fn os(&mut self, s: &OsStr) {
        self.bytes(s.as_encoded_bytes());
    }

    /// A file's content (or that it cannot be read).
    pub fn file(&mut self, p: &Path) {
        match fs::read(p) {
            Ok(b) => {
                self.text("file");
                self.bytes(&b);
            }
            Err(_) => self.text("unreadable"),
        }
    }

    /// Every file under `dir` (names relative to it, and contents), in name order, following
    /// symbolic links as the tools do; `depth` bounds link loops.
    pub fn tree(&mut self, dir: &Path) {
        self.tree_at(dir, "", 0);
    }

    fn tree_at(&mut self, dir: &Path, rel: &str, depth: usize) {
        if depth > 32 {
            self.text("too deep");
            return;
        }
        let Ok(entries) = fs::read_dir(dir) else {
            self.text("unreadable folder");
            return;
        };
        let mut names: Vec<std::ffi::OsString> = entries.flatten().map(|e| e.file_name()).collect();
        names.sort();
        for name in names {
            let path = dir.join(&name);
            let shown = format!("{rel}/{}", name.to_string_lossy());
            self.text(&shown);
            if path.is_dir() {
                self.tree_at(&path, &shown, depth + 1);
            } else {
                self.file(&path);
            }
        }
    }

    /// The rendering tool: its resolved path, size and modification time (a new version is a
    /// new file), the way ccache recognises a compiler without running it.
    pub fn tool(&mut self, program: &Path) {
        let resolved = if program.components().count() == 1 {
            process::which(&program.to_string_lossy())
        } else {
            Some(program.to_path_buf())
        };
        let resolved = resolved.and_then(|p| fs::canonicalize(p).ok());
        match resolved
            .as_ref()
            .and_then(|p| Some((p, fs::metadata(p).ok()?)))
        {
            Some((p, meta)) => {
                self.os(p.as_os_str());
                self.bytes(&meta.len().to_le_bytes());
                let mtime = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                    .unwrap_or_default();
                self.bytes(&mtime.as_nanos().to_le_bytes());
            }
            None => self.text("tool not found"),
        }
    }

    pub fn finish(self) -> Key {
        Key(self.0.finalize().into())
    }
}

/// Runs the tool through the cache: a sound entry is returned as it is; otherwise the tool
/// runs, and an output it finished (success or failure, both deterministic) is stored.
/// Timeouts and start failures are not stored.
pub(super) fn run_cached(
    cache: Option<&RenderCache>,
    key: impl FnOnce() -> Key,
    run: impl FnOnce() -> Result<Output, process::ToolError>,
) -> Result<Output, process::ToolError> {
    let Some(cache) = cache else {
        return run();
    };
    let key = key();
    if let Some(out) = cache.get(&key) {
        return Ok(out);
    }
    let out = run()?;
    cache.put(&key, &out);
    Ok(out)
}

/// Header (magic, body length, body SHA-256), then the body: key, success flag, stdout and
/// stderr with their lengths.
fn encode(key: &Key, out: &Output) -> Vec<u8> {
    let mut body = Vec::with_capacity(64 + out.stdout.len() + out.stderr.len());
    body.extend_from_slice(&key.0);
    body.push(u8::from(out.success));
    body.extend_from_slice(&(out.stdout.len() as u64).to_le_bytes());
    body.extend_from_slice(&out.stdout);
    body.extend_from_slice(&(out.stderr.len() as u64).to_le_bytes());
    body.extend_from_slice(out.stderr.as_bytes());
    let mut bytes = Vec::with_capacity(HEADER + body.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&(body.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&Sha256::digest(&body));
    bytes.extend_from_slice(&body);
    bytes
}

/// The output in an entry, or `None` when anything does not check out.
fn decode(bytes: &[u8], key: &Key) -> Option<Output> {
    let (magic, rest) = bytes.split_at_checked(MAGIC.len())?;
    if magic != MAGIC {
        return None;
    }
    let (len, rest) = take_len(rest)?;
    let (sum, body) = rest.split_at_checked(32)?;
    if body.len() as u64 != len || Sha256::digest(body).as_slice() != sum {
        return None;
    }
    let (stored_key, rest) = body.split_at_checked(32)?;
    if stored_key != key.0 {
        return None;
    }
    let (&success, rest) = rest.split_first()?;
    let (n, rest) = take_len(rest)?;
    let (stdout, rest) = rest.split_at_checked(usize::try_from(n).ok()?)?;
    let (n, rest) = take_len(rest)?;
    let stderr = rest.get(..usize::try_from(n).ok()?)?;
    Some(Output {
        success: success == 1,
        stdout: stdout.to_vec(),
        stderr: String::from_utf8(stderr.to_vec()).ok()?,
    })
}

fn take_len(b: &[u8]) -> Option<(u64, &[u8])> {
    let (n, rest) = b.split_at_checked(8)?;
    Some((u64::from_le_bytes(n.try_into().ok()?), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output() -> Output {
        Output {
            success: true,
            stdout: b"kind: Pod\n".to_vec(),
            stderr: "warning\n".into(),
        }
    }

    #[test]
    fn entries_round_trip_and_reject_damage() {
        let mut k = KeyBuilder::new("test");
        k.text("a");
        let key = k.finish();
        let bytes = encode(&key, &output());
        let back = decode(&bytes, &key).expect("sound entry");
        assert_eq!(back.stdout, output().stdout);
        assert_eq!(back.stderr, output().stderr);
        assert!(
            decode(&bytes[..bytes.len() - 1], &key).is_none(),
            "truncated"
        );
        let mut flipped = bytes.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 1;
        assert!(decode(&flipped, &key).is_none(), "corrupt");
        let other = KeyBuilder::new("other").finish();
        assert!(decode(&bytes, &other).is_none(), "another key's entry");
    }

    #[test]
    fn parts_are_length_prefixed() {
        let key = |parts: &[&str]| {
            let mut k = KeyBuilder::new("t");
            for p in parts {
                k.text(p);
            }
            k.finish()
        };
        assert_ne!(key(&["ab", "c"]), key(&["a", "bc"]));
    }
}
