"""`objectKey` as a reference to a map object, when an installed app keeps a map (the city map
registers itself here; `appeals` imports nothing of it). Without one the key stays free text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from appeals.models import Appeal


@dataclass(frozen=True)
class KeyLookup:
    object_id: int | None
    # The akimat keeps a map: a key naming nothing on it is refused (before its map was loaded,
    # integrators' keys were free text, and they stay accepted there).
    checked: bool


@dataclass(frozen=True)
class ObjectKeys:
    look_up: Callable[[str], KeyLookup]
    link: Callable[[Appeal, int], None]


_directory: list[ObjectKeys] = []


def register_object_keys(keys: ObjectKeys) -> None:
    _directory[:] = [keys]


def unregister_object_keys() -> None:
    _directory.clear()


def look_up(key: str) -> KeyLookup:
    if not key or not _directory:
        return KeyLookup(None, checked=False)
    return _directory[0].look_up(key)


def link(appeal: Appeal, object_id: int) -> None:
    if _directory:
        _directory[0].link(appeal, object_id)
