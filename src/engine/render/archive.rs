//! Packaged charts (`helm package` writes a gzipped tar, `<name>/Chart.yaml` first): tell a
//! chart archive from any other `.tgz`, and read its files to attribute findings to the
//! templates inside. Only regular files are kept; sizes are bounded.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use flate2::read::GzDecoder;

/// The most an archive may unpack to (Helm's own loader refuses far smaller charts).
const MAX_UNPACKED: u64 = 100 << 20;
const BLOCK: usize = 512;

/// The regular files of an archive, by path inside it.
#[derive(Debug, Default)]
pub struct Archive {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Archive {
    /// Reads a gzipped tar file; `None` when it is not one (or is larger than the bound).
    pub fn open(path: &Path) -> Option<Archive> {
        let file = std::fs::File::open(path).ok()?;
        read_tgz(file, true)
    }

    /// The top-level folder holding `Chart.yaml`, when this is a chart archive.
    pub fn chart_root(&self) -> Option<&str> {
        self.files.keys().find_map(|p| {
            let (dir, rest) = p.split_once('/')?;
            (rest == "Chart.yaml").then_some(dir)
        })
    }

    pub fn text(&self, path: &str) -> Option<String> {
        self.files
            .get(path)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }
}

/// Cheap check for the walk: does this `.tgz` look like a chart (its tar lists a
/// `<dir>/Chart.yaml`)? Reads headers only as far as needed.
pub fn is_chart_archive(path: &Path) -> bool {
    std::fs::File::open(path)
        .ok()
        .and_then(|f| read_tgz(f, false))
        .is_some_and(|a| a.chart_root().is_some())
}

/// Walks the tar headers; keeps file contents when `contents` is set (otherwise keeps
/// names only, with empty contents).
fn read_tgz(file: std::fs::File, contents: bool) -> Option<Archive> {
    let mut r = GzDecoder::new(std::io::BufReader::new(file)).take(MAX_UNPACKED);
    let mut archive = Archive::default();
    let mut long_name: Option<String> = None;
    let mut header = [0u8; BLOCK];
    loop {
        if r.read_exact(&mut header).is_err() {
            // A truncated archive: keep what was read if it was an archive at all.
            break;
        }
        if header.iter().all(|&b| b == 0) {
            break;
        }
        if !checksum_ok(&header) {
            return None;
        }
        let size = octal(&header[124..136])?;
        let kind = header[156];
        let padded = size.div_ceil(BLOCK as u64) * BLOCK as u64;
        let keep = contents || matches!(kind, b'L' | b'x');
        let mut body = Vec::new();
        if keep {
            (&mut r).take(padded).read_to_end(&mut body).ok()?;
            body.truncate(usize::try_from(size).ok()?);
        } else {
            std::io::copy(&mut (&mut r).take(padded), &mut std::io::sink()).ok()?;
        }
        match kind {
            // GNU long name: the body is the next entry's name.
            b'L' => long_name = Some(c_string(&body)),
            // PAX extended header: `path=` overrides the next entry's name.
            b'x' => {
                if let Some(p) = pax_path(&body) {
                    long_name = Some(p);
                }
            }
            b'0' | 0 => {
                let name = long_name.take().unwrap_or_else(|| ustar_name(&header));
                let name = name.trim_start_matches("./").to_owned();
                if !name.is_empty() && !name.split('/').any(|c| c == "..") {
                    archive.files.insert(name, body);
                }
            }
            _ => long_name = None,
        }
    }
    Some(archive)
}

fn checksum_ok(h: &[u8; BLOCK]) -> bool {
    let Some(want) = octal(&h[148..156]) else {
        return false;
    };
    let sum: u64 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    sum == want
}

fn octal(field: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(field).ok()?;
    let s = s.trim_matches(|c: char| c == '\0' || c == ' ');
    if s.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(s, 8).ok()
}

fn c_string(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

fn ustar_name(h: &[u8; BLOCK]) -> String {
    let name = c_string(&h[0..100]);
    let prefix = if &h[257..262] == b"ustar" {
        c_string(&h[345..500])
    } else {
        String::new()
    };
    if prefix.is_empty() {
        name
    } else {
        format!("{prefix}/{name}")
    }
}

/// The `path` record of a PAX header body (`<len> path=<value>\n` records).
fn pax_path(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    text.lines().find_map(|rec| {
        let (_, kv) = rec.split_once(' ')?;
        kv.strip_prefix("path=").map(str::to_owned)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a one-file tar.gz in memory with a plain ustar header.
    fn tgz(name: &str, body: &[u8]) -> Vec<u8> {
        let mut h = [0u8; BLOCK];
        h[..name.len()].copy_from_slice(name.as_bytes());
        h[100..108].copy_from_slice(b"0000644\0");
        h[124..136].copy_from_slice(format!("{:011o}\0", body.len()).as_bytes());
        h[156] = b'0';
        h[257..263].copy_from_slice(b"ustar\0");
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        let mut tar = h.to_vec();
        tar.extend_from_slice(body);
        tar.resize(tar.len().div_ceil(BLOCK) * BLOCK + 2 * BLOCK, 0);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &tar).expect("write");
        gz.finish().expect("finish")
    }

    #[test]
    fn reads_a_chart_archive_and_rejects_other_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let chart = dir.path().join("app-1.0.0.tgz");
        std::fs::write(&chart, tgz("app/Chart.yaml", b"name: app\n")).expect("write");
        assert!(is_chart_archive(&chart));
        let a = Archive::open(&chart).expect("archive");
        assert_eq!(a.chart_root(), Some("app"));
        assert_eq!(a.text("app/Chart.yaml").as_deref(), Some("name: app\n"));

        let other = dir.path().join("data.tgz");
        std::fs::write(&other, tgz("data/x.bin", b"x")).expect("write");
        assert!(!is_chart_archive(&other));
        let junk = dir.path().join("junk.tgz");
        std::fs::write(&junk, b"not gzip at all").expect("write");
        assert!(!is_chart_archive(&junk));
    }
}
