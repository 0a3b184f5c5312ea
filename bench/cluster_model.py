#!/usr/bin/env python3
"""Projects a Chatter hub cluster of 10, 100 and 1,000 nodes from the figures
chatter_bench measured on this machine (bench/results/latest.json): the CPU a
relayed message costs on 1, 2 and 3 nodes, the directory search that asks
every node, the cost of a login and the memory of a session. Writes
bench/results/cluster_model.md (the assumptions, then the projection) and
prints it.

Usage: bench/cluster_model.py [latest.json] [--cores 8] [--memory-gib 8]
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def figure(rows, metric_start):
    for r in rows:
        if r["metric"].startswith(metric_start):
            return r["chatter"]
    sys.exit(f"cluster_model: no row '{metric_start}' in the bench results; "
             "run ./scripts/dev bench (the cluster group) first")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("results", nargs="?", default=os.path.join(HERE, "results", "latest.json"))
    p.add_argument("--cores", type=float, default=1,
                   help="cores a node uses for messages (default 1: see assumption 1)")
    p.add_argument("--memory-gib", type=float, default=8,
                   help="memory per node for session tables, GiB (default 8)")
    p.add_argument("--out", default=os.path.join(HERE, "results", "cluster_model.md"))
    a = p.parse_args()
    rows = json.load(open(a.results))

    cost = {n: figure(rows, f"cluster, {n} node{'s' if n > 1 else ''}, CPU per message")
            for n in (1, 2, 3)}
    search_us = figure(rows, "cluster, 1 node, directory search")
    logins_per_s = figure(rows, "logins/s at the hub")
    session_kib = figure(rows, "hub memory per session at 10000 sessions")

    # cost(n) = c1 + x * (n-1)/n: a message crosses a node boundary on each
    # of its hops (enqueue, delivery, ack, receipt) with probability (n-1)/n
    # when homes and entry nodes are spread evenly. x by least squares.
    fs = [(n - 1) / n for n in (2, 3)]
    ds = [cost[n] - cost[1] for n in (2, 3)]
    x = max(0.0, sum(d * f for d, f in zip(ds, fs)) / sum(f * f for f in fs))

    def msg_cost(n):
        return cost[1] + x * (n - 1) / n

    # The workload of one user (assumptions, stated below).
    msgs_per_user_s = 1 / 60          # one message a minute, all day
    searches_per_user_s = 2 / 86400   # two directory searches a day
    logins_per_user_s = 2 / 86400     # two logins a day
    online_share = 0.3                # sessions open at once
    broadcast_us = 20                 # a session announced to one node (unmeasured)
    login_us = 1e6 / logins_per_s
    utilisation = 0.7
    budget_us = a.cores * utilisation * 1e6  # CPU per node per second
    memory_kib = a.memory_gib * 1024 * 1024

    lines = []
    out = lines.append
    out("# Hub cluster model")
    out("")
    out("From `bench/results/latest.json` (this machine, the nodes sharing its 2 cores):")
    out("")
    out(f"- CPU per relayed message over all nodes: {cost[1]:.0f} us on 1 node, "
        f"{cost[2]:.0f} us on 2, {cost[3]:.0f} us on 3; fitted as "
        f"{cost[1]:.0f} + {x:.0f} x (n-1)/n us.")
    out(f"- A directory search asking every node: {search_us:.0f} us (1 node, the latency, "
        "taken as each node's CPU per search).")
    out(f"- A login: {login_us:.0f} us of hub CPU ({logins_per_s:.0f} logins/s).")
    out(f"- A session: {session_kib:.2f} KiB of hub memory.")
    out("")
    out("Assumptions (change them in the script or on its command line):")
    out("")
    out(f"1. Each node uses {a.cores:g} core(s) for messages, run at {utilisation:.0%}, and "
        f"{a.memory_gib:g} GiB for session tables. One core, because a node's router and "
        "its mailbox are one actor each: the 1-node row saturates at "
        f"{figure(rows, 'cluster, 1 node, CPU per node'):.2f} of a core. More cores per "
        "node need the mailbox split over several actors (by recipient), which the model "
        "then scales by `--cores`.")
    out("2. Per user: one message a minute, two directory searches and two logins a day; "
        f"{online_share:.0%} of users online at once.")
    out("3. Homes and entry nodes spread evenly (consistent hashing with 128 virtual nodes "
        "per node: within +-25 % in `unit.ring`), so a message's hops cross nodes with "
        "probability (n-1)/n; the cost per crossing is what 2 and 3 nodes measured here, "
        "where the nodes shared 2 cores, so it includes their contention.")
    out("4. A directory search costs every node the same, whatever the node count: it "
        "asks them all. The scan's growth with users per node is not modelled (measured "
        "with 8 users).")
    out(f"5. Every node holds every online session (the session broadcast): "
        f"{session_kib:.2f} KiB each, and {broadcast_us} us of CPU per node per login "
        "(not measured).")
    out("6. The network is not the limit; a node's disk commits are in its CPU figure.")
    out("")
    out("| nodes | users by CPU | users by memory | users | msgs/s | bound by |")
    out("|---|---|---|---|---|---|")
    projection = []
    for n in (10, 100, 1000):
        # Per node, per user per second: its share of messages and logins,
        # plus every search and every login broadcast in the cluster.
        per_user_us = (msgs_per_user_s * msg_cost(n) / n
                       + logins_per_user_s * (login_us / n + broadcast_us)
                       + searches_per_user_s * search_us)
        users_cpu = budget_us / per_user_us
        users_mem = memory_kib / (online_share * session_kib)
        users = min(users_cpu, users_mem)
        bound = "CPU" if users_cpu < users_mem else "session memory"
        projection.append({"nodes": n, "users_by_cpu": users_cpu, "users_by_memory": users_mem,
                           "users": users, "msgs_per_s": users * msgs_per_user_s,
                           "bound_by": bound})
        out(f"| {n} | {users_cpu:,.0f} | {users_mem:,.0f} | {users:,.0f} | "
            f"{users * msgs_per_user_s:,.0f} | {bound} |")
    out("")
    out("Reading: messages scale with the nodes (each message costs a bounded number of "
        "nodes), but two things every node pays for every user do not: directory searches "
        "(fan-out) and session announcements (broadcast). Past some size they, not "
        "messages, set the limit; the remedy is a directory index sharded by name prefix "
        "and sessions known only where they are used, not more nodes.")
    text = "\n".join(lines) + "\n"
    with open(a.out, "w") as f:
        f.write(text)
    with open(os.path.splitext(a.out)[0] + ".json", "w") as f:
        json.dump({"inputs": {"cpu_us_per_message": cost, "hop_us": x, "search_us": search_us,
                              "login_us": login_us, "session_kib": session_kib},
                   "projection": projection}, f, indent=2)
    print(text)


if __name__ == "__main__":
    main()
