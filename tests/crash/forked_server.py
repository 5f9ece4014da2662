"""The API process of the crash cycles, started again in milliseconds instead of seconds.

    python -m tests.crash.forked_server PORT   # then one line on stdin per start

Building the app costs seconds of CPU (imports, routes, schemas), which twenty restarts of
`maitred serve` would pay twenty times. This process builds it once, as `maitred serve` does
(`maitred.app:create_served_app` from the MAITRED_* environment), trains the understanding
engine the lifespan warms up, opens nothing, and for each
line read forks a child that serves it with uvicorn under `maitred serve`'s options; it prints
the child's pid. The child is the API process: it opens its own database connections and
runs the app's lifespan, and the test kills it with SIGKILL. The next start reaps it first.

A request that carries `X-Test-Die-After-Commit` makes the child kill itself with SIGKILL as its
answer starts: after the request's commit, before anything the app does once it has answered
(the Idempotency-Key's recording among them), the narrowest window a crash can hit.
"""

from __future__ import annotations

import os
import signal
import sys

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from maitred.ai.nlu.understand import warm_up
from maitred.app import create_served_app

DIE_AFTER_COMMIT = b"x-test-die-after-commit"


def dies_after_commit(app: ASGIApp) -> ASGIApp:
    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not any(
            name == DIE_AFTER_COMMIT for name, _ in scope.get("headers", ())
        ):
            await app(scope, receive, send)
            return

        async def dying_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                os.kill(os.getpid(), signal.SIGKILL)
            await send(message)

        await app(scope, receive, dying_send)

    return serve


def main(port: int) -> None:
    app = dies_after_commit(create_served_app())
    warm_up()  # the classifiers the lifespan would train again in every child: once, here
    child = 0
    for _line in sys.stdin:
        if child:
            os.waitpid(child, 0)
        child = os.fork()
        if child == 0:
            uvicorn.run(
                app,
                host="127.0.0.1",
                port=port,
                access_log=False,
                log_config=None,
                proxy_headers=False,
                server_header=False,
            )
            os._exit(0)
        print(child, flush=True)  # noqa: T201  (the test reads it)


if __name__ == "__main__":
    main(int(sys.argv[1]))
