"""agentgw Python tool worker.

Runs `handle(arguments, context)` functions from workspace `handler.py` files for the gateway.
The gateway starts this script with `python3 -u`, writes one JSON request per line on stdin and
reads one JSON reply per line. Only the Python standard library is used.

Requests:  {"type": "load", "id": 1, "file": "/abs/handler.py"}
           {"type": "call", "id": 2, "file": "...", "arguments": {...}, "context": {...}}
Replies:   {"type": "ready", "python": "3.12.3"}                        (once, at start)
           {"type": "result", "id": 2, "ok": true, "value": ..., "stdout": "", "stderr": ""}
           {"type": "result", "id": 2, "ok": false, "error": "...", "stdout": "", "stderr": ""}

One request runs at a time. The gateway enforces time limits by killing the process, so a
handler that never returns cannot block anything but its own worker.
"""

import asyncio
import importlib.util
import inspect
import io
import json
import logging
import os
import sys
import traceback

# Replies get a private copy of the real stdout; file descriptor 1 then points at stderr, so
# output written below the Python level (C extensions, child processes) cannot corrupt them.
_replies = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
os.dup2(2, 1)
_fallback_stdout = io.TextIOWrapper(os.fdopen(os.dup(2), "wb", buffering=0), encoding="utf-8", write_through=True)
sys.stdout = _fallback_stdout

_modules = {}
_loop = asyncio.new_event_loop()
asyncio.set_event_loop(_loop)


class ToolContext:
    """What a handler gets besides its arguments: the run it belongs to and the gateway config.

    Fields read as attributes or keys: agent_id, execution_id, session_id, call_id, tool_name,
    config (gateway.yaml `context`), principal ({id, kind, scopes, name} or None),
    caller_identity (the principal's id) and metadata (same as config). `logger` writes to the
    tool step's stderr.
    """

    def __init__(self, data):
        self._data = dict(data)
        self._data.setdefault("metadata", self._data.get("config") or {})
        principal = self._data.get("principal")
        self._data.setdefault("caller_identity", principal.get("id") if isinstance(principal, dict) else None)
        self.logger = logging.getLogger("agentgw.tool." + str(self._data.get("tool_name") or "handler"))

    def __getattr__(self, name):
        try:
            return self.__dict__["_data"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key):
        return self._data[key]

    def get(self, key, default=None):
        return self._data.get(key, default)

    def to_dict(self):
        return dict(self._data)

    def __repr__(self):
        return "ToolContext(%r)" % (self._data,)


def _send(message):
    _replies.write(json.dumps(message, ensure_ascii=False, allow_nan=False) + "\n")
    _replies.flush()


def _load(path):
    handle = _modules.get(path)
    if handle is not None:
        return handle
    name = "agentgw_tool_%d" % len(_modules)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise RuntimeError("cannot load " + path)
    module = importlib.util.module_from_spec(spec)
    folder = os.path.dirname(path)
    # Sibling modules of the handler import as in the handler's own folder.
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    finally:
        try:
            sys.path.remove(folder)
        except ValueError:
            pass
    handle = getattr(module, "handle", None)
    if not callable(handle):
        raise RuntimeError("handler.py does not define a handle(arguments, context) function")
    _modules[path] = handle
    return handle


def _accepts_context(function):
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return True
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    variadic = any(p.kind == p.VAR_POSITIONAL for p in parameters)
    return variadic or len(positional) >= 2


def _run(request):
    handle = _load(request["file"])
    if request["type"] == "load":
        return None
    context = ToolContext(request.get("context") or {})
    arguments = request.get("arguments") or {}
    result = handle(arguments, context) if _accepts_context(handle) else handle(arguments)
    if inspect.isawaitable(result):
        result = _loop.run_until_complete(result)
    # Types JSON cannot hold (dates, decimals, UUIDs) arrive as their text.
    return json.loads(json.dumps(result, default=str, allow_nan=False))


def _describe(error):
    return "%s: %s" % (type(error).__name__, error) if str(error) else type(error).__name__


def main():
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    _send({"type": "ready", "python": "%d.%d.%d" % sys.version_info[:3]})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        stdout, stderr = io.StringIO(), io.StringIO()
        sys.stdout, sys.stderr = stdout, stderr
        root = logging.getLogger()
        for handler in root.handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(stderr)
        reply = {"type": "result", "id": request.get("id")}
        try:
            reply["value"] = _run(request)
            reply["ok"] = True
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the gateway
            if isinstance(error, KeyboardInterrupt):
                raise
            reply["ok"] = False
            reply["error"] = _describe(error)
            stderr.write(traceback.format_exc())
        finally:
            sys.stdout, sys.stderr = _fallback_stdout, sys.__stderr__
            for handler in root.handlers:
                if isinstance(handler, logging.StreamHandler):
                    handler.setStream(sys.__stderr__)
        reply["stdout"] = stdout.getvalue()
        reply["stderr"] = stderr.getvalue()
        _send(reply)


if __name__ == "__main__":
    main()
