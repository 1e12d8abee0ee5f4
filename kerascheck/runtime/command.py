"""`kerascheck run`: run a script, notebook or model factory briefly and measure the models."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from typing import NoReturn

import click
from rich.console import Console

from kerascheck.model.results import FileError
from kerascheck.runtime import analysis, report, runner
from kerascheck.runtime.protocol import ChildSpec
from kerascheck.runtime.targets import Target, UsageError, parse_target

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
    type=click.IntRange(min=1),
    help="Stop a run whose memory passes this many MB.",
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
    root = tempfile.mkdtemp(prefix="kerascheck-run-")
    try:
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
            )
            for number in range(1 if no_repro else 2)
        ]
        runs = _run_with_status(errors, specs, timeout, memory_limit)
        outcome = analysis.analyse(parsed, runs)
    except KeyboardInterrupt:
        errors.print("[red]interrupted[/]: the child processes were stopped")
        sys.exit(130)
    finally:
        if not os.environ.get("KERASCHECK_KEEP_RUN"):
            shutil.rmtree(root, ignore_errors=True)
    if plot_path:
        from kerascheck.runtime.plot import plot_selu

        if not plot_selu(outcome.models, plot_path):
            outcome.warnings.append("--plot: no SELU model to draw")
    if output_format == "json":
        report.print_json(outcome)
    elif output_format == "text":
        report.print_text(outcome, Console())
    else:
        # The CI formats of `kerascheck check`, fed the same diagnostics.
        from kerascheck.model.results import FileResult, RunResult
        from kerascheck.report.emit import emit

        result = FileResult(target, list(outcome.diagnostics), list(outcome.errors))
        emit(RunResult(files=[result]), output_format)
    sys.exit(outcome.exit_code)


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
    )


def _run_with_status(
    console: Console, specs: list[ChildSpec], timeout: float, memory_limit: int | None
) -> list[runner.ChildRun]:
    labels = ["run 1", "run 2 (reproducibility)"]
    with console.status("starting", spinner="dots") as status:

        def progress(number: int, stage: str, detail: str) -> None:
            words = STAGES.get(stage, stage)
            status.update(f"{labels[number]}: {words} {detail}".rstrip())

        # Side by side, one thread pool each, when there are two runs.
        threads = max(1, (os.cpu_count() or 2) // len(specs)) if len(specs) > 1 else None
        return runner.run_all(specs, timeout, memory_limit, progress, threads)


if __name__ == "__main__":
    run()
