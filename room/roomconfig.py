"""The training room's settings: one TOML file (``room/room.toml``) and the trainee list it names.

Read by ``room/roomctl.py`` (start / stop / remove accounts), ``room/jupyterhub_config.py`` (the
hub) and ``room/collect_service.py`` (the trainer's "collect" service), so all three agree on one
set of names, ports and paths. Relative paths in the TOML file are relative to the file's own
folder; a path left out takes the default shown in :class:`Paths`.

Bad input never gives a traceback: :func:`load_room` raises :class:`xsim.errors.InputError` naming
the file, the line (when known), the field and what was expected, in Chinese and English.

The trainee list is plain text, one trainee a line: ``登录名 [姓名]``, ``#`` starts a comment.
A login name is also the trainee's system account (created with ``useradd``), so it must be a
lower-case Linux user name: a letter first, then letters, digits, ``_`` or ``-``, 2–32 characters.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import stat
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from xsim.errors import InputError
from xsim.io import FieldProblem, input_error_from_validation, read_bytes

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = REPO / "room" / "room.toml"
DEFAULT_PROXY = REPO / ".room" / "node_modules" / ".bin" / "configurable-http-proxy"
DEFAULT_COURSE = REPO / "notebooks"
# Root-owned and outside the checkout (trainees reach the runtime and sockets in it, not the
# checkout); one folder per room.
DEFAULT_STATE_ROOT = Path("/var/lib/xsim-room")
# The trainer edition of the course: the checkout's top-level trainer/ (notebooks/ holds lessons
# only), copied into the trainer's course folder under this name; trainees never get it.
TRAINER_EDITION = "trainer"
TRAINER_EDITION_SOURCE = REPO / TRAINER_EDITION
# The course home page, when the config does not name one: the first of these that exists.
HOME_PAGE_CANDIDATES = ("index.ipynb", "首页.ipynb", "00_*.ipynb")
# Marker written into the GECOS field of every account the room creates: the room only ever
# changes or deletes accounts that carry its own marker.
ACCOUNT_MARKER = "xsim-room/"

LOGIN_RE = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")
# room.toml and the trainee list are small; anything larger is not one (a device, a wrong file).
MAX_CONFIG_BYTES = 256 * 1024
MAX_TRAINEES_BYTES = 1024 * 1024


def _no_control_characters(value: str) -> str:
    """Text that reaches a command line, a path or chpasswd's input: no control characters
    (a newline in a password would add a line to chpasswd's input: another account's password)."""
    for position, char in enumerate(value, start=1):
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            # the value itself is not repeated: it may be a password
            raise FieldProblem(
                (),
                f"text without control characters (U+{ord(char):04X} at character {position})",
                f"不能含控制字符（第 {position} 个字符是 U+{ord(char):04X}，如换行）",
            )
    return value


def _ip(value: str) -> str:
    if value:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise FieldProblem(
                (),
                f"an IP address such as 127.0.0.1 or 0.0.0.0; got {value[:60]!r}",
                f"应为 IP 地址，如 127.0.0.1 或 0.0.0.0；实际为 {value[:60]!r}",
            ) from None
    return value


Text = Annotated[str, AfterValidator(_no_control_characters)]
# strict: TOML's `true` is not port 1, `8000.0` is not a port
Port = Annotated[int, Field(ge=1, le=65535, strict=True)]
# minutes; fractions allowed (a room test culls after seconds), at least 6 seconds
Minutes = Annotated[float, Field(ge=0.1, le=7 * 24 * 60, strict=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class RoomSection(_Strict):
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")] = "room"
    ip: Annotated[str, AfterValidator(_ip)] = "127.0.0.1"
    port: Port = 8000
    ssl_cert: Text = ""
    ssl_key: Text = ""
    hub_port: Port = 8081
    proxy_api_port: Port = 8001
    collect_port: Port = 8082
    state_dir: Text = ""
    proxy: Text = ""
    # hide other accounts' processes from trainees (/proc mounted with hidepid=invisible)
    hide_processes: Annotated[bool, Field(strict=True)] = True
    # trainees' servers and kernels forked from one warm process (xsim_room.forkserver)
    warm_start: Annotated[bool, Field(strict=True)] = True


class AccountsSection(_Strict):
    trainees: Text = "trainees.txt"
    passwords: Literal["per-trainee", "shared"] = "per-trainee"
    shared_password: Annotated[Text, Field(max_length=128)] = ""
    trainer: Annotated[str, Field(pattern=LOGIN_RE.pattern)] = "trainer"


class CourseSection(_Strict):
    source: Text = ""
    exclude: Annotated[list[Text], Field(max_length=100)] = [TRAINER_EDITION, "sanitize.cfg"]
    folder: Annotated[Text, Field(min_length=1, max_length=64, pattern=r"^[^/\\]+$")] = "协商课程"
    home_page: Text = ""


class CullingSection(_Strict):
    server_idle_minutes: Minutes = 60
    kernel_idle_minutes: Minutes = 30
    check_every_minutes: Minutes = 5


class CollectSection(_Strict):
    progress_file: Text = ".local/share/jupyter/xsim/progress.json"
    folder: Annotated[Text, Field(min_length=1, max_length=64, pattern=r"^[^/\\]+$")] = "收集的进度"
    max_bytes: Annotated[int, Field(ge=1, le=100_000_000, strict=True)] = 5_000_000


class RoomFile(_Strict):
    room: RoomSection = RoomSection()
    accounts: AccountsSection = AccountsSection()
    course: CourseSection = CourseSection()
    culling: CullingSection = CullingSection()
    collect: CollectSection = CollectSection()


@dataclass(frozen=True)
class Trainee:
    login: str
    display_name: str
    line: int


@dataclass(frozen=True)
class Paths:
    config: Path
    trainees: Path
    state: Path  # default /var/lib/xsim-room/<name>/
    proxy: Path  # default .room/node_modules/.bin/configurable-http-proxy
    course: Path  # default notebooks/
    ssl_cert: Path | None
    ssl_key: Path | None

    @property
    def hub_dir(self) -> Path:
        """Hub database, cookie secret, proxy token: root only (0700)."""
        return self.state / "hub"

    @property
    def lab_settings(self) -> Path:
        """JupyterLab settings overrides of the trainees' servers (readable by all)."""
        return self.state / "lab-settings"

    @property
    def pid_file(self) -> Path:
        return self.state / "jupyterhub.pid"

    @property
    def proxy_pid_file(self) -> Path:
        return self.state / "proxy.pid"

    @property
    def credentials(self) -> Path:
        """Logins and passwords (0600): the printable sheet for the trainer."""
        return self.state / "账号密码.txt"

    @property
    def accounts_file(self) -> Path:
        """The accounts this room created (JSON), so that stop/remove touch only those."""
        return self.state / "accounts.json"

    @property
    def log(self) -> Path:
        return self.state / "jupyterhub.log"

    @property
    def fork_socket(self) -> Path:
        """The fork server's socket (any account may connect; it checks who asks)."""
        return self.state / "fork.sock"

    @property
    def fork_pid_file(self) -> Path:
        return self.state / "forkserver.pid"

    @property
    def answers_socket(self) -> Path:
        """The answer key's socket, served by the collect service (room accounts only)."""
        return self.state / "answers.sock"

    @property
    def runtime(self) -> Path:
        """What room accounts run: interpreter, packages, the trainee edition of the course.
        Beside the state folder, shared by the rooms kept there (rebuilt when the checkout
        changes)."""
        return self.state.parent / "xsim-runtime"


