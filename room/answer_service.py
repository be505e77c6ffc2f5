"""The room's answer key: trainees' kernels ask here whether an answer is right.

Quizzes and exercises grade answers, but nothing a trainee's kernel can read may hold them (the
trainee runtime's course is an edition without answers). So a trainee's kernel asks this service
— part of the room's collect service, running as root, reading the checkout's full course through
``xsim.teaching.answers.LocalAnswerKey`` — over a Unix socket in the room's state folder
(``answers.sock``): "is this answer to item I of lesson L right, and what is the explanation?".
The client is :class:`xsim_room.answers.RoomAnswerKey` (the runtime's ``XSIM_ANSWER_KEY``).

Who asks is known from the socket (``SO_PEERCRED``): only the room's accounts get an answer. The
service counts each trainee's attempts per item itself and passes that count to the key, which
decides what an attempt reveals (never the right answer on a first wrong try): a kernel cannot
claim a second try. Every judgement is appended to ``answers.jsonl`` (0600) in the state folder
— uid, login, lesson, item, attempt, answer, right or not — so a trainer sees first attempts that
no kernel code could have rehearsed against the key without leaving a trace.

Protocol: one JSON line ``{"lesson": "01", "item": "q1", "answer": "50 人" | [...]}``; one JSON
line back: ``{"correct": bool, "right_answer_zh": …, "explanation_zh": …, "why_zh": …}`` or
``{"error_zh": …, "error_en": …}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import os
import pwd
import socket
import struct

from roomaccounts import room_uids
from roomconfig import REPO, Room
from roomstate import open_state

MAX_LINE = 64 * 1024
PEERCRED = struct.Struct("3i")
ANSWER_LOG = "answers.jsonl"


def judge(key, request: object, attempt: int = 1) -> dict:
    """One request (already parsed) and this trainee's attempt number → the answer to send."""
    if not isinstance(request, dict):
        return {"error_zh": "请求格式不对", "error_en": "a JSON object was expected"}
    lesson, item, answer = request.get("lesson"), request.get("item"), request.get("answer")
    answer_ok = isinstance(answer, str) or (
        isinstance(answer, list) and all(isinstance(a, str) for a in answer)
    )
    if not (isinstance(lesson, str) and isinstance(item, str) and answer_ok):
        return {"error_zh": "请求格式不对", "error_en": "lesson, item and answer expected"}
    from xsim.errors import InputError

    try:
        judgement = key.judge(lesson, item, answer, attempt=attempt)
    except InputError as exc:
        return {"error_zh": exc.message("zh"), "error_en": exc.message("en")}
    return dataclasses.asdict(judgement)


async def serve(room: Room) -> None:
    """Listen on the room's answers socket until the service ends."""
    state = open_state(room.paths.state)
    allowed = room_uids(state)
    from xsim.teaching.answers import LocalAnswerKey

    key = LocalAnswerKey(REPO / "course")  # the full course, read as root
    log = state.append_fd(ANSWER_LOG)
    attempts: dict[tuple[int, str, str], int] = {}  # (uid, lesson, item) -> judgements so far
    with contextlib.suppress(OSError, ValueError):  # a restarted room keeps counting
        for line in (state.read(ANSWER_LOG, 64 * 1024 * 1024) or b"").decode().splitlines():
            seen = json.loads(line)
            where = (seen["uid"], seen["lesson"], seen["item"])
            attempts[where] = attempts.get(where, 0) + 1
    path = str(room.paths.answers_socket)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            sock = writer.get_extra_info("socket")
            _, uid, _ = PEERCRED.unpack(
                sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, PEERCRED.size)
            )
            line = await asyncio.wait_for(reader.readline(), timeout=10)
            if uid not in allowed:
                reply = {
                    "error_zh": "只有本教室的学员可以提交答案",
                    "error_en": "not a room account",
                }
                request = None
            else:
                try:
                    request = json.loads(line.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    request = None
                if not isinstance(request, dict):
                    request = None
                where = (uid, str((request or {}).get("lesson")), str((request or {}).get("item")))
                attempt = attempts.get(where, 0) + 1
                reply = judge(key, request, attempt)
                if "correct" in reply:
                    attempts[where] = attempt
                    entry = {
                        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                        "uid": uid,
                        "login": pwd.getpwuid(uid).pw_name,
                        **{k: request[k] for k in ("lesson", "item", "answer")},
                        "attempt": attempt,
                        "correct": reply["correct"],
                    }
                    os.write(log, (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
            writer.write((json.dumps(reply, ensure_ascii=False) + "\n").encode("utf-8"))
            await writer.drain()
        except (TimeoutError, OSError, ValueError, KeyError):
            pass
        finally:
            with contextlib.suppress(OSError):
                writer.close()

    server = await asyncio.start_unix_server(handle, path=path, limit=MAX_LINE)
    os.chmod(path, 0o666)  # any account may connect; the peer's uid decides
    async with server:
        await server.serve_forever()
