"""Two bundles compared modulo ids: what the round-trip test (and a person checking an import)
uses. Database ids, and the fullUrls and references made from them, differ between clinics."""

import json
from typing import Any


def normalized(bundle: dict[str, Any] | str) -> dict[str, Any]:
    """The bundle with each entry's fullUrl replaced by "<type>#<n>" (its place among the
    entries of its type), references rewritten to match, and resource ids dropped."""
    data = json.loads(bundle) if isinstance(bundle, str) else json.loads(json.dumps(bundle))
    names: dict[str, str] = {}
    seen: dict[str, int] = {}
    for item in data.get("entry", []):
        kind = item["resource"]["resourceType"]
        seen[kind] = seen.get(kind, 0) + 1
        names[item["fullUrl"]] = f"{kind}#{seen[kind]}"

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: (names.get(v, v) if k == "reference" and isinstance(v, str) else walk(v))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    for item in data.get("entry", []):
        item["fullUrl"] = names[item["fullUrl"]]
        item["resource"].pop("id", None)
        item["resource"] = walk(item["resource"])
    return data
