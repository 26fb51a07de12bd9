"""Everything that touches cognee: open it under ``memory_dir``, push nodes, search the vector index.

Imported lazily (``import cognee`` costs seconds and logs): only ``memory.account_memory`` imports it,
and only when a memory is opened.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from config.settings import Settings
from memory.cognee_env import apply_cognee_environment
from memory.ranking import Candidate

DATASET = "crm_memory"
# The vector collections memory searches: one per node type (cognee names them <Type>_<field>).
# Contacts and tasks are graph nodes only (see memory.datapoints).
COLLECTIONS = ("CrmNote_text", "CrmAccount_text", "CrmDeal_text", "CrmChange_text", "AccountDecision_text")
RECORD_COLLECTIONS = ("CrmNote_text", "CrmAccount_text", "CrmDeal_text")  # the embedded CRM record types
DECISION_COLLECTIONS = ("AccountDecision_text", "CrmChange_text", "CrmNote_text")
PUSH_CHUNK = 5000  # nodes per write: bounds memory; each vector upsert scans its table once


_KUZU_PROVIDERS = ("kuzu", "ladybug")
_EDGE_WRITE_CHUNK = 2000
_KUZU_EDGE_UPSERT = """
UNWIND $edges AS edge
MATCH (from:Node {id: edge.from_id})
MATCH (to:Node {id: edge.to_id})
MERGE (from)-[r:EDGE {relationship_name: edge.relationship_name}]->(to)
ON CREATE SET r.created_at = TIMESTAMP(edge.at), r.updated_at = TIMESTAMP(edge.at), r.properties = edge.properties
ON MATCH SET r.updated_at = TIMESTAMP(edge.at), r.properties = edge.properties
"""


class CogneeStore:
    def __init__(self, settings: Settings) -> None:
        env = apply_cognee_environment(settings)
        import cognee

        from memory.embedding.cognee_engine import install

        install()
        cognee.config.system_root_directory(env["SYSTEM_ROOT_DIRECTORY"])
        cognee.config.data_root_directory(env["DATA_ROOT_DIRECTORY"])
        for name in ("cognee", "litellm", "LiteLLM"):
            logging.getLogger(name).setLevel(logging.ERROR)
        self._vector: Any = None
        self._graph_provider = settings.memory_graph_provider.lower()
        # seconds per write step in this process (the benchmark's breakdown; "vectors" includes embedding)
        self.timings: dict[str, float] = {"graph_nodes": 0.0, "vectors": 0.0, "graph_edges": 0.0}

    def node_id(self, module: str, record_id: str) -> str:
        from memory.datapoints import NODE_TYPES

        node_type = NODE_TYPES[module]
        return str(node_type.id_for(f"{module}:{record_id}"))

    def build_node(self, module: str, **fields: Any) -> Any:
        from memory.datapoints import NODE_TYPES

        return NODE_TYPES[module](source_key=f"{module}:{fields['source_id']}", module=module, **fields)

    async def push(self, nodes: list[Any], edges: list[tuple[str, str, str, dict[str, Any]]]) -> None:
        """Write nodes (and edges between existing nodes) to the graph and the vector index.

        Straight to cognee's engines, in large batches, graph before vectors (cognee's own order: a
        vector row never exists without its node). Not through a cognee pipeline: its per-run set-up
        (relational bookkeeping, an embedding connection test, deep copies of every node, vector
        upserts of 256 rows) cost more than the writes themselves — measured in benchmarks/memory_sync.py.
        """
        if not nodes:
            return
        from cognee.infrastructure.databases.unified import get_unified_engine
        from cognee.infrastructure.databases.unified.capabilities import EngineCapability
        from cognee.modules.graph.utils import ensure_default_edge_properties
        from cognee.tasks.storage.index_graph_edges import index_graph_edges

        engine = await get_unified_engine()
        hybrid = engine.has_capability(EngineCapability.HYBRID_WRITE)
        by_source: dict[str, list[tuple[str, str, str, dict[str, Any]]]] = {}
        for source, target, relationship, props in edges:
            # An explicit edge_text: otherwise cognee writes "<node text> belongs to <uuid>." per edge and
            # indexes each of those (as many embeddings again as nodes, for nothing we search).
            by_source.setdefault(source, []).append(
                (source, target, relationship, {"edge_text": relationship, **props})
            )
        for start in range(0, len(nodes), PUSH_CHUNK):
            chunk = nodes[start : start + PUSH_CHUNK]
            chunk_edges = ensure_default_edge_properties(
                [e for n in chunk for e in by_source.get(str(n.id), [])], nodes=chunk
            )
            if hybrid:
                await engine.graph.add_nodes_with_vectors(chunk)
                if chunk_edges:
                    await engine.graph.add_edges_with_vectors(chunk_edges)
                continue
            t0 = time.perf_counter()
            await engine.graph.add_nodes(chunk)
            t1 = time.perf_counter()
            await self._index(engine.vector, chunk)
            t2 = time.perf_counter()
            if chunk_edges:
                await self._add_edges(engine.graph, chunk_edges)
                await index_graph_edges(chunk_edges, vector_engine=engine.vector)  # one row per relationship
            self.timings["graph_nodes"] += t1 - t0
            self.timings["vectors"] += t2 - t1
            self.timings["graph_edges"] += time.perf_counter() - t2

    async def remove(self, node_ids: list[str]) -> None:
        """Take record nodes out of the graph (with their edges) and out of every record collection."""
        if not node_ids:
            return
        from cognee.infrastructure.databases.unified import get_unified_engine

        engine = await get_unified_engine()
        await engine.graph.delete_nodes(node_ids)
        if engine.vector is not None:
            for collection in RECORD_COLLECTIONS:
                await engine.vector.delete_data_points(collection, node_ids)

    async def _add_edges(self, graph: Any, edges: list[tuple[str, str, str, dict[str, Any]]]) -> None:
        """The embedded graph (Kuzu/Ladybug): the adapter's own edge upsert, but with one MATCH per end.

        cognee 1.6.5 matches both ends in one comma pattern, which Kuzu plans without the id index:
        1.4 ms an edge, 70 s for a 5,000-account org. Two MATCH clauses take 0.04 ms an edge (measured on
        5,000 edges). Same MERGE, same properties. Other graph databases get cognee's ``add_edges``."""
        if self._graph_provider not in _KUZU_PROVIDERS or not hasattr(graph, "query"):
            await graph.add_edges(edges)
            return
        from cognee.modules.storage.utils import JSONEncoder

        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        rows = [
            {
                "from_id": str(source),
                "to_id": str(target),
                "relationship_name": relationship,
                "properties": json.dumps(props, cls=JSONEncoder),
                "at": now,
            }
            for source, target, relationship, props in edges
        ]
        for start in range(0, len(rows), _EDGE_WRITE_CHUNK):
            await graph.query(_KUZU_EDGE_UPSERT, {"edges": rows[start : start + _EDGE_WRITE_CHUNK]})
        checkpoint = getattr(graph, "checkpoint", None)
        if checkpoint is not None:
            await checkpoint()

    async def _index(self, vector: Any, nodes: list[Any]) -> None:
        """Embed and upsert each node's index fields, one collection (``<Type>_<field>``) at a time."""
        groups: dict[tuple[str, str], list[Any]] = {}
        for node in nodes:
            for field in node.metadata.get("index_fields") or []:
                if getattr(node, field, None):
                    groups.setdefault((type(node).__name__, field), []).append(node)
        for (type_name, field), points in groups.items():
            await vector.create_vector_index(type_name, field)
            await vector.index_data_points(type_name, field, points)

    async def search(
        self, query_vector: list[float], collections: tuple[str, ...], limit: int, *, only_ids: list[str] | None = None
    ) -> list[Candidate]:
        """(node id, cosine similarity, its vector or None) best first, across collections; missing ones are
        skipped. The vector comes with LanceDB (search spreads near-duplicates by it); other engines give None.

        ``only_ids`` restricts the search to those nodes (an account's records): a filtered vector
        search on LanceDB, over-fetch and filter on other engines.
        """
        from cognee.infrastructure.databases.vector.get_vector_engine import get_vector_engine_async

        if self._vector is None:
            self._vector = await get_vector_engine_async()
        if only_ids is not None and not only_ids:
            return []
        results = await asyncio.gather(*(self._search_one(name, query_vector, limit, only_ids) for name in collections))
        hits = [hit for part in results for hit in part]
        if only_ids is not None:
            wanted = set(only_ids)
            hits = [h for h in hits if h[0] in wanted]
        hits.sort(key=lambda h: h[1], reverse=True)
        return hits

    async def collection_sizes(self) -> dict[str, int]:
        """Rows per vector collection (one per embedded node: a duplicate would show here)."""
        from cognee.infrastructure.databases.vector.get_vector_engine import get_vector_engine_async

        if self._vector is None:
            self._vector = await get_vector_engine_async()
        sizes: dict[str, int] = {}
        for name in COLLECTIONS:
            try:
                if await self._vector.has_collection(name):
                    sizes[name] = int(await (await self._vector.get_collection(name)).count_rows())
            except Exception as exc:  # an engine without get_collection/count_rows: leave it out
                logging.getLogger(__name__).debug("count of %s failed: %s", name, exc)
        return sizes

    async def _search_one(
        self, name: str, vector: list[float], limit: int, only_ids: list[str] | None
    ) -> list[Candidate]:
        try:
            if hasattr(self._vector, "get_collection"):  # LanceDB: the vectors too, and a filtered search
                collection = await self._vector.get_collection(name)
                query = collection.vector_search(vector).distance_type("cosine")
                if only_ids is not None:
                    quoted = ",".join("'" + i.replace("'", "''") + "'" for i in only_ids)
                    query = query.where(f"id IN ({quoted})")
                rows = await query.select(["id", "_distance", "vector"]).limit(limit).to_list()
                return [(str(r["id"]), 1.0 - float(r["_distance"]), r.get("vector")) for r in rows]
            fetch = limit * 20 if only_ids is not None else limit
            results = await self._vector.search(name, query_vector=vector, limit=fetch)
        except Exception as exc:  # missing (nothing of that type yet) or being created by the writer: skip
            logging.getLogger(__name__).debug("search of %s failed: %s", name, exc)
            return []
        return [(str(r.id) if isinstance(r.id, UUID) else str(r.id), 1.0 - float(r.score), None) for r in results]
