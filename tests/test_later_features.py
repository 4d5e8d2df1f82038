"""Modules that use WebAssembly 3.0 (or a later proposal) are rejected with an error that
names the feature, its version, the instruction or construct and the offset, while the
message a 2.0 decoder gives stays available for the spec tests (``spec_message``).
Every hex number in these messages carries 0x; ``wasmvm dump -h/-x`` still lists the
sections of such a module."""

from __future__ import annotations

import subprocess
import sys

import pytest

from wasmvm import InvalidError, MalformedError, UnsupportedError, UnsupportedFeatureError
from wasmvm.binary import decode_module
from wasmvm.binary.decode import decode_partial
from wasmvm.syntax.features import WASM2
from wasmvm.valid import validate_module

HEADER = b"\0asm\1\0\0\0"


def section(sid: int, payload: bytes) -> bytes:
    assert len(payload) < 128
    return bytes([sid, len(payload)]) + payload


def module_with_body(body: bytes, *, params: bytes = b"\x01\x7f", results: bytes = b"\x01\x7f",
                     extra: bytes = b"") -> bytes:
    """One function of type (params) -> (results) with ``body`` (no locals, ``end`` added)."""
    code = b"\x00" + body + b"\x0b"
    return (HEADER + section(1, b"\x01\x60" + params + results) + section(3, b"\x01\x00") + extra
            + section(10, b"\x01" + bytes([len(code)]) + code))


def rejected(data: bytes, features=WASM2) -> MalformedError:
    """The error of decoding ``data`` on a WebAssembly 2.0 engine (every 3.0 feature
    switched off: what is not implemented yet is rejected the same way)."""
    with pytest.raises(MalformedError) as info:
        decode_module(data, features)
    return info.value


#: (body, feature, what, spec_message): instructions of later proposals (the implemented
#: ones, return_call*, with their feature switched off)
INSTRUCTIONS = [
    (b"\x20\x00\x15\x00", "tail calls", "return_call_ref", "illegal opcode 0x15"),
    (b"\x20\x00\x12\x00", "tail calls", "return_call", "illegal opcode 0x12"),
    (b"\x20\x00\x20\x00\x13\x00\x00", "tail calls", "return_call_indirect", "illegal opcode 0x13"),
    (b"\x20\x00\x08\x00", "exception handling", "throw", "illegal opcode 0x08"),
    (b"\x20\x00\x1f\x40\x00\x0b", "exception handling", "try_table", "illegal opcode 0x1f"),
    (b"\x20\x00\xd4", "typed function references", "ref.as_non_null", "illegal opcode 0xd4"),
    (b"\x20\x00\xfb\x1c", "garbage collection", "ref.i31", "illegal opcode 0xfb 0x1c"),
    (b"\x20\x00\xfe\x10\x02\x00", "threads", "an atomic instruction", "illegal opcode 0xfe 0x10"),
    (b"\x20\x00\x06\x40\x0b", "legacy exception handling", "try", "illegal opcode 0x06"),
]


@pytest.mark.parametrize("body, feature, what, spec", INSTRUCTIONS, ids=[i[2] for i in INSTRUCTIONS])
def test_instructions_of_later_proposals_are_named(body, feature, what, spec):
    data = module_with_body(body)
    e = rejected(data)
    assert isinstance(e, UnsupportedFeatureError) and isinstance(e, UnsupportedError)
    assert (e.feature, e.what, e.spec_message) == (feature, what, spec)
    at = data.index(body) + len(body.rsplit(b"\x20\x00", 1)[0]) + 2  # after the local.gets
    assert e.offset == at
    version = "a proposal after WebAssembly 3.0" if feature == "threads" else (
        "a proposal not in WebAssembly 3.0" if feature.startswith("legacy") else "WebAssembly 3.0")
    verb = "are" if feature.endswith("s") else "is"
    switch = {"tail calls": "tail_call", "exception handling": "exceptions",
              "typed function references": "function_references",
              "garbage collection": "gc"}.get(feature)
    state = "not supported yet" if switch is None else f"disabled (Config.wasm_{switch}=False)"
    assert e.switch == switch
    assert str(e) == f"{feature} ({version}) {verb} {state}: {what} at offset 0x{at:x}"
    assert e.matches(spec) and e.matches("illegal opcode") and not e.matches("unexpected end")


