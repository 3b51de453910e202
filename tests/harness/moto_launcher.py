"""Start moto 5.2.5's server with the sandbox's extensions.

    python -m harness.moto_launcher -H 127.0.0.1 -p PORT

Same arguments as ``moto_server``. Before the server starts it
- replaces moto's Service Quotas backend and responses with the extended ones
  (quota increase requests, API Gateway and Lambda quotas), see
  ``harness.moto_ext.service_quotas``;
- registers Global Accelerator as a new service, see ``harness.moto_ext.global_accelerator``;
- makes DeregisterScalableTarget delete the target's scaling policies, as AWS does,
  see ``harness.moto_ext.autoscaling``;
- serves ``/_sandbox/...`` control endpoints, see ``harness.moto_ext.control``.

No file of moto is edited; everything is put in place at run time. The extension
relies on moto internals, hence the exact pin (checked at start-up).
"""

from __future__ import annotations

import sys
from importlib import metadata
from typing import Any, Callable, Iterable

SUPPORTED_MOTO = "5.2.5"


def _check_version() -> None:
    installed = metadata.version("moto")
    if installed != SUPPORTED_MOTO:
        raise SystemExit(
            f"harness.moto_launcher supports moto {SUPPORTED_MOTO} only (installed: {installed}); "
            "its extensions use moto internals. Run scripts/setup.sh."
        )


def install() -> None:
    """Put every extension in place (idempotent)."""
    import moto.server
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    from harness.moto_ext import autoscaling, control, global_accelerator, service_quotas

    service_quotas.install()
    global_accelerator.install()
    autoscaling.install()

    if getattr(moto.server.DomainDispatcherApplication, "sandbox_dispatcher", False):
        return

    class SandboxDispatcher(DomainDispatcherApplication):
        """moto's dispatcher, plus the /_sandbox/ endpoints and a fuller reset."""

        sandbox_dispatcher = True

        def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            path = environ.get("PATH_INFO", "")
            if path.startswith(control.PREFIX):
                return control.handle(environ, start_response)
            if path.rstrip("/") == "/moto-api/reset":
                service_quotas.APPROVAL.reset()
            return super().__call__(environ, start_response)

    moto.server.DomainDispatcherApplication = SandboxDispatcher  # type: ignore[misc]


def main(argv: list[str] | None = None) -> None:
    _check_version()
    install()
    import moto.server

    moto.server.main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
