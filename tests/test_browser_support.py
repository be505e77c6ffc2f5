"""The browser tests' log reading: a closed tab is not a fault, any other traceback is."""

from browser_support import server_tracebacks

CLOSED_TAB = """[I 2026-12-02 16:40:09.555 ServerApp] Kernel shutdown: 2729f93b
Task exception was never retrieved
future: <Task finished name='Task-11649' coro=<WebSocketProtocol13.write_message.<locals>.wrapper()>
Traceback (most recent call last):
  File "tornado/websocket.py", line 1140, in wrapper
    await fut
tornado.iostream.StreamClosedError: Stream is closed

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "tornado/websocket.py", line 1142, in wrapper
    raise WebSocketClosedError()
tornado.websocket.WebSocketClosedError
"""

KERNEL_FAULT = """[E 2026-12-02 16:41:00.000 ServerApp] Uncaught exception GET /api/x
    Traceback (most recent call last):
      File "xsim/teaching/course.py", line 10, in f
    ValueError: bad
"""


def test_a_closed_tab_is_not_reported():
    assert server_tracebacks(CLOSED_TAB) == []


def test_any_other_traceback_is_reported_even_after_a_closed_tab():
    found = server_tracebacks(CLOSED_TAB + KERNEL_FAULT)
    assert len(found) == 1 and "ValueError: bad" in found[0]
    assert len(server_tracebacks(KERNEL_FAULT + CLOSED_TAB)) == 1


def test_a_traceback_at_the_start_of_the_log_is_reported():
    assert server_tracebacks("Traceback (most recent call last):\n  x\nKeyError: 1\n")