def test_the_issue_example_reads_as_promised():
    data = module_with_body(b"\x20\x00\x12\x00")
    decode_module(data)  # tail calls are implemented: on by default
    assert str(rejected(data, WASM2)) == (
        "tail calls (WebAssembly 3.0) are disabled (Config.wasm_tail_call=False): "
        "return_call at offset 0x1b")


@pytest.mark.parametrize("b", [0x27, 0xC5, 0xFF])
def test_an_unknown_opcode_is_illegal_in_hex(b):
    e = rejected(module_with_body(b"\x20\x00" + bytes([b])))
    assert type(e) is MalformedError
    assert e.message == f"illegal opcode 0x{b:02x}"


def test_an_unknown_prefixed_opcode_is_illegal_in_hex():
    e = rejected(module_with_body(b"\x20\x00\xfc\x7f"))
    assert type(e) is MalformedError and e.message == "illegal opcode 0xfc 0x7f"


#: (module bytes, feature, what, spec_message): types, sections, limits, memory indices
def _modules():
    yield (HEADER + section(1, b"\x01\x60\x01\x6e\x00"), "garbage collection", "anyref",
           "malformed value type")
    yield (HEADER + section(1, b"\x01\x60\x01\x64\x00\x00"), "typed function references",
           "(ref $t)", "malformed value type")
    yield (HEADER + section(1, b"\x01\x60\x01\x69\x00"), "exception handling", "exnref",
           "malformed value type")
    yield (HEADER + section(1, b"\x01\x5f\x01\x7f\x00"), "garbage collection", "a struct type",
           "malformed function type")
    yield (HEADER + section(1, b"\x01\x4e\x00"), "garbage collection",
           "a recursive type group (rec)", "malformed function type")
    yield (HEADER + section(5, b"\x01\x04\x01"), "memory64", "limits flags 0x04 (64-bit addresses)",
           "integer too large")
    yield (HEADER + section(5, b"\x01\x03\x01\x02"), "threads", "limits flags 0x03 (shared)",
           "integer too large")
    yield (HEADER + section(13, b"\x01\x00\x00"), "exception handling", "the tag section",
           "malformed section id")
    yield (HEADER + section(2, b"\x01\x01m\x01t\x04\x00\x00"), "exception handling",
           "importing a tag", "malformed import kind")
    yield (HEADER + section(4, b"\x01\x40\x00\x70\x00\x01\xd2\x00\x0b"),
           "typed function references", "a table with an initializer expression",
           "malformed reference type")
    mem = section(5, b"\x01\x00\x01")
    yield (module_with_body(b"\x20\x00\x40\x01", extra=mem), "multi-memory", "memory index 1",
           "zero byte expected")
    yield (module_with_body(b"\x20\x00\x40\x80\x00", extra=mem), "multi-memory",
           "memory index 0 in 2 bytes", "zero byte expected")
    yield (module_with_body(b"\x20\x00\x28\x42\x01\x00", extra=mem), "multi-memory",
           "a memory index in a memory argument", "malformed memop flags")


MODULES = list(_modules())


@pytest.mark.parametrize("data, feature, what, spec", MODULES, ids=[m[2] for m in MODULES])
def test_types_sections_and_limits_of_later_proposals_are_named(data, feature, what, spec):
    e = rejected(data)
    assert isinstance(e, UnsupportedFeatureError), e
    assert (e.feature, e.what, e.spec_message) == (feature, what, spec)
    assert str(e).startswith(f"{feature} (") and f": {what} at offset 0x{e.offset:x}" in str(e)


