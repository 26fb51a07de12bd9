"""Zoho CRM: domain models, one exception tree, MCP/SDK/REST tiers and the manager that routes between them."""
