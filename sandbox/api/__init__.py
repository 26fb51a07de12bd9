"""The sandbox's API families, one module each, assembled by ``sandbox.app``: records, search, COQL, notes,
related lists, the recycle bin, attachments, notifications (watch), users and org, metadata, bulk, MCP, the
OAuth token and authorization endpoints, Zoho's web-UI record links, and the ``/__sandbox/*`` controls.
What a family is: ``sandbox.api.family``."""
