"""Running service calls at the same moment, each in its own thread and database connection."""

import threading

from django.db import connection


def run_together(*calls):
    """Run each call in its own thread (own connection); return (results, errors) by call."""
    start = threading.Barrier(len(calls), timeout=10)
    results: list = [None] * len(calls)
    errors: list = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - collected and asserted by the test
            errors[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors
