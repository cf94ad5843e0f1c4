"""Mutation run over the modules that guard privacy and money (``[tool.mutmut]`` in
pyproject.toml): mutmut 3 in a clean clone of HEAD, then the kill ratio per module and
every surviving mutant with its one-line change.

    .venv/bin/python benchmarks/mutation.py [--report mutation-report.txt]

mutmut is installed into the project's venv on first use (it is not a dependency of the
package or of ``make test``: a full run takes about 20 minutes on two cores)."""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MUTMUT_VERSION = "3.8.1"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--report", type=Path, default=ROOT / "mutation-report.txt")
    args = parser.parse_args()
    if not (BIN / "mutmut").exists():
        subprocess.run([BIN / "python", "-m", "pip", "install", "-q", f"mutmut=={MUTMUT_VERSION}"], check=True)
    with tempfile.TemporaryDirectory(prefix="reportbook-mutation-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        subprocess.run([BIN / "mutmut", "run", "--max-children", "2"], cwd=clone, check=True)
        results = subprocess.run(
            [BIN / "mutmut", "results", "--all", "true"], cwd=clone, capture_output=True, text=True, check=True
        ).stdout
        per_module: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        survivors = []
        for line in results.splitlines():
            name, _, status = line.strip().rpartition(":")
            if not name:
                continue
            module = re.match(r"(helpers\.[a-z_.]+?)\.(?:x_|xǁ)", name)
            per_module[module.group(1) if module else name][status.strip()] += 1
            if status.strip() in ("survived", "no tests"):
                diff = subprocess.run([BIN / "mutmut", "show", name], cwd=clone, capture_output=True, text=True).stdout
                change = [d for d in diff.splitlines() if d[:1] in "+-" and d[:3] not in ("+++", "---")]
                survivors.append(f"{name} ({status.strip()}): {' | '.join(c.strip() for c in change)}")
    lines = [f"{'module':36s} {'mutants':>7s} {'killed':>7s} {'ratio':>6s}"]
    total = collections.Counter()
    for module, counts in sorted(per_module.items()):
        n, killed = sum(counts.values()), counts["killed"] + counts["timeout"]
        total.update({"n": n, "killed": killed})
        lines.append(f"{module:36s} {n:7d} {killed:7d} {killed / n:6.1%}")
    lines.append(f"{'all six':36s} {total['n']:7d} {total['killed']:7d} {total['killed'] / total['n']:6.1%}")
    print("\n".join(lines))
    args.report.write_text("\n".join(lines + ["", "Survivors:"] + survivors) + "\n", encoding="utf-8")
    print(f"{len(survivors)} survivors listed in {args.report}")


if __name__ == "__main__":
    main()
