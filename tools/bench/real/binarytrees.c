/* Allocation-heavy: the binary-trees benchmark. Trees of depth 4..max are built node by
 * node with malloc, checked and freed with free; one long-lived tree stays. Usage:
 * binarytrees MAXDEPTH */
#include <stdio.h>
#include <stdlib.h>

typedef struct node { struct node *left, *right; } node;

static node *make(int depth) {
    node *t = malloc(sizeof *t);
    if (depth > 0) {
        t->left = make(depth - 1);
        t->right = make(depth - 1);
    } else {
        t->left = t->right = NULL;
    }
    return t;
}

static long check(const node *t) {
    return 1 + (t->left ? check(t->left) + check(t->right) : 0);
}

static void release(node *t) {
    if (t->left) { release(t->left); release(t->right); }
    free(t);
}

int main(int argc, char **argv) {
    int max = argc > 1 ? atoi(argv[1]) : 10;
    if (max < 6) max = 6;
    node *stretch = make(max + 1);
    printf("stretch tree of depth %d\t check: %ld\n", max + 1, check(stretch));
    release(stretch);
    node *longlived = make(max);
    for (int d = 4; d <= max; d += 2) {
        long iterations = 1L << (max - d + 4), sum = 0;
        for (long i = 0; i < iterations; i++) {
            node *t = make(d);
            sum += check(t);
            release(t);
        }
        printf("%ld\t trees of depth %d\t check: %ld\n", iterations, d, sum);
    }
    printf("long lived tree of depth %d\t check: %ld\n", max, check(longlived));
    release(longlived);
    return 0;
}
