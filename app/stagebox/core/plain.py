"""JSON-ready data from dataclasses: enums become their values, containers are walked."""

from __future__ import annotations

from dataclasses import asdict
from enum import Enum
from typing import Any


def plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def plain_dataclass(obj: Any) -> dict[str, Any]:
    data: dict[str, Any] = plain(asdict(obj))
    return data
