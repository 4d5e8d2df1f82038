"""What the structured form must know of a function body before translating it: one pass
over its walk events (``survey``) finds the constructs branches target, the locals each
construct sets, the blocks whose branches can be nested ``if``s instead of a loop, and the
tree of constructs, from which ``loop_nesting`` tells how deep the Python loops must nest
(too deep for CPython: the flat form, known before translating). ``branch_depths`` and
``catch_depths`` read the labels an instruction branches to; the flat form uses them too.
"""

from __future__ import annotations

from ..syntax.instructions import Block, If, Loop, TryTable, walk

#: the structured instructions (each opens a label and ends with an ``end`` event)
STRUCTURED = (Block, Loop, If, TryTable)
MAX_SKIPS = 4  # br_ifs a block may turn into nested ifs (see survey)
#: A function of more instructions than this is split into several Python functions
#: (compile_flat's chunks), compiled one by one: CPython's compiler needs some kilobytes
#: per statement while it compiles a function, so one huge function would need gigabytes
#: (100,000 nested ifs: ~3 GB).
SPLIT_INSTRUCTIONS = 20_000


def size_of(func) -> int:
    """Instructions (walk events) in a function instance's body."""
    return code_size(func.code)


def code_size(code) -> int:
    """Instructions (walk events) in a function body (a syntax.Func)."""
    offsets = code.offsets  # one per walk index, when decoded from bytes
    return len(offsets) if offsets is not None else sum(1 for _ in walk(code.body))


def at_least(module, instructions: int) -> bool:
    """Do the functions ``module`` (a syntax.Module) defines hold at least that many
    instructions?"""
    total = 0
    for code in module.funcs:
        total += code_size(code)
        if total >= instructions:
            return True
    return False


def too_big(func) -> bool:
    """Is ``func`` too big for one Python function (SPLIT_INSTRUCTIONS)?"""
    return size_of(func) > SPLIT_INSTRUCTIONS


def survey(events) -> tuple[set[int], dict[int, set], dict[int, int], list, set[int]]:
    """One pass over a body's walk events: what the structured form needs to know ahead.

    ``targeted``: walk indices of the structured instructions that need a Python
    construct of their own because some branch targets them. A branch to a block whose
    last instruction is a loop, taken from inside that loop, is a ``break`` of the loop
    and does not count.

    ``assigned``: for every structured instruction (by id) the locals set or teed inside.

    ``skippable``: blocks and ifs (walk index -> how many br_ifs) that need no Python
    loop although branches target them: every branch to them is a br or a br_if (at most
    MAX_SKIPS) in their own body, not inside a construct there. A br_if becomes ``if not
    cond:`` around the rest of the body, a br ends it (what follows is unreachable).

    ``tree``: the structured instructions in walk order, each as (walk index, its
    position in ``tree`` of the construct it is in, or -1, the instruction).

    ``zeroed``: the locals that need their zero on entry: those the body reads or sets
    but for those whose first access in walk order is a set or tee outside every
    construct (that set runs before any read: the reads come later in the straight line
    of the body, or inside constructs after it)."""
    targeted: set[int] = set()
    tree: list = []
    inside: list[int] = [-1]  # positions in tree of the open constructs
    assigned: dict[int, set] = {}
    count: dict[int, int] = {}
    bad: set[int] = set()
    open_: list[int] = []
    open_instrs: list = []
    sets: list[set] = [set()]
    seen: set[int] = set()  # locals accessed so far
    set_first: set[int] = set()
    for i, (event, instr) in enumerate(events):
        if event == "instr":
            name = instr.op.name
            if name == "local.get":
                seen.add(instr.index)
                continue
            if name in SETTERS:
                index = instr.index
                if index not in seen:
                    seen.add(index)
                    if not open_:
                        set_first.add(index)
                sets[-1].add(index)
                continue
            if name not in BRANCHING:
                continue
            if isinstance(instr, STRUCTURED):
                if type(instr) is TryTable:
                    for c in instr.catches:  # from outside the try_table; a handler
                        dpt = c.label  # cannot fall through
                        if dpt < len(open_):
                            target = open_[len(open_) - 1 - dpt]
                            targeted.add(target)
                            bad.add(target)
                open_.append(i)
                open_instrs.append(instr)
                sets.append(set())
                inside.append(len(tree))
                tree.append((i, inside[-2], instr))
                continue
            for dpt in branch_depths(instr):
                if dpt >= len(open_):
                    continue  # the function's label: return
                k = len(open_) - 1 - dpt
                if _ends_in_open_loop(open_instrs, k):
                    continue  # a break of that loop
                target = open_[k]
                targeted.add(target)
                if (dpt or name == "br_table" or name.startswith("br_on")
                        or type(open_instrs[k]) is Loop):
                    bad.add(target)
                else:
                    count[target] = count.get(target, 0) + (name == "br_if")
        elif event == "end":
            open_.pop()
            open_instrs.pop()
            inside.pop()
            inner = sets.pop()
            assigned[id(instr)] = inner
            sets[-1] |= inner
    skippable = {i: n for i, n in count.items() if i not in bad and n <= MAX_SKIPS}
    return targeted, assigned, skippable, tree, seen - set_first


def loop_nesting(tree: list, heights, targeted: set[int], skippable: dict[int, int]) -> int:
    """How deep the Python loops (and ``try`` blocks) of the structured form nest at
    least: loops, try_tables, and the targeted blocks and ifs that are not skippable, of
    the reachable code (``tree`` from ``survey``). Over MAX_LOOP_NESTING, the structured
    form cannot be made."""
    deepest = 0
    depths: list[int] = []  # per construct: the loop depth inside it; -1: unreachable
    for i, parent, instr in tree:
        depth = depths[parent] if parent >= 0 else 0
        if depth < 0 or heights[i] < 0:
            depth = -1
        elif (type(instr) is Loop or type(instr) is TryTable
              or (i in targeted and i not in skippable)):
            depth += 1
            if depth > deepest:
                deepest = depth
        depths.append(depth)
    return deepest


#: what ``survey`` looks at: local writes, and the instructions that open constructs or
#: branch
SETTERS = frozenset(("local.set", "local.tee"))
BRANCHING = frozenset(("block", "loop", "if", "try_table", "br", "br_if", "br_table",
                        "br_on_null", "br_on_non_null", "br_on_cast", "br_on_cast_fail"))


def catch_depths(instr) -> tuple:
    """The label depths a try_table's catch clauses branch to, counted from outside it
    (none for anything else)."""
    if type(instr) is TryTable:
        return tuple(c.label for c in instr.catches)
    return ()


def branch_depths(instr) -> tuple:
    """The label depths a br, br_if or br_table branches to (none for anything else)."""
    name = instr.op.name
    if name == "br" or name == "br_if" or name == "br_on_null" or name == "br_on_non_null":
        return (instr.label,)
    if name == "br_on_cast" or name == "br_on_cast_fail":
        return (instr.label,)
    if name == "br_table":
        return (*instr.labels, instr.default)
    return ()


def _ends_in_open_loop(open_instrs: list, k: int) -> bool:
    """Is open construct ``k`` a block whose last instruction is the open construct k+1,
    a loop?"""
    b = open_instrs[k]
    return (type(b) is Block and k + 1 < len(open_instrs) and bool(b.body)
            and b.body[-1] is open_instrs[k + 1] and type(open_instrs[k + 1]) is Loop)
