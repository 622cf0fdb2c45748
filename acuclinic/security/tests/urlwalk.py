"""Every URL pattern of the project, from the resolver (not a hand-picked list), with a path
that resolves to it: placeholders for the parameters (an id that does not exist, a slug no
record has), so a request reaches the pattern's view without touching a real record."""

import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

MISSING_ID = "999999"
# Tried in order for a regex group until the whole path resolves to the same view.
CANDIDATES = (MISSING_ID, "no-such-thing", "abc", "x/y", "a" * 8, str(uuid.UUID(int=0)))


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the view's dotted path when the pattern has no name
    path: str  # a concrete path, starting with "/"
    callback: Any


def _route_sample(pattern: RoutePattern) -> str:
    text = str(pattern)
    for name, converter in pattern.converters.items():
        kind = type(converter).__name__
        value = {
            "IntConverter": MISSING_ID,
            "UUIDConverter": str(uuid.UUID(int=0)),
            "PathConverter": "no-such/thing",
        }.get(kind, "no-such-thing")
        text = re.sub(rf"<(?:\w+:)?{name}>", value, text)
    return text


def _regex_samples(pattern: RegexPattern) -> list[str]:
    text = str(pattern).removeprefix("^").removesuffix("$").removesuffix("\\Z")
    groups = re.findall(r"\(\?P<\w+>[^)]*\)|\([^?][^)]*\)", text)
    if not groups:
        return [re.sub(r"\\(.)", r"\1", text)]
    samples = []
    for value in CANDIDATES:
        sample = text
        for group in groups:
            body = re.sub(r"^\((?:\?P<\w+>)?|\)$", "", group)
            if re.fullmatch(r"[\w|]+", body):  # a choice of words, e.g. an app label
                sample = sample.replace(group, body.split("|")[0], 1)
            else:
                sample = sample.replace(group, value, 1)
        samples.append(re.sub(r"\\(.)", r"\1", sample).replace("?", ""))
    # Nested groups (Wagtail's page path) defeat the substitution: plain guesses as well.
    return samples + [f"{value}/" for value in CANDIDATES] + [""]


def _samples(pattern: Any) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return [_route_sample(pattern)]
    return _regex_samples(pattern)


def routes() -> list[Route]:
    """Every view reachable through the URL configuration (one path each); unresolvable
    patterns raise, so nothing is skipped silently."""
    found: dict[str, Route] = {}

    def walk(patterns: list[Any], prefixes: list[str], namespace: str) -> None:
        for pattern in patterns:
            here = [p + s for p in prefixes for s in _samples(pattern.pattern)]
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, here, inner)
                continue
            assert isinstance(pattern, URLPattern)
            callback = pattern.callback
            label = pattern.name or f"{callback.__module__}.{callback.__qualname__}"
            name = f"{namespace}{label}"
            if name in found:
                continue
            for candidate in here:
                path = "/" + candidate
                try:
                    match = resolve(path)
                except Resolver404:
                    continue
                if match.func is callback:
                    found[name] = Route(name, path, callback)
                    break
            else:
                raise AssertionError(f"no path resolves to {name}: tried {here[:4]}")

    walk(get_resolver().url_patterns, [""], "")
    return sorted(found.values(), key=lambda route: route.name)
