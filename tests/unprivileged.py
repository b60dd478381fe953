"""Permission tests that also mean something when the suite runs as root (as CI containers do).

root ignores file modes through two capabilities, CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH. For the
block of `as_unprivileged()` the calling thread drops them from its effective set (they stay
permitted, so it takes them back after): it is still root, owner of the test's folders, but a
folder of mode 0555 is read-only to it and one of 0000 unreadable, as for anyone. Threads started
inside the block inherit the reduced set. For an ordinary user the block changes nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

_CAPABILITY_VERSION_3 = 0x20080522
_DAC_CAPABILITIES = (1 << 1) | (1 << 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _capabilities() -> tuple[ctypes.CDLL, _Header, ctypes.Array[_Data]]:
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    header = _Header(_CAPABILITY_VERSION_3, 0)
    data = (_Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        pytest.skip(f"capget failed ({os.strerror(ctypes.get_errno())}): cannot drop root's power over file modes here")
    return libc, header, data


@contextmanager
def as_unprivileged() -> Iterator[None]:
    """Run the block without root's power over file modes."""
    if os.geteuid() != 0:
        yield
        return
    libc, header, data = _capabilities()
    saved = data[0].effective
    data[0].effective = saved & ~_DAC_CAPABILITIES
    if libc.capset(ctypes.byref(header), data) != 0:
        pytest.skip(f"capset failed ({os.strerror(ctypes.get_errno())}): cannot drop root's power over file modes here")
    try:
        yield
    finally:
        data[0].effective = saved
        libc.capset(ctypes.byref(_Header(_CAPABILITY_VERSION_3, 0)), data)