def validation_error(data: bytes) -> InvalidError:
    """The error of a WebAssembly 2.0 engine (every 3.0 switch off)."""
    with pytest.raises(InvalidError) as info:
        validate_module(decode_module(data, WASM2), WASM2)
    return info.value


def test_validation_names_multi_memory_and_extended_const():
    two = HEADER + section(5, b"\x02\x00\x01\x00\x01")
    assert validation_error(two).message == (
        "multiple memories (2): multi-memory (WebAssembly 3.0) is disabled "
        "(Config.wasm_multi_memory=False)")
    # (global i32 (i32.add (i32.const 1) (i32.const 2)))
    glob = HEADER + section(6, b"\x01\x7f\x00\x41\x01\x41\x02\x6a\x0b")
    assert validation_error(glob).message == (
        "constant expression required, found i32.add: extended constant expressions "
        "(WebAssembly 3.0) are disabled (Config.wasm_extended_const=False)")


def test_partial_decoding_keeps_every_other_section():
    data = module_with_body(b"\x20\x00\xfe\x10\x02\x00") + section(0, b"\x04note")  # threads
    module, failed = decode_partial(data)
    assert [type(e) for e in failed.values()] == [UnsupportedFeatureError]
    assert [f.type for f in module.funcs] == [0]
    assert len(module.types) == 1 and module.customs[0].name == "note"


def dump(tmp_path, data: bytes, *flags: str):
    path = tmp_path / "later.wasm"
    path.write_bytes(data)
    return subprocess.run([sys.executable, "-m", "wasmvm", "dump", *flags, str(path)],
                          capture_output=True, text=True, timeout=60)


def test_dump_lists_the_sections_of_a_module_it_cannot_decode(tmp_path):
    data = module_with_body(b"\x20\x00\xfe\x10\x02\x00")  # an atomic load: threads
    out = dump(tmp_path, data, "-h", "-x")
    assert out.returncode == 1
    assert "Sections (3):" in out.stdout
    for name in ("type", "function", "code"):
        assert f"  {name} " in out.stdout
    assert " - type[0] (func (param i32) (result i32))" in out.stdout
    assert " - func[0] type 0" in out.stdout
    assert ("Code: not decoded: threads (a proposal after WebAssembly 3.0) are not supported "
            "yet" in out.stdout)
    assert out.stderr.strip() == ("error: threads (a proposal after WebAssembly 3.0) are not "
                                  "supported yet: an atomic instruction at offset 0x1b")


def test_dump_lists_the_tag_section(tmp_path):
    """Exception handling landed: the tag section (id 13) is a section like the others
    (with the feature switched off it is rejected as 2.0 does: test_exceptions)."""
    data = HEADER + section(1, b"\x01\x60\x00\x00") + section(13, b"\x01\x00\x00")
    out = dump(tmp_path, data, "-h")
    assert out.returncode == 0, out.stderr
    assert " 13  tag " in out.stdout


def test_dump_of_broken_framing_still_fails_cleanly(tmp_path):
    out = dump(tmp_path, HEADER + b"\x01\x40\x00", "-h")  # a section running off the end
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith("error: ") and "0x" in out.stderr


def test_a_feature_switched_off_in_config_says_so_and_names_the_switch():
    """A 3.0 feature is implemented: rejected only where Config turned it off, and the
    message says that, naming the switch to turn back on."""
    from wasmvm import Config, Engine, Module, UnsupportedFeatureError

    data = module_with_body(b"\x20\x00\x12\x00")  # return_call
    Module(Engine(), data)
    with pytest.raises(UnsupportedFeatureError) as info:
        Module(Engine(Config(wasm_tail_call=False)), data)
    assert info.value.switch == "tail_call"
    assert "are disabled (Config.wasm_tail_call=False): return_call" in str(info.value)
    assert "not supported" not in str(info.value)
