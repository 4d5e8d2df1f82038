"""Validation over every core-2.0 script (SIMD included).

Per command: every binary ``assert_invalid`` module decodes and then fails validation with
an InvalidError whose message starts with the expected text; every module that must be
valid (``module`` commands with a binary, and the modules of ``assert_unlinkable`` and
``assert_uninstantiable``, which fail only later) validates. Text-only modules are
skipped. The session ends with ``validation: N passed, M failed, K skipped``.
"""

from __future__ import annotations

import pytest

pytest.importorskip("wasmvm.binary.decode", reason="decoder not available")

from wasmvm.binary.decode import decode_module  # noqa: E402
from wasmvm.errors import InvalidError, WasmError  # noqa: E402
from wasmvm.script import (  # noqa: E402
    TEXT_MODULE_SKIP,
    AssertInvalid,
    AssertUninstantiable,
    AssertUnlinkable,
    CheckResult,
    CheckSummary,
    ModuleCommand,
    Script,
)
from wasmvm.valid import validate_module  # noqa: E402

TEXT_ONLY_SKIP = TEXT_MODULE_SKIP

#: Every result of this session, for the summary line.
_RESULTS: list[CheckResult] = []


def _decode(data: bytes, features):
    try:
        return decode_module(data, features), None
    except WasmError as e:
        return None, f"decode failed: {e}"


def _must_be_invalid(data: bytes, text: str, features) -> str | None:
    module, why = _decode(data, features)
    if module is None:
        return why
    try:
        validate_module(module, features)
    except InvalidError as e:
        return None if e.matches(text) else (
            f"message mismatch: expected {text!r}, got {e.message!r}")
    except Exception as e:  # noqa: BLE001 - any other escape is the bug we report
        return f"expected InvalidError {text!r}, but validation raised {type(e).__name__}: {e}"
    return f"validated; expected InvalidError {text!r}"


def _must_be_valid(data: bytes, features) -> str | None:
    module, why = _decode(data, features)
    if module is None:
        return why
    try:
        info = validate_module(module, features)
    except Exception as e:  # noqa: BLE001
        return f"validation raised {type(e).__name__}: {e}"
    for i, (func, func_info) in enumerate(zip(module.funcs, info.funcs, strict=True)):
        if func.offsets is not None and len(func_info.heights) != len(func.offsets):
            return (f"function {i}: {len(func_info.heights)} heights for "
                    f"{len(func.offsets)} instruction offsets")
    return None


def check_validation(script: Script, lines=None) -> list[CheckResult]:
    """One result per validation-relevant command of ``script`` (all, or those on ``lines``)."""
    results = []
    for cmd in script.commands:
        if lines is not None and cmd.line not in lines:
            continue
        if isinstance(cmd, AssertInvalid):
            filename = cmd.wasm_filename
            check = lambda data, features, cmd=cmd: _must_be_invalid(  # noqa: E731
                data, cmd.text, features)
        elif isinstance(cmd, ModuleCommand | AssertUnlinkable | AssertUninstantiable):
            filename = cmd.wasm_filename
            check = _must_be_valid
        else:
            continue
        if filename is None:
            results.append(CheckResult(script.where(cmd), "skipped", TEXT_ONLY_SKIP))
            continue
        try:
            data = script.module_bytes(filename)
        except WasmError as e:  # a text module that does not parse
            why = f"text does not parse: {e}"
        else:
            why = check(data, script.features)
        results.append(CheckResult(script.where(cmd), "failed" if why else "passed", why or ""))
    return results


@pytest.fixture(scope="module", autouse=True)
def validation_summary(request):
    """After the last validation test, print ``validation: N passed, M failed, K skipped``."""
    yield
    if not _RESULTS:
        return
    plugins = request.config.pluginmanager
    reporter = plugins.get_plugin("terminalreporter")
    capture = plugins.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():  # teardown output is captured otherwise
        reporter.write_line("")
        reporter.write_line(CheckSummary("validation", _RESULTS).report(limit=50))


def test_validation(wast, spec_script, spec_lines, fail_spec_commands):
    results = check_validation(spec_script, spec_lines)
    _RESULTS.extend(results)
    fail_spec_commands(results)
