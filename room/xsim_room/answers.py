"""The answer key a trainee's kernel uses in the room: it asks the room, it holds no answers.

``XSIM_ANSWER_KEY=xsim_room.answers:RoomAnswerKey`` in every trainee's server and kernel makes
:func:`xsim.teaching.answers.answer_key` return this class; its :meth:`RoomAnswerKey.judge` sends
the trainee's answer to the room's answer service (``room/answer_service.py``, socket
``$XSIM_ROOM_ANSWERS_SOCKET``) and returns the service's :class:`~xsim.teaching.answers.Judgement`.
A service that does not answer becomes an :class:`~xsim.errors.InputError` with a Chinese
message (the widget shows it; the trainee can press the button again).
"""

from __future__ import annotations

import json
import os
import socket

SOCKET_ENV = "XSIM_ROOM_ANSWERS_SOCKET"
TIMEOUT_S = 20
MAX_REPLY = 256 * 1024


class RoomAnswerKey:
    def __init__(self, socket_path: str | None = None):
        self.path = socket_path or os.environ.get(SOCKET_ENV, "")

    def _ask(self, request: dict) -> dict:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(TIMEOUT_S)
            conn.connect(self.path)
            conn.sendall((json.dumps(request, ensure_ascii=False) + "\n").encode("utf-8"))
            data = b""
            while not data.endswith(b"\n") and len(data) < MAX_REPLY:
                more = conn.recv(65536)
                if not more:
                    break
                data += more
        reply = json.loads(data.decode("utf-8"))
        if not isinstance(reply, dict):
            raise ValueError("not an object")
        return reply

    def judge(self, lesson: str, item: str, answer: str | list[str], attempt: int = 1):
        """The room's judgement. ``attempt`` is not sent: the service counts this trainee's
        attempts itself (a kernel cannot claim a second try to see the answer first)."""
        from xsim.errors import InputError
        from xsim.teaching.answers import Judgement

        try:
            reply = self._ask({"lesson": lesson, "item": item, "answer": answer})
        except (OSError, ValueError) as exc:
            raise InputError(
                "评分服务",
                "",
                f"the room's answer service did not answer ({exc}); press the button again",
                "教室的评分服务暂时没有回应，请稍后再点一次按钮",
            ) from None
        if "correct" not in reply:
            raise InputError(
                "评分服务",
                "",
                str(reply.get("error_en") or "no judgement"),
                str(reply.get("error_zh") or "评分服务没有给出结果"),
            )
        fields = Judgement.__dataclass_fields__
        return Judgement(**{k: v for k, v in reply.items() if k in fields})
