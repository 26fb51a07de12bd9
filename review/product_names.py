"""The vendor's product names notes are read with: the setting's (``SERGAS_PRODUCT_NAMES``, as the thresholds carry
them) and the names of the org's active products in Zoho's Products module, each name once, the setting's first.

Zoho's names come through the gateway (``ZohoGateway.active_product_names``: one call, 1 credit, per 200 products).
A read that fails (a token without the Products scope, an edition or profile without the module, Zoho down, the
day's credits spent) never stops a triage: it goes on with the setting's names, and ``ProductNames.problem`` says
why in one line. The review reads them once per run (``review.pipeline``: as cheap as asking what changed, and a
product retired or deleted in Zoho is out the next night); a process that triages again and again keeps them for an
hour (``ProductNamesSource``: the listener, the inbox, a chat).

A gateway without ``active_product_names`` (a test's small one) reads the setting's names alone, as the review's sync
reads no recycle bin from a gateway without ``fetch_deleted``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from config.settings import is_product_name
from integrations.zoho.errors import ZohoError
from review.thresholds import Thresholds

SETTING = "SERGAS_PRODUCT_NAMES"
ZOHO = "Zoho's Products"
REREAD_SECONDS = 3600.0  # a long-running process reads Zoho's names again after an hour
RETRY_SECONDS = 300.0  # and after a failed read, five minutes


@dataclass(frozen=True)
class ProductNames:
    """The names a triage reads notes with, and where they came from."""

    setting: tuple[str, ...] = ()
    zoho: tuple[str, ...] = ()  # Zoho's active products the setting does not already name, in Zoho's order
    problem: str | None = None  # why they could not be read, in one line

    @property
    def names(self) -> tuple[str, ...]:
        return self.setting + self.zoho

    @property
    def source(self) -> str:
        """``setting``, ``zoho``, ``setting+zoho`` or ``none``: where the names came from."""
        parts = [name for name, used in (("setting", self.setting), ("zoho", self.zoho)) if used]
        return "+".join(parts) or "none"

    def origin(self) -> str:
        """Where the names came from, for the run summary: "8 from Zoho's Products, 1 from SERGAS_PRODUCT_NAMES"."""
        parts = [f"{len(names)} from {label}" for label, names in ((ZOHO, self.zoho), (SETTING, self.setting)) if names]
        return ", ".join(parts)

    def applied_to(self, thresholds: Thresholds) -> Thresholds:
        return thresholds.model_copy(update={"product_names": self.names})


def _why(exc: ZohoError, setting: tuple[str, ...]) -> str:
    if exc.code == "OAUTH_SCOPE_MISMATCH":
        reason = "the OAuth token lacks ZohoCRM.modules.products.READ; grant it, or ZohoCRM.modules.ALL"
    else:
        reason = str(exc)[:200]
    read_with = f"the {len(setting)} of {SETTING}" if setting else f"none (nor any in {SETTING})"
    return f"product names could not be read from {ZOHO} ({reason}); notes were read with {read_with}"


async def read_product_names(gateway: Any, setting: tuple[str, ...]) -> ProductNames:
    """``setting`` and the org's active products, each name once; never raises for Zoho (``problem`` says why)."""
    read = getattr(gateway, "active_product_names", None)
    if read is None:
        return ProductNames(setting=setting)
    try:
        found = await read()
    except ZohoError as exc:
        return ProductNames(setting=setting, problem=_why(exc, setting))
    known = set(setting)
    zoho = tuple(
        name for name in dict.fromkeys(n.strip() for n in found) if is_product_name(name) and name not in known
    )
    return ProductNames(setting=setting, zoho=zoho)


class ProductNamesSource:
    """The thresholds of a process that triages again and again, with the product names: ``base`` (whose
    ``product_names`` are the setting's) and Zoho's, read at most once per ``REREAD_SECONDS`` (after a failed
    read, ``RETRY_SECONDS``)."""

    def __init__(self, gateway: Any, base: Thresholds, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._gateway, self._base, self._clock = gateway, base, clock
        self._last: tuple[float, ProductNames] | None = None

    async def get(self) -> ProductNames:
        now = self._clock()
        if self._last is not None:
            at, names = self._last
            if now - at < (RETRY_SECONDS if names.problem else REREAD_SECONDS):
                return names
        names = await read_product_names(self._gateway, self._base.product_names)
        self._last = (now, names)
        return names

    async def thresholds(self) -> Thresholds:
        return (await self.get()).applied_to(self._base)


__all__ = ["ProductNames", "ProductNamesSource", "read_product_names"]