@dataclass(frozen=True)
class Room:
    settings: RoomFile
    paths: Paths
    trainees: tuple[Trainee, ...]
    home_page: str  # relative to the course folder, e.g. "00_导读.ipynb"

    @property
    def name(self) -> str:
        return self.settings.room.name

    @property
    def trainer(self) -> str:
        return self.settings.accounts.trainer

    @property
    def logins(self) -> list[str]:
        return [t.login for t in self.trainees]

    @property
    def account_comment(self) -> str:
        return f"{ACCOUNT_MARKER}{self.name}"


def _guess_encoding(raw: bytes) -> str:
    """A name for what a non-UTF-8 file probably is, for the message (never used to decode)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:2].count(b"\x00") == 1:
        return "UTF-16"
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return ""
    return "GBK/GB18030"


def read_text(path: Path, max_bytes: int) -> str:
    """A small UTF-8 text file through the kit's input layer: a regular file (no FIFO, device,
    folder or symlink loop), at most ``max_bytes``, UTF-8 (a BOM is allowed), no NUL bytes."""
    where = str(path)
    with contextlib.suppress(OSError):  # read_bytes names what is wrong with an unreadable path
        size = os.stat(path).st_size
        if stat.S_ISREG(os.stat(path).st_mode) and size > max_bytes:
            raise InputError(
                where,
                "",
                f"a text file of at most {max_bytes} bytes (this one has {size})",
                f"文件过大：最多 {max_bytes} 字节，此文件有 {size} 字节",
            )
    raw = read_bytes(path, max_bytes=max_bytes)
    if b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        if _guess_encoding(raw) != "UTF-16":
            raise InputError(
                where,
                "",
                "text without NUL bytes (is this a binary file?)",
                "文件中含有空字节（NUL），不是文本文件",
                line=line,
            )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        guess = _guess_encoding(raw)
        saved_as_en = f" (it looks like {guess})" if guess else ""
        saved_as_zh = f"（看起来是 {guess} 编码）" if guess else ""
        raise InputError(
            where,
            "",
            f"UTF-8 text{saved_as_en}; save it as UTF-8",
            f"应为 UTF-8 编码的文本{saved_as_zh}；请用编辑器另存为 UTF-8",
            line=raw.count(b"\n", 0, exc.start) + 1,
        ) from None


def _toml_error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else None


def _key_line(text: str, loc: tuple) -> int | None:
    """The line of ``[section]`` / ``key =`` a pydantic location points at (best effort)."""
    section, key = (str(loc[0]), str(loc[1]) if len(loc) > 1 else None)
    in_section = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            in_section = line.strip("[] ") == section
            if in_section and key is None:
                return number
        elif in_section and key and re.match(rf"^{re.escape(key)}\s*=", line):
            return number
    return None


def _resolve(base: Path, value: str, default: Path) -> Path:
    if not value:
        return default
    path = Path(value).expanduser()
    # lexically, not resolve(): a symlink loop is then reported where the path is read
    return Path(os.path.normpath(path if path.is_absolute() else base / path))


def read_trainees(path: Path, trainer: str) -> tuple[Trainee, ...]:
    """Parse and check the trainee list: names valid, no duplicates, not the trainer's name."""
    where = str(path)
    if not path.exists() and not path.is_symlink():
        raise InputError(
            where,
            "",
            "trainee list not found (one trainee a line: login [display name])",
            "找不到学员名单（每行一名学员：登录名 [姓名]）",
        )
    text = read_text(path, MAX_TRAINEES_BYTES)
    trainees: list[Trainee] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        login, _, display = line.partition(" ")
        login, display = login.strip(), display.strip()
        if not LOGIN_RE.match(login):
            raise InputError(
                where,
                "登录名",
                f"'{login}' is not a valid login name: lower-case letter first, then lower-case "
                "letters, digits, '_' or '-', 2–32 characters (write the display name after it)",
                f"「{login}」不是合法的登录名：须以小写英文字母开头，只含小写字母、数字、_ 或 -，"
                "共 2–32 个字符（中文姓名请写在登录名后面，用空格隔开）",
                line=number,
            )
        if login in seen:
            raise InputError(
                where,
                "登录名",
                f"'{login}' appears twice (lines {seen[login]} and {number}); each trainee needs "
                "a login of their own",
                f"「{login}」重复出现（第 {seen[login]} 行和第 {number} 行）；每位学员要有自己的登录名",
                line=number,
            )
        if login == trainer:
            raise InputError(
                where,
                "登录名",
                f"'{login}' is the trainer's login ([accounts] trainer); choose another name",
                f"「{login}」是培训师的登录名（[accounts] trainer），学员请换一个名字",
                line=number,
            )
        seen[login] = number
        trainees.append(Trainee(login, display or login, number))
    if not trainees:
        raise InputError(
            where,
            "",
            "the trainee list is empty",
            "学员名单是空的",
        )
    return tuple(trainees)


