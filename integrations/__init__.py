"""Everything that crosses a boundary to an outside system (Zoho)."""
