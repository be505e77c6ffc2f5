"""A kernel provisioner that asks the room's fork server for a warm kernel (jupyter_client >= 7).

Kernel provisioners are jupyter_client's documented way to change how a kernel is started
(``jupyter_client.kernel_provisioners`` entry point; the room's runtime registers this class as
``xsim-room-fork`` and makes it the default with ``JUPYTER_DEFAULT_PROVISIONER_NAME``). The
server prepares the kernel exactly as for a local one (ports, key, connection file: the
inherited :class:`~jupyter_client.provisioning.LocalProvisioner` does that); instead of starting
``python -m ipykernel_launcher -f <file>`` it sends that request to the fork server
(:mod:`xsim_room.forkserver`), which forks its warm process, becomes this server's own account
and starts the kernel with the same arguments. The kernel is then watched and signalled by pid:
it is not this server's child, but it is the same account's process and in its own process group.

When the fork server cannot be reached, or the kernel is not the course's Python kernel, the
kernel is started the ordinary way (a cold start, never a failure).
"""

from __future__ import annotations

import asyncio
import os
import select
import signal
import sys
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner

from xsim_room.forkserver import ask

SOCKET_ENV = "XSIM_ROOM_FORK_SOCKET"


def _ipykernel_arguments(cmd: list[str]) -> list[str] | None:
    """The arguments after ``python -m ipykernel_launcher`` (None for any other kernel)."""
    for i in range(len(cmd) - 1):
        if cmd[i] == "-m" and cmd[i + 1] in ("ipykernel_launcher", "ipykernel"):
            return cmd[i + 2 :]
    return None


class ForkProvisioner(LocalProvisioner):
    """Warm kernels forked by the room's fork server; a cold local kernel when it is away."""

    forked_pid: int | None = None
    _pidfd: int | None = None

    @property
    def has_process(self) -> bool:
        return self.forked_pid is not None or super().has_process

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        path = os.environ.get(SOCKET_ENV, "")
        arguments = _ipykernel_arguments(cmd)
        if path and arguments is not None:
            request = {
                "kind": "kernel",
                "argv": arguments,
                "env": dict(kwargs.get("env") or os.environ),
                "cwd": str(kwargs.get("cwd") or os.getcwd()),
            }
            try:
                pid = await asyncio.get_running_loop().run_in_executor(None, ask, path, request)
                self._pidfd = os.pidfd_open(pid)
            except (OSError, ValueError) as exc:
                self.log.warning("xsim-room: no warm kernel (%s); starting one cold", exc)
            else:
                self.forked_pid = self.pid = self.pgid = pid
                self.cwd = request["cwd"]
                return self.connection_info
        return await super().launch_kernel(cmd, **kwargs)

    def _ended(self) -> bool:
        if self._pidfd is None:
            return True
        ready, _, _ = select.select([self._pidfd], [], [], 0)
        return bool(ready)

    async def poll(self) -> int | None:
        if self.forked_pid is None:
            return await super().poll()
        return 0 if self._ended() else None

    async def wait(self) -> int | None:
        if self.forked_pid is None:
            return await super().wait()
        while not self._ended():
            await asyncio.sleep(0.1)
        self._forget()
        return 0

    async def send_signal(self, signum: int) -> None:
        if self.forked_pid is None:
            return await super().send_signal(signum)
        try:
            os.killpg(self.forked_pid, signum)  # the kernel and what it started
        except OSError:
            if self._pidfd is not None and not self._ended():
                signal.pidfd_send_signal(self._pidfd, signum)

    async def kill(self, restart: bool = False) -> None:
        if self.forked_pid is None:
            return await super().kill(restart)
        await self.send_signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        if self.forked_pid is None:
            return await super().terminate(restart)
        await self.send_signal(signal.SIGTERM)

    def _forget(self) -> None:
        if self._pidfd is not None:
            os.close(self._pidfd)
        self._pidfd = None
        self.forked_pid = None

    async def cleanup(self, restart: bool = False) -> None:
        if self.forked_pid is not None and self._ended():
            self._forget()
        await super().cleanup(restart)


if sys.platform != "linux":  # pidfds and SCM_RIGHTS as used here are Linux's
    ForkProvisioner = LocalProvisioner  # type: ignore[misc]  # noqa: F811
