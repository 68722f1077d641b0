"""Network namespaces for the collectors' tests: run code inside one without moving the test's thread."""

import os
import threading


def in_namespace(namespace, function, *args, **kwargs):
    """function(*args, **kwargs) in a thread that entered the network namespace: its sockets are made there."""
    outcome = {}

    def enter_and_call():
        try:
            with open(f"/run/netns/{namespace}") as handle:
                os.setns(handle.fileno(), os.CLONE_NEWNET)  # this thread only; the test's thread stays put
            outcome["result"] = function(*args, **kwargs)
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=enter_and_call)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
