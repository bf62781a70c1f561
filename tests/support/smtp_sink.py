#!/usr/bin/python3
"""smtp_sink.py PORT DIR — a real SMTP server on 127.0.0.1:PORT (Debian's
python3-aiosmtpd) that writes every message it accepts to DIR/<n>.eml,
envelope recipients in DIR/<n>.rcpt, for the e-mail tests. Writes DIR/ready
once listening; runs until killed."""
import os
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, d):
        self.d = d
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = os.path.join(self.d, "%d" % self.n)
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos))
        os.rename(base + ".tmp", base + ".eml")
        return "250 OK"


def main():
    port, d = int(sys.argv[1]), sys.argv[2]
    c = Controller(Sink(d), hostname="127.0.0.1", port=port)
    c.start()
    with open(os.path.join(d, "ready"), "w") as f:
        f.write("ok")
    try:
        while True:
            time.sleep(3600)
    finally:
        c.stop()


if __name__ == "__main__":
    main()
