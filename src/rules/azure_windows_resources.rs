//! `azure-windows-resources`: Azure Policy "Kubernetes cluster Windows containers should not
//! overcommit cpu and memory" (2.2.0): every container of a Windows pod needs cpu and memory
//! limits, and requests equal to them. The policy compares the values as the API server
//! serialises them, so winlint compares canonical quantities (`1000m` and `1` are equal,
//! `1Gi` and `1073741824` are not).

use super::{Context, Pod, Rule};
use crate::facts::azure_policy;
use crate::finding::{Finding, Label};
use crate::yaml::{Node, Span};

pub fn azure_windows_resources_missing_diagnostic(
    w: &Pod<'_>,
    container: &str,
    missing: &[&str],
    at: Span,
    windows_at: Span,
) -> Finding {
    META.finding(
        format!("container <{container}> has missing resource limits"),
        Label::new(at, format!("no {} limit", missing.join(" or "))),
    )
    .with_secondary(Label::new(windows_at, "the policy evaluates pods selecting kubernetes.io/os: windows"))
    .with_help("set `resources.limits.cpu` and `resources.limits.memory` (and requests equal to them, or none: they default to the limits); Windows pages memory to disk instead of killing an over-committed container")
    .with_resource(w.id)
}

pub fn azure_windows_resources_mismatch_diagnostic(
    w: &Pod<'_>,
    container: &str,
    resource: &str,
    request: &str,
    limit: &str,
    at: Span,
    windows_at: Span,
) -> Finding {
    META.finding(
        format!("container <{container}> sets resource requests that do not match limits"),
        Label::new(at, format!("{resource} request {request} ≠ limit {limit}")),
    )
    .with_secondary(Label::new(windows_at, "the policy evaluates pods selecting kubernetes.io/os: windows"))
    .with_help(format!(
        "set `requests.{resource}` to the limit, written the same way, or remove it (requests default to the limits)"
    ))
    .with_resource(w.id)
}

declare_rule! {
    pub struct AzureWindowsResources {
        name: "azure-windows-resources",
        category: Pedantic,
        severity: Info,
    }
}

impl Rule for AzureWindowsResources {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some((windows_at, containers)) = azure_policy::evaluated(w, cx) else {
            return;
        };
        for c in containers {
            let resources = c.node.and_then(|n| n.get("resources"));
            let get = |kind: &str, res: &str| {
                let n = resources?.get(kind)?.get(res)?;
                (!n.is_null()).then_some(n)
            };
            let missing: Vec<&str> = ["cpu", "memory"]
                .into_iter()
                .filter(|r| get("limits", r).is_none())
                .collect();
            if !missing.is_empty() {
                let at = c
                    .node
                    .and_then(|n| n.entry("resources"))
                    .map(|e| e.key.span)
                    .unwrap_or_else(|| crate::facts::security::container_span(w, &c));
                out.push(azure_windows_resources_missing_diagnostic(
                    w, c.name, &missing, at, windows_at,
                ));
                continue;
            }
            for res in ["cpu", "memory"] {
                let (Some(req), Some(lim)) = (get("requests", res), get("limits", res)) else {
                    continue;
                };
                let (r, l) = (text(req), text(lim));
                // Unparsable quantities are the API server's to reject.
                if let (Some(a), Some(b)) = (canonical(r), canonical(l)) {
                    if a == b {
                        continue;
                    }
                    out.push(azure_windows_resources_mismatch_diagnostic(
                        w, c.name, res, r, l, req.span, windows_at,
                    ));
                }
            }
        }
    }
}

fn text<'n>(n: &'n Node<'_>) -> &'n str {
    n.as_str().unwrap_or("")
}

/// The string the API server writes a quantity back as (apimachinery `Quantity.String`, via
/// `CanonicalizeBytes`), or `None` when it does not parse.
pub fn canonical(q: &str) -> Option<String> {
    let (negative, nanos, format) = parse_nanos(q)?;
    if nanos == 0 {
        return Some("0".into());
    }
    let sign = if negative { "-" } else { "" };
    Some(format!("{sign}{}", write_nanos(nanos, format)))
}

/// How a quantity was written: the API server writes it back in the same format.
#[derive(PartialEq)]
enum Format {
    BinarySi,
    DecimalSi,
    DecimalExponent,
}

