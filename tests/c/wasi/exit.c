/* Exit codes and the ways to exit: return from main, exit() running atexit handlers
 * and flushing stdio, _Exit() doing neither. argv[1] = how, argv[2] = the code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void handler_one(void) { printf("atexit handler one\n"); }
static void handler_two(void) { fprintf(stderr, "atexit handler two\n"); }

int main(int argc, char **argv) {
    const char *how = argc > 1 ? argv[1] : "return";
    int code = argc > 2 ? atoi(argv[2]) : 0;
    atexit(handler_one);
    atexit(handler_two);
    printf("exiting by %s with %d (buffered, no newline)", how, code);
    fprintf(stderr, "stderr before exit\n");
    if (strcmp(how, "exit") == 0) exit(code);
    if (strcmp(how, "_Exit") == 0) _Exit(code);
    return code;
}
