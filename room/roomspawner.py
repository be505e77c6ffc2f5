"""The room's spawner: a trainee's server forked from the warm fork server, as the trainee.

:class:`ForkSpawner` is JupyterHub's ``LocalProcessSpawner`` (the hub runs as root and each
trainee's server runs as the trainee's own account) with one change: instead of starting
``python -m jupyterhub.singleuser`` from nothing, ``start`` asks the room's fork server
(``xsim_room.forkserver``) for a child of its warm process with the same arguments and
environment. Everything after that — polling and stopping by pid, the hub's state — is the
inherited code, which already works from a pid alone (as after a hub restart). When the fork
server cannot be reached the server is started the ordinary way.
"""

from __future__ import annotations

import asyncio
import pwd
import sys
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from jupyterhub.utils import random_port
from traitlets import Unicode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from xsim_room.forkserver import ask  # noqa: E402


class ForkSpawner(LocalProcessSpawner):
    fork_socket = Unicode("", config=True, help="the fork server's Unix socket ('' = never)")

    async def start(self):
        if not self.fork_socket:
            return await super().start()
        if self.port == 0:
            self.port = random_port()
        request = {
            "kind": "server",
            "user": self.user.name,
            "argv": self.get_args(),
            "env": self.get_env(),
            "cwd": pwd.getpwnam(self.user.name).pw_dir,
        }
        try:
            pid = await asyncio.get_running_loop().run_in_executor(
                None, ask, self.fork_socket, request
            )
        except (OSError, ValueError) as exc:
            self.log.warning("xsim-room: no warm server for %s (%s)", self.user.name, exc)
            return await super().start()
        self.log.info("xsim-room: server of %s forked warm (pid %i)", self.user.name, pid)
        self.proc = None
        self.pid = pid
        return (self.ip or "127.0.0.1", self.port)
