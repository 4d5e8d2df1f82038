"""``wasmvm debug`` (``wasmvm/cli/debug.py``): scripts piped to the terminal debugger.

- Each stop prints the step, function, byte offset, instruction and stack; ``print``
  adds the locals (with their names) and the frames; ``memory`` a hex dump.
- ``back``, ``rnext`` and ``goto`` show the state of the earlier step, memory included;
  breakpoints by offset and by function stop ``continue``.
- A trap is shown, and can be stepped back from; mistakes in commands are reported and
  the session goes on; .wat files are read as .wasm ones.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from wasmvm.cli import main

ROOT = Path(__file__).resolve().parents[1]
FAC = str(ROOT / "fixtures" / "fac.wasm")

MEM = """
(module
  (memory 1)
  (func $sq (param $x i32) (result i32) (i32.mul (local.get $x) (local.get $x)))
  (func (export "fill") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (i32.store8 (local.get $i) (i32.add (i32.const 0x41) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (call $sq (local.get $n)))
  (func $div (export "div") (param i32) (result i32)
    (i32.div_u (i32.const 7) (local.get 0))))
"""


def debug(monkeypatch, capsys, script: str, *argv: str) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(script))
    assert main(["debug", *argv]) == 0
    return capsys.readouterr().out


def stops(out: str) -> list[str]:
    """The stop lines (``#N ...``) of a transcript."""
    return [line for line in out.splitlines() if line.startswith("#")]


def test_stepping_forwards_and_backwards(monkeypatch, capsys):
    out = debug(monkeypatch, capsys, "step\nbreak 0x43\ncontinue\nrnext\nnext\nback 2\n"
                "goto 0\ndelete\ncontinue\nback\nprint\nquit\n", FAC, "--invoke", "fac_rec", "3")
    lines = stops(out)
    assert lines[0] == "#0 fac_rec 0x32: local.get 0 <n>"
    assert lines[1] == "#1 fac_rec 0x34: i64.eqz"
    mul = lines[2]
    assert "0x43: i64.mul  (depth 2)" in mul
    call = lines[3]
    assert "0x41: call 0 <fac_rec>  (depth 2)" in call
    assert lines[4] == mul  # next over the call comes back to the multiplication
    n = int(mul.split()[0][1:])
    assert lines[5].startswith(f"#{n - 2} ")
    assert lines[6] == lines[0]
    end = int(lines[7].split()[0][1:])
    assert lines[7] == f"#{end} returned: i64:6"
    assert lines[8].startswith(f"#{end - 1} fac_rec 0x45: end")
    assert "  stack: [i64:6]" in out and "  local 0 $n: i64:3" in out
    assert "  frames: fac_rec" in out
    assert "breakpoint 1: <Breakpoint fac_rec at 0x43>" in out


def test_memory_is_shown_as_it_was(tmp_path, monkeypatch, capsys):
    wat = tmp_path / "mem.wat"
    wat.write_text(MEM)
    out = debug(monkeypatch, capsys, "break sq\ncontinue\nmemory 0 8\ngoto 3\nmemory 0 8\n"
                "x 0x10000\nq\n", str(wat), "--invoke", "fill", "3")
    dumps = [line for line in out.splitlines() if line.startswith("  00000000")]
    assert dumps[0].split() == ["00000000", "41", "42", "43", *["00"] * 5, "ABC....."]
    assert dumps[1].split() == ["00000000", *["00"] * 8, "........"]
    assert "error: out of bounds: the memory has 65536 bytes" in out
    assert "#0 " not in stops(out)[-1] and stops(out)[-1].startswith("#3 ")
    assert "sq 0x" in stops(out)[1] and "(depth 1)" in stops(out)[1]


def test_a_trap_is_shown_and_stepped_back_from(tmp_path, monkeypatch, capsys):
    wat = tmp_path / "mem.wat"
    wat.write_text(MEM)
    out = debug(monkeypatch, capsys, "continue\nstep\nback\nprint\nc\n", str(wat),
                "--invoke", "div", "0")
    assert "#2 div 0x" in out and ": i32.div_u" in out
    assert "trap: integer divide by zero" in out
    assert "error: the call has ended (back or goto go to an earlier step)" in out
    assert stops(out)[-2].startswith("#1 ") and "local 0: i32:0" in out
    assert out.count("trap: integer divide by zero") == 2  # and again, going forward


def test_mistakes_are_reported_and_the_session_goes_on(monkeypatch, capsys):
    out = debug(monkeypatch, capsys, "frobnicate\ngoto\nstep x\nbreak nosuch\nback\n"
                "memory 0\ndelete 3\n# a comment\n\nhelp\n", FAC, "--invoke", "fac_rec", "2")
    assert "unknown command 'frobnicate' (help lists them)" in out
    assert "error: goto N" in out
    assert "error: not a number: 'x'" in out
    assert "error: no function 'nosuch' defined in this module" in out
    assert "error: already at step 0, the earliest kept" in out
    assert "error: the module has no memory" in out
    assert "error: no breakpoint 3" in out
    assert "  rnext/rn" in out and "# a comment" not in out


def test_usage_errors(monkeypatch, capsys):
    assert main(["debug", FAC, "--invoke", "nosuch"]) == 1
    assert "no exported function 'nosuch'" in capsys.readouterr().err
    assert main(["debug", FAC, "--invoke", "fac_rec"]) == 1


@pytest.mark.parametrize("suffix", [".wat", ".wasm"])
def test_a_piped_session(tmp_path, suffix):
    path = tmp_path / f"m{suffix}"
    if suffix == ".wat":
        path.write_text(MEM)
    else:
        path.write_bytes(Path(FAC).read_bytes())
    func, arg = ("fill", "2") if suffix == ".wat" else ("fac_rec", "4")
    done = subprocess.run([sys.executable, "-m", "wasmvm", "debug", str(path), "--invoke",
                           func, arg], input="c\nback\ngoto 1\nquit\n", capture_output=True,
                          text=True, cwd=ROOT, check=True)
    out = done.stdout
    assert "returned: i32:4" in out if suffix == ".wat" else "returned: i64:24" in out
    assert "(wasmvm) goto 1" in out and stops(out)[-1].startswith("#1 ")


WASI = """
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\\n")
  (func $main (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 3))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (i32.const 3))))
"""


def test_a_wasi_program_writes_once_and_exits(tmp_path, monkeypatch, capsys):
    """Its output goes among the debugger's, once: going back over fd_write and forward
    again puts back what it did (the count of bytes written, at 8) without writing."""
    wat = tmp_path / "w.wat"
    wat.write_text(WASI)
    out = debug(monkeypatch, capsys, "continue\ngoto 0\ncontinue\nback\nmemory 8 4\n"
                "goto 6\nmemory 8 4\nq\n", str(wat), "--invoke", "_start")
    assert out.count("hi\n") == 1
    assert out.count("ended: exited with i32 exit status 3") == 2
    assert stops(out)[1].startswith("#13 main 0x") and stops(out)[1].endswith(": call 1 <exit>")
    assert stops(out)[3] == stops(out)[1]
    assert stops(out)[4].startswith("#12 main 0x") and stops(out)[4].endswith(": i32.const 3")
    assert "  stack: []\nended: exited with i32 exit status 3\n" in out
    dumps = [line.split()[1:5] for line in out.splitlines() if line.startswith("  00000008")]
    assert dumps == [["03", "00", "00", "00"], ["00", "00", "00", "00"]]


def test_a_wasi_program_reads_the_stdin_given(tmp_path, monkeypatch, capsys):
    from .wasi_harness import compile_c

    path = compile_c("stdin")
    given = tmp_path / "in.txt"
    given.write_bytes(b"one\n")
    out = debug(monkeypatch, capsys, "continue\ngoto 1000\ncontinue\nq\n", str(path),
                "--invoke", "_start", "--stdin", str(given))
    assert out.count("line 1 (4 bytes): ONE\n") == 1 and out.count(" returned") == 2
    assert main(["debug", str(path), "--invoke", "_start", "--stdin",
                 str(tmp_path / "none")]) == 1
    assert "none: no such file" in capsys.readouterr().err


def test_other_imports_are_refused(tmp_path, capsys):
    wat = tmp_path / "i.wat"
    wat.write_text('(module (import "env" "f" (func)))')
    assert main(["debug", str(wat), "--invoke", "f"]) == 1
    assert ("the module imports env.f; debug runs modules without imports, or WASI "
            "programs") in capsys.readouterr().err
