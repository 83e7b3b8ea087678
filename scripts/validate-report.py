#!/usr/bin/env python3
"""Validates a vnetlab report with third-party tools (installed by scripts/ci-tools.sh).

  validate-report.py sarif FILE   SARIF 2.1.0 JSON schema (jsonschema) and the fields GitHub
                                  code scanning requires; prints a JSON summary.
  validate-report.py junit FILE   parsed with junitparser; prints per suite its name and
                                  tests/failures/errors/skipped, and each case's result.
Exit 0 when valid, 1 with the reasons otherwise.
"""
import json
import os
import sys


def sarif(path):
    import jsonschema

    tools = os.environ.get("VNETLAB_CI_TOOLS", os.path.expanduser("~/.cache/vnetlab-ci"))
    with open(os.path.join(tools, "sarif-2.1.0-rtm.5.json"), encoding="utf-8") as f:
        schema = json.load(f)
    with open(path, encoding="utf-8") as f:
        log = json.load(f)
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]
    # GitHub code scanning: a tool name, rules with ids, and per result a ruleId, a message and
    # one physical location with a relative artifact URI and a region with startLine.
    for run in log.get("runs", []):
        driver = run.get("tool", {}).get("driver", {})
        if not driver.get("name"):
            errors.append("run.tool.driver.name is missing")
        rules = {r.get("id") for r in driver.get("rules", [])}
        for i, r in enumerate(run.get("results", [])):
            where = f"results/{i}"
            if r.get("ruleId") not in rules:
                errors.append(f"{where}: ruleId {r.get('ruleId')!r} is not a rule of the driver")
            if not r.get("message", {}).get("text"):
                errors.append(f"{where}: message.text is missing")
            locs = r.get("locations", [])
            if len(locs) != 1:
                errors.append(f"{where}: {len(locs)} locations (GitHub wants one)")
            for loc in locs:
                phys = loc.get("physicalLocation", {})
                uri = phys.get("artifactLocation", {}).get("uri", "")
                if not uri or uri.startswith("/") or "://" in uri:
                    errors.append(f"{where}: artifact uri {uri!r} is not a relative path")
                if phys.get("region", {}).get("startLine", 0) < 1:
                    errors.append(f"{where}: region.startLine is missing")
    if errors:
        print("\n".join(errors))
        return 1
    results = log["runs"][0]["results"]
    print(json.dumps({
        "results": len(results),
        "rules": sorted(r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]),
        "suppressed": sum(1 for r in results if r.get("suppressions")),
        "levels": sorted({r.get("level", "warning") for r in results}),
        "passed": sum(log["runs"][0].get("properties", {}).get("passed", {}).values()),
    }))
    return 0


def junit(path):
    from junitparser import JUnitXml, TestSuite

    xml = JUnitXml.fromfile(path)
    suites = [xml] if isinstance(xml, TestSuite) else list(xml)
    out = []
    for s in suites:
        cases = []
        for c in s:
            kinds = [type(r).__name__.lower() for r in c.result]
            cases.append({"name": c.name, "result": kinds[0] if kinds else "passed",
                          "text": "".join((r.text or "") for r in c.result)})
        out.append({"name": s.name, "tests": s.tests, "failures": s.failures,
                    "errors": s.errors, "skipped": s.skipped, "cases": cases})
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    sys.exit({"sarif": sarif, "junit": junit}[kind](path))
