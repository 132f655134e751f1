"""A real SMTP server for paydesk's outgoing-mail tests (aiosmtpd on loopback).

Listens on 127.0.0.1 on a free port, prints "READY <port>" on stdout, then keeps every
message it accepts as two files in --out: NNNN.eml (the bytes received after DATA) and
NNNN.json (envelope sender, recipients, the authenticated login). Files appear whole
(written, then renamed). With --user/--password the server refuses mail until the client
authenticates with them (AUTH PLAIN or LOGIN, allowed without TLS: loopback only). Stops
when its stdin closes, so it never outlives the test that started it.
"""

import argparse
import asyncio
import json
import logging
import os
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Keeper:
    def __init__(self, out):
        self.out = out
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = os.path.join(self.out, "%04d" % self.count)
        auth = session.auth_data
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "login": login}
        for ext, data in ((".eml", envelope.original_content), (".json", json.dumps(meta).encode())):
            with open(stem + ext + ".part", "wb") as f:
                f.write(data)
            os.rename(stem + ext + ".part", stem + ext)
        return "250 Message accepted for delivery"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return check


async def main():
    # Loopback only: AUTH without TLS is what the tests want, so no warning about it.
    warnings.filterwarnings("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    keeper = Keeper(args.out)
    options = {}
    if args.user is not None:
        options = dict(
            authenticator=authenticator(args.user, args.password or ""),
            auth_required=True,
            auth_require_tls=False,
        )
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(keeper, hostname="smtp.test", **options), host="127.0.0.1", port=0
    )
    port = server.sockets[0].getsockname()[1]
    print("READY %d" % port, flush=True)
    # Ends when the test closes our stdin (or dies).
    await loop.run_in_executor(None, sys.stdin.buffer.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
