"""Connected components in Beam, with no worker holding all edges or a hot node's list.

Method: alternating **large-star / small-star** (Kiveris, Lattanzi, Mirrokni,
Rastogi, Vassilvitskii, "Connected Components in MapReduce and Beyond", SoCC
2014), unrolled for ``max_rounds`` rounds because a Beam graph is static.

* Large-star: for every node ``u``, ``m = min(N(u) + [u])``; every neighbour
  ``v > u`` is re-linked to ``m``.
* Small-star: for every node ``u`` with its smaller neighbours ``S(u)``,
  ``m = min(S(u) + [u])``; ``u`` and every ``v`` in ``S(u)`` are linked to ``m``.

Why this method: each step is one ``GroupByKey`` on a node and a reducer that
reads the node's neighbours **twice as a stream** (the minimum, then the
re-linking): Beam's grouped values are a re-iterable that Dataflow and Flink page
from the shuffle, so a hub with millions of neighbours (thousands of identical
boilerplate files all linked to one centre) costs O(1) memory, and the edge set
never has to fit one worker (GraphFrames-style union-find on a driver would). The
method converges in O(log^2 n) rounds in the worst case and in a few on real
duplicate clusters (stars and cliques: 1-3; a path of 10,000 random ids: 10);
hash-to-min needs a node's whole cluster in one reducer, which is exactly the hot
list this avoids. Edges are deduplicated once per round by a ``GroupByKey`` on the
edge (a step emits at most one edge per input edge, plus one per node, so repeats
between the two steps stay bounded), and a round costs three shuffles. The round is
six transforms (``Distinct``'s combiner would make it a dozen: the graph is built,
translated and staged in a fraction of the time, which every run pays).

Convergence: a step "moves" an edge when it re-links it to a smaller centre;
the graph is a set of stars (each component = its minimum node plus leaves) exactly
when a round moves nothing. Counters (in the caller's stage namespace):
``cc_moved:round_NN`` per round (absent = 0) and ``cc_unconverged`` = edges one
more round would still move (both steps run once more on the result, only to
count); if that is not 0, raise ``max_rounds`` (an unconverged run only
under-merges: a component may stay split, nodes are never joined wrongly).

Output: ``(node, label)`` for every node on an edge, ``label`` = the smallest
node id of its component (roots label themselves).
"""

from __future__ import annotations

from typing import Dict, Iterable, Iterator, List, Tuple

import apache_beam as beam

from transforms.base import BeamCounter
from transforms.counts import CountedParDo

Edge = Tuple[str, str]


def canonical(u: str, v: str) -> Edge:
    """An undirected edge as ``(larger, smaller)``."""
    return (u, v) if u > v else (v, u)


def large_star(node: str, neighbours: Iterable[str], count=None) -> Iterator[Edge]:
    """Large-star at one node; ``neighbours`` is read twice (a re-iterable, not a list)."""
    centre = min(neighbours, default=node)
    if node < centre:
        centre = node
    moved = 0
    for v in neighbours:
        if v > node:
            if centre != node:
                moved += 1
            yield (v, centre)
    if moved and count is not None:
        count(moved)


def small_star(node: str, smaller: Iterable[str], count=None) -> Iterator[Edge]:
    """Small-star at one node over its smaller neighbours (read twice)."""
    centre = min(smaller, default=node)
    if node < centre:
        centre = node
    if centre != node:
        yield (node, centre)
    moved = 0
    for v in smaller:
        if v != centre:
            moved += 1
            yield (v, centre)
    if moved and count is not None:
        count(moved)


class _LargeStarFn(beam.DoFn):
    def __init__(self, stage: str, name: str):
        self._stage, self._name = stage, name

    def setup(self):
        self._count = BeamCounter(self._stage)

    def finish_bundle(self):
        yield from self._count.emit()

    def process(self, element):
        node, neighbours = element
        yield from large_star(node, neighbours, lambda n: self._count(self._name, n))


