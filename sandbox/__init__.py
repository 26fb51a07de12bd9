"""A local emulator of the Zoho CRM v8 API with a seeded demo org and fault injection."""
