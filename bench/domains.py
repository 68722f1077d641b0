"""Parsing and compiling a 1,000,000-domain list, next to GNU sort -u on the same file, in one run.

Measures the plain-function part of the site-filtering pipeline
(netbox_egov.logic.domains): parse (normalise, validate, de-duplicate) and
both compiled formats; wall time and peak memory (tracemalloc) of each, and
the time of `sort -u` on the raw file as the reference for what reading and
de-duplicating a million lines costs on this machine.

Run: make bench-domains   (no services needed)
"""

import os
import random
import string
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugin"))

from netbox_egov.logic import domains  # noqa: E402  (path set up above; no database or settings needed)

COUNT = int(os.environ.get("BENCH_DOMAINS", "1000000"))


def generate(path, count):
    rng = random.Random(18)  # Perda 18/2018: same list every run
    tlds = ["com", "net", "org", "id", "co.id", "info", "xyz"]
    with path.open("w") as out:
        out.write("# generated TrustPositif-format list\n")
        for _ in range(count):
            name = "".join(rng.choices(string.ascii_lowercase + string.digits, k=rng.randint(6, 16)))
            out.write(f"{name}.{rng.choice(tlds)}\n")


def measure(function, *args):
    """Time of a plain run; peak memory from a second run under tracemalloc (which slows it down)."""
    start = time.perf_counter()
    result = function(*args)
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    function(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, elapsed, peak


def main():
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.txt"
        generate(path, COUNT)
        start = time.perf_counter()
        subprocess.run(["sort", "-u", "-o", os.devnull, str(path)], check=True, env={**os.environ, "LC_ALL": "C"})
        reference = time.perf_counter() - start
        (parsed, errors), parse_time, parse_peak = measure(lambda: domains.parse(path.open()))
        rows = [("sort -u (reference)", reference, None)]
        rows.append((f"parse ({len(parsed)} domains, {len(errors)} bad lines)", parse_time, parse_peak))
        for name, compiler in domains.COMPILERS.items():
            _text, elapsed, peak = measure(compiler, parsed)
            rows.append((f"compile {name}", elapsed, peak))
    print(f"{COUNT} generated domains")
    print(f"{'step':50} {'seconds':>8} {'x sort -u':>10} {'peak MiB':>9}")
    for step, seconds, peak in rows:
        memory = f"{peak / 2**20:9.0f}" if peak is not None else f"{'-':>9}"
        print(f"{step:50} {seconds:8.2f} {seconds / reference:10.1f} {memory}")


if __name__ == "__main__":
    main()
