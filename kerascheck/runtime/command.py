"""`kerascheck run`: run a script, notebook or model factory briefly and measure the models."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import sys
import tempfile
from types import FrameType
from typing import NoReturn

import click
from rich.console import Console

from kerascheck.engine.registry import UnknownSelector, expand
from kerascheck.model.results import FileError, FileResult, RunResult
from kerascheck.report.emit import emit
from kerascheck.run.config import ConfigError, Overrides
from kerascheck.runtime.parent import analysis, processes, report, runner, tree
from kerascheck.runtime.parent.settings import resolve
from kerascheck.runtime.parent.targets import Target, UsageError, parse_target
from kerascheck.runtime.protocol import ChildSpec

STAGES = {
    "importing": "importing the backend",
    "running": "running",
    "measuring": "statistics",
    "fitting": "fitting",
}


@click.command(name="run")
@click.argument("target")
@click.argument("script_args", nargs=-1, type=click.UNPROCESSED)
@click.option(
    "--epochs",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="Cap on the epochs of every fit.",
)
@click.option(
    "--max-steps",
    default=50,
    show_default=True,
    type=click.IntRange(min=1),
    help="Cap on the steps of each epoch.",
)
@click.option(
    "--device",
    type=click.Choice(["cpu", "gpu", "auto"]),
    default="auto",
    show_default=True,
    help="auto: a GPU when the backend sees one.",
)
@click.option(
    "--gpu",
    "gpu_index",
    default=None,
    help="Which GPU(s) the runs may use, as CUDA_VISIBLE_DEVICES takes them (0, or 0,1).",
)
@click.option(
    "--seed",
    default=42,
    show_default=True,
    type=int,
    help="Seed for kerascheck's synthetic data; the same in both runs.",
)
@click.option(
    "--timeout",
    default=600.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds before the run is stopped.",
)
@click.option("--no-repro", is_flag=True, help="Skip the second run (KR001).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github", "sarif", "junit"]),
    default="text",
    show_default=True,
)
@click.option("--loss", default=None, help="Loss for an uncompiled factory model.")
@click.option("--optimizer", default=None, help="Optimizer for an uncompiled factory model.")
@click.option(
    "--plot",
    "plot_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Write SELU mean and std against depth to this PNG.",
)
@click.option(
    "--memory-limit",
    default=None,
    type=click.IntRange(min=0),
    help="MB that all processes of the runs may use together before the largest run is "
    "stopped; default half the machine's memory, 0 for no limit.",
)
@click.option("--select", multiple=True, help="Codes, prefixes or names to enable (as in check).")
@click.option("--extend-select", multiple=True, help="Enable these on top of the defaults.")
@click.option("--ignore", multiple=True, help="Codes, prefixes or names to disable.")
@click.option(
    "--config",
    "config_file",
    default=None,
    type=click.Path(exists=True, dir_okay=False),
    help="Use this configuration file instead of the nearest one.",
)
@click.option(
    "--no-training",
    is_flag=True,
    help="The target fits no model (inference only): do not report a missing fit.",
)
def run(
    target: str,
    script_args: tuple[str, ...],
    epochs: int,
    max_steps: int,
    device: str,
    seed: int,
    timeout: float,
    no_repro: bool,
    output_format: str,
    loss: str | None,
    optimizer: str | None,
    plot_path: str | None,
    memory_limit: int | None,
    gpu_index: str | None,
    no_training: bool,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: str | None,
) -> None:
    """Run TARGET (script.py, notebook.ipynb, module.py:factory or package.module:factory)
    in a child process with capped fits, and report what the measurements show."""
    errors = Console(stderr=True)
    try:
        parsed = parse_target(target)
    except UsageError as error:
        _usage_error(errors, target, str(error), output_format)
    if parsed.kind != "script" and script_args:
        _usage_error(errors, target, "arguments after -- are for scripts only", output_format)
    try:
        overrides = Overrides(
            select=_codes(select) if select else None,
            extend_select=tuple(_codes(extend_select)),
            ignore=tuple(_codes(ignore)),
        )
        for token in [*(overrides.select or []), *overrides.extend_select, *overrides.ignore]:
            expand(token)
        settings = resolve(parsed.path or os.getcwd(), overrides, config_file)
    except (ConfigError, UnknownSelector) as error:
        _usage_error(errors, target, str(error), output_format)
    if memory_limit is None:
        machine = processes.machine_memory_mb()
        memory_limit = machine // 2 if machine else 0
    # SIGTERM (CI cancel, `timeout`) ends the runs the way Ctrl-C does.
    signal.signal(signal.SIGTERM, _terminated)
    root = tempfile.mkdtemp(prefix="kerascheck-run-")
    watchdog = runner.start_watchdog(root, root)
    protected = _protected(parsed)
    try:
        before = tree.listing(protected, [root])
        specs = [
            _spec(
                parsed,
                list(script_args),
                epochs,
                max_steps,
                seed,
                device,
                loss,
                optimizer,
                os.path.join(root, f"run{number}"),
                protected,
            )
            for number in range(1 if no_repro else 2)
        ]
        runs = _run_with_status(errors, specs, timeout, memory_limit or None, root, gpu_index)
        outcome = analysis.analyse(parsed, runs, settings, expect_fit=not no_training)
    except KeyboardInterrupt:
        errors.print("[red]interrupted[/]: the child processes were stopped")
        sys.exit(130)
    except Terminated:
        errors.print("[red]terminated[/]: the child processes were stopped")
        sys.exit(143)
    finally:
        if not os.environ.get("KERASCHECK_KEEP_RUN"):
            shutil.rmtree(root, ignore_errors=True)
        if watchdog is not None and watchdog.stdin is not None:
            watchdog.stdin.close()  # its cleanup finds nothing left, and it exits
    changed = tree.changes(before, tree.listing(protected, [root]))
    if changed:
        outcome.errors.append(
            FileError(
                parsed.path or parsed.display,
                "files in your tree changed while the target ran (written by code that "
                "kerascheck does not redirect, such as a subprocess or a C library): "
                + "; ".join(changed[:10])
                + (f"; and {len(changed) - 10} more" if len(changed) > 10 else ""),
            )
        )
    if plot_path:
        _plot(plot_path, outcome)
    if output_format == "json":
        report.print_json(outcome)
    elif output_format == "text":
        report.print_text(outcome, Console())
    else:
        # The CI formats of `kerascheck check`, fed the same diagnostics, paths relative.
        diagnostics = [dataclasses.replace(d, path=_relative(d.path)) for d in outcome.diagnostics]
        file_errors = [dataclasses.replace(e, path=_relative(e.path)) for e in outcome.errors]
        result = FileResult(_relative(target), diagnostics, file_errors)
        emit(RunResult(files=[result]), output_format)
    sys.exit(outcome.exit_code)


def _codes(values: tuple[str, ...]) -> list[str]:
    """`--select A,B --select C` as check reads it: [A, B, C]."""
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


class Terminated(Exception):
    """SIGTERM arrived."""


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


def _protected(target: Target) -> list[str]:
    """The folders whose files the runs must not change: the working folder and the target's."""
    folders = [os.getcwd()]
    if target.path:
        folders.append(os.path.dirname(target.path))
    return list(dict.fromkeys(os.path.abspath(f) for f in folders))


