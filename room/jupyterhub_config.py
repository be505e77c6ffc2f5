"""JupyterHub configuration of a training room, built from the room's one TOML file.

Started by ``room/roomctl.py start`` (``make room``) with ``XSIM_ROOM_CONFIG`` naming the TOML
file; nothing here is meant to be edited per room — change ``room/room.toml`` instead.

- Authentication: PAM against the system accounts ``roomctl.py`` created (per-trainee or shared
  room password), only the room's trainees and trainer allowed; no admin users.
- Spawner: ``roomspawner.ForkSpawner`` (JupyterHub's ``LocalProcessSpawner``, whose servers are
  forked warm by the room's fork server) — the hub runs as root and each single-user server runs
  as the trainee's own account, in the trainee's home (0700), from the trainee runtime (outside
  the checkout, no answers; ``roomruntime.py``). Kernels come warm from the same fork server
  through the ``xsim-room-fork`` kernel provisioner. Nothing of a trainee runs as root.
  Terminals are off; kernels are culled when idle.
- JupyterLab in Chinese: the servers read the room's settings overrides (``lab-settings/`` in the
  room's state folder, written by ``roomctl.py``), and open the course home page on login.
- Services: ``idle-culler`` (jupyterhub-idle-culler) stops idle servers; ``collect`` gathers the
  trainees' progress exports into the trainer's home (``room/collect_service.py``).
- Roles: the trainer may list users, read their activity and server status, see the admin page
  read-only and use the collect service — nothing else (no admin, no access to trainees' servers).
"""

import json
import os
import sys
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from roomconfig import load_room  # noqa: E402

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

room = load_room(os.environ.get("XSIM_ROOM_CONFIG") or HERE / "room.toml")
section, paths = room.settings.room, room.paths
culling, course = room.settings.culling, room.settings.course
python = sys.executable  # the hub's own; services run with it, as the hub's user
# What the room's accounts run (roomruntime.py), as roomctl built it.
runtime = json.loads(os.environ["XSIM_ROOM_RUNTIME"])
account_python = runtime["python"]
account_env = {
    **runtime["environment"],
    "PATH": f"{runtime['root']}/venv/bin:/usr/local/bin:/usr/bin:/bin",
    "XSIM_COURSE": f"{runtime['root']}/course",
    "XSIM_ANSWER_KEY": "xsim_room.answers:RoomAnswerKey",
    "XSIM_ROOM_ANSWERS_SOCKET": str(paths.answers_socket),
}
if runtime["fork_socket"]:
    account_env.update(
        XSIM_ROOM_FORK_SOCKET=runtime["fork_socket"],
        JUPYTER_DEFAULT_PROVISIONER_NAME="xsim-room-fork",
    )

# ---------------------------------------------------------------- where the hub listens
c.JupyterHub.ip = section.ip
c.JupyterHub.port = section.port
if paths.ssl_cert:
    c.JupyterHub.ssl_cert = str(paths.ssl_cert)
    c.JupyterHub.ssl_key = str(paths.ssl_key)
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = section.hub_port
c.JupyterHub.db_url = f"sqlite:///{paths.hub_dir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(paths.hub_dir / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(paths.pid_file)
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.template_paths = [str(HERE / "templates")]  # the login page in Chinese
c.JupyterHub.template_vars = {
    "announcement_login": "请用培训班发给您的登录名和密码登录。",
}

# ---------------------------------------------------------------- proxy (npm, project-local)
c.ConfigurableHTTPProxy.command = [str(paths.proxy)]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{section.proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = str(paths.proxy_pid_file)
c.ConfigurableHTTPProxy.should_start = True

# ---------------------------------------------------------------- who may log in
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False  # no login session, no utmp entries: a server, not a shell
c.Authenticator.allowed_users = {room.trainer, *room.logins}
c.Authenticator.admin_users = set()

# ---------------------------------------------------------------- each trainee's server
c.JupyterHub.spawner_class = "roomspawner.ForkSpawner"
c.ForkSpawner.fork_socket = runtime["fork_socket"]
c.Spawner.cmd = [account_python, "-m", "jupyterhub.singleuser"]
c.Spawner.notebook_dir = "~"
home_page = urllib.parse.quote(f"{course.folder}/{room.home_page}")
c.Spawner.default_url = f"/lab/tree/{home_page}"
c.Spawner.args = [
    f"--LabApp.app_settings_dir={paths.lab_settings}",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--ServerApp.terminals_enabled=False",
    f"--MappingKernelManager.cull_idle_timeout={round(culling.kernel_idle_minutes * 60)}",
    f"--MappingKernelManager.cull_interval={round(culling.check_every_minutes * 60)}",
    "--MappingKernelManager.cull_connected=True",
]
c.Spawner.environment = {"LANG": "C.UTF-8", **account_env}
# A room logging in at once shares the CPUs: on 2 cores, 40 servers starting together were not
# all answering within 120 s (benchmarks/bench_room.py), so the hub waits longer before giving up.
c.Spawner.http_timeout = 300
c.Spawner.start_timeout = 300

# ---------------------------------------------------------------- services and roles
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            python,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={round(culling.server_idle_minutes * 60)}",
            f"--cull-every={round(culling.check_every_minutes * 60)}",
        ],
    },
    {
        "name": "collect",
        "url": f"http://127.0.0.1:{section.collect_port}",
        "command": [python, str(HERE / "collect_service.py")],
        "environment": {
            "XSIM_ROOM_CONFIG": str(paths.config),
            "XSIM_ROOM_RUNTIME": json.dumps(runtime),
        },
        "display": True,
        "oauth_no_confirm": True,
    },
]
c.JupyterHub.load_roles = [
    {
        "name": "room-trainer",
        "description": "Trainer: sees the room (users, activity, server status), collects exports",
        "scopes": [
            "admin-ui",
            "list:users",
            "read:users:name",
            "read:users:activity",
            "read:servers",
            "access:services!service=collect",
        ],
        "users": [room.trainer],
    },
    {
        "name": "idle-culler",
        "description": "Stop servers that have been idle",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    },
    {
        "name": "collect",
        "description": "Show the trainer each trainee's last activity beside the collected exports",
        "scopes": ["list:users", "read:users:name", "read:users:activity"],
        "services": ["collect"],
    },
]
