"""Machine formats through the CLI: GitHub annotations, SARIF, JUnit, --output-file, --statistics."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import FIXTURES, ROOT, run_cli, run_json

from kerascheck.model.results import Diagnostic, FileError, FileResult, RunResult, Severity
from kerascheck.report import github, junit, sarif

SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))
BAD = (
    "import keras\n"
    'model = keras.Sequential([keras.layers.Dense(10, activation="selu"),\n'
    "    keras.layers.Dense(\n"
    '        5, activation="selu"),\n'
    "])\n"
)
CLEAN = "import keras\nm = keras.Sequential([keras.layers.Dense(4, activation='relu')])\n"
MESSAGE = (
    "SELU layer `Dense` is initialised with the default glorot_uniform; "
    'self-normalisation needs kernel_initializer="lecun_normal"'
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "clean.py").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "broken.py").write_text("import keras\ndef (:\n", encoding="utf-8")
    nb = (FIXTURES / "notebooks" / "selu_magics.ipynb").read_text("utf-8")
    (tmp_path / "nb.ipynb").write_text(nb, encoding="utf-8")
    return tmp_path


def sarif_of(*args: str, cwd: Path) -> dict[str, Any]:
    proc = run_cli("check", "--format", "sarif", "--select", "KC101", *args, cwd=cwd)
    assert proc.returncode == 1, proc.stderr
    report: dict[str, Any] = json.loads(proc.stdout)
    return report


# --- GitHub ---------------------------------------------------------------------------------


def test_github_annotations(project: Path) -> None:
    proc = run_cli("check", "--format", "github", "--select", "KC101", ".", cwd=project)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    title = "title=kerascheck (KC101)"
    assert (
        lines[0]
        == f"::warning file=bad.py,line=2,col=27,endLine=2,endColumn=68,{title}::KC101 {MESSAGE}"
    )
    # A range over several lines has no col / endColumn.
    assert lines[1] == f"::warning file=bad.py,line=3,endLine=4,{title}::KC101 {MESSAGE}"
    # Notebook: the line of the .ipynb file holding the cell's line, the cell position in words.
    raw = (project / "nb.ipynb").read_text("utf-8").splitlines()
    nb_lines = [line for line in lines if "file=nb.ipynb" in line]
    assert len(nb_lines) == 2
    file_line = int(re.search(r",line=(\d+),", nb_lines[0]).group(1))  # type: ignore[union-attr]
    assert "SeluDense(300)" in raw[file_line - 1]
    assert nb_lines[0].endswith(f"::cell 5, line 4, column 5: KC101 {MESSAGE}")
    # Messages keep `:` (only properties escape it); errors are ::error with their position.
    assert (
        "::error file=broken.py,line=2,col=5,title=kerascheck::could not parse: invalid syntax"
        in lines
    )
    assert len(lines) == 5


def test_github_escapes_properties_and_messages(tmp_path: Path) -> None:
    name = "a,b:c%d.py"
    (tmp_path / name).write_text(BAD, encoding="utf-8")
    proc = run_cli("check", "--format", "github", "--select", "KC101", name, cwd=tmp_path)
    assert proc.stdout.startswith("::warning file=a%2Cb%3Ac%25d.py,line=2,")
    assert github.escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert github.escape_property("x:1,y%\n") == "x%3A1%2Cy%25%0A"


def runtime_result() -> RunResult:
    """What `kerascheck run` reports: a KR code with no static rule class behind it."""
    drift = Diagnostic(
        path="train.py",
        line=7,
        column=1,
        end_line=7,
        end_column=1,
        code="KR002",
        name="self-normalization-drift",
        severity=Severity.WARNING,
        message="layer 12: mean 0.9 (50% off)\nvariance 3.1",
        data={"layer": 12},
    )
    failed = FileError("train.py", "the script raised ValueError", code="KR003")
    return RunResult(files=[FileResult(path="train.py", diagnostics=[drift], errors=[failed])])


def test_runtime_findings_render_in_every_format() -> None:
    result = runtime_result()
    lines = github.render(result).splitlines()
    assert lines[0] == (
        "::warning file=train.py,line=7,col=1,endLine=7,endColumn=1,"
        "title=kerascheck (KR002)::KR002 layer 12: mean 0.9 (50%25 off)%0Avariance 3.1"
    )
    assert (
        lines[1] == "::error file=train.py,title=kerascheck (KR003)::the script raised ValueError"
    )
    report = sarif.as_dict(result)
    jsonschema.validate(report, SCHEMA)
    run = report["runs"][0]
    (entry,) = run["results"]
    rule = run["tool"]["driver"]["rules"][entry["ruleIndex"]]
    assert (rule["id"], rule["name"]) == ("KR002", "self-normalization-drift")
    assert run["invocations"][0]["toolExecutionNotifications"][0]["associatedRule"]["id"] == "KR003"
    root = ET.fromstring(junit.render(result))
    assert root.find("testsuite/testcase/failure").get("type") == "KR002"  # type: ignore[union-attr]
    assert root.find("testsuite/testcase/error") is not None


# --- SARIF ----------------------------------------------------------------------------------


def test_sarif_is_valid_and_complete(project: Path) -> None:
    broken_nb = (FIXTURES / "notebooks" / "broken_cell.ipynb").read_text("utf-8")
    (project / "broken_nb.ipynb").write_text(broken_nb, encoding="utf-8")
    report = sarif_of(".", cwd=project)
    jsonschema.validate(report, SCHEMA)
    run = report["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "kerascheck" and driver["version"] and driver["informationUri"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    kc101 = rules["KC101"]
    assert kc101["name"] == "selu-without-lecun-normal"
    assert kc101["shortDescription"]["text"].startswith("SELU activation without LeCun")
    assert kc101["fullDescription"]["text"].startswith("Reports Dense and convolution layers")
    assert "## Why is this bad?" in kc101["help"]["markdown"]
    assert kc101["defaultConfiguration"]["level"] == "warning"
    results = run["results"]
    first = results[0]
    assert driver["rules"][first["ruleIndex"]]["id"] == first["ruleId"] == "KC101"
    assert first["level"] == "warning"
    assert first["message"]["text"] == MESSAGE
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "bad.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 2, "startColumn": 27, "endLine": 2, "endColumn": 68}
    notebook = [
        r
        for r in results
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "nb.ipynb"
    ]
    assert [r["properties"]["cell"] for r in notebook] == [5, 5]
    assert notebook[0]["properties"]["cellRegion"]["startLine"] == 4
    error, nb_error = run["invocations"][0]["toolExecutionNotifications"]
    assert error["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    # The broken cell's error points at the .ipynb line holding `def broken(:`.
    nb_line = nb_error["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert "def broken(:" in broken_nb.splitlines()[nb_line - 1]
    assert nb_error["message"]["text"].startswith("cell 2, line 1: could not parse")
    assert run["invocations"][0]["executionSuccessful"] is True


def apply_replacements(text: str, replacements: list[dict[str, Any]]) -> str:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    for rep in sorted(
        replacements,
        key=lambda r: (r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]),
        reverse=True,
    ):
        region = rep["deletedRegion"]
        start = offset(region["startLine"], region["startColumn"])
        end = offset(region["endLine"], region["endColumn"])
        text = text[:start] + rep.get("insertedContent", {}).get("text", "") + text[end:]
    return text


def test_sarif_fixes_are_text_edits_that_fix_the_finding(project: Path) -> None:
    report = sarif_of("bad.py", cwd=project)
    results = report["runs"][0]["results"]
    assert len(results) == 2
    text = (project / "bad.py").read_text("utf-8")
    for result in results:
        (fix,) = result["fixes"]
        assert fix["description"]["text"] == 'set kernel_initializer="lecun_normal"'
        (change,) = fix["artifactChanges"]
        assert change["artifactLocation"]["uri"] == "bad.py"
        text = apply_replacements(text, change["replacements"])
    assert text.count('kernel_initializer="lecun_normal"') == 2
    (project / "fixed.py").write_text(text, encoding="utf-8")
    code, after = run_json("--select", "KC101", "fixed.py", cwd=project)
    assert (code, after["diagnostics"], after["errors"]) == (0, [], [])


def fingerprints(report: dict[str, Any]) -> list[tuple[str, int]]:
    return [
        (
            r["partialFingerprints"]["kerascheck/v1"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in report["runs"][0]["results"]
    ]


def test_sarif_fingerprints_survive_unrelated_line_moves(tmp_path: Path) -> None:
    same = 'import keras\nm = keras.Sequential([\n    keras.layers.Dense(4, activation="selu"),\n    keras.layers.Dense(4, activation="selu"),\n])\n'
    path = tmp_path / "m.py"
    path.write_text(same, encoding="utf-8")
    before = fingerprints(sarif_of("m.py", cwd=tmp_path))
    # Two identical lines still get distinct fingerprints (the occurrence counts).
    assert len({fp for fp, _ in before}) == 2
    path.write_text("# a comment\n\nimport os\n" + same, encoding="utf-8")
    after = fingerprints(sarif_of("m.py", cwd=tmp_path))
    assert [fp for fp, _ in after] == [fp for fp, _ in before]
    assert [line for _, line in after] == [line + 3 for _, line in before]
    # Changing the reported line itself changes its fingerprint.
    path.write_text(same.replace("Dense(4, activation", "Dense(8, activation", 1), encoding="utf-8")
    changed = fingerprints(sarif_of("m.py", cwd=tmp_path))
    assert changed[0][0] != before[0][0]


def test_sarif_uri_is_relative_for_absolute_paths_under_the_cwd(project: Path) -> None:
    report = sarif_of(str(project / "bad.py"), cwd=project)
    location = report["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "bad.py", "uriBaseId": "%SRCROOT%"}


def test_sarif_without_findings_is_valid(project: Path) -> None:
    proc = run_cli("check", "--format", "sarif", "clean.py", cwd=project)
    assert proc.returncode == 0
    report = json.loads(proc.stdout)
    jsonschema.validate(report, SCHEMA)
    assert report["runs"][0]["results"] == []


# --- JUnit ----------------------------------------------------------------------------------


def test_junit(project: Path) -> None:
    proc = run_cli("check", "--format", "junit", "--select", "KC101", ".", cwd=project)
    assert proc.returncode == 1
    root = ET.fromstring(proc.stdout)
    assert root.tag == "testsuites"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {"bad.py", "broken.py", "clean.py", "nb.ipynb"}
    bad = suites["bad.py"]
    assert (bad.get("tests"), bad.get("failures"), bad.get("errors")) == ("2", "2", "0")
    failures = bad.findall("testcase/failure")
    assert [f.get("type") for f in failures] == ["KC101", "KC101"]
    assert failures[0].get("message") == f"KC101 {MESSAGE}"
    assert "bad.py:2:27" in (failures[0].text or "")
    broken = suites["broken.py"]
    assert broken.get("errors") == "1" and broken.find("testcase/error") is not None
    clean = suites["clean.py"]
    assert clean.get("failures") == "0" and clean.find("testcase") is not None
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "4", "1")
    assert "cell 5:4:5" in (suites["nb.ipynb"].find("testcase/failure").text or "")  # type: ignore[union-attr]


# --- --output-file and --statistics ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "concise", "github", "sarif", "junit"])
def test_output_file_holds_what_stdout_would(project: Path, fmt: str) -> None:
    printed = run_cli("check", "--format", fmt, "--select", "KC101", "bad.py", cwd=project)
    written = run_cli(
        "check",
        "--format",
        fmt,
        "--select",
        "KC101",
        "bad.py",
        "--output-file",
        "out/report",
        cwd=project,
    )
    assert written.returncode == printed.returncode == 1
    assert written.stdout == ""
    assert (project / "out" / "report").read_text("utf-8") == printed.stdout


def test_output_file_for_text_has_no_colour(project: Path) -> None:
    proc = run_cli(
        "check",
        "bad.py",
        "-o",
        "report.txt",
        "--select",
        "KC101",
        cwd=project,
        env={"FORCE_COLOR": "1"},
    )
    assert proc.returncode == 1 and proc.stdout == ""
    text = (project / "report.txt").read_text("utf-8")
    assert "bad.py:2:27: KC101" in text and "Found 2 problems" in text
    assert "\x1b[" not in text


def test_statistics(project: Path) -> None:
    proc = run_cli("check", "--statistics", "--select", "KC101", ".", cwd=project)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "4\tKC101\t[*] selu-without-lecun-normal",
        "1\terror\t    files or cells that could not be checked",
    ]
    proc = run_cli(
        "check", "--statistics", "--format", "json", "--select", "KC101", ".", cwd=project
    )
    assert json.loads(proc.stdout) == {
        "rules": [{"code": "KC101", "name": "selu-without-lecun-normal", "count": 4, "fixable": 4}],
        "errors": 1,
    }
    clean = run_cli("check", "--statistics", "clean.py", cwd=project)
    assert (clean.returncode, clean.stdout) == (0, "")
