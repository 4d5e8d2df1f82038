"""The API docs page (``/docs``), served without a CDN.

With the npm package ``swagger-ui-dist`` at hand (``Settings.swagger_dir``), ``/docs`` is
Swagger UI from those files. Without it (an installed wheel, no node_modules), ``/docs``
is a plain page made here from the OpenAPI schema: every operation with its description,
request body and answers. Either way the page loads nothing from outside the server.
"""

from __future__ import annotations

import html

__all__ = ["plain_docs"]

METHODS = ("get", "post", "put", "delete", "patch")


def plain_docs(spec: dict) -> str:
    e = html.escape
    info = spec.get("info", {})
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{e(info.get('title', 'API'))} API</title>",
        "<link rel='icon' href='/static/favicon.svg'>",
        "<link rel='stylesheet' href='/static/style.css'></head><body class='docs'>",
        f"<h1>{e(info.get('title', ''))} <span class='subtitle'>API {e(info.get('version', ''))}"
        "</span></h1>",
        f"<p>{e(info.get('description', ''))}</p>",
        "<p>The schema: <a href='/openapi.json'>/openapi.json</a> · the playground: "
        "<a href='/'>/</a></p>",
    ]
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            out.append(f"<section><h2><code>{method.upper()} {e(path)}</code> — "
                       f"{e(op.get('summary', ''))}</h2>")
            description = op.get("description", "")
            out.append(f"<pre class='source'>{e(description)}</pre>" if description else "")
            body = op.get("requestBody", {}).get("content", {})
            if body:
                out.append(f"<p>Body: {e(', '.join(body))}</p>")
            answers = ", ".join(f"{code} {r.get('description', '')}"
                                for code, r in op.get("responses", {}).items())
            out.append(f"<p>Answers: {e(answers)}</p></section>")
    out.append("</body></html>")
    return "\n".join(out)
