"""Bulk memory (bulk.wat): n rounds of memory.fill and memory.copy over one page."""

SOURCE = "bulk.wat"
RESULT = "i32"
N = 50_000
SMOKE_N = 100

M = 0xFFFFFFFF


def run(n):
    mem = bytearray(65536)
    acc = 0
    i = 0
    while i < n:
        length = 1024 + (i & 1023)
        d = (i * 4099) & 0x7FFF
        mem[d:d + length] = bytes((i & 0xFF,)) * length
        d = ((i * 7919) & 0x7FFF) + 16384
        s = (i * 1237) & 0x7FFF
        k = length << 2
        mem[d:d + k] = mem[s:s + k]
        a = (i * 13) & 0xFFF0
        acc = (acc * 31 + int.from_bytes(mem[a:a + 4], "little")) & M
        i += 1
    return acc


def work(n):
    moved = sum(5 * (1024 + (i & 1023)) for i in range(n))
    return moved, "bytes filled+copied"
