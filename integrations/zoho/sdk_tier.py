"""SDK tier: the official ``zohocrmsdk8-0`` (7.x), kept off the event loop.

The SDK's ``Initializer`` is process-global and thread-bound, so every SDK call runs on one dedicated
thread (``_SDK_EXECUTOR``); the SDK is (re)initialised there only when the connection it must serve
changes. It authenticates through ``SdkTokenStoreAdapter``, i.e. OUR token store: before each call the
tier makes sure the store holds a fresh access token (``TokenManager``), so the SDK never refreshes on
its own, and a 401 INVALID_TOKEN leads to one refresh and one retry (``with_token_retry``, the rule the
httpx clients follow through ``ZohoAuth``; the SDK itself never retries).

Environments: a custom ``DataCenter`` for any explicit URL (the sandbox, a proxy) and the SDK's own
classes for the 8 data centres × production/sandbox/developer. Field metadata is cached under
``SERGAS_HOME/zoho-sdk``. Reads return plain Zoho JSON dicts, the same shape the REST tier returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from integrations.zoho.auth import with_token_retry
from integrations.zoho.credits import BULK_READ_CREDITS, CreditMeter, coql_credits
from integrations.zoho.error_mapping import map_sdk_api_exception, map_sdk_exception
from integrations.zoho.errors import ZohoError, ZohoUnavailableError, ZohoValidationError
from integrations.zoho.models import to_zoho_value
from integrations.zoho.oauth import TokenManager
from integrations.zoho.rest_tier import (
    DISCRETE_LIMIT,
    FIRST_POLL_DELAY,
    IDS_BATCH,
    PER_PAGE,
)
from integrations.zoho.token_store import TokenStore

T = TypeVar("T")
_SDK_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zoho-sdk")
_SDK_STATE: dict[str, Any] = {"config": None}

# Zoho's data centres as the SDK names them.
_DC_CLASSES = {
    "us": "USDataCenter",
    "eu": "EUDataCenter",
    "in": "INDataCenter",
    "au": "AUDataCenter",
    "cn": "CNDataCenter",
    "jp": "JPDataCenter",
    "ca": "CADataCenter",
    "sa": "SADataCenter",
}


def sdk_environment(
    *, dc: str = "us", environment: str = "production", api_url: str | None = None, accounts_url: str | None = None
) -> Any:
    """The SDK ``Environment`` for a DC/environment, or a custom one when URLs are given."""
    from zohocrmsdk.src.com.zoho.crm.api import dc as sdk_dc

    if api_url is None:
        dc_class = getattr(sdk_dc, _DC_CLASSES[dc])
        return getattr(dc_class, environment.upper())()
    return CustomDataCenter(api_url, accounts_url or api_url).environment()


def _custom_dc_base() -> type:
    from zohocrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter

    return DataCenter


class CustomDataCenter(_custom_dc_base()):  # type: ignore[misc]
    """A ``DataCenter`` for explicit URLs (the embedded sandbox, or a Zoho proxy)."""

    def __init__(self, api_url: str, accounts_url: str) -> None:
        self._api_url = api_url.rstrip("/")
        base = accounts_url.rstrip("/")
        self._iam = base if base.endswith("/oauth/v2/token") else f"{base}/oauth/v2/token"

    def get_iam_url(self) -> str:
        return self._iam

    def get_file_upload_url(self) -> str:
        return self._api_url

    def environment(self) -> Any:
        from zohocrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter

        return DataCenter.Environment(self._api_url, self.get_iam_url(), self.get_file_upload_url())


def _sdk_token_store_base() -> type:
    from zohocrmsdk.src.com.zoho.api.authenticator.store.token_store import TokenStore as SdkTokenStore

    return SdkTokenStore


class SdkTokenStoreAdapter(_sdk_token_store_base()):  # type: ignore[misc]
    """Lets the SDK read (and, if it ever refreshes itself, write) tokens in OUR store."""

    def __init__(self, store: TokenStore, key: str, client_id: str, client_secret: str, refresh_token: str) -> None:
        self._store = store
        self._key = key
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token

    def __repr__(self) -> str:
        return f"<SdkTokenStoreAdapter key={self._key}>"

    def _to_sdk(self) -> Any:
        from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken

        rec = self._store.get(self._key)
        if rec is None or rec.access_token is None:
            return None
        token = OAuthToken(
            client_id=self._client_id,
            client_secret=self._client_secret,
            refresh_token=self._refresh_token,
            access_token=rec.access_token.get_secret_value(),
            find_user=False,
        )
        if rec.expires_at is not None:
            token.set_expires_in(str(int(rec.expires_at.timestamp() * 1000)))
        token.set_id(self._key)
        return token

    def find_token(self, token: Any) -> Any:
        return self._to_sdk()

    def find_token_by_id(self, id: Any) -> Any:  # noqa: A002 - SDK signature
        return self._to_sdk()

    def save_token(self, token: Any) -> None:
        from datetime import UTC

        from pydantic import SecretStr

        rec = self._store.get(self._key)
        access = token.get_access_token()
        expires = token.get_expires_in()
        if rec is None or not access:
            return
        rec.access_token = SecretStr(access)
        if expires:
            rec.expires_at = datetime.fromtimestamp(int(expires) / 1000, tz=UTC)
        self._store.save(rec)

    def delete_token(self, id: Any) -> None:  # noqa: A002
        return None

    def get_tokens(self) -> list[Any]:
        token = self._to_sdk()
        return [token] if token else []

    def delete_tokens(self) -> None:
        return None


@dataclass(frozen=True)
class SdkConnection:
    api_url: str | None
    accounts_url: str | None
    dc: str
    environment: str
    client_id: str
    token_key: str
    resource_path: str


def to_plain(value: Any) -> Any:
    """SDK objects (Record, MinifiedUser, Choice, datetime, ...) → Zoho's JSON shapes."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime | date):
        return to_zoho_value(value)
    if isinstance(value, dict):
        return {str(k): _id_str(str(k), to_plain(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if hasattr(value, "get_key_values"):
        return to_plain(value.get_key_values())
    if type(value).__name__ == "Choice" and hasattr(value, "get_value"):
        return to_plain(value.get_value())
    prefix = f"_{type(value).__name__}__"
    attrs = (
        {k[len(prefix) :]: v for k, v in vars(value).items() if k.startswith(prefix)}
        if hasattr(value, "__dict__")
        else {}
    )
    attrs.pop("key_modified", None)
    return {k: _id_str(k, to_plain(v)) for k, v in attrs.items() if v is not None}


def _id_str(key: str, value: Any) -> Any:
    return str(value) if key == "id" and isinstance(value, int) else value


class SdkTier:
    name = "sdk"

    def __init__(
        self,
        tokens: TokenManager,
        *,
        resource_path: Path,
        api_url: str | None = None,
        accounts_url: str | None = None,
        dc: str = "us",
        environment: str = "production",
        timeout: float = 30.0,
        meter: CreditMeter | None = None,
    ) -> None:
        self.tokens = tokens
        self.meter = meter or CreditMeter()
        self._conn = SdkConnection(
            api_url=api_url,
            accounts_url=accounts_url,
            dc=dc,
            environment=environment,
            client_id=tokens.client.client_id,
            token_key=tokens.key,
            resource_path=str(resource_path),
        )
        resource_path.mkdir(parents=True, exist_ok=True)
        self._timeout = timeout
        self.calls = 0
        self._calls_lock = threading.Lock()

    async def aclose(self) -> None:
        return None

    # ------------------------------------------------------------------ plumbing
    def _initialise(self) -> None:
        """Runs on the SDK thread: (re)initialise the global SDK for this connection if needed."""
        if _SDK_STATE["config"] == self._conn:
            return
        from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
        from zohocrmsdk.src.com.zoho.api.logger import Logger
        from zohocrmsdk.src.com.zoho.crm.api.initializer import Initializer
        from zohocrmsdk.src.com.zoho.crm.api.sdk_config import SDKConfig

        client = self.tokens.client
        env = sdk_environment(
            dc=self._conn.dc,
            environment=self._conn.environment,
            api_url=self._conn.api_url,
            accounts_url=self._conn.accounts_url,
        )
        store = SdkTokenStoreAdapter(
            self.tokens.store,
            self.tokens.key,
            client.client_id,
            client.client_secret.get_secret_value(),
            client.refresh_token.get_secret_value(),
        )
        token = OAuthToken(
            client_id=client.client_id,
            client_secret=client.client_secret.get_secret_value(),
            refresh_token=client.refresh_token.get_secret_value(),
            find_user=False,
        )
        config = SDKConfig(
            auto_refresh_fields=False,
            pick_list_validation=False,
            read_timeout=self._timeout,
            connect_timeout=min(self._timeout, 10.0),
            update_api_domain=self._conn.api_url is None,
        )
        Initializer.initialize(
            environment=env,
            token=token,
            store=store,
            sdk_config=config,
            resource_path=self._conn.resource_path,
            logger=Logger.get_instance(Logger.Levels.CRITICAL, None),
        )
        _SDK_STATE["config"] = self._conn

    async def _run(
        self, fn: Callable[[], Any], *, module: str | None = None, record_id: str | None = None, credits: int = 1
    ) -> Any:
        """Run one SDK operation on the SDK thread and map its outcome; a refused token is refreshed once and
        the operation run again (``with_token_retry``: the SDK reads the token from our store). ``credits`` is
        what Zoho charges for it (the shared meter counts it, and refunds it when Zoho refuses)."""
        return await with_token_retry(
            self.tokens, partial(self._run_once, fn, module=module, record_id=record_id, credits=credits)
        )

    async def _run_once(self, fn: Callable[[], Any], *, module: str | None, record_id: str | None, credits: int) -> Any:
        loop = asyncio.get_running_loop()
        try:
            response = await loop.run_in_executor(_SDK_EXECUTOR, self._call, fn, credits)
        except ZohoError:
            raise
        except Exception as exc:  # the SDK's edge: SDKException, requests errors, parse errors
            raise map_sdk_exception(exc, module=module, record_id=record_id) from None
        if response is None:
            return None
        status = response.get_status_code()
        obj = response.get_object()
        if status in (401, 429):
            self.meter.refund(credits)  # Zoho charges no credits for a call it refused
        refused = obj is not None and type(obj).__name__ == "APIException"
        if refused or (status is not None and status >= 400):
            raise map_sdk_api_exception(obj, status, module=module, record_id=record_id)
        return response

    def _call(self, fn: Callable[[], Any], credits: int = 1) -> Any:
        self._initialise()
        self.meter.charge(credits, operation="an SDK call")
        with self._calls_lock:
            self.calls += 1
        return fn()

    # ------------------------------------------------------------------ reads
    @staticmethod
    def _records(response: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        if response is None or response.get_status_code() in (204, 304):
            return [], {}
        obj = response.get_object()
        if obj is None:
            if response.get_status_code() == 200:  # the SDK swallows an unparseable body: not "no records"
                raise ZohoUnavailableError(
                    "Zoho answered 200 with a body the SDK could not read",
                    code="MALFORMED_RESPONSE",
                    status=200,
                    tier="sdk",
                )
            return [], {}
        data = obj.get_data() if hasattr(obj, "get_data") else []
        info = to_plain(obj.get_info()) if hasattr(obj, "get_info") and obj.get_info() is not None else {}
        return [to_plain(r) for r in (data or [])], info

    async def get_record(
        self, module: str, record_id: str, fields: Sequence[str] | None = None
    ) -> dict[str, Any] | None:
        _check_id(record_id, module)
        from zohocrmsdk.src.com.zoho.crm.api import ParameterMap
        from zohocrmsdk.src.com.zoho.crm.api.record import GetRecordParam, RecordOperations

        def op() -> Any:
            params = ParameterMap()
            if fields:
                params.add(GetRecordParam.fields, ",".join(fields))
            return RecordOperations(module).get_record(int(record_id), params)

        rows, _ = self._records(await self._run(op, module=module, record_id=record_id))
        return rows[0] if rows else None

    async def get_records_by_ids(
        self, module: str, ids: Sequence[str], fields: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        from zohocrmsdk.src.com.zoho.crm.api import ParameterMap
        from zohocrmsdk.src.com.zoho.crm.api.record import GetRecordsParam, RecordOperations

        out: list[dict[str, Any]] = []
        unique = list(dict.fromkeys(str(i) for i in ids))
        for start in range(0, len(unique), IDS_BATCH):
            batch = unique[start : start + IDS_BATCH]

            def op(batch: list[str] = batch) -> Any:
                params = ParameterMap()
                params.add(GetRecordsParam.ids, ",".join(batch))
                if fields:
                    params.add(GetRecordsParam.fields, ",".join(fields))
                return RecordOperations(module).get_records(params)

            rows, _ = self._records(await self._run(op, module=module))
            out.extend(rows)
        return out

    async def list_pages(
        self,
        module: str,
        fields: Sequence[str],
        *,
        sort_by: str = "id",
        sort_order: str = "asc",
        modified_since: datetime | None = None,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        from zohocrmsdk.src.com.zoho.crm.api import HeaderMap, ParameterMap
        from zohocrmsdk.src.com.zoho.crm.api.record import GetRecordsHeader, GetRecordsParam, RecordOperations

        page, token = 1, None
        while True:

            def op(page: int = page, token: str | None = token) -> Any:
                params = ParameterMap()
                params.add(GetRecordsParam.fields, ",".join(fields))
                params.add(GetRecordsParam.per_page, PER_PAGE)
                params.add(GetRecordsParam.sort_by, sort_by)
                params.add(GetRecordsParam.sort_order, sort_order)
                if token:
                    params.add(GetRecordsParam.page_token, token)
                else:
                    params.add(GetRecordsParam.page, page)
                headers = HeaderMap()
                if modified_since is not None:
                    headers.add(GetRecordsHeader.if_modified_since, modified_since)
                return RecordOperations(module).get_records(params, headers)

            rows, info = self._records(await self._run(op, module=module))
            if rows:
                yield rows
            if not info.get("more_records"):
                return
            if page * PER_PAGE < DISCRETE_LIMIT and not token:
                page += 1
            else:
                token = info.get("next_page_token")
                if not token:
                    return

    async def related(
        self, module: str, record_id: str, related_list: str, fields: Sequence[str]
    ) -> list[dict[str, Any]]:
        _check_id(record_id, module)
        from zohocrmsdk.src.com.zoho.crm.api import ParameterMap
        from zohocrmsdk.src.com.zoho.crm.api.related_records import (
            GetRelatedRecordsParam,
            RelatedRecordsOperations,
        )

        out: list[dict[str, Any]] = []
        page = 1
        while page * PER_PAGE <= DISCRETE_LIMIT:

            def op(page: int = page) -> Any:
                params = ParameterMap()
                params.add(GetRelatedRecordsParam.fields, ",".join(fields))
                params.add(GetRelatedRecordsParam.page, page)
                params.add(GetRelatedRecordsParam.per_page, PER_PAGE)
                operations = RelatedRecordsOperations(related_list, module)
                return operations.get_related_records(int(record_id), params)

            rows, info = self._records(await self._run(op, module=module, record_id=record_id))
            out.extend(rows)
            if not info.get("more_records"):
                break
            page += 1
        return out

    async def search(
        self,
        module: str,
        *,
        criteria: str | None = None,
        word: str | None = None,
        email: str | None = None,
        fields: Sequence[str] | None = None,
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        from zohocrmsdk.src.com.zoho.crm.api import ParameterMap
        from zohocrmsdk.src.com.zoho.crm.api.record import RecordOperations, SearchRecordsParam

        out: list[dict[str, Any]] = []
        page = 1
        while len(out) < limit:

            def op(page: int = page) -> Any:
                params = ParameterMap()
                if criteria:
                    params.add(SearchRecordsParam.criteria, criteria)
                elif email:
                    params.add(SearchRecordsParam.email, email)
                elif word:
                    params.add(SearchRecordsParam.word, word)
                if fields:
                    params.add(SearchRecordsParam.fields, ",".join(fields))
                params.add(SearchRecordsParam.page, page)
                params.add(SearchRecordsParam.per_page, min(limit, PER_PAGE))
                return RecordOperations(module).search_records(params)

            rows, info = self._records(await self._run(op, module=module))
            out.extend(rows)
            if not info.get("more_records") or page * PER_PAGE >= DISCRETE_LIMIT:
                break
            page += 1
        return out[:limit]

    async def coql(self, query: str, *, module: str | None = None) -> tuple[list[dict[str, Any]], bool]:
        from zohocrmsdk.src.com.zoho.crm.api.coql import BodyWrapper, CoqlOperations

        def op() -> Any:
            body = BodyWrapper()
            body.set_select_query(query)
            return CoqlOperations().get_records(body)

        rows, info = self._records(await self._run(op, module=module, credits=coql_credits(query)))
        return rows, bool(info.get("more_records"))

    async def bulk_read(
        self,
        module: str,
        fields: Sequence[str] | None = None,
        criteria: dict[str, Any] | None = None,
        *,
        poll_seconds: float = 1.0,
        max_wait_seconds: float = 600.0,
    ) -> list[dict[str, str]]:
        """Bulk Read job through the SDK: create, poll, download the zip, parse the CSV; one job per page."""
        from integrations.zoho.rest_tier import parse_bulk_zip

        if criteria:
            raise ZohoUnavailableError("SDK bulk read with criteria is not wired; use COQL", tier=self.name)
        out: list[dict[str, str]] = []
        page = 1
        while True:
            created = await self._run(
                partial(_create_job, module, fields, page), module=module, credits=BULK_READ_CREDITS
            )
            action = created.get_object().get_data()[0]
            job_id = str(to_plain(action.get_details()).get("id"))
            result = await self._wait_for_job(
                module, job_id, poll_seconds=poll_seconds, max_wait_seconds=max_wait_seconds
            )
            download = await self._run(partial(_download, int(job_id)), module=module, record_id=job_id)
            out.extend(parse_bulk_zip(_stream_bytes(download.get_object().get_file().get_stream())))
            if not result.get("more_records"):
                return out
            page += 1

    async def _wait_for_job(
        self, module: str, job_id: str, *, poll_seconds: float, max_wait_seconds: float
    ) -> dict[str, Any]:
        """The result of Bulk Read job ``job_id`` once it completed; a failed or overdue job raises."""
        await asyncio.sleep(FIRST_POLL_DELAY)
        waited = FIRST_POLL_DELAY
        while True:
            resp = await self._run(partial(_job_details, int(job_id)), module=module, record_id=job_id)
            job = resp.get_object().get_data()[0]
            state = to_plain(job.get_state())
            if state == "COMPLETED":
                return to_plain(job.get_result()) or {}
            if state == "FAILURE" or waited >= max_wait_seconds:
                raise ZohoUnavailableError(
                    f"bulk read job {state}", code="BULK_FAILURE", module=module, record_id=job_id, tier=self.name
                )
            await asyncio.sleep(poll_seconds)
            waited += poll_seconds

    async def current_user(self) -> dict[str, Any] | None:
        from zohocrmsdk.src.com.zoho.crm.api import ParameterMap
        from zohocrmsdk.src.com.zoho.crm.api.users import GetUsersParam, UsersOperations

        def op() -> Any:
            params = ParameterMap()
            params.add(GetUsersParam.type, "CurrentUser")
            return UsersOperations().get_users(params)

        response = await self._run(op)
        if response is None or response.get_object() is None:
            return None
        users = response.get_object().get_users() or []
        return to_plain(users[0]) if users else None


def _check_id(record_id: str, module: str) -> None:
    if not str(record_id).isdigit():
        raise ZohoValidationError(
            "record ids are numeric", code="INVALID_DATA", module=module, record_id=str(record_id), tier="sdk"
        )


def _create_job(module: str, fields: Sequence[str] | None, page: int) -> Any:
    """Creates a Bulk Read job for page ``page`` (from 1) of ``module`` as CSV."""
    from zohocrmsdk.src.com.zoho.crm.api.bulk_read import BodyWrapper, BulkReadOperations, Query
    from zohocrmsdk.src.com.zoho.crm.api.modules import MinifiedModule

    query = Query()
    mod = MinifiedModule()
    mod.set_api_name(module)
    query.set_module(mod)
    if fields:
        query.set_fields(list(fields))
    query.set_page(page)
    body = BodyWrapper()
    body.set_query(query)
    body.set_file_type("csv")
    return BulkReadOperations().create_bulk_read_job(body)


def _job_details(job_id: int) -> Any:
    from zohocrmsdk.src.com.zoho.crm.api.bulk_read import BulkReadOperations

    return BulkReadOperations().get_bulk_read_job_details(job_id)


def _download(job_id: int) -> Any:
    from zohocrmsdk.src.com.zoho.crm.api.bulk_read import BulkReadOperations

    return BulkReadOperations().download_result(job_id)


def _stream_bytes(stream: Any) -> bytes:
    """All bytes of a downloaded file's stream (a file object or a streamed response), the file then closed."""
    content: bytes = (
        stream.read() if hasattr(stream, "read") else b"".join(chunk for chunk in stream.iter_content(1 << 16) if chunk)
    )
    if isinstance(stream, io.IOBase):
        with contextlib.suppress(Exception):
            stream.close()
    return content