/// A quantity's sign, its magnitude in nano units, and its format.
fn parse_nanos(q: &str) -> Option<(bool, i128, Format)> {
    let (negative, rest) = match q.as_bytes().first()? {
        b'-' => (true, &q[1..]),
        b'+' => (false, &q[1..]),
        _ => (false, q),
    };
    let num_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(num_end);
    let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let digits = format!("{int_part}{frac_part}");
    let mut mantissa: i128 = digits.parse().ok()?;
    let mut scale: i32 = -(frac_part.len() as i32);
    let (format, pow2, exponent) = parse_suffix(suffix)?;
    scale += exponent;
    mantissa = mantissa.checked_mul(1i128.checked_shl(pow2)?)?;
    // In nano units, rounded away from zero as the parser does below 10^-9.
    let shift = scale + 9;
    let nanos: i128 = if shift >= 0 {
        mantissa.checked_mul(10i128.checked_pow(shift as u32)?)?
    } else {
        let d = 10i128.checked_pow((-shift) as u32)?;
        (mantissa + d - 1) / d
    };
    Some((negative, nanos, format))
}

/// A suffix's format, its power of two and its power of ten.
fn parse_suffix(suffix: &str) -> Option<(Format, u32, i32)> {
    Some(match suffix {
        "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
            let pow2 = 10 * (1 + "KMGTPE".find(&suffix[..1])? as u32);
            (Format::BinarySi, pow2, 0)
        }
        "" => (Format::DecimalSi, 0, 0),
        "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E" => {
            let exponent = match suffix {
                "n" => -9,
                "u" => -6,
                "m" => -3,
                "k" => 3,
                "M" => 6,
                "G" => 9,
                "T" => 12,
                "P" => 15,
                _ => 18,
            };
            (Format::DecimalSi, 0, exponent)
        }
        s if s.starts_with(['e', 'E']) => (Format::DecimalExponent, 0, s[1..].parse::<i32>().ok()?),
        _ => return None,
    })
}

/// A non-zero magnitude in nano units, written in `format` without its sign.
fn write_nanos(nanos: i128, format: Format) -> String {
    const NANO: i128 = 1_000_000_000;
    let binary = format == Format::BinarySi && nanos % NANO == 0 && nanos / NANO >= 1024;
    if binary {
        let (mut amount, mut times) = (nanos / NANO, 0);
        while amount % 1024 == 0 && times < 6 {
            amount /= 1024;
            times += 1;
        }
        let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][times];
        return format!("{amount}{suffix}");
    }
    let (mut amount, mut exp) = (nanos, -9i32);
    while amount % 10 == 0 {
        amount /= 10;
        exp += 1;
    }
    match exp.rem_euclid(3) {
        1 => {
            amount *= 10;
            exp -= 1;
        }
        2 => {
            amount *= 100;
            exp -= 2;
        }
        _ => {}
    }
    format!("{amount}{}", decimal_suffix(exp, format))
}

/// The suffix for a power of ten that is a multiple of three.
fn decimal_suffix(exp: i32, format: Format) -> String {
    if format == Format::DecimalExponent {
        if exp == 0 {
            String::new()
        } else {
            format!("e{exp}")
        }
    } else {
        match exp {
            -9 => "n".into(),
            -6 => "u".into(),
            -3 => "m".into(),
            0 => String::new(),
            3 => "k".into(),
            6 => "M".into(),
            9 => "G".into(),
            12 => "T".into(),
            15 => "P".into(),
            18 => "E".into(),
            e => format!("e{e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn quantities_canonicalise_like_apimachinery() {
        let c = |s: &str| canonical(s).unwrap_or_else(|| panic!("{s} parses"));
        assert_eq!(c("1000m"), "1");
        assert_eq!(c("0.5"), "500m");
        assert_eq!(c("1"), "1");
        assert_eq!(c("1500"), "1500");
        assert_eq!(c("2000"), "2k");
        assert_eq!(c("1024Mi"), "1Gi");
        assert_eq!(c("1.5Gi"), "1536Mi");
        assert_eq!(c("1536"), "1536");
        assert_eq!(c("0.5Ki"), "512");
        assert_eq!(c("1073741824"), "1073741824");
        assert_eq!(c("1e3"), "1e3");
        assert_eq!(c("1k"), "1k");
        assert_eq!(c("0"), "0");
        assert_eq!(c("0Gi"), "0");
        assert_eq!(c("100M"), "100M");
        assert_eq!(c("-1.5"), "-1500m");
        assert!(canonical("1.2.3").is_none());
        assert!(canonical("abc").is_none());
        assert!(canonical("").is_none());
    }
}
