"""Repository documents: a repository's files in dependency order, cut to a budget.

StarCoder2 trained on repository-context documents: ``<repo_name>`` and the
repository's name, then each file as ``<file_sep>``, its path, a newline and its
text. DeepSeek-Coder ordered a repository's files so that a file comes after the
files it imports. Here:

- :func:`dependency_order`: a topological order of the repository's files where
  each file follows the files it imports (:mod:`.imports`); among files that are
  free at once, path order; files importing each other in a cycle stay together
  after what they import, the cycle broken at its smallest path still waiting, so
  the order is a function of the paths and imports alone.
- :func:`plan_documents`: the order cut into documents, each at most ``max_bytes``
  bytes (UTF-8, markers included) and ``max_tokens`` tokens (when counted), at file
  boundaries; a file that alone exceeds a limit gets documents of its own, cut at
  line boundaries (:func:`split_text`), never mixed with other files.
- :func:`render`: a document's text from its repository name and parts.
"""

from __future__ import annotations

import dataclasses
import heapq
from typing import Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple


@dataclasses.dataclass(frozen=True)
class Markers:
    #: before the repository's name (StarCoder2's)
    repo: str = "<repo_name>"
    #: before each file's path (StarCoder2's); the path is followed by a newline, then the text
    file: str = "<file_sep>"
    #: after a document's last file (none by default: a trainer adds its own end-of-text)
    end: str = ""


def strongly_connected(graph: Mapping[str, Sequence[str]]) -> List[List[str]]:
    """Tarjan's strongly connected components (iterative), each sorted; edges to
    unknown nodes ignored."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    on_stack: set = set()
    stack: List[str] = []
    components: List[List[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(d for d in graph[root] if d in graph)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(d for d in graph[child] if d in graph))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def _kahn(nodes: Sequence[str], deps: Mapping[str, set]) -> List[str]:
    """Kahn's order of ``nodes`` (ties by smallest); when every waiting node waits,
    the smallest of them goes next (a cycle broken there)."""
    waiting = {n: set(deps[n]) for n in nodes}
    dependents: Dict[str, List[str]] = {n: [] for n in nodes}
    for node in nodes:
        for dep in waiting[node]:
            dependents[dep].append(node)
    ready = [n for n in nodes if not waiting[n]]
    heapq.heapify(ready)
    order: List[str] = []
    done: set = set()
    while len(order) < len(nodes):
        if not ready:
            heapq.heappush(ready, min(n for n in nodes if n not in done))
        node = heapq.heappop(ready)
        if node in done:
            continue
        done.add(node)
        order.append(node)
        for other in dependents[node]:
            if other not in done:
                waiting[other].discard(node)
                if not waiting[other]:
                    heapq.heappush(ready, other)
    return order


def dependency_order(imports: Mapping[str, Sequence[str]]) -> List[str]:
    """Paths in an order where each comes after the paths it imports (when both are
    keys). Files importing each other in a cycle (a strongly connected component)
    stay together, after what the cycle imports; inside it, the cycle is broken at
    its smallest path still waiting. Ties by path: the order depends on paths and
    imports alone."""
    graph = {p: sorted({d for d in imports[p] if d in imports and d != p}) for p in imports}
    components = strongly_connected(graph)
    component_of = {member: i for i, comp in enumerate(components) for member in comp}
    # the components' own graph, ordered by Kahn with ties by their smallest path
    names = [comp[0] for comp in components]
    deps = {comp[0]: {components[component_of[d]][0] for m in comp for d in graph[m]} - {comp[0]}
            for comp in components}
    order: List[str] = []
    for name in _kahn(sorted(names), deps):
        comp = components[component_of[name]]
        inside = set(comp)
        order.extend(_kahn(comp, {m: {d for d in graph[m] if d in inside} for m in comp}))
    return order


class FilePlan(NamedTuple):
    """Where a file goes: document ``document`` of its repository, at ``position``;
    ``alone``: the file has documents of its own (it exceeds a limit alone)."""

    document: int
    position: int
    alone: bool


def header(markers: Markers, repo_name: str) -> str:
    return f"{markers.repo}{repo_name}"


def file_part(markers: Markers, path: str, text: str) -> str:
    return f"{markers.file}{path}\n{text}"


def plan_documents(order: Sequence[str], sizes: Mapping[str, int], tokens: Optional[Mapping[str, int]],
                   overhead_bytes: int, overhead_tokens: int, max_bytes: int, max_tokens: int) -> Dict[str, FilePlan]:
    """Cut ``order`` into documents. ``sizes[path]``: bytes of the file's part (marker,
    path, newline, text); ``tokens[path]``: its tokens (None: not counted);
    ``overhead_*``: what a document adds (header, end marker). A limit of 0 is none."""
    plans: Dict[str, FilePlan] = {}
    document, used_bytes, used_tokens, position = -1, 0, 0, 0
    for path in order:
        size = sizes[path]
        count = tokens[path] if tokens is not None else 0
        too_big = (max_bytes and size + overhead_bytes > max_bytes) or \
            (max_tokens and tokens is not None and count + overhead_tokens > max_tokens)
        if too_big:
            document += 1
            plans[path] = FilePlan(document, 0, True)
            used_bytes = used_tokens = position = 0  # the next file starts a document
            continue
        fits = document >= 0 and position > 0 and \
            (not max_bytes or used_bytes + size <= max_bytes) and \
            (not max_tokens or tokens is None or used_tokens + count <= max_tokens)
        if not fits:
            document += 1
            used_bytes, used_tokens, position = overhead_bytes, overhead_tokens, 0
        plans[path] = FilePlan(document, position, False)
        used_bytes += size
        used_tokens += count
        position += 1
    return plans


def split_text(text: str, limit: int, measure) -> List[str]:
    """``text`` cut at line ends into pieces with ``measure(piece) <= limit`` where a
    line allows it (a single longer line is cut by characters)."""
    pieces: List[str] = []
    current: List[str] = []
    current_size = 0
    for line in text.splitlines(keepends=True):
        size = measure(line)
        if size > limit:
            if current:
                pieces.append("".join(current))
                current, current_size = [], 0
            start = 0
            while start < len(line):  # a line longer than the limit: cut by characters
                end = min(len(line), start + max(1, limit))
                while end > start + 1 and measure(line[start:end]) > limit:
                    end = start + max(1, (end - start) * 3 // 4)
                pieces.append(line[start:end])
                start = end
            continue
        if current and current_size + size > limit:
            pieces.append("".join(current))
            current, current_size = [], 0
        current.append(line)
        current_size += size
    if current or not pieces:
        pieces.append("".join(current))
    return pieces


def render(markers: Markers, repo_name: str, parts: Sequence[Tuple[str, str]]) -> str:
    """A document's text: the header, each ``(path, text)`` part, the end marker."""
    return header(markers, repo_name) + "".join(file_part(markers, p, t) for p, t in parts) + markers.end
