"""Asks every question in the file named by argv[2] once, over 16 keep-alive connections to
http://127.0.0.1:argv[1]: the warm-up pass of Benchmarks/http/run (every answer then kept)."""
import http.client
import sys
from concurrent.futures import ThreadPoolExecutor

port = int(sys.argv[1])
paths = [line.strip() for line in open(sys.argv[2]) if line.strip()]


def ask(share):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    failed = 0
    for path in share:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        failed += response.status != 200
    connection.close()
    return failed


with ThreadPoolExecutor(16) as pool:
    failed = sum(pool.map(ask, [paths[i::16] for i in range(16)]))
print(f"warm-up: {len(paths)} questions asked once, {failed} not answered 200", file=sys.stderr)
