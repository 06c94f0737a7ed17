"""``streamlit run``, logging when it sends each websocket message: ``python -m benchmarks.serve run app.py``.

The browser benchmark starts both apps through this module so that both are served the same way. With
``BENCH_SEND_LOG=path`` set, each message the server hands to its websocket is logged as one line
``<unix time> <bytes>``, which tells the server's share of a change apart from the browser's (the
browser's own clock cannot: its websocket messages wait for the page's main thread). Without the
variable, or if Streamlit's internals have moved, this is plain ``streamlit run``.
"""

import os
import sys
import time


def _log_sends(path: str) -> None:
    try:
        from streamlit.web.server.starlette import starlette_websocket as module
    except ImportError:
        return
    serialize = getattr(module, "serialize_forward_msg", None)
    if serialize is None:
        return
    log = open(path, "a", buffering=1)  # noqa: SIM115 - open for the server's lifetime

    def logged(msg):
        payload = serialize(msg)
        log.write(f"{time.time():.6f} {len(payload)}\n")
        return payload

    module.serialize_forward_msg = logged


if __name__ == "__main__":
    if os.environ.get("BENCH_SEND_LOG"):
        _log_sends(os.environ["BENCH_SEND_LOG"])
    from streamlit.web.cli import main

    sys.exit(main(prog_name="streamlit"))
