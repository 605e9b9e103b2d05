"""Starts moto's server on 127.0.0.1 for the tests and prints `PORT=<n>` once it listens.

The port comes from argv[1] (0 = any free port). The server stops when stdin closes,
so a test process that ends, or dies, takes its moto with it. TOTP codes are checked
for real (moto's own switch), so MFA tests can fail on a wrong code.
"""
import os
import sys

os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")

from moto.cognitoidp.models import CognitoIdpUserPool  # noqa: E402
from moto.moto_server.threaded_moto_server import ThreadedMotoServer  # noqa: E402

# moto 5.2.5 always issues one-hour tokens. Cognito honours the app client's
# AccessTokenValidity / IdTokenValidity in its TokenValidityUnits; so does this wrapper,
# so refresh schedules can be tested with seconds-long tokens.
_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_create_jwt = CognitoIdpUserPool.create_jwt


def _create_jwt_honouring_validity(self, client_id, username, token_use, expires_in=3600, extra_data=None):
    client = self.clients.get(client_id)
    if client is not None and token_use in ("access", "id"):
        config = client.extended_config
        prefix = "AccessToken" if token_use == "access" else "IdToken"
        validity = config.get(f"{prefix}Validity")
        if validity:
            unit = (config.get("TokenValidityUnits") or {}).get(prefix, "hours")
            expires_in = int(validity) * _UNITS.get(unit, 3600)
    return _create_jwt(self, client_id, username, token_use, expires_in, extra_data)


CognitoIdpUserPool.create_jwt = _create_jwt_honouring_validity


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
