"""Text views of binary modules, for people studying the encoding (``wasmvm dump``).

    section_headers(data) / format_headers(data, module, filename)   sections (-h)
    format_details(data, module)                                     contents (-x)
    format_disassembly(data, module)                                 instructions (-d)
    annotate.annotate(data) -> list[Annotation]                      every byte (-a)
    annotate.annotate_partial(data) / format_annotations(records, n)

The ``format_*`` functions return lines of text; ``annotate.annotate`` returns
``Annotation`` records (offset, bytes, depth, kind, description, value) that a program
can serve as they are (``Annotation.to_json()``). All views read a module that
``decode_module`` accepted, except ``annotate_partial``, which explains a malformed file
up to its first bad byte. (The function ``annotate`` is reached through its module,
``wasmvm.text.annotate.annotate``, so that the module's name stays the module.)
"""

from . import annotate
from .annotate import annotate_partial, format_annotations
from .details import format_details
from .disasm import format_disassembly, instruction_text
from .records import Annotation
from .sections import SectionHeader, format_headers, section_headers

__all__ = [
    "Annotation", "SectionHeader", "annotate", "annotate_partial", "format_annotations",
    "format_details", "format_disassembly", "format_headers", "instruction_text",
    "section_headers",
]
