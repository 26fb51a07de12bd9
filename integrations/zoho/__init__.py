"""Zoho CRM: domain models, one exception tree, MCP/SDK/REST tiers and the manager routing between them.

Entry points: ``factory.build_gateway`` and ``connection.zoho_connection``.
"""
