"""Spec-test scripts: ``.wast`` conversion, the command model, and the checks that use them.

    load_wast("…/core-2.0/i32.wast") -> Script          read natively (``script.wast``)
    load_script("…/core-2.0/i32.wast") -> Script        convert with wasm-tools (cached) and parse
    run_binary_format_checks(paths) -> CheckSummary      decode / reject / round-trip every module

A check yields one ``CheckResult`` per command, named ``file:line`` so that it can be rerun
alone. ``spec_tests/`` (pytest) and the ``wasmvm spec`` command both build on these.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Literal

from ..errors import MalformedError
from .commands import (
    Action,
    ActionCommand,
    AssertException,
    AssertExhaustion,
    AssertInvalid,
    AssertMalformed,
    AssertReturn,
    AssertTrap,
    AssertUninstantiable,
    AssertUnlinkable,
    Command,
    Either,
    ModuleAssertion,
    ModuleCommand,
    ModuleDefinition,
    ModuleInstance,
    NanPattern,
    RefValue,
    Register,
    Script,
    ScriptError,
    TextModule,
    Unknown,
    V128Pattern,
    load_converted,
    load_script,
    parse_commands,
    parse_value,
)
from .convert import (
    Converted,
    SpecSetupError,
    convert,
    convert_many,
    find_testsuite,
    find_wasm_tools,
    suite_files,
)
from .wast import load_wast, read_wast

__all__ = [
    "Action", "ActionCommand", "AssertException", "AssertExhaustion", "Either",
    "ModuleDefinition", "ModuleInstance", "Unknown", "AssertInvalid", "AssertMalformed",
    "AssertReturn", "AssertTrap", "AssertUninstantiable", "AssertUnlinkable", "Command",
    "ModuleAssertion", "ModuleCommand", "NanPattern", "RefValue", "Register", "Script",
    "ScriptError", "V128Pattern", "load_converted", "load_script", "parse_commands",
    "parse_value", "Converted", "SpecSetupError", "convert", "convert_many", "find_testsuite",
    "find_wasm_tools", "suite_files", "CheckResult", "CheckSummary", "check_binary_format",
    "run_binary_format_checks", "TEXT_MALFORMED_SKIP", "TEXT_MODULE_SKIP", "parse_line_selection",
    "TextModule", "load_wast", "read_wast",
]

Outcome = Literal["passed", "failed", "skipped"]


@dataclass(frozen=True)
class CheckResult:
    where: str  # "core-2.0/binary.wast:12"
    outcome: Outcome
    reason: str = ""


@dataclass
class CheckSummary:
    """Results of one kind of check over many commands."""

    name: str
    results: list[CheckResult] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(r.outcome == outcome for r in self.results)

    @property
    def failures(self) -> list[CheckResult]:
        return [r for r in self.results if r.outcome == "failed"]

    def line(self) -> str:
        """``binary-format: N passed, M failed, K skipped``."""
        return (f"{self.name}: {self.count('passed')} passed, {self.count('failed')} failed, "
                f"{self.count('skipped')} skipped")

    def report(self, limit: int = 50) -> str:
        """The summary line, then ``file:line: reason`` for the first ``limit`` failures."""
        failures = self.failures
        out = [self.line()]
        out += [f"{r.where}: {r.reason}" for r in failures[:limit]]
        if len(failures) > limit:
            out.append(f"... and {len(failures) - limit} more failures")
        return "\n".join(out)


def parse_line_selection(text: str | None) -> frozenset[int] | None:
    """``"12,40,100-110"`` -> those line numbers; empty or None -> None (every line)."""
    if not text or not text.strip():
        return None
    lines: set[int] = set()
    for part in text.replace(" ", "").split(","):
        lo, _, hi = part.partition("-")
        try:
            if part:
                lines.update(range(int(lo), int(hi or lo) + 1))
        except ValueError:
            raise ValueError(f"bad line selection {part!r} (use e.g. 12,40 or 100-200)") from None
    return frozenset(lines)


# -- the binary-format check -----------------------------------------------------------

#: The binary-format check skips text-form assert_malformed: they test the WAT parser, and
#: the core check (``runner``, ``wasmvm spec``) runs them.
TEXT_MALFORMED_SKIP = ("text-format assert_malformed: tests the WAT parser (the core check runs it), "
                       "not the binary decoder")
#: The binary-format and validation checks skip a text module (``module quote``) that has
#: no binary of its own.
TEXT_MODULE_SKIP = "text module without a binary"


def _describe(e: BaseException) -> str:
    """``IndexError: list index out of range (at reader.py:40 in read_byte)``."""
    msg = str(e)
    if len(msg) > 200:
        msg = msg[:200] + "..."
    frames = traceback.extract_tb(e.__traceback__)
    at = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""
    return f"{type(e).__name__}: {msg}{at}"


def _short(x) -> str:
    text = repr(x)
    return text if len(text) <= 120 else text[:117] + "..."


def _first_difference(a, b) -> str:
    """Where two modules differ, one level into lists: ``module.customs[2]: X became Y``."""
    if is_dataclass(a) and type(a) is type(b):
        for f in fields(a):
            x, y = getattr(a, f.name), getattr(b, f.name)
            if not f.compare or x == y:
                continue
            if isinstance(x, list) and isinstance(y, list):
                if len(x) != len(y):
                    return f"module.{f.name}: {len(x)} items became {len(y)}"
                i = next(i for i, (p, q) in enumerate(zip(x, y)) if p != q)
                return f"module.{f.name}[{i}]: {_short(x[i])} became {_short(y[i])}"
            return f"module.{f.name}: {_short(x)} became {_short(y)}"
    return "module"


class _BinaryChecker:
    def __init__(self, decode: Callable, encode: Callable | None):
        self.decode, self.encode = decode, encode

    def well_formed(self, data: bytes) -> str | None:
        """None if ``data`` decodes and round-trips; else why not."""
        try:
            module = self.decode(data)
        except MalformedError as e:
            return f"decode failed: {e}"
        except Exception as e:  # noqa: BLE001 - any other escape is the bug we report
            return f"decode raised {_describe(e)}"
        if self.encode is None:
            return "round trip not checked: wasmvm.binary.encode_module is not available"
        try:
            again = self.decode(self.encode(module))
        except Exception as e:  # noqa: BLE001
            return f"round trip raised {_describe(e)}"
        if again != module:
            return f"round trip changed {_first_difference(module, again)}"
        return None

    def malformed(self, data: bytes, text: str) -> str | None:
        """None if ``data`` is rejected with a MalformedError whose message starts with ``text``."""
        try:
            self.decode(data)
        except MalformedError as e:
            if e.matches(text):
                return None
            return f"message mismatch: expected {text!r}, got {e.message!r}"
        except Exception as e:  # noqa: BLE001
            return f"expected MalformedError {text!r}, but decode raised {_describe(e)}"
        return f"decoded without error; expected MalformedError {text!r}"


def _decoder_pair() -> tuple[Callable, Callable | None]:
    from ..binary import decode_module  # raises ImportError while there is no decoder

    try:
        from ..binary import encode_module
    except ImportError:
        encode_module = None
    return decode_module, encode_module


def check_binary_format(script: Script, lines: Collection[int] | None = None) -> list[CheckResult]:
    """One result per binary-format-relevant command of ``script`` (all, or those on ``lines``).

    A module, and the module of assert_invalid / assert_unlinkable / assert_uninstantiable,
    must decode and round-trip (decode(encode(m)) == m); a binary assert_malformed must raise
    MalformedError with the expected text as a prefix of its message. Text-format
    assert_malformed are skipped (``TEXT_MALFORMED_SKIP``); a text module is parsed first
    (a failure if it does not parse). Commands about execution are not counted.
    """
    decode, encode = _decoder_pair()
    features = script.features
    checker = _BinaryChecker(lambda data: decode(data, features), encode)
    results = []
    for cmd in script.commands:
        if lines is not None and cmd.line not in lines:
            continue
        if isinstance(cmd, AssertMalformed):
            if cmd.module_type != "binary":
                results.append(CheckResult(script.where(cmd), "skipped", TEXT_MALFORMED_SKIP))
                continue
            why = checker.malformed(script.module_bytes(cmd.filename), cmd.text)
        elif isinstance(cmd, ModuleCommand | ModuleAssertion):
            filename = cmd.wasm_filename
            if filename is None:
                results.append(CheckResult(script.where(cmd), "skipped", TEXT_MODULE_SKIP))
                continue
            try:
                data = script.module_bytes(filename)
            except MalformedError as e:  # a text module that does not parse
                why = f"text does not parse: {e}"
            else:
                why = checker.well_formed(data)
        else:
            continue
        results.append(CheckResult(script.where(cmd), "failed" if why else "passed", why or ""))
    return results


def run_binary_format_checks(paths: Iterable[str | Path],
                             lines: Collection[int] | None = None) -> CheckSummary:
    """Convert (in parallel, cached) and check every ``.wast`` in ``paths``."""
    summary = CheckSummary("binary-format")
    for converted in convert_many(paths):
        summary.results += check_binary_format(load_converted(converted), lines)
    return summary
