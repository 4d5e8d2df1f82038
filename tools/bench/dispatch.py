"""Indirect-call dispatch (dispatch.wat): n calls through a table of eight functions."""

SOURCE = "dispatch.wat"
RESULT = "i32"
N = 120_000
SMOKE_N = 1000

M = 0xFFFFFFFF


def inc(x):
    return (x + 1) & M


def triple(x):
    return (x * 3) & M


def mix(x):
    return x ^ 0x5BD1E995


def rot(x):
    return ((x << 5) | (x >> 27)) & M


def sub7(x):
    return (x - 7) & M


def half(x):
    return x >> 1


def square(x):
    return (x * x) & M


def golden(x):
    return (x + 0x9E3779B9) & M


TABLE = [inc, triple, mix, rot, sub7, half, square, golden]


def run(n):
    acc = 1
    i = 0
    while i < n:
        acc = TABLE[((acc >> 24) ^ i) & 7](acc)
        i += 1
    return acc


def work(n):
    return n, "indirect calls"
