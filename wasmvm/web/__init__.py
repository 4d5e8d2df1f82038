"""wasmvm on the web: a FastAPI service and a playground page.

    wasmvm serve [--host 127.0.0.1] [--port 8000]       start it (needs FastAPI, uvicorn and
                                                        python-multipart: in a checkout,
                                                        pip install -e '.[web]')

``app.create_app()`` builds the service; ``core``, ``steps`` and ``program`` do the work
and import nothing but wasmvm, so the playground's in-browser mode runs them unchanged
inside the page through Pyodide. ``limits.Limits`` holds every budget that makes
untrusted input safe. ``static/`` is the playground (plain HTML, JavaScript and CSS) with
a few bundled example modules.

Importing this package imports nothing else (no FastAPI), so Pyodide can import
``wasmvm.web.core`` without it.
"""