def find_home_page(course: Path, configured: str, where: str) -> str:
    """The course page opened on login, relative to the course folder."""
    if configured:
        if not (course / configured).is_file():
            raise InputError(
                where,
                "course.home_page",
                f"'{configured}' not found in {course}",
                f"课程文件夹 {course} 里没有「{configured}」",
            )
        return configured
    for pattern in HOME_PAGE_CANDIDATES:
        found = sorted(course.glob(pattern))
        if found:
            return found[0].name
    raise InputError(
        where,
        "course.source",
        f"no notebook in {course} to open on login (index.ipynb, 首页.ipynb or 00_*.ipynb)",
        f"课程文件夹 {course} 里没有可作为首页的笔记本（index.ipynb、首页.ipynb 或 00_*.ipynb）",
    )


def room_toml(
    name: str,
    ports: tuple[int, int, int, int],
    state_dir: Path,
    trainer: str,
    *,
    proxy: Path = DEFAULT_PROXY,
    course: Path = DEFAULT_COURSE,
    course_folder: str = "协商课程",
    extra: str = "",
) -> str:
    """A room.toml for a room on loopback (the tests' and the load benchmark's rooms):
    ``ports`` = (port, hub_port, proxy_api_port, collect_port); ``extra`` goes into [room]
    (lines such as ``warm_start = false``) and may add sections after it."""
    port, hub, api, collect = ports
    return f"""[room]
name = "{name}"
ip = "127.0.0.1"
port = {port}
hub_port = {hub}
proxy_api_port = {api}
collect_port = {collect}
state_dir = "{state_dir}"
proxy = "{proxy}"
{extra}
[accounts]
trainees = "trainees.txt"
trainer = "{trainer}"

[course]
source = "{course}"
folder = "{course_folder}"
"""


