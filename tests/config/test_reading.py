"""config/reading.py: a config file can come through a pipe (`--file <(…)`), never more than the limit is read."""

from __future__ import annotations

import os
import threading

import pytest

from platformctl.config.reading import MAX_CONFIG_BYTES, read_config_text
from platformctl.errors import ConfigError, UsageError


def test_a_pipe_is_read_like_a_file() -> None:
    read_end, write_end = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(write_end, b"name: orders\n"), os.close(write_end)))
    writer.start()
    try:
        assert read_config_text(f"/dev/fd/{read_end}", hint="h") == "name: orders\n"
    finally:
        writer.join(timeout=10)
        os.close(read_end)


def test_an_endless_device_is_cut_at_the_limit() -> None:
    with pytest.raises(ConfigError, match=f"larger than {MAX_CONFIG_BYTES // 1024} KiB"):
        read_config_text("/dev/zero", hint="h")


def test_a_socket_is_not_a_config_file(tmp_path) -> None:
    import socket

    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(UsageError, match="is not a regular file"):
            read_config_text(path, hint="h")
