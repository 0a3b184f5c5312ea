#!/usr/bin/python3
"""The XMPP side of chatter_bench: alice -> bob through a Prosody on loopback,
with Debian's python3-slixmpp. Prints one JSON line:
{"per_s": ..., "p50_ms": ..., "p99_ms": ...}

    drive.py PORT MESSAGES UNLOADED

Unloaded latency: UNLOADED messages one at a time (send, wait for bob).
Sustained: MESSAGES sent without waiting; rate = MESSAGES / time to the last.
"""
import asyncio
import json
import sys
import time

import slixmpp


class Peer(slixmpp.ClientXMPP):
    def __init__(self, user, port):
        super().__init__(f"{user}@localhost/bench", f"pw-{user}")
        self.port = port
        self.ready = asyncio.Event()
        self.arrived = {}
        self.waiters = {}
        self["feature_mechanisms"].unencrypted_plain = True
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)

    async def on_start(self, _event):
        self.send_presence()
        self.ready.set()

    def on_message(self, msg):
        if msg["type"] not in ("chat", "normal"):
            return
        key = msg["body"]
        self.arrived[key] = time.perf_counter()
        waiter = self.waiters.pop(key, None)
        if waiter:
            waiter.set()

    def start(self):
        self.connect(address=("127.0.0.1", self.port), disable_starttls=True)


async def main(port, messages, unloaded):
    alice, bob = Peer("alice", port), Peer("bob", port)
    alice.start()
    bob.start()
    await asyncio.wait_for(asyncio.gather(alice.ready.wait(), bob.ready.wait()), 20)

    latencies = []
    for i in range(unloaded):
        key = f"ping {i}"
        done = asyncio.Event()
        bob.waiters[key] = done
        t0 = time.perf_counter()
        alice.send_message(mto="bob@localhost", mbody=key, mtype="chat")
        await asyncio.wait_for(done.wait(), 10)
        latencies.append((bob.arrived[key] - t0) * 1e3)
    latencies.sort()

    last = f"load {messages - 1}"
    done = asyncio.Event()
    bob.waiters[last] = done
    t0 = time.perf_counter()
    for i in range(messages):
        alice.send_message(mto="bob@localhost", mbody=f"load {i}", mtype="chat")
    await asyncio.wait_for(done.wait(), 120)
    elapsed = time.perf_counter() - t0
    loads = sum(1 for k in bob.arrived if k.startswith("load "))
    alice.disconnect()
    bob.disconnect()
    pick = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))]
    print(json.dumps({"per_s": loads / elapsed, "p50_ms": pick(0.5), "p99_ms": pick(0.99)}),
          flush=True)


if __name__ == "__main__":
    port, messages, unloaded = (int(a) for a in sys.argv[1:4])
    asyncio.run(main(port, messages, unloaded))
