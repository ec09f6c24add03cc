"""Wait until an Odoo 11 server just started has loaded its database and answers.

    python scripts/wait_for_odoo.py URL PID LOG [TIMEOUT_S]

Odoo 11's threaded server opens its HTTP port before it has loaded the registry of the
database given with -d. A request arriving during that load makes the HTTP layer import
every addon in a second thread, concurrently with the registry loading the same modules;
Python may then hand one thread a partly imported addon, and the registry silently lacks
some of its models (seen as KeyError 'account.invoice.confirm', or a report model missing
until restart). So: wait for the log line that ends the load, and only then send the
first request. Exit 0 when /web/login answers 200, 1 when the server died or timed out.
"""
import os
import sys
import time
import urllib.request

LOADED = b"odoo.modules.loading: Modules loaded."


def main(url, pid, log_path, timeout_s=180.0):
    deadline = time.monotonic() + timeout_s

    def alive():
        try:
            os.kill(pid, 0)
            return True
        except OSError:
            return False

    while time.monotonic() < deadline:
        if not alive():
            return 1
        try:
            with open(log_path, "rb") as log:
                if LOADED in log.read():
                    break
        except OSError:
            pass
        time.sleep(0.2)
    while time.monotonic() < deadline:
        if not alive():
            return 1
        try:
            with urllib.request.urlopen(url + "/web/login", timeout=5) as answer:
                if answer.status == 200:
                    return 0
        except OSError:
            pass
        time.sleep(0.5)
    return 1


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) not in (3, 4):
        sys.exit(__doc__)
    sys.exit(main(args[0], int(args[1]), args[2], float(args[3]) if len(args) == 4 else 180.0))
