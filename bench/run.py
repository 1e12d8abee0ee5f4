"""Benchmark kerascheck against the libcst parse floor, Fixit and itself; print a table of ratios.

Run from the repository root with the project's environment:

    python bench/run.py                     # generated corpus (bench/corpus.py), all measures
    python bench/run.py --corpus ~/code     # any folder of real code (.py and notebooks)
    python bench/run.py --quick             # fewer runs, no Fixit, no runtime part

Every figure is the median wall time of several runs of a fresh process (start-up included),
as a user feels it on the command line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import corpus as corpus_gen  # noqa: E402
from floor import count_lines, source_of  # noqa: E402

from kerascheck.run.config import Overrides, Resolver  # noqa: E402
from kerascheck.run.files import collect  # noqa: E402

PY = sys.executable
BIN = os.path.dirname(PY)
KERASCHECK = [os.path.join(BIN, "kerascheck")]
FIXIT = os.path.join(BIN, "fixit")
RUNTIME_FIXTURE = os.path.join(ROOT, "fixtures", "runtime", "wide_deep_seeded.py")
SMALL_FILE = '''"""A small model."""
import keras

model = keras.Sequential([
    keras.Input(shape=(8,)),
    keras.layers.Dense(30, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(loss="mse", optimizer="adam")
'''
# The same with one finding, so the reports that print findings are timed printing one.
SMALL_FINDING = SMALL_FILE.replace("Dense(1)", 'Dense(3, activation="sigmoid")').replace(
    '"mse"', '"categorical_crossentropy"'
)
FORMATS = ("text", "concise", "json", "github", "sarif", "junit")


@dataclass
class Row:
    name: str
    timing: tuple[float, float]  # median wall seconds, median CPU seconds
    lines: int | None = None
    note: str = ""

    @property
    def seconds(self) -> float:
        return self.timing[0]

    @property
    def cpu(self) -> float:
        return self.timing[1]

    def per_kline_ms(self) -> float | None:
        if not self.lines:
            return None
        return self.seconds * 1000 / (self.lines / 1000)


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    ratios: list[tuple[str, float, str, bool | None]] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print(
            f"  {row.name}: {row.seconds * 1000:.0f} ms wall, {row.cpu * 1000:.0f} ms CPU {row.note}",
            file=sys.stderr,
            flush=True,
        )
        return row

    def ratio(self, name: str, value: float, target: str, ok: bool | None) -> None:
        self.ratios.append((name, value, target, ok))


def run_once(
    cmd: Sequence[str], cwd: str | None = None, ok_codes: tuple[int, ...] = (0, 1)
) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and the children it waited for)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env()
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok_codes or b"Traceback" in err:
        tail = err.decode(errors="replace")[-600:]
        print(f"  ! {' '.join(cmd[:4])}... exited {proc.returncode}: {tail}", file=sys.stderr)
    return elapsed, usage.ru_utime + usage.ru_stime


def median_time(
    cmd: Sequence[str], runs: int, cwd: str | None = None, ok_codes: tuple[int, ...] = (0, 1)
) -> tuple[float, float]:
    """Median wall time and median CPU time of `runs` runs."""
    results = [run_once(cmd, cwd, ok_codes) for _ in range(runs)]
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def peak_rss_mb(cmd: Sequence[str], cwd: str | None = None) -> float:
    """Peak resident memory of a command, measured in a fresh process that only waits for it."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [PY, "-c", probe, *cmd], cwd=cwd, capture_output=True, text=True, env=_env(), check=True
    )
    kib = int(out.stdout.strip().splitlines()[-1])
    return kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    # Users run with cached bytecode; measure that, whatever this shell sets.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def check_flags() -> set[str]:
    """The options this kerascheck's `check` has (the benchmark runs on older versions too)."""
    out = subprocess.run([*KERASCHECK, "check", "--help"], capture_output=True, text=True)
    return {flag for flag in ("--jobs", "--no-cache", "--cache-dir") if flag in out.stdout}


def list_files(root: str) -> list[str]:
    """The files `kerascheck check ROOT` checks, found by its own discovery (config, excludes,
    .gitignore), so the floor parses exactly what the product checks."""
    files, _ = collect([root], Resolver(Overrides()))
    return files


