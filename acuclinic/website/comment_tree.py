"""Nest a flat, ordered list of comments into threads. Pure: no queries."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MAX_DEPTH = 3


@dataclass
class Thread:
    comment: Any
    depth: int
    replies: list["Thread"] = field(default_factory=list)


def build_threads(comments: Iterable[Any], max_depth: int = MAX_DEPTH) -> list[Thread]:
    """Comments need `pk` and `parent_id`; replies deeper than max_depth join the deepest level.

    A reply whose parent is not in the list (not approved, or deleted) is shown at the top
    level rather than hidden.
    """
    by_pk: dict[Any, Thread] = {}
    roots: list[Thread] = []
    for comment in comments:
        parent = by_pk.get(comment.parent_id)
        while parent is not None and parent.depth >= max_depth:
            parent = by_pk.get(parent.comment.parent_id)
        if parent is None:
            thread = Thread(comment, depth=1)
            roots.append(thread)
        else:
            thread = Thread(comment, depth=parent.depth + 1)
            parent.replies.append(thread)
        by_pk[comment.pk] = thread
    return roots
