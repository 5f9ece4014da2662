"""/docs and /redoc work without internet: every file their pages load comes from the app,
as shipped by the fastapi-offline package (Swagger UI, Redoc), and nothing from a CDN."""

from __future__ import annotations

import re
from importlib.resources import files

import httpx
import pytest

_REFERENCES = re.compile(r"""(?:src|href|spec-url)="([^"]+)"|\burl: '([^']+)'""")
_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".json": "application/json",
}


def references(page: str) -> list[str]:
    return [first or second for first, second in _REFERENCES.findall(page)]


@pytest.mark.parametrize(
    ("page", "loads"),
    [
        (
            "/docs",
            [
                "/docs/assets/swagger-ui.css",
                "/docs/assets/favicon.png",
                "/docs/assets/swagger-ui-bundle.js",
                "/openapi.json",
            ],
        ),
        (
            "/redoc",
            ["/docs/assets/favicon.png", "/openapi.json", "/docs/assets/redoc.standalone.js"],
        ),
    ],
)
async def test_a_docs_page_loads_only_what_the_app_serves(
    client: httpx.AsyncClient, page: str, loads: list[str]
) -> None:
    response = await client.get(page)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert references(response.text) == loads
    assert "http://" not in response.text
    assert "https://" not in response.text
    for path in loads:
        asset = await client.get(path)
        assert asset.status_code == 200, path
        suffix = path[path.rindex(".") :]
        assert asset.headers["content-type"].startswith(_TYPES[suffix]), path
        if path.startswith("/docs/assets/"):
            shipped = files("fastapi_offline") / "static" / path.rsplit("/", 1)[1]
            assert asset.content == shipped.read_bytes(), f"{path} is not the packaged file"


async def test_the_swagger_ui_oauth2_redirect_page_is_local(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs/oauth2-redirect")

    assert response.status_code == 200
    assert references(response.text) == []
    assert "swaggerUIRedirectOauth2" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/docs/assets/missing.js",
        "/docs/assets/../../pyproject.toml",
        "/docs/assets/..%2f..%2fpyproject.toml",
        "/docs/assets/",
    ],
)
async def test_nothing_else_is_served_from_the_assets(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