def compile_package() -> None:
    """Write kerascheck's bytecode first, as installing a wheel does: with an editable install
    and PYTHONDONTWRITEBYTECODE set, every module changed since its last .pyc would otherwise
    be compiled again in every timed run."""
    import compileall

    for folder in ("kerascheck", "rules"):
        compileall.compile_dir(os.path.join(ROOT, folder), quiet=1)


def python_size(path: str) -> int:
    """Characters of Python in a file (the code cells of a notebook)."""
    try:
        return len(source_of(path))
    except (OSError, UnicodeDecodeError, ValueError):
        return 0


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem = f", {pages / 2**30:.0f} GiB RAM"
    except (ValueError, OSError):
        pass
    import libcst

    return (
        f"{cpu}, {os.cpu_count()} CPUs{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; libcst {libcst.__version__ if hasattr(libcst, '__version__') else _dist_version('libcst')}"
    )


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def kerascheck_cmd(paths: Sequence[str], flags: set[str], *extra: str) -> list[str]:
    return [*KERASCHECK, "check", "--format", "concise", *extra, *paths]


def static_part(args: argparse.Namespace, report: Report, work: str) -> None:
    corpus = os.path.abspath(args.corpus) if args.corpus else corpus_gen.DEFAULT_OUT
    if not args.corpus:
        corpus_gen.generate(corpus, args.files, args.seed)
    files = list_files(corpus)
    lines = sum(count_lines(p) for p in files)
    py_files = [p for p in files if p.endswith(".py")]
    py_lines = sum(count_lines(p) for p in py_files)
    report.facts["corpus"] = (
        f"{len(files)} files ({len(py_files)} .py, {len(files) - len(py_files)} .ipynb), "
        f"{lines} lines of Python" + (f" from {args.corpus}" if args.corpus else " (generated)")
    )
    print(f"corpus: {report.facts['corpus']}", file=sys.stderr)
    flags = check_flags()
    report.facts["check options"] = ", ".join(sorted(flags)) or "none of --jobs/--no-cache"
    listing = os.path.join(work, "files.txt")
    with open(listing, "w", encoding="utf-8") as handle:
        handle.write("\n".join(files) + "\n")

    runs = args.runs
    floor = report.add(
        Row(
            "floor: read + libcst.parse_module",
            median_time([PY, os.path.join(HERE, "floor.py"), listing], runs),
            lines,
        )
    )
    floor_no_gc = report.add(
        Row(
            "floor, cyclic GC paused during each parse (as kerascheck does)",
            median_time([PY, os.path.join(HERE, "floor.py"), listing, "--no-gc"], runs),
            lines,
        )
    )
    no_cache = ["--no-cache"] if "--no-cache" in flags else []
    one_job = ["--jobs", "1"] if "--jobs" in flags else []
    single_cmd = kerascheck_cmd([corpus], flags, *one_job, *no_cache)
    single = report.add(
        Row(
            "kerascheck check --jobs 1 --no-cache",
            median_time(single_cmd, runs, cwd=work),
            lines,
            "" if one_job else "(no --jobs option: default)",
        )
    )
    parallel = report.add(
        Row(
            "kerascheck check (default jobs, --no-cache)",
            median_time(kerascheck_cmd([corpus], flags, *no_cache), runs, cwd=work),
            lines,
        )
    )
    # The same per kind of file: notebooks cost more above the floor (masking, cell maps).
    targets = {".py": 1.25, ".ipynb": 1.35}
    for suffix, target in targets.items():
        kind = [p for p in files if p.endswith(suffix)]
        if not kind or len(kind) == len(files):
            if kind:
                report.ratio(
                    f"{suffix} files: check --jobs 1 / parse floor (CPU)",
                    single.cpu / floor.cpu,
                    f"<= {target}",
                    single.cpu <= target * floor.cpu,
                )
            continue
        kind_listing = os.path.join(work, f"files{suffix}.txt")
        with open(kind_listing, "w", encoding="utf-8") as handle:
            handle.write("\n".join(kind) + "\n")
        kind_lines = sum(count_lines(p) for p in kind)
        kind_floor = report.add(
            Row(
                f"floor, {suffix} files only",
                median_time([PY, os.path.join(HERE, "floor.py"), kind_listing], runs),
                kind_lines,
            )
        )
        kind_check = report.add(
            Row(
                f"kerascheck check --jobs 1 --no-cache, {suffix} files only",
                median_time(kerascheck_cmd(kind, flags, *one_job, *no_cache), runs, cwd=work),
                kind_lines,
            )
        )
        report.ratio(
            f"{suffix} files: check --jobs 1 / parse floor (CPU)",
            kind_check.cpu / kind_floor.cpu,
            f"<= {target}",
            kind_check.cpu <= target * kind_floor.cpu,
        )
    warm = None
    if no_cache:
        cache_dir = os.path.join(work, "cache")
        cache = ["--cache-dir", cache_dir] if "--cache-dir" in flags else []
        cached_cmd = kerascheck_cmd([corpus], flags, *cache)
        run_once(cached_cmd, cwd=work)  # fills the cache
        warm = report.add(
            Row("kerascheck check, warm cache", median_time(cached_cmd, runs, cwd=work), lines)
        )

    rss_all = peak_rss_mb(single_cmd, cwd=work)
    few = files[: max(1, len(files) // 10)]
    rss_few = peak_rss_mb(kerascheck_cmd(few, flags, *one_job, *no_cache), cwd=work)
    # The files with the most Python (a notebook's bytes are mostly its outputs): a run's
    # memory should be that of its largest file, however many files it checks.
    largest = sorted(files, key=python_size, reverse=True)[:3]
    rss_one = max(
        peak_rss_mb(kerascheck_cmd([path], flags, *one_job, *no_cache), cwd=work)
        for path in largest
    )
    report.facts["peak RSS, --jobs 1"] = (
        f"{rss_all:.0f} MiB for all {len(files)} files, {rss_few:.0f} MiB for {len(few)} files, "
        f"{rss_one:.0f} MiB for the largest of the three longest files alone"
    )

    report.ratio(
        "check --jobs 1 / parse floor (wall)",
        single.seconds / floor.seconds,
        "<= 2",
        single.seconds <= 2 * floor.seconds,
    )
    report.ratio(
        "check --jobs 1 / parse floor (CPU)",
        single.cpu / floor.cpu,
        "<= 2",
        single.cpu <= 2 * floor.cpu,
    )
    report.ratio(
        "check --jobs 1 / parse floor with GC paused (CPU)",
        single.cpu / floor_no_gc.cpu,
        "<= 2",
        single.cpu <= 2 * floor_no_gc.cpu,
    )
    if one_job:
        speedup = single.seconds / parallel.seconds
        report.ratio(
            f"speed-up of default jobs over --jobs 1 ({os.cpu_count()} CPUs, wall)",
            speedup,
            ">= 1.8",
            speedup >= 1.8,
        )
        # What the pool itself costs: worker start-up, pickling jobs and results.
        report.ratio(
            "CPU of default jobs / CPU of --jobs 1 (the pool's own cost)",
            parallel.cpu / single.cpu,
            "-",
            None,
        )
    if warm is not None:
        share = warm.seconds / parallel.seconds
        report.ratio("warm cached run / cold run", share, "<= 0.15", share <= 0.15)
    report.ratio(
        "peak RSS all files / the longest file's alone",
        rss_all / rss_one,
        "about 1",
        rss_all / rss_one < 1.25,
    )

    if not args.no_fixit and os.path.exists(FIXIT):
        fixit_dir = os.path.join(work, "fixit_py")
        os.makedirs(fixit_dir, exist_ok=True)
        for i, path in enumerate(py_files):
            shutil.copyfile(path, os.path.join(fixit_dir, f"f{i:05d}.py"))
        fixit = report.add(
            Row(
                "fixit lint (its default rules), .py files",
                median_time(
                    [FIXIT, "lint", fixit_dir],
                    args.fixit_runs,
                    cwd=work,
                    ok_codes=(0, 1, 2, 3, 4, 5, 6, 7, 8),
                ),
                py_lines,
            )
        )
        ours = report.add(
            Row(
                "kerascheck check (default jobs, --no-cache), same .py files",
                median_time(kerascheck_cmd([fixit_dir], flags, *no_cache), runs, cwd=work),
                py_lines,
            )
        )
        ours_single = report.add(
            Row(
                "kerascheck check --jobs 1 --no-cache, same .py files",
                median_time(
                    kerascheck_cmd([fixit_dir], flags, *one_job, *no_cache), runs, cwd=work
                ),
                py_lines,
            )
        )
        report.ratio(
            "fixit / kerascheck per line (both default jobs)",
            fixit.seconds / ours.seconds,
            ">= 3",
            fixit.seconds >= 3 * ours.seconds,
        )
        report.ratio(
            "fixit / kerascheck --jobs 1 per line",
            fixit.seconds / ours_single.seconds,
            ">= 3",
            None,
        )


def startup_part(args: argparse.Namespace, report: Report, work: str) -> None:
    small = os.path.join(work, "small_model.py")
    with open(small, "w", encoding="utf-8") as handle:
        handle.write(SMALL_FILE)
    runs = args.startup_runs
    click = report.add(
        Row("python -c 'import click'", median_time([PY, "-c", "import click"], runs))
    )
    version = report.add(Row("kerascheck --version", median_time([*KERASCHECK, "--version"], runs)))
    parse = report.add(
        Row(
            "python -c 'import libcst' + parse the small file",
            median_time(
                [PY, "-c", f"import libcst; libcst.parse_module(open({small!r}).read())"], runs
            ),
        )
    )
    flags = check_flags()
    no_cache = ["--no-cache"] if "--no-cache" in flags else []
    report.ratio(
        "kerascheck --version / import click",
        version.seconds / click.seconds,
        "<= 1.3",
        version.seconds <= 1.3 * click.seconds,
    )
    for name, source in (("small_model.py", SMALL_FILE), ("small_finding.py", SMALL_FINDING)):
        path = os.path.join(work, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(source)
        for fmt in FORMATS:
            one = report.add(
                Row(
                    f"kerascheck check --format {fmt} {name}",
                    median_time(
                        [*KERASCHECK, "check", "--format", fmt, *no_cache, path], runs, cwd=work
                    ),
                )
            )
            # CPU: on a shared machine, waiting for a core is not start-up.
            report.ratio(
                f"check {name} --format {fmt} / import libcst + parse (CPU)",
                one.cpu / parse.cpu,
                "<= 1.3",
                one.cpu <= 1.3 * parse.cpu,
            )


def scaling_part(args: argparse.Namespace, report: Report, work: str) -> None:
    flags = check_flags()
    extra = (["--jobs", "1"] if "--jobs" in flags else []) + (
        ["--no-cache"] if "--no-cache" in flags else []
    )
    per_line: dict[int, tuple[float, float]] = {}
    ratios: dict[int, float] = {}
    for size in (5_000, 20_000, 50_000):
        path = corpus_gen.big_file(os.path.join(work, f"big_{size}.py"), size)
        lines = count_lines(path)
        listing = os.path.join(work, f"big_{size}.txt")
        with open(listing, "w", encoding="utf-8") as handle:
            handle.write(path + "\n")
        floor_cmd = [PY, os.path.join(HERE, "floor.py"), listing]
        floor = report.add(
            Row(f"floor, one {lines}-line file", median_time(floor_cmd, args.scale_runs), lines)
        )
        floor_no_gc = report.add(
            Row(
                f"floor with GC paused, one {lines}-line file",
                median_time([*floor_cmd, "--no-gc"], args.scale_runs),
                lines,
            )
        )
        check_cmd = kerascheck_cmd([path], flags, *extra)
        row = report.add(
            Row(
                f"kerascheck check, one {lines}-line file",
                median_time(check_cmd, args.scale_runs, cwd=work),
                lines,
            )
        )
        # CPU: what the machine's other load does to wall time is not the file's doing.
        per_line[size] = (floor.cpu / lines, (row.cpu - floor_no_gc.cpu) / lines)
        ratios[size] = row.cpu / floor.cpu
        if size == 50_000:
            report.facts["peak RSS, one 50k-line file"] = (
                f"{peak_rss_mb(check_cmd, cwd=work):.0f} MiB for kerascheck check, "
                f"{peak_rss_mb(floor_cmd):.0f} MiB for the parse floor alone"
            )
        report.ratio(
            f"{lines}-line file: check / floor (CPU)",
            row.cpu / floor.cpu,
            "<= 2",
            row.cpu <= 2 * floor.cpu,
        )
        report.ratio(
            f"{lines}-line file: check / floor with GC paused (CPU)",
            row.cpu / floor_no_gc.cpu,
            "<= 2",
            row.cpu <= 2 * floor_no_gc.cpu,
        )
    flat = ratios[50_000] / ratios[5_000]
    report.ratio(
        "flatness: (check / floor) of the 50k-line file / that of the 5k-line file (CPU)",
        flat,
        "<= 1.1",
        flat <= 1.1,
    )
    floor_growth = per_line[50_000][0] / per_line[5_000][0]
    ours_growth = per_line[50_000][1] / per_line[5_000][1]
    report.ratio(
        "CPU per line of the parse floor, 50k-line / 5k-line file", floor_growth, "-", None
    )
    report.ratio(
        "CPU per line above the GC-paused floor (reading, rules, positions), 50k / 5k",
        ours_growth,
        "about 1 (linear)",
        ours_growth < 1.3,
    )


def runtime_part(args: argparse.Namespace, report: Report, work: str) -> None:
    if not os.path.exists(RUNTIME_FIXTURE):
        report.facts["runtime"] = "skipped: fixtures/runtime/wide_deep_seeded.py is absent"
        return
    probe = subprocess.run([*KERASCHECK, "run", "--help"], capture_output=True, text=True)
    if probe.returncode != 0:
        report.facts["runtime"] = "skipped: `kerascheck run` is not available"
        return
    runs = args.runtime_runs
    epochs = "2"  # kerascheck run's default cap
    plain = report.add(
        Row(
            "plain `python wide_deep_seeded.py 2` (2 epochs)",
            median_time([PY, RUNTIME_FIXTURE, epochs], runs, cwd=work),
        )
    )
    no_repro = report.add(
        Row(
            "kerascheck run --no-repro",
            median_time([*KERASCHECK, "run", "--no-repro", RUNTIME_FIXTURE], runs, cwd=work),
        )
    )
    full = report.add(
        Row(
            "kerascheck run (with the reproducibility run)",
            median_time([*KERASCHECK, "run", RUNTIME_FIXTURE], runs, cwd=work),
        )
    )
    report.ratio(
        "kerascheck run --no-repro / plain run", no_repro.seconds / plain.seconds, "-", None
    )
    report.ratio("kerascheck run / plain run", full.seconds / plain.seconds, "-", None)


def render(report: Report) -> str:
    out = [
        "",
        "| measure | wall (median) | CPU (median) | wall per 1,000 lines |",
        "|---|---:|---:|---:|",
    ]
    for row in report.rows:
        per = row.per_kline_ms()
        per_text = f"{per:.1f} ms" if per is not None else ""
        name = f"{row.name} {row.note}".strip()
        out.append(
            f"| {name} | {row.seconds * 1000:.0f} ms | {row.cpu * 1000:.0f} ms | {per_text} |"
        )
    out += ["", "| ratio | value | target | met |", "|---|---:|---|---|"]
    for name, value, target, ok in report.ratios:
        met = "" if ok is None else ("yes" if ok else "NO")
        out.append(f"| {name} | {value:.2f} | {target} | {met} |")
    out.append("")
    for key, value in report.facts.items():
        out.append(f"- {key}: {value}")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", help="check this folder instead of the generated corpus")
    parser.add_argument("--files", type=int, default=corpus_gen.DEFAULT_FILES)
    parser.add_argument("--seed", type=int, default=corpus_gen.DEFAULT_SEED)
    parser.add_argument("--runs", type=int, default=5, help="runs per corpus measure (median)")
    parser.add_argument("--fixit-runs", type=int, default=3)
    parser.add_argument("--startup-runs", type=int, default=15)
    parser.add_argument("--scale-runs", type=int, default=3)
    parser.add_argument("--runtime-runs", type=int, default=3)
    parser.add_argument("--no-fixit", action="store_true")
    parser.add_argument("--no-runtime", action="store_true")
    parser.add_argument("--no-scaling", action="store_true")
    parser.add_argument("--no-static", action="store_true", help="skip the corpus measures")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up measures")
    parser.add_argument("--quick", action="store_true", help="3 runs, no Fixit, no runtime part")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args()
    if args.quick:
        args.runs = args.scale_runs = 3
        args.startup_runs = 7
        args.no_fixit = args.no_runtime = True

    compile_package()
    report = Report()
    report.facts["machine"] = machine()
    with tempfile.TemporaryDirectory(prefix="kerascheck-bench-") as work:
        if not args.no_static:
            static_part(args, report, work)
        if not args.no_startup:
            startup_part(args, report, work)
        if not args.no_scaling:
            scaling_part(args, report, work)
        if not args.no_runtime:
            runtime_part(args, report, work)
    text = render(report)
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(
                {
                    "rows": [
                        row.__dict__ | {"per_kline_ms": row.per_kline_ms()} for row in report.rows
                    ],
                    "ratios": report.ratios,
                    "facts": report.facts,
                },
                handle,
                indent=2,
            )


if __name__ == "__main__":
    main()
