"""Page settings <-> URL query parameters, with a notice for every value that could not be used.

A URL holds only what differs from the page's defaults, under stable keys (optimizer and landscape
*names*, never display labels), so links stay short and survive label changes:

``?landscape=rosenbrock&steps=800&opt=sgd,adam&o1.lr=0.002&o2.lr=0.05&o2.betas=0.8,0.99``

The keys and the rules come from the settings' declarations (:mod:`scenarios.fields`); this module
only names the two directions for a page. Decoding never raises; ``encode(decode(q))`` is ``q`` for
every canonical ``q``, and ``decode(encode(s)) == s``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .fields import FRAME_KEYS, Reader, decode_fields, encode_fields
from .pages import COMPARE, PLAYGROUND, Page

__all__ = ["FRAME_KEYS", "Decoded", "decode", "decode_comparison", "decode_playground", "encode",
           "encode_comparison", "encode_playground"]


@dataclass
class Decoded:
    """Settings read from a URL and what could not be used (one sentence per problem)."""

    settings: Any
    notices: list[str] = field(default_factory=list)


def decode(page: Page, query: Mapping[str, Any], default: Any = None) -> Decoded:
    """``page``'s settings from URL parameters; every problem becomes a notice, never an error.

    The link is read twice: a page may derive one setting from another as it is built (Compare: a
    panel of your own function makes the run's landscape yours), and the keys that only the derived
    setting has (``f``, the window) are read on the second pass, against the first pass's settings.
    Keys the link does not hold keep the first pass's values, so for most links both passes agree.
    """
    first = decode_fields(Reader(query), default if default is not None else page.default())
    reader = Reader(query)
    settings = decode_fields(reader, first)
    return Decoded(settings, reader.finish())


def encode(page: Page, settings: Any, default: Any = None) -> dict[str, str]:
    """The URL parameters that reproduce ``settings`` (only those that differ from the defaults)."""
    return encode_fields(settings, default if default is not None else page.default())


def decode_playground(query: Mapping[str, Any], default: Any = None) -> Decoded:
    return decode(PLAYGROUND, query, default)


def encode_playground(settings: Any, default: Any = None) -> dict[str, str]:
    return encode(PLAYGROUND, settings, default)


def decode_comparison(query: Mapping[str, Any], default: Any = None) -> Decoded:
    return decode(COMPARE, query, default)


def encode_comparison(settings: Any, default: Any = None) -> dict[str, str]:
    return encode(COMPARE, settings, default)
