"""CRC-32 (crc32.c, compiled by clang): table-driven over n pseudo-random bytes."""

SOURCE = "crc32.c"
RESULT = "i32"
N = 80_000
SMOKE_N = 500

M = 0xFFFFFFFF
CAP = 1 << 20


def run(n):
    n = min(n, CAP)
    table = [0] * 256
    for i in range(256):
        c = i
        for _ in range(8):
            c = 0xEDB88320 ^ (c >> 1) if c & 1 else c >> 1
        table[i] = c
    buf = bytearray(n)
    x = 7
    for i in range(n):
        x = (x * 1103515245 + 12345) & M
        buf[i] = (x >> 16) & 0xFF
    crc = 0xFFFFFFFF
    for i in range(n):
        crc = table[(crc ^ buf[i]) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def work(n):
    return min(n, CAP), "bytes"
