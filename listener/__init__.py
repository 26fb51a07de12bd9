"""The notifications listener: near-real-time reviews of accounts that change in Zoho.

    Zoho ──POST /zoho/notify──▶ app (token check) ──▶ CallbackQueue (SQLite, WAL, under SERGAS_HOME/listener)
                                                           │
                       worker: resolve record ids → account ids, debounce per account,
                       sync_records(ids) → review_accounts(ids, agent_budget_usd) → ack
                                                           │
    renewal: keeps the watch channels (Accounts, Deals, Contacts, Tasks, Notes) alive before they expire

Modules: ``models`` (boundary types), ``verification_token`` (the callback token), ``rest`` (the tiny
authenticated REST adapter, the only place that sees httpx), ``watch_client`` (enable/list/renew/disable),
``callback_queue`` (the persisted queue), ``ledger`` (daily budget and counters), ``resolver``
(record → account), ``worker``, ``renewal``, ``app`` (Starlette), ``service`` (composition + uvicorn).
"""
