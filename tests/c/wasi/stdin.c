/* Standard input: lines with fgets, numbers with scanf, then bytes with getchar to EOF. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    char line[128];
    int lines = 0;
    while (lines < 3 && fgets(line, sizeof line, stdin)) {
        size_t n = strlen(line);
        for (size_t i = 0; i < n; i++) line[i] = (char)toupper((unsigned char)line[i]);
        printf("line %d (%zu bytes): %s", ++lines, n, line);
    }
    int a = 0, b = 0;
    double x = 0;
    int got = scanf("%d %d %lf", &a, &b, &x);
    printf("scanf got %d: %d + %d = %d, x*2 = %g\n", got, a, b, a + b, x * 2);
    long bytes = 0, words = 0, in_word = 0;
    unsigned sum = 0;
    int c;
    while ((c = getchar()) != EOF) {
        bytes++;
        sum = sum * 31 + (unsigned)c;
        if (isspace(c)) in_word = 0;
        else if (!in_word) { in_word = 1; words++; }
    }
    printf("rest: %ld bytes, %ld words, hash %08x, eof %d, error %d\n", bytes, words, sum,
           feof(stdin) != 0, ferror(stdin) != 0);
    printf("getchar after EOF: %d\n", getchar());
    return 0;
}
