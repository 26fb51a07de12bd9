"""Local sentence embeddings (all-MiniLM-L6-v2 in numpy) and their adapter for cognee."""
