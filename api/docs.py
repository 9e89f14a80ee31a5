"""The interactive API docs at `/api/docs`, served from the installed Swagger UI package.

FastAPI's default page loads Swagger UI from a CDN and starts it with an inline script; both
break offline and under the Content-Security-Policy (`script-src 'self'`). Here every asset,
the start-up script included, is a file of this server.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles


def swagger_ui_dir() -> Path:
    """The static files of the `swagger-ui-py` distribution (Swagger UI 5), located without
    importing the package (its import pulls in its web-framework adapters)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def mount_docs(app: FastAPI, *, openapi_url: str, docs_url: str) -> None:
    assets = f"{docs_url}/assets"
    app.mount(assets, StaticFiles(directory=swagger_ui_dir()), name="swagger-ui")
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{app.title} — API</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{docs_url}/init.js"></script>
</body>
</html>
"""
    init = f"""window.ui = SwaggerUIBundle({{
  url: {json.dumps(openapi_url)},
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
}});
"""

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui_page() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get(f"{docs_url}/init.js", include_in_schema=False)
    async def swagger_ui_init() -> Response:
        return Response(init, media_type="text/javascript")
