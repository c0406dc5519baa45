"""Time to first token of streamed chat completions, one call at a time: the time from sending the
request to the first SSE event that carries content, as a client sees it. Prints p50/p90/p99 in ms.
Usage: python3 ttft.py URL MODEL CALLS [BEARER] [HEADER:VALUE ...]"""
import http.client
import json
import statistics
import sys
import time
from urllib.parse import urlparse

url, model, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
bearer = sys.argv[4] if len(sys.argv) > 4 else ""
target = urlparse(url)
body = json.dumps({"model": model, "stream": True, "max_tokens": 16,
                   "messages": [{"role": "user", "content": "Write a short greeting for a colleague."}]})
headers = {"Content-Type": "application/json"}
if bearer:
    headers["Authorization"] = "Bearer " + bearer
for extra in sys.argv[5:]:
    name, _, value = extra.partition(":")
    headers[name.strip()] = value.strip()

connection = http.client.HTTPConnection(target.hostname, target.port)
samples = []
for _ in range(calls):
    started = time.perf_counter()
    connection.request("POST", target.path, body=body, headers=headers)
    response = connection.getresponse()
    first = None
    for line in response:
        if first is None and line.startswith(b"data:") and b'"content":"' in line.replace(b'": "', b'":"') \
                and b'"content":""' not in line.replace(b'": "', b'":"'):
            first = time.perf_counter() - started
    if response.status != 200 or first is None:
        sys.exit("call failed: %d" % response.status)
    samples.append(first * 1000)

samples.sort()
def pct(p):
    return samples[min(len(samples) - 1, int(len(samples) * p))]
print("calls=%d p50=%.2fms p90=%.2fms p99=%.2fms mean=%.2fms" % (len(samples), pct(0.5), pct(0.9), pct(0.99), statistics.mean(samples)))