def _plot(path: str, outcome: analysis.Outcome) -> None:
    # Imported here: matplotlib loads only for --plot.
    from kerascheck.runtime.parent.plot import plot_selu

    try:
        drawn = plot_selu(outcome.models, path)
    except OSError as error:
        outcome.warnings.append(f"--plot: cannot write {path}: {error.strerror or error}")
        return
    if not drawn:
        outcome.warnings.append("--plot: no SELU model to draw")


def _relative(path: str) -> str:
    """Relative to the working folder when the file is under it (CI annotations attach by it)."""
    if os.path.isabs(path) and path.startswith(os.getcwd() + os.sep):
        return os.path.relpath(path)
    return path


def _usage_error(console: Console, target: str, message: str, output_format: str) -> NoReturn:
    """Exit 2; in JSON mode still one JSON object on stdout, carrying the error."""
    console.print(f"[red]error:[/] {message}")
    if output_format == "json":
        error = FileError(target, message, internal=True)
        print(json.dumps({**report.empty_json(), "errors": [error.to_json()]}))
    sys.exit(2)


def _spec(
    target: Target,
    args: list[str],
    epochs: int,
    max_steps: int,
    seed: int,
    device: str,
    loss: str | None,
    optimizer: str | None,
    workdir: str,
    protected: list[str],
) -> ChildSpec:
    return ChildSpec(
        kind=target.kind,
        path=target.path,
        module=target.module,
        attr=target.attr,
        args=args,
        epochs=epochs,
        max_steps=max_steps,
        seed=seed,
        device=device,
        loss=loss,
        optimizer=optimizer,
        workdir=workdir,
        cwd=os.getcwd(),
        protected=protected,
    )


def _run_with_status(
    console: Console,
    specs: list[ChildSpec],
    timeout: float,
    memory_limit: int | None,
    marker: str,
    gpu_index: str | None,
) -> list[runner.ChildRun]:
    labels = ["run 1", "run 2 (reproducibility)"]
    with console.status("starting", spinner="dots") as status:

        def progress(number: int, stage: str, detail: str) -> None:
            words = STAGES.get(stage, stage)
            status.update(f"{labels[number]}: {words} {detail}".rstrip())

        # Side by side, one thread pool each, when there are two runs.
        threads = max(1, (os.cpu_count() or 2) // len(specs)) if len(specs) > 1 else None
        return runner.run_all(
            specs, timeout, memory_limit, progress, threads, marker=marker, gpu_index=gpu_index
        )


if __name__ == "__main__":
    run()