def load_room(config: Path | str = DEFAULT_CONFIG) -> Room:
    """Read and check the room's TOML file and its trainee list (nothing on the machine changes)."""
    config = Path(os.path.abspath(config))  # not resolve(): a symlink loop is reported below
    where = str(config)
    if not config.exists() and not config.is_symlink():
        raise InputError(where, "", "room config not found", "找不到教室配置文件")
    text = read_text(config, MAX_CONFIG_BYTES)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            where,
            "",
            f"not valid TOML: {exc}",
            f"不是合法的 TOML：{exc}",
            line=_toml_error_line(exc),
        ) from None
    except RecursionError:  # tomllib nests one call per [ or {: a file of brackets overflows it
        raise InputError(
            where,
            "",
            "not a room config: arrays or tables nested too deeply",
            "不是教室配置：数组或表嵌套层数过多",
        ) from None
    try:
        settings = RoomFile.model_validate(raw)
    except ValidationError as exc:
        # the one translation of the kit (Chinese, did-you-mean, ranges); TOML lines found here
        err = input_error_from_validation(exc, where, None, model=RoomFile)
        err.line = err.line or _key_line(text, tuple(exc.errors()[0]["loc"]))
        raise err from None
    base = config.parent
    accounts = settings.accounts
    if (
        accounts.passwords == "shared"
        and accounts.shared_password
        and len(accounts.shared_password) < 8
    ):
        raise InputError(
            where,
            "accounts.shared_password",
            "the room password needs at least 8 characters (or leave it empty to generate one)",
            "教室共用密码至少 8 个字符（留空则自动生成）",
            line=_key_line(text, ("accounts", "shared_password")),
        )
    ssl = settings.room
    if bool(ssl.ssl_cert) != bool(ssl.ssl_key):
        raise InputError(
            where,
            "room.ssl_cert",
            "give both ssl_cert and ssl_key, or neither",
            "ssl_cert 与 ssl_key 须同时填写或同时留空",
        )
    paths = Paths(
        config=config,
        trainees=_resolve(base, accounts.trainees, base / "trainees.txt"),
        state=_resolve(base, settings.room.state_dir, DEFAULT_STATE_ROOT / settings.room.name),
        proxy=_resolve(base, settings.room.proxy, DEFAULT_PROXY),
        course=_resolve(base, settings.course.source, DEFAULT_COURSE),
        ssl_cert=_resolve(base, ssl.ssl_cert, Path()) if ssl.ssl_cert else None,
        ssl_key=_resolve(base, ssl.ssl_key, Path()) if ssl.ssl_key else None,
    )
    for field, path in (("room.ssl_cert", paths.ssl_cert), ("room.ssl_key", paths.ssl_key)):
        if path is not None and not path.is_file():
            raise InputError(where, field, f"{path} not found", f"找不到文件 {path}")
    if not paths.course.is_dir():
        raise InputError(
            where, "course.source", f"{paths.course} is not a folder", f"{paths.course} 不是文件夹"
        )
    trainees = read_trainees(paths.trainees, accounts.trainer)
    home_page = find_home_page(paths.course, settings.course.home_page, where)
    return Room(settings=settings, paths=paths, trainees=trainees, home_page=home_page)
