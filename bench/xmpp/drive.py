#!/usr/bin/python3
"""The XMPP side of chatter_bench: alice -> bob through a Prosody on loopback,
with Debian's python3-slixmpp. Prints one JSON line:
{"per_s": ..., "p50_ms": ..., "p99_ms": ..., "loaded_p50_ms": ..., "loaded_p99_ms": ...}

    drive.py PORT MESSAGES UNLOADED

Unloaded latency: UNLOADED messages one at a time (send, wait for bob).
Sustained: MESSAGES sent without waiting; rate = MESSAGES / time to the last.
Loaded latency: MESSAGES / 2 sent on a schedule at 80 % of that rate, each
timed from its slot to bob's arrival.
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
    per_s = loads / elapsed

    paced = max(1, messages // 2)
    interval = 1.0 / (0.8 * per_s)
    start = time.perf_counter() + 0.05
    slots = [start + i * interval for i in range(paced)]
    last = f"paced {paced - 1}"
    done = asyncio.Event()
    bob.waiters[last] = done
    for i, slot in enumerate(slots):
        delay = slot - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        alice.send_message(mto="bob@localhost", mbody=f"paced {i}", mtype="chat")
    await asyncio.wait_for(done.wait(), 120)
    loaded = sorted((bob.arrived[f"paced {i}"] - slots[i]) * 1e3
                    for i in range(paced) if f"paced {i}" in bob.arrived)
    alice.disconnect()
    bob.disconnect()
    def pick(values, p):
        return values[min(len(values) - 1, int(p * len(values)))]
    print(json.dumps({"per_s": per_s, "p50_ms": pick(latencies, 0.5),
                      "p99_ms": pick(latencies, 0.99), "loaded_p50_ms": pick(loaded, 0.5),
                      "loaded_p99_ms": pick(loaded, 0.99)}), flush=True)


if __name__ == "__main__":
    port, messages, unloaded = (int(a) for a in sys.argv[1:4])
    asyncio.run(main(port, messages, unloaded))
