#!/usr/bin/env python3
"""Prints the README rule table from the registry order in src/rules/mod.rs and the docs.

The test `readme_rule_table_matches_the_registry` checks the README against
rules::markdown_table(); this script writes the same table so the README can be updated:
    python3 scripts/rules-table.py --write
"""
import re, sys, pathlib

root = pathlib.Path(__file__).resolve().parent.parent
mod = (root / "src/rules/mod.rs").read_text()
body = mod[mod.index("pub static RULES"):]
body = body[: body.index("];")]
structs = re.findall(r"&(\w+)::(\w+),", body)
rows = ["| rule | category | default severity | summary |", "|---|---|---|---|"]
for module, struct in structs:
    src = (root / f"src/rules/{module}.rs").read_text()
    impl = src[src.index(f"impl Rule for {struct}"):]
    name = re.search(r'fn name\(&self\) -> &\'static str \{\s*"([^"]+)"', impl)
    if name:
        name = name.group(1)
    else:
        const = re.search(r'const NAME: &str = "([^"]+)"', src)
        name = const.group(1)
    cat = re.search(r"Category::(\w+)", impl).group(1).lower()
    sev = re.search(r"Severity::(\w+)", impl[impl.index("fn default_severity"):]).group(1).lower()
    doc = (root / f"rules/{name}.md").read_text().splitlines()
    summary = next(l.strip() for l in doc[1:] if l.strip())
    rows.append(f"| [`{name}`](rules/{name}.md) | {cat} | {sev} | {summary} |")
table = "\n".join(rows)
if "--write" in sys.argv:
    readme = (root / "README.md").read_text()
    start = readme.index("<!-- rules:start -->") + len("<!-- rules:start -->")
    end = readme.index("<!-- rules:end -->")
    (root / "README.md").write_text(readme[:start] + "\n" + table + "\n" + readme[end:])
else:
    print(table)
