"""pytest integration of the official spec tests: one item per ``.wast`` file.

A test that takes the argument ``wast`` runs once per file of ``core-2.0`` (``simd/``
included) and of ``core-3.0`` (the scripts of what is not implemented yet skipped, with
the reason: ``NOT_YET``), with ids such as ``core-2.0/simd/simd_const.wast``. The fixture ``spec_script``
gives the parsed ``Script``: read natively (``wasmvm.script.wast``, no external tool), or,
with ``WASMVM_SPEC_CONVERTER=wasm-tools``, converted by ``wasm-tools json-from-wast`` (all
selected files are converted once, in parallel, into the cache); ``spec_lines`` is the
set of lines to run, or None for all:

    --spec-lines=12,40   or   WASMVM_SPEC_LINES=12,40      (ranges too: 12-40)

See spec_tests/README.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

try:
    import wasmvm  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wasmvm.script import (  # noqa: E402
    CheckResult,
    CheckSummary,
    Script,
    load_converted,
    parse_line_selection,
)
from wasmvm.script.convert import (  # noqa: E402
    Converted,
    SpecSetupError,
    convert_many,
    display_name,
    find_testsuite,
    suite_files,
)
from wasmvm.script.wast import load_wast  # noqa: E402

SUITES = ("core-2.0", "core-3.0")
#: Scripts of core-3.0 that test what wasmvm does not implement yet, with the reason
#: (every other 3.0 script runs, and must pass like 2.0's).
NOT_YET: dict[str, str] = {
    # (empty: GC landed, issue 17; every 3.0 script runs)
}


def not_yet(name: str) -> str | None:
    """Why a script is not run yet (see NOT_YET), or None."""
    return next((why for prefix, why in NOT_YET.items() if name.startswith(prefix)), None)
LINES_ENV = "WASMVM_SPEC_LINES"
#: ``native`` (the default) or ``wasm-tools``: how ``spec_script`` reads a script
CONVERTER_ENV = "WASMVM_SPEC_CONVERTER"
FAILURE_LIST_LIMIT = 50

_binary_format_key = pytest.StashKey[list[CheckResult]]()
_converted_key = pytest.StashKey[dict[Path, Converted]]()


def pytest_addoption(parser):
    parser.addoption("--spec-lines", default=None, metavar="LINES",
                     help=f"run only the spec commands on these .wast lines, e.g. 12,40 or 100-200 "
                          f"(also ${LINES_ENV})")


def pytest_generate_tests(metafunc):
    if "wast" not in metafunc.fixturenames:
        return
    try:
        files = [f for suite in SUITES for f in suite_files(suite)]
    except SpecSetupError as e:
        metafunc.parametrize("wast", [pytest.param(None, marks=pytest.mark.skip(reason=str(e)))],
                             ids=["spec"])
        return
    root = find_testsuite()
    params = []
    for f in files:
        name = display_name(f, root)
        why = not_yet(name)
        marks = [pytest.mark.skip(reason=why)] if why else []
        params.append(pytest.param(f, marks=marks, id=name))
    metafunc.parametrize("wast", params)


@pytest.fixture(scope="session")
def spec_lines(pytestconfig) -> frozenset[int] | None:
    text = pytestconfig.getoption("--spec-lines") or os.environ.get(LINES_ENV)
    try:
        return parse_line_selection(text)
    except ValueError as e:
        raise pytest.UsageError(str(e)) from None


@pytest.fixture
def spec_script(request, wast: Path) -> Script:
    """The parsed script of ``wast``: read natively, or (``WASMVM_SPEC_CONVERTER=wasm-tools``)
    converted, where the first use converts every selected file at once (in parallel;
    cache hits cost a hash each)."""
    converter = os.environ.get(CONVERTER_ENV, "native")
    if converter == "native":
        return load_wast(wast)
    if converter != "wasm-tools":
        raise pytest.UsageError(f"{CONVERTER_ENV}={converter}: use native or wasm-tools")
    done = request.config.stash.setdefault(_converted_key, {})
    if wast not in done:
        selected = {item.callspec.params["wast"] for item in request.session.items
                    if hasattr(item, "callspec") and item.callspec.params.get("wast") is not None}
        pending = sorted(p for p in selected | {wast} if p not in done)
        done.update((c.wast, c) for c in convert_many(pending))
    return load_converted(done[wast])


@pytest.fixture
def binary_format_results(request) -> list[CheckResult]:
    """Where binary-format tests record per-command results for the session summary."""
    return request.config.stash.setdefault(_binary_format_key, [])


@pytest.fixture
def fail_spec_commands(request, spec_script):
    """``fail_spec_commands(results)`` fails the test if any result failed, listing each as
    ``file:line: reason`` and how to rerun just those lines."""

    def fail(results: list[CheckResult]) -> None:
        failures = [r for r in results if r.outcome == "failed"]
        if not failures:
            return
        lines = ",".join(r.where.rsplit(":", 1)[1] for r in failures)
        report = [f"{r.where}: {r.reason}" for r in failures]
        report.append(f"rerun: {LINES_ENV}={lines} .venv/bin/pytest '{request.node.nodeid}'")
        pytest.fail(f"{len(failures)} of {len(results)} commands failed:\n" + "\n".join(report),
                    pytrace=False)

    return fail


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    results = config.stash.get(_binary_format_key, None)
    if results is None:
        return
    terminalreporter.section("spec tests")
    terminalreporter.write_line(CheckSummary("binary-format", results).report(FAILURE_LIST_LIMIT))
