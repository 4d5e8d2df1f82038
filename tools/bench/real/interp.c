/* A small bytecode interpreter: a stack machine whose loop is one big `switch` over 24
 * opcodes. It runs a program that, for i in 1..n, sums the Collatz steps of i and counts
 * the primes below n by trial division. Usage: interp N */
#include <stdio.h>
#include <stdlib.h>

enum {
    HALT, PUSH, POP, DUP, SWAP, OVER, LOAD, STORE, ADD, SUB, MUL, DIV, MOD, AND, SHR,
    LT, EQ, NOT, JMP, JZ, JNZ, INC, DEC, PRINT
};

static long run(const int *code, long *vars) {
    long stack[64];
    int sp = 0, pc = 0;
    long a, b;
    for (;;) {
        switch (code[pc++]) {
        case HALT: return sp ? stack[sp - 1] : 0;
        case PUSH: stack[sp++] = code[pc++]; break;
        case POP: sp--; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case SWAP: a = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = a; break;
        case OVER: stack[sp] = stack[sp - 2]; sp++; break;
        case LOAD: stack[sp++] = vars[code[pc++]]; break;
        case STORE: vars[code[pc++]] = stack[--sp]; break;
        case ADD: b = stack[--sp]; stack[sp - 1] += b; break;
        case SUB: b = stack[--sp]; stack[sp - 1] -= b; break;
        case MUL: b = stack[--sp]; stack[sp - 1] *= b; break;
        case DIV: b = stack[--sp]; stack[sp - 1] /= b; break;
        case MOD: b = stack[--sp]; stack[sp - 1] %= b; break;
        case AND: b = stack[--sp]; stack[sp - 1] &= b; break;
        case SHR: b = stack[--sp]; stack[sp - 1] >>= b; break;
        case LT: b = stack[--sp]; stack[sp - 1] = stack[sp - 1] < b; break;
        case EQ: b = stack[--sp]; stack[sp - 1] = stack[sp - 1] == b; break;
        case NOT: stack[sp - 1] = !stack[sp - 1]; break;
        case JMP: pc = code[pc]; break;
        case JZ: pc = stack[--sp] ? pc + 1 : code[pc]; break;
        case JNZ: pc = stack[--sp] ? code[pc] : pc + 1; break;
        case INC: vars[code[pc++]]++; break;
        case DEC: vars[code[pc++]]--; break;
        case PRINT: printf("%ld\n", stack[--sp]); break;
        default: fprintf(stderr, "bad opcode %d at %d\n", code[pc - 1], pc - 1); exit(2);
        }
    }
}

/* Assembler with labels: L(k) defines label k, a jump's target is written as -(k+1) and
 * patched afterwards. */
static int code[512], ncode, labels[32];
#define E(...) do { int _x[] = {__VA_ARGS__}; for (unsigned _i = 0; _i < sizeof _x / sizeof *_x; _i++) code[ncode++] = _x[_i]; } while (0)
#define L(k) (labels[k] = ncode)
#define T(k) (-(k) - 1)

static void patch(void) {
    for (int i = 0; i < ncode; i++) {
        int op = code[i];
        if ((op == JMP || op == JZ || op == JNZ) && code[i + 1] < 0) code[i + 1] = labels[-code[i + 1] - 1];
        if (op == PUSH || op == LOAD || op == STORE || op == INC || op == DEC || op == JMP || op == JZ || op == JNZ) i++;
    }
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 3000;
    /* vars: 0 n, 1 i, 2 x, 3 steps, 4 primes, 5 d, 6 isprime */
    enum { N, I, X, STEPS, PRIMES, D, ISP };
    E(PUSH, 1); E(STORE, I);
    L(0);                                         /* outer: while i < n */
    E(LOAD, I); E(LOAD, N); E(LT); E(JZ, T(9));
    E(LOAD, I); E(STORE, X);                      /* collatz */
    L(1);
    E(LOAD, X); E(PUSH, 1); E(EQ); E(JNZ, T(3));
    E(LOAD, X); E(PUSH, 1); E(AND); E(JZ, T(2));
    E(LOAD, X); E(PUSH, 3); E(MUL); E(PUSH, 1); E(ADD); E(STORE, X); E(INC, STEPS); E(JMP, T(1));
    L(2);
    E(LOAD, X); E(PUSH, 1); E(SHR); E(STORE, X); E(INC, STEPS); E(JMP, T(1));
    L(3);                                         /* prime test of i by trial division */
    E(PUSH, 1); E(STORE, ISP); E(PUSH, 2); E(STORE, D);
    E(LOAD, I); E(PUSH, 2); E(LT); E(JZ, T(4)); E(PUSH, 0); E(STORE, ISP); E(JMP, T(6));
    L(4);
    E(LOAD, D); E(DUP); E(MUL); E(LOAD, I); E(SWAP); E(LT); E(JNZ, T(6));  /* i < d*d: done */
    E(LOAD, I); E(LOAD, D); E(MOD); E(JNZ, T(5));
    E(PUSH, 0); E(STORE, ISP); E(JMP, T(6));
    L(5);
    E(INC, D); E(JMP, T(4));
    L(6);
    E(LOAD, PRIMES); E(LOAD, ISP); E(ADD); E(STORE, PRIMES);
    E(INC, I); E(JMP, T(0));
    L(9);
    E(LOAD, STEPS); E(PRINT); E(LOAD, PRIMES); E(PRINT);
    E(LOAD, STEPS); E(PUSH, 31); E(MUL); E(LOAD, PRIMES); E(ADD); E(HALT);
    patch();
    long vars[8] = {n};
    long r = run(code, vars);
    printf("interp n=%ld: steps %ld primes %ld result %ld (%d words of bytecode)\n",
           n, vars[STEPS], vars[PRIMES], r, ncode);
    return 0;
}
