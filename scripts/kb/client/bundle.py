"""A bundle an agent may trust: read, checked against its schema, every hash verified.

`read_bundle(path)` and `verify_bundle(data)` raise `BundleError` with one clear sentence when the
file is not JSON (a truncated download), is another format or version, does not match
`kb-bundle.schema.json`, or when an item's `sha256` or the `content_sha256` does not match what
it covers (a tampered file). Nothing is served from a bundle that fails.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema

from kb.client.errors import BundleError
from kb.export import bundle_schema
from kb.export.bundle import FORMAT, VERSION, canonical_json, sha256_hex

Bundle = dict[str, Any]

#: the largest bundle read; larger files are refused before parsing
MAX_BUNDLE_BYTES = 1 << 30


@cache
def _validator() -> Any:
    return fastjsonschema.compile(json.loads(bundle_schema()))


def read_bundle(path: Path) -> Bundle:
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise BundleError(f"{path}: {size} bytes is more than a bundle may have "
                              f"({MAX_BUNDLE_BYTES})")
        raw = path.read_bytes()
    except OSError as exc:
        raise BundleError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BundleError(f"{path}: not a JSON document (truncated or damaged?): {exc}") from None
    return verify_bundle(data, str(path))


def verify_bundle(data: object, name: str = "bundle") -> Bundle:
    """`data` when it is a whole, untampered kb-bundle of the version this client reads."""
    if not isinstance(data, dict):
        raise BundleError(f"{name}: not a kb-bundle (a JSON object is expected)")
    if data.get("format") != FORMAT:
        raise BundleError(f"{name}: format is {data.get('format')!r}, not {FORMAT!r}")
    if data.get("version") != VERSION:
        raise BundleError(f"{name}: version {data.get('version')!r}; this client reads "
                          f"version {VERSION}: rebuild the bundle or update the client")
    try:
        _validator()(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise BundleError(f"{name}: does not match kb-bundle.schema.json: {exc.message}") from None
    hashes: dict[str, list[str]] = {}
    for kind in ("articles", "trees", "policies"):
        for item in data.get(kind, []):
            body = {k: v for k, v in item.items() if k != "sha256"}
            if sha256_hex(canonical_json(body)) != item["sha256"]:
                raise BundleError(f"{name}: {kind[:-1]} `{item.get('id')}` does not match its "
                                  "sha256: the bundle was changed after it was built")
            hashes.setdefault(kind, []).append(item["sha256"])
    covered = {kind: hashes.get(kind, []) for kind in ("articles", "trees", "policies")}
    if sha256_hex(canonical_json(covered)) != data["build"]["content_sha256"]:
        raise BundleError(f"{name}: content_sha256 does not match the items: an item was "
                          "added, removed or reordered after the bundle was built")
    return data
