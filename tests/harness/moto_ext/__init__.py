"""Extensions of moto 5.2.5 served by ``harness.moto_launcher``.

Each module adds operations or a whole service to moto at run time (no file of moto
is edited): ``service_quotas`` (quota increase requests, API Gateway and Lambda
quotas) and ``global_accelerator`` (accelerators, listeners, endpoint groups).
``control`` serves the sandbox's own ``/_sandbox/...`` endpoints.
"""
