"""An email backend for tests that run real worker processes: each message sent is appended as
one JSON line to $MAIL_SPOOL, so a test (or the faults benchmark) counts what every process
sent. $MAIL_DELAY_BEFORE / $MAIL_DELAY_AFTER (seconds) stretch the moments before and after the
"mail server" accepts a message, for a test to kill a worker in one or the other."""

import json
import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class SpoolBackend(BaseEmailBackend):
    def send_messages(self, messages) -> int:
        for message in messages:
            time.sleep(float(os.environ.get("MAIL_DELAY_BEFORE") or 0))
            line = json.dumps(
                {
                    "id": message.extra_headers.get("Message-ID", ""),
                    "to": message.to,
                    "subject": message.subject,
                    "pid": os.getpid(),
                }
            )
            fd = os.open(os.environ["MAIL_SPOOL"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (line + "\n").encode())
                os.fsync(fd)
            finally:
                os.close(fd)
            time.sleep(float(os.environ.get("MAIL_DELAY_AFTER") or 0))
        return len(messages)


def spooled(path) -> list[dict]:
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []
