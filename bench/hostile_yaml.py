"""How long `platformctl plan --file X` takes to refuse hostile YAML (the target: a second or two, exit 2).

Each case is a real `platformctl plan` process (start-up included) on a file built here; the figures go in
bench/README.md. Run: .venv/bin/python bench/hostile_yaml.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLATFORMCTL = Path(sys.executable).parent / "platformctl"


def _laughs(levels: int) -> str:
    lines = ["l0: &l0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


CASES = {
    "billion laughs (9^10 nodes)": _laughs(10),
    "nested 5,000 deep": "x: " + "[" * 5000 + "]" * 5000 + "\n",
    "5,000-digit integer": "x: " + "9" * 5000 + "\n",
    "20 MB tag value": "tags: {big: '" + "a" * 20_000_000 + "'}\n",
    "256 KiB of short keys (over 20,000 values)": "tags:\n" + "".join(f"  k{i}: v{i}\n" for i in range(20_000))[: 255 * 1024],
}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        print("| file | exit code | seconds (median of 3) |\n| --- | --- | --- |")
        for name, text in CASES.items():
            path = Path(folder) / "platform.yaml"
            path.write_text(text)
            times, code = [], None
            for _ in range(3):
                start = time.perf_counter()
                code = subprocess.run([str(PLATFORMCTL), "plan", "--file", str(path)], capture_output=True, timeout=120).returncode
                times.append(time.perf_counter() - start)
            print(f"| {name} | {code} | {statistics.median(times):.2f} |")


if __name__ == "__main__":
    main()
