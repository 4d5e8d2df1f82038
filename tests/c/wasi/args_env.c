/* argv and the environment: as given, and changed by the program. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=[%s] (%zu bytes)\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc] is %s\n", argv[argc] == NULL ? "NULL" : "not NULL");
    int n = 0;
    for (char **e = environ; *e; e++) printf("environ[%d]=[%s]\n", n++, *e);
    const char *names[] = {"HOME", "GREETING", "EMPTY", "UNICODE", "MISSING"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = getenv(names[i]);
        printf("getenv(%s) = %s%s%s\n", names[i], v ? "[" : "", v ? v : "NULL", v ? "]" : "");
    }
    setenv("GREETING", "changed", 1);
    setenv("GREETING", "not applied", 0);
    setenv("NEW_VAR", "new", 0);
    unsetenv("EMPTY");
    printf("after: GREETING=%s NEW_VAR=%s EMPTY=%s\n", getenv("GREETING"), getenv("NEW_VAR"),
           getenv("EMPTY") ? getenv("EMPTY") : "NULL");
    return 0;
}
