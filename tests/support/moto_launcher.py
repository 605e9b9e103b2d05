"""Starts moto's server on 127.0.0.1 for the tests and prints `PORT=<n>` once it listens.

The port comes from argv[1] (0 = any free port). The server stops when stdin closes,
so a test process that ends, or dies, takes its moto with it. TOTP codes are checked
for real (moto's own switch), so MFA tests can fail on a wrong code.
"""
import os
import sys

os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")

from moto.moto_server.threaded_moto_server import ThreadedMotoServer  # noqa: E402


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    _, bound = server.get_host_and_port()
    print(f"PORT={bound}", flush=True)
    sys.stdin.read()  # until the test process closes the pipe
    server.stop()


if __name__ == "__main__":
    main()
