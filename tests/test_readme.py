"""Every Python example in README.md runs as written and prints what it says."""

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


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
