"""Drivers: small programs that run an engine in another process (another Python, another
language) and answer ``difftest.adapters.SubprocessAdapter``'s JSON-lines protocol. Each
is self-contained: it imports only its engine and the standard library."""
