"""The Sheets v4 discovery document, and requests checked against it as Google does.

The document is ``googleapiclient``'s cached ``sheets.v4.json``, loaded at run time,
so the emulator accepts exactly the methods, query parameters, field names and enum
values Google documents; anything else is a Google-shaped 400 INVALID_ARGUMENT.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .errors import ApiError


def load_discovery() -> dict[str, Any]:
    """The Sheets v4 discovery document shipped in google-api-python-client's cache."""
    import googleapiclient

    path = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "sheets.v4.json"
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Method:
    """A documented API method: its path as a pattern, its query parameters and its request schema."""

    id: str
    http_method: str
    pattern: re.Pattern[str]
    literal: int  # characters of literal path: the most specific match wins
    parameters: Mapping[str, Any]
    request: str | None


class Discovery:
    """Methods, parameters and schemas of the discovery document."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.schemas: Mapping[str, Any] = doc["schemas"]
        self.global_params: Mapping[str, Any] = doc.get("parameters", {})
        self.methods: list[Method] = []
        self._walk(doc.get("resources", {}))

    def _walk(self, resources: Mapping[str, Any]) -> None:
        for res in resources.values():
            for m in res.get("methods", {}).values():
                path = m.get("flatPath", m["path"])
                regex, literal, pos = "", 0, 0
                for hit in re.finditer(r"\{\+?(\w+)\}", path):
                    chunk = path[pos:hit.start()]
                    regex += re.escape(chunk)
                    literal += len(chunk)
                    regex += f"(?P<{hit.group(1)}>[^/]+)"
                    pos = hit.end()
                regex += re.escape(path[pos:])
                literal += len(path) - pos
                self.methods.append(Method(m["id"], m["httpMethod"], re.compile("^/" + regex + "$"), literal,
                                           m.get("parameters", {}), (m.get("request") or {}).get("$ref")))
            self._walk(res.get("resources", {}))

    def match(self, http_method: str, path: str) -> tuple[Method, dict[str, str]]:
        """The documented method for this HTTP method and path, and the path's arguments; 404 when none."""
        hits = []
        for m in self.methods:
            found = m.pattern.match(path)
            if found:
                hits.append((m, {k: unquote(v) for k, v in found.groupdict().items()}))
        if not hits:
            raise ApiError(404, f"Method not found: {http_method} {path}", "NOT_FOUND")
        same = [h for h in hits if h[0].http_method == http_method]
        if not same:
            raise ApiError(404, f"Method {http_method} not allowed on {path}", "NOT_FOUND")
        return max(same, key=lambda h: h[0].literal)

    def check_query(self, method: Method, query: Mapping[str, list[str]]) -> None:
        """400 unless every query parameter is documented, given once (unless repeated) and valid."""
        for name, values in query.items():
            spec = method.parameters.get(name) or self.global_params.get(name)
            if spec is None or spec.get("location") == "path":
                raise ApiError(400, f"Invalid JSON payload received. Unknown name \"{name}\": Cannot bind query "
                                    f"parameter. Field '{name}' could not be found in request message.")
            if len(values) > 1 and not spec.get("repeated"):
                raise ApiError(400, f"Invalid value at '{name}': parameter given {len(values)} times.")
            for v in values:
                if "enum" in spec and v not in spec["enum"]:
                    raise ApiError(400, f"Invalid value at '{name}', \"{v}\"")
                if spec.get("type") == "boolean" and v not in ("true", "false"):
                    raise ApiError(400, f"Invalid value at '{name}' (TYPE_BOOL), \"{v}\"")

    def check_body(self, schema_ref: str, body: object, where: str = "") -> None:
        """400 unless the body uses only the schema's field names, value types and enum values."""
        self._check(self.schemas[schema_ref], body, where)

    def _check(self, schema: Mapping[str, Any], value: object, where: str) -> None:
        if "$ref" in schema:
            schema = self.schemas[schema["$ref"]]
        kind = schema.get("type")
        here = where or "(root)"
        if kind == "object":
            if not isinstance(value, dict):
                raise ApiError(400, f"Invalid value at '{here}': expected an object.")
            props = schema.get("properties")
            extra = schema.get("additionalProperties")
            for k, v in value.items():
                sub = f"{where}.{k}" if where else k
                if props is not None and k in props:
                    self._check(props[k], v, sub)
                elif extra is not None:
                    self._check(extra, v, sub)
                else:
                    raise ApiError(400, f"Invalid JSON payload received. Unknown name \"{k}\" at '{here}': "
                                        "Cannot find field.")
        elif kind == "array":
            if not isinstance(value, list):
                raise ApiError(400, f"Invalid value at '{here}': expected a list.")
            for i, item in enumerate(value):
                self._check(schema.get("items", {}), item, f"{where}[{i}]")
        elif kind == "string":
            if not isinstance(value, str):
                raise ApiError(400, f"Invalid value at '{here}' (TYPE_STRING), {json.dumps(value)}")
            if "enum" in schema and value not in schema["enum"]:
                raise ApiError(400, f"Invalid value at '{here}', \"{value}\"")
        elif kind == "integer":
            is_int = not isinstance(value, bool) and isinstance(value, int)
            if not is_int and not (isinstance(value, str) and value.lstrip("-").isdigit()):
                raise ApiError(400, f"Invalid value at '{here}' (TYPE_INT32), {json.dumps(value)}")
        elif kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ApiError(400, f"Invalid value at '{here}' (TYPE_DOUBLE), {json.dumps(value)}")
        elif kind == "boolean" and not isinstance(value, bool):
            raise ApiError(400, f"Invalid value at '{here}' (TYPE_BOOL), {json.dumps(value)}")
