"""Write a RunResult in the chosen format to stdout or to `--output-file`."""

from __future__ import annotations

import os
import sys
from typing import IO

from kerascheck.model.results import RunResult

FORMATS = ("text", "concise", "json", "github", "gitlab", "sarif", "junit")


# Each format's module is imported when chosen, to keep start-up fast: sarif needs hashlib,
# junit an XML writer, text rich; a run pays only for the format it writes.


def render(result: RunResult, fmt: str, quiet: bool = False) -> str:
    """Every format but `text` (which rich prints itself) as one string; `quiet` drops the
    summary of the formats for people."""
    if fmt == "json":
        from kerascheck.report import json_report

        return json_report.render(result)
    if fmt == "concise":
        from kerascheck.report import concise
        from kerascheck.report.text import summary

        return concise.render(result) + ("" if quiet else summary(result) + "\n")
    if fmt == "github":
        from kerascheck.report import github

        return github.render(result)
    if fmt == "gitlab":
        from kerascheck.report import gitlab

        return gitlab.render(result)
    if fmt == "sarif":
        from kerascheck.report import sarif

        return sarif.render(result)
    if fmt == "junit":
        from kerascheck.report import junit

        return junit.render(result)
    raise ValueError(f"unknown format {fmt!r}")


def emit(
    result: RunResult,
    fmt: str,
    output_file: str | None = None,
    statistics: bool = False,
    quiet: bool = False,
) -> None:
    if output_file is None:
        _write(result, fmt, statistics, sys.stdout, quiet)
        return
    parent = os.path.dirname(output_file)
    if parent:
        os.makedirs(parent, exist_ok=True)
    with open(output_file, "w", encoding="utf-8", newline="\n") as stream:
        _write(result, fmt, statistics, stream, quiet)


def _write(
    result: RunResult, fmt: str, statistics: bool, stream: IO[str], quiet: bool = False
) -> None:
    if statistics:
        from kerascheck.report import statistics as stats

        stream.write(stats.render(result, "json" if fmt == "json" else "text"))
    elif fmt == "text":
        from kerascheck.report import text

        text.render(result, stream=stream, quiet=quiet)
    else:
        stream.write(render(result, fmt, quiet))
