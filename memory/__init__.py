"""Long-term account memory on cognee. Nothing outside this package imports cognee."""