class _SmallStarFn(_LargeStarFn):
    """Small-star at one node; its edges come out keyed for the dedupe, ``(edge, None)``."""

    def process(self, element):
        node, smaller = element
        for edge in small_star(node, smaller, lambda n: self._count(self._name, n)):
            yield edge, None


def _both_ways(grouped) -> Iterator[Edge]:
    """``(edge, [None, ...])`` from the dedupe -> the edge in both orientations."""
    edge, _ = grouped
    yield edge
    yield (edge[1], edge[0])


def _root_and_leaf(grouped) -> Iterator[Edge]:
    (big, small), _ = grouped
    yield (big, small)
    yield (small, small)


def _canonical_key(edge) -> Iterator[Tuple[Edge, None]]:
    u, v = edge
    if u != v:  # self loops are dropped
        yield canonical(u, v), None


class ConnectedComponents(beam.PTransform):
    """``labels = edges | ConnectedComponents(stage, max_rounds)``.

    ``edges``: ``(u, v)`` node-id pairs (any orientation, repeats allowed);
    counters go to ``codestack.<stage>``.
    """

    def __init__(self, stage: str, max_rounds: int = 12, label: str = "ConnectedComponents"):
        super().__init__(label=label)
        self._stage = stage
        self._max_rounds = max_rounds

    def expand(self, edges):
        # edges are carried as ``(edge, [None, ...])``: grouped by the edge, so each is there once
        edges = (
            edges
            | "Canonical" >> beam.FlatMap(_canonical_key)
            | "Distinct" >> beam.GroupByKey()
        )
        for round_ in range(1, self._max_rounds + 1):
            name = f"Round{round_:02d}"
            counter = f"cc_moved:round_{round_:02d}"
            edges = (
                edges
                | f"{name}/LargeStar/BothWays" >> beam.FlatMap(_both_ways)
                | f"{name}/LargeStar/Group" >> beam.GroupByKey()
                | f"{name}/LargeStar/Relink" >> CountedParDo(_LargeStarFn(self._stage, counter))
                | f"{name}/SmallStar/Group" >> beam.GroupByKey()
                | f"{name}/SmallStar/Relink" >> CountedParDo(_SmallStarFn(self._stage, counter))
                | f"{name}/SmallStar/Distinct" >> beam.GroupByKey()
            )
        # Both steps once more on the result, only to count what they would still move.
        _ = (
            edges
            | "Check/LargeStar/BothWays" >> beam.FlatMap(_both_ways)
            | "Check/LargeStar/Group" >> beam.GroupByKey()
            | "Check/LargeStar/Relink" >> CountedParDo(_LargeStarFn(self._stage, "cc_unconverged"))
        )
        _ = (
            edges
            | "Check/SmallStar/Edges" >> beam.Keys()
            | "Check/SmallStar/Group" >> beam.GroupByKey()
            | "Check/SmallStar/Relink" >> CountedParDo(_SmallStarFn(self._stage, "cc_unconverged"))
        )
        return (
            edges
            | "RootAndLeaf" >> beam.FlatMap(_root_and_leaf)
            | "Label" >> beam.CombinePerKey(min)
        )


def components(edges: Iterable[Edge]) -> Dict[str, str]:
    """Reference (in memory, union-find): ``{node: smallest node of its component}``."""
    parent: Dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for u, v in edges:
        parent.setdefault(u, u)
        parent.setdefault(v, v)
        ru, rv = find(u), find(v)
        if ru != rv:
            if ru < rv:
                parent[rv] = ru
            else:
                parent[ru] = rv
    return {node: find(node) for node in sorted(parent)}


def groups(labels: Dict[str, str]) -> List[List[str]]:
    """Components as sorted lists of nodes, sorted by their first node."""
    by_label: Dict[str, List[str]] = {}
    for node, label in labels.items():
        by_label.setdefault(label, []).append(node)
    return sorted(sorted(members) for members in by_label.values())
