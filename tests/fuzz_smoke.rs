//! A seconds-long smoke run of the fuzz targets' entry points (the real fuzzing runs with
//! cargo-fuzz, see fuzz/ and the README): the committed seeds, then deterministic mutations
//! of them, through the splitter, the parser, the whole pipeline and the config parser.

use winlint::fuzzing;

/// xorshift64*: deterministic, no dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Bytes that matter to YAML and to Kubernetes manifests.
const TOKENS: &[&[u8]] = &[
    b":",
    b"-",
    b" ",
    b"\n",
    b"\t",
    b"[",
    b"]",
    b"{",
    b"}",
    b"\"",
    b"'",
    b"&a",
    b"*a",
    b"<<",
    b"!!str",
    b"|",
    b">",
    b"---\n",
    b"...\n",
    b"#",
    b"\r\n",
    b"\xff",
    b"\x00",
    b"windows",
    b"hostProcess: true",
    b"os: {name: windows}",
];

pub fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(4) {
            0 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(at..at, t.iter().copied());
            }
            1 => {
                let end = (at + rng.below(16)).min(v.len());
                v.drain(at..end);
            }
            2 => {
                let start = rng.below(v.len() + 1);
                let end = (start + rng.below(64)).min(v.len());
                let copy = v[start..end].to_vec();
                v.splice(at..at, copy);
            }
            _ => {
                if at < v.len() {
                    v[at] = rng.next_u64() as u8;
                }
            }
        }
    }
    v
}

#[test]
fn seeds_and_mutations_hold_the_invariants() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .expect("fuzz/seeds")
        .map(|e| std::fs::read(e.expect("entry").path()).expect("seed"))
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 5);
    let mut rng = Rng(0x5EED);
    let mut runs = 0;
    for seed in &seeds {
        for i in 0..60 {
            let input = if i == 0 {
                seed.clone()
            } else {
                mutate(&mut rng, seed)
            };
            fuzzing::split(&input);
            fuzzing::parse(&input);
            fuzzing::lint(&input);
            fuzzing::config(&input);
            runs += 1;
        }
    }
    assert_eq!(runs, seeds.len() * 60);
}
