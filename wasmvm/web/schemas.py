"""The API's request and response bodies, for validation and for the OpenAPI docs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Arg = str | int | float


class ErrorBody(BaseModel):
    """Every error answer has this shape."""

    error: str = Field(description="what kind of error: malformed (400), bad_request (400), "
                       "bad_program (400), not_found (404), unknown_module (404), fuel (408), "
                       "timeout (408), too_large (413), invalid (422), link (422), unsupported "
                       "(422), limit (422), schema (422: the body does not fit the schema), "
                       "internal (500)")
    message: str = Field(description="the engine's message (the spec's text for malformed and "
                         "invalid modules), or what the limit is and how to stay under it")
    offset: int | None = Field(None, description="byte offset in the module, where there is one")
    line: int | None = Field(None, description="malformed WAT text: the line (1-based)")
    column: int | None = Field(None, description="malformed WAT text: the column (1-based)")
    limit: str | None = Field(None, description="the limit that was reached (see GET /api/config)")
    index: int | None = Field(None, description="the StackVM program item at fault")
    result: dict | None = Field(None, description="for fuel: the call's result up to the trap")


# -- modules -----------------------------------------------------------------------------------
class TypeInfo(BaseModel):
    kind: Literal["func", "memory", "table", "global"]
    text: str = Field(description='WAT text: "(func (param i64) (result i64))", "(memory 1 4)"')
    params: list[str] | None = None
    results: list[str] | None = None


class SectionInfo(BaseModel):
    id: int
    name: str
    offset: int = Field(description="where the section id byte is")
    start: int = Field(description="where its contents start")
    end: int
    size: int
    count: int | None = Field(description="entries of a vector section, the start function, "
                              "the data count; None for custom sections")
    custom_name: str | None


class ImportInfo(BaseModel):
    module: str
    name: str
    type: TypeInfo


class ExportInfo(BaseModel):
    name: str
    type: TypeInfo


class DisassemblyLine(BaseModel):
    offset: int | None = Field(description="byte offset of the instruction (None: a heading)")
    length: int = Field(description="how many bytes the line shows")
    bytes: str = Field(description="those bytes in hex")
    text: str = Field(description="the WAT text (indented by nesting), or a ;; comment")


class Annotation(BaseModel):
    offset: int
    bytes: str = Field(description="the bytes in hex; empty for headings")
    depth: int
    kind: Literal["heading", "field", "opcode", "immediate", "payload"]
    description: str
    value: str


class ModuleInfo(BaseModel):
    id: str = Field(description="SHA-256 of the bytes: use it as module_id in later requests")
    wasm: str | None = Field(None, description="when the upload was WAT text: the binary it "
                             "compiles to, in base64 (size, sections, offsets are the binary's)")
    size: int
    name: str | None = Field(description="the module's name from the name section")
    sections: list[SectionInfo]
    imports: list[ImportInfo]
    exports: list[ExportInfo]
    disassembly: list[DisassemblyLine] = Field(description="as `wasmvm dump -d` prints it")
    disassembly_truncated: bool
    details: list[str] = Field(description="as `wasmvm dump -x` prints it")
    annotations: list[Annotation] = Field(description="every byte explained, as `wasmvm dump -a`")
    annotations_truncated: bool


# -- calls ---------------------------------------------------------------------------------------
class ModuleRef(BaseModel):
    # strict: JSON types as the schema says (false is no number, "3" no integer)
    model_config = ConfigDict(extra="forbid", strict=True)

    module_id: str | None = Field(None, description="the id from POST /api/modules")
    module: str | None = Field(None, description="or the module itself, in base64")


class InvokeRequest(ModuleRef):
    export: str = Field(description="the exported function to call", examples=["fac_rec"])
    args: list[Arg] = Field(default_factory=list, examples=[["20"]], description=(
        "one per parameter, as text: decimal or 0x hex ints, floats, inf, nan, "
        "nan:0xPAYLOAD, v128 as 'i32x4 1 2 3 4', references as null"))
    fuel: int | None = Field(None, ge=0, description="a fuel budget (at most the service's); "
                             "running out of a budget you gave is a trap result")
    trace: bool = Field(False, description="record a trace (runs on the reference tier)")
    trace_limit: int | None = Field(None, ge=0, description="at most this many trace records")
    profile: bool = Field(False, description="profile the call: per function calls, self and "
                          "total time and fuel, and the calling-context tree")


class ProfileNode(BaseModel):
    name: str
    calls: int
    self: float = Field(description="seconds in the function itself, in this context")
    total: float = Field(description="seconds with its callees")
    fuel: int = Field(description="fuel used with its callees")
    children: list[ProfileNode]


class ProfileFunction(BaseModel):
    name: str
    calls: int
    self: float
    total: float
    fuel: int = Field(description="fuel used in the function itself")


class ProfileInfo(BaseModel):
    tier: Literal["compiled", "reference"]
    functions: list[ProfileFunction] = Field(description="most self time first; "
                                             "'(translating)': the compiled tier translating")
    tree: ProfileNode = Field(description="the calling contexts, for a flame graph")
    nodes_truncated: bool


class TranslateRequest(ModuleRef):
    func: str | None = Field(None, description="only this function: its name, export name or "
                             "index (default: every function the module defines)")
    fuel: bool = Field(False, description="the code made for a store that counts fuel (as "
                       "this service runs calls), else as `wasmvm run` makes it")


class PythonLine(BaseModel):
    text: str
    offsets: list[int | None] = Field(description="byte offsets of the instructions the line "
                                      "came from")
    instructions: list[str]


class FunctionPython(BaseModel):
    index: int
    name: str
    type: str
    form: Literal["structured", "flat", "split"]
    lines: list[PythonLine]
    unreachable: int = Field(description="instructions not translated (unreachable)")


class TranslateResponse(BaseModel):
    functions: list[FunctionPython]
    truncated: bool
    fuel: bool


class Value(BaseModel):
    type: str
    text: str = Field(description='"i64:120", "f32:nan:0x200000", "anyref:null", a GC '
                                  'object as "(ref.struct $0 {i32:1, (mut i64):2})", '
                                  '"(ref.array $1 [i8:1, ...] len=100)", "(ref.i31 -5)"')
    bits: str | None = Field(description="the exact bits in hex (None for references)")


class TrapInfo(BaseModel):
    code: str = Field(description="TrapCode name, as wasmtime names it")
    message: str = Field(description="the spec's message")
    offset: int | None = Field(description="byte offset of the trapping instruction")
    backtrace: list[str] = Field(
        description="function names, innermost first; a deep backtrace keeps both ends and "
                    "has one '… N frames elided …' entry in between")
    frames_elided: int = Field(0, description="how many frames the backtrace leaves out")


class FuelInfo(BaseModel):
    budget: int
    consumed: int
    service_budget: bool | None = None


class InvokeResponse(BaseModel):
    export: str
    args: list[str]
    results: list[Value] | None
    trap: TrapInfo | None = Field(description="set when the call (or the start function) trapped")
    phase: Literal["instantiate", "call"]
    tier: Literal["compiled", "reference"]
    fuel: FuelInfo
    trace: list[dict] | None = Field(description="records as `wasmvm trace --json` writes them")
    trace_truncated: bool
    profile: ProfileInfo | None = None


class StepsRequest(ModuleRef):
    export: str = Field(examples=["fac_rec"])
    args: list[Arg] = Field(default_factory=list, examples=[["3"]])
    max_steps: int | None = Field(None, ge=1, description="record at most this many states")
    fuel: int | None = Field(None, ge=0)


class MemoryAccess(BaseModel):
    kind: Literal["load", "store"]
    address: int
    bytes: str | None


class MemoryWindow(BaseModel):
    address: int
    bytes: str


class MemoryInfo(BaseModel):
    pages: int
    access: MemoryAccess | None = Field(description="the most recent load or store")
    window: MemoryWindow = Field(description="64 bytes of memory around that access")


class Local(BaseModel):
    index: int
    name: str | None
    value: str


class State(BaseModel):
    function: str
    func_index: int
    pc: int
    offset: int | None
    instruction: str
    depth: int = Field(description="calls deep (0: the function invoked)")
    frames: list[str]
    stack: list[str] = Field(description="the operand stack, bottom first, as typed text")
    locals: list[Local]
    memory: MemoryInfo | None


class StepsResponse(BaseModel):
    export: str
    args: list[str]
    steps: list[State] = Field(description="the machine before each instruction it ran")
    done: bool
    truncated: bool = Field(description="the run was stopped after max_steps states")
    results: list[Value] | None
    trap: TrapInfo | None
    fuel: FuelInfo


# -- the StackVM -------------------------------------------------------------------------------
class ProgramItem(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    op: str = Field(description="the spec's mnemonic", examples=["i32.const"])
    value: str | int | float | None = Field(None, description="for *.const")
    offset: int | None = Field(None, description="for loads and stores")
    align: int | None = Field(None, description="for loads and stores (log2; default natural)")
    types: list[str] | None = Field(None, description="for a typed select")


class ProgramRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    program: list[ProgramItem] | str = Field(
        description='the instructions as JSON items, or as text: the learning API\'s own syntax '
                    '(Push(i32(2)), Push(i32(3)), Add("i32")) or the same JSON',
        examples=[[{"op": "i32.const", "value": 2}, {"op": "i32.const", "value": 3},
                   {"op": "i32.add"}], 'Push(i32(2)), Push(i32(3)), Add("i32")'])
    memory_pages: int = Field(1, ge=0, description="pages of memory the machine starts with")
    max_pages: int | None = Field(None, ge=0, description="pages it may grow to")


class ProgramStep(BaseModel):
    pc: int
    instruction: str
    stack: list[str]
    memory_access: MemoryAccess | None


class ProgramError(BaseModel):
    kind: Literal["trap", "invalid"]
    code: str | None
    message: str
    pc: int
    instruction: str


class ProgramMemory(BaseModel):
    pages: int
    window: MemoryWindow


class ProgramResponse(BaseModel):
    steps: list[ProgramStep] = Field(description="the machine after each instruction")
    stack: list[str]
    error: ProgramError | None = Field(description="the trap or type error that stopped it")
    memory: ProgramMemory


# -- the service -------------------------------------------------------------------------------
class Example(BaseModel):
    name: str = Field(examples=["bundled/fac.wasm"])
    size: int
    url: str
    source_url: str | None = Field(description="its .wat source, when there is one")


class BrowserMode(BaseModel):
    available: bool
    reason: str | None = Field(description="why not, when it is not")
    pyodide_url: str
    wheel_url: str


class ServiceConfig(BaseModel):
    version: str
    limits: dict
    browser: BrowserMode
