"""ssh's ProxyCommand in the enforcement tests: a TCP connection made inside a network namespace, piped to
stdin/stdout. Ansible runs where the test runs; the gateway's sshd is only reachable inside the namespaces.

Usage: python netns_bridge.py <namespace> <host> <port>
"""

import os
import socket
import sys
import threading


def main(namespace, host, port):
    with open(f"/run/netns/{namespace}") as handle:
        os.setns(handle.fileno(), os.CLONE_NEWNET)
    connection = socket.create_connection((host, int(port)), timeout=10)
    connection.settimeout(None)

    def send():
        while data := os.read(0, 65536):
            connection.sendall(data)
        connection.shutdown(socket.SHUT_WR)

    threading.Thread(target=send, daemon=True).start()
    while data := connection.recv(65536):
        os.write(1, data)


if __name__ == "__main__":
    main(*sys.argv[1:4])
