"""Sandbox timings, printed as JSON: cold start (seed 5,000 accounts + serve), warm restart (load the
saved org), and one 200-record Accounts page through the official SDK vs raw httpx (median of N).

    .venv/bin/python -m benchmarks.sandbox_page [--accounts 5000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from sandbox.embedded import RunningSandbox, start_sandbox

FIELDS = "Account_Name,Owner,Industry,Annual_Revenue,Rating,Billing_City,Last_Activity_Time,Modified_Time"


def _sdk_page_timer(sb: RunningSandbox, workdir: Path) -> Any:
    from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
    from zohocrmsdk.src.com.zoho.api.authenticator.store.file_store import FileStore
    from zohocrmsdk.src.com.zoho.crm.api import HeaderMap, ParameterMap
    from zohocrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter
    from zohocrmsdk.src.com.zoho.crm.api.initializer import Initializer
    from zohocrmsdk.src.com.zoho.crm.api.record import GetRecordsParam, RecordOperations
    from zohocrmsdk.src.com.zoho.crm.api.sdk_config import SDKConfig

    class SandboxDataCenter(DataCenter):
        def __init__(self, base_url: str) -> None:
            self.base_url = base_url

        def get_iam_url(self) -> str:
            return f"{self.base_url}/oauth/v2/token"

        def get_file_upload_url(self) -> str:
            return self.base_url

    dc = SandboxDataCenter(sb.base_url)
    env = DataCenter.Environment(sb.base_url, dc.get_iam_url(), dc.get_file_upload_url())
    (workdir / "res").mkdir(exist_ok=True)
    token = OAuthToken(client_id=sb.client_id, client_secret=sb.client_secret, refresh_token=sb.refresh_token)
    Initializer.initialize(
        environment=env,
        token=token,
        store=FileStore(str(workdir / "tokens.csv")),
        sdk_config=SDKConfig(update_api_domain=False),
        resource_path=str(workdir / "res"),
    )

    def page() -> int:
        params = ParameterMap()
        params.add(GetRecordsParam.fields, FIELDS)
        params.add(GetRecordsParam.per_page, 200)
        resp = RecordOperations("Accounts").get_records(params, HeaderMap())
        return len(resp.get_object().get_data())

    return page


def _median_ms(fn: Any, repeat: int) -> float:
    fn()  # warm-up (the SDK fetches field metadata once)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        assert fn() == 200
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        data_dir = workdir / "sandbox"
        started = time.perf_counter()
        with start_sandbox(data_dir, accounts=args.accounts, seed=42) as sb:
            cold = time.perf_counter() - started
            counts = {m: sb.store.count(m) for m in ("Accounts", "Contacts", "Deals", "Tasks", "Notes")}
        started = time.perf_counter()
        with start_sandbox(data_dir, accounts=args.accounts, seed=42) as sb:
            warm = time.perf_counter() - started
            form = {
                "grant_type": "refresh_token",
                "client_id": sb.client_id,
                "client_secret": sb.client_secret,
                "refresh_token": sb.refresh_token,
            }
            token = httpx.post(f"{sb.base_url}/oauth/v2/token", data=form).json()["access_token"]
            headers = {"Authorization": f"Zoho-oauthtoken {token}"}

            def raw_page() -> int:
                # a new connection per call, like the SDK
                resp = httpx.get(
                    f"{sb.base_url}/crm/v8/Accounts",
                    params={"fields": FIELDS, "per_page": 200},
                    headers=headers,
                )
                return len(resp.json()["data"])

            with httpx.Client(headers=headers) as client:

                def pooled_page() -> int:
                    resp = client.get(f"{sb.base_url}/crm/v8/Accounts", params={"fields": FIELDS, "per_page": 200})
                    return len(resp.json()["data"])

                pooled = _median_ms(pooled_page, args.repeat)
            raw = _median_ms(raw_page, args.repeat)
            sdk = _median_ms(_sdk_page_timer(sb, workdir), args.repeat)
    print(
        json.dumps(
            {
                "accounts": args.accounts,
                "records": counts,
                "cold_start_seconds": round(cold, 2),
                "warm_restart_seconds": round(warm, 2),
                "page_200_median_ms": {"sdk": sdk, "httpx_new_connection": raw, "httpx_pooled": pooled},
                "repeat": args.repeat,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
