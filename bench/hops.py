#!/usr/bin/env python3
"""Where one request's time goes, hop by hop, from a loopback packet capture.

Usage: bench/hops.py DUMP PORTS HTTP_PORT AMQP_PORT PG_PORT
  DUMP   text of `tcpdump -n -tt -r capture.pcap`
  PORTS  lines "<local port> <process name>": the client side of each service's connections
         to RabbitMQ and PostgreSQL (from `ss -tnp`)

Requests are read one at a time (a 1-client closed loop): each runs from the client's packet to
the gateway until the gateway's first packet back. Every packet that carries data is a step
(client, gateway, RabbitMQ, worker, PostgreSQL, ...); the gap before a step is the time the
sender of that step held the request. Prints, for the most common sequence of steps, each step
with its median and 90th percentile gap in microseconds and its mean gap in the slowest 1 % of
those requests (which step makes the tail), then the whole request's percentiles.
"""
import collections
import re
import statistics
import sys

dump, ports_file, http_port, amqp_port, pg_port = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
names = {}
for line in open(ports_file):
    port, name = line.split()
    names[int(port)] = name.replace("tenantdesk-", "")
servers = {http_port: "gateway", amqp_port: "rabbitmq", pg_port: "postgres"}


def who(port):
    return servers.get(port) or names.get(port) or "client"


packet = re.compile(r"^(\d+\.\d+) IP 127\.0\.0\.1\.(\d+) > 127\.0\.0\.1\.(\d+): .* length (\d+)")
steps = []
for line in open(dump):
    match = packet.match(line)
    if match and int(match[4]) > 0:
        steps.append((float(match[1]), who(int(match[2])), who(int(match[3])), int(match[4])))

requests, current = [], None
for step in steps:
    if step[1] == "client" and step[2] == "gateway":
        current = [step]
    elif current is not None:
        current.append(step)
        if step[1] == "gateway" and step[2] == "client":
            requests.append(current)
            current = None
if not requests:
    sys.exit("hops: no whole request in the capture")


def shape(request):
    return tuple((sender, receiver) for _, sender, receiver, _ in request)


common, count = collections.Counter(map(shape, requests)).most_common(1)[0]
same = [r for r in requests if shape(r) == common]
slowest = sorted(same, key=lambda r: r[-1][0] - r[0][0])[-max(1, len(same) // 100):]
print(f"hops_requests {len(requests)}")
print(f"hops_common_shape {count}")


def gap(request, index):
    return (request[index][0] - request[index - 1][0]) * 1e6 if index else 0.0


for index, (sender, receiver) in enumerate(common):
    gaps = sorted(gap(r, index) for r in same)
    size = statistics.median(r[index][3] for r in same)
    tail = statistics.mean(gap(r, index) for r in slowest)
    print(f"hop {index:2d} {sender:>9} -> {receiver:<9} p50 {statistics.median(gaps):6.0f} us"
          f"  p90 {gaps[int(len(gaps) * 0.9)]:6.0f} us  slowest 1 % {tail:6.0f} us  {size:6.0f} bytes")
tail_totals = [(r[-1][0] - r[0][0]) * 1e6 for r in slowest]
print(f"hops_slowest_requests {len(slowest)}, mean {statistics.mean(tail_totals):.0f} us")
totals = sorted((r[-1][0] - r[0][0]) * 1e6 for r in requests)
print(f"hops_total_p50_us {totals[len(totals) // 2]:.0f}")
print(f"hops_total_p99_us {totals[int(len(totals) * 0.99)]:.0f}")
