"""Hashing memory with rotates (hash.wat): an LCG fills n bytes, then an xxHash32-style
word loop and an FNV-1a byte loop hash them."""

SOURCE = "hash.wat"
RESULT = "i32"
N = 120_000
SMOKE_N = 1000

M = 0xFFFFFFFF


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M


def run(n):
    length = n & ~3
    mem = bytearray(length)
    state = 12345
    p = 0
    while p < length:
        state = (state * 1664525 + 1013904223) & M
        mem[p:p + 4] = state.to_bytes(4, "little")
        p += 4
    h = (0x165667B1 + length) & M
    p = 0
    while p < length:
        w = int.from_bytes(mem[p:p + 4], "little")
        h = (rotl((h + w * 0xC2B2AE3D) & M, 17) * 0x27D4EB2F) & M
        p += 4
    h ^= h >> 15
    h = (h * 0x85EBCA77) & M
    h ^= h >> 13
    h = (h * 0xC2B2AE3D) & M
    h ^= h >> 16
    f = 0x811C9DC5
    p = 0
    while p < length:
        f = ((f ^ mem[p]) * 0x01000193) & M
        p += 1
    return h ^ rotl(f, 32 - 7)


def work(n):
    return n & ~3, "bytes"
