// The hub cluster's relay capacity with 1, 2 and 3 nodes (chatterd
// --hub-node on loopback). The load comes from synthetic members in this
// process: real SCRAM logins through the routers, then envelopes (real
// headers, random 200-byte ciphertext: the hub cannot tell) from every user
// to every other, each delivered to its recipient and acknowledged, as a
// member daemon does. Member daemons are left out on purpose: four of them
// would take the two cores the nodes are measured on. Each node's CPU comes
// from /proc. The caveat stands in every row: the nodes share this
// machine's two cores, so the figures show the routing cost, not the
// scaling a cluster of separate machines would get.
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "core/envelope.hpp"
#include "core/scram.hpp"
#include "harness.hpp"
#include "hub/hub.hpp"
#include "hub_cluster.hpp"

using namespace std::chrono;

namespace chatter::bench {

namespace {

struct counters {
  std::atomic<long> delivered{0};
  std::atomic<long> accepted{0};
  std::atomic<long> failed{0};
};

// One sender and its receiver in the 1:1 load: the receiver counts what it
// acknowledged and wakes the sender when its window had closed.
struct pair_flow {
  std::atomic<long> received{0};
  std::atomic<bool> blocked{false};
  caf::actor pump;  // set before the load starts
  void arrived() {
    ++received;
    if (blocked.exchange(false))
      caf::anon_send(pump, 0);
  }
};

// A member's actor at the hub: acknowledges what it is delivered.
caf::behavior synthetic_peer(caf::event_based_actor* self, counters* c,
                             const std::shared_ptr<std::pair<caf::actor, std::string>>& link,
                             const std::shared_ptr<pair_flow>& flow) {
  return {
    [=](challenge_atom, const std::string&, const std::string&) {},
    [=](revoked_atom, const std::string&, const std::string&) {},
    [=](deliver_atom, const envelope& env) {
      auto h = decode_header(env.header);
      if (!h)
        return;
      self->request(link->first, seconds(30), ack_atom_v, link->second, h->from, h->id)
        .then(
          [=](caf::ok_atom) {
            ++c->delivered;
            if (flow)
              flow->arrived();
          },
          [=](caf::error&) { ++c->failed; });
    },
    // A batch, as the hub sends what a batched enqueue brought: one
    // cumulative ack, as a member daemon sends for what one commit stored.
    [=](deliver_atom, const std::vector<envelope>& envs) {
      std::vector<message_ref> refs;
      for (auto& env : envs)
        if (auto h = decode_header(env.header))
          refs.push_back({h->from, h->id});
      if (refs.empty())
        return;
      auto n = static_cast<long>(refs.size());
      self->request(link->first, seconds(30), ack_atom_v, link->second, refs)
        .then(
          [=](caf::ok_atom) {
            c->delivered += n;
            if (flow)
              for (long i = 0; i < n; ++i)
                flow->arrived();
          },
          [=](caf::error&) { c->failed += n; });
    },
    [=](receipt_atom, const std::string&, const std::string&, const std::string&) {},
    [=](receipt_atom, const std::vector<receipt_info>&) {},
    [=](presence_atom, const presence_info&) {},
    [=](consent_atom, const consent_entry&) {},
    [=](replenish_atom, uint32_t) {},
    [=](hubdown_atom, const std::string&) {},
  };
}

struct synthetic_user {
  std::string name;
  // Its own actor system, so the nodes see one host per user, as with
  // member daemons (their per-host limits would otherwise throttle the load).
  std::shared_ptr<caf::actor_system> sys;
  caf::actor router;              // the gateway the node gave this user's connection
  member_link_actor member_link;  // held: the gateway ends when it does
  std::shared_ptr<std::pair<caf::actor, std::string>> link;  // router, session
  caf::actor peer;
  std::shared_ptr<pair_flow> flow;  // as a receiver of the 1:1 load
};

caf::actor router_at(caf::actor_system& sys, uint16_t port, member_link_actor& link) {
  auto front = sys.middleman().remote_actor<hub_front_actor>("127.0.0.1", port);
  if (!front)
    throw std::runtime_error("no hub node on port " + std::to_string(port));
  caf::scoped_actor self{sys};
  caf::actor router;
  // The gateway watches the member's link; this one does nothing else.
  link = sys.spawn([](member_link_actor::pointer,
                      int) -> member_link_actor::behavior_type { return {[](retry_atom) {}}; },
                   0);  // the int: CAF 0.17 dereferences null for a spawn with no argument
  self->request(*front, seconds(10), hello_atom_v, link)
    .receive([&](const hub_handles& hub) { router = caf::actor_cast<caf::actor>(hub.gateway); },
             [&](caf::error& err) { throw std::runtime_error(sys.render(err)); });
  return router;
}

// Sign-up and login with the real SCRAM exchange, as a member's daemon does.
void sign_up_and_log_in(caf::actor_system& sys, synthetic_user& u, counters* c) {
  caf::scoped_actor self{sys};
  auto fail = [&](caf::error& err) { throw std::runtime_error(u.name + ": " + sys.render(err)); };
  signup_offer offer;
  self->request(u.router, seconds(10), offer_atom_v, u.name)
    .receive([&](signup_offer& o) { offer = o; }, fail);
  auto keys = scram::derive("pw", offer.salt, offer.kdf);
  signup_request req{u.name,
                     u.name,
                     offer.salt,
                     offer.kdf,
                     scram::to_bytes(keys.stored_key),
                     scram::to_bytes(keys.server_key)};
  self->request(u.router, seconds(10), signup_atom_v, req).receive([](caf::ok_atom) {}, fail);
  auto nonce = scram::random_nonce();
  login_challenge ch;
  self->request(u.router, seconds(10), login_atom_v, u.name, nonce)
    .receive([&](login_challenge& x) { ch = x; }, fail);
  auto message = scram::login_auth_message(u.name, nonce, ch.nonce, ch.salt, ch.kdf);
  auto proof = scram::client_proof(keys.client_key, keys.stored_key, message);
  u.link = std::make_shared<std::pair<caf::actor, std::string>>(u.router, "");
  u.peer = sys.spawn(synthetic_peer, c, u.link, u.flow);
  self
    ->request(u.router, seconds(10), proof_atom_v, ch.attempt, proof,
              caf::actor_cast<session_peer_actor>(u.peer))
    .receive([&](login_grant& g) { u.link->second = g.session; }, fail);
}

envelope envelope_from(const std::string& from, const std::string& to, long n) {
  envelope_header h;
  h.suite = h.signer_suite = "x25519-chacha20poly1305";
  h.id = from + "-" + std::to_string(n);
  h.from = from;
  h.to = to;
  h.timestamp_ms = n;
  h.kem = bytes(32, 7);
  h.nonce = bytes(12, 1);
  return {encode_header(h), bytes(200, 42), bytes(64, 3)};
}

struct cluster_figures {
  double per_s = 0;
  double cpu_per_node = 0;    // share of one core, averaged over the nodes
  double cpu_us_per_msg = 0;  // all nodes' CPU per message
  double search_us = 0;       // one directory search, asking every node
};

// Who sends to whom: every user to every other, at most 100 unacknowledged
// by the hub (the cluster rows), or the first half each to one of the
// second (the 1:1 load of the relay rows), at most `window` not yet
// received.
struct relay_load {
  std::vector<uint16_t> ports;  // users enter at these in turn
  size_t users = 8;
  bool pairs = false;
  int window = 100;
  size_t batch = 1;  // envelopes per enqueue
};

struct synthetic_members {
  std::vector<std::unique_ptr<caf::actor_system_config>> configs;
  std::vector<synthetic_user> users;
  ~synthetic_members() {
    for (auto& u : users) {
      caf::anon_send_exit(u.peer, caf::exit_reason::user_shutdown);
      caf::anon_send_exit(u.member_link, caf::exit_reason::user_shutdown);
    }
    users.clear();  // the systems go before their configs
  }
};

void sign_up_members(const relay_load& load, synthetic_members& m, counters* c) {
  for (size_t i = 0; i < load.users; ++i) {
    synthetic_user u;
    u.name = "load" + std::to_string(i);
    if (load.pairs && i >= load.users / 2)
      u.flow = std::make_shared<pair_flow>();
    m.configs.push_back(std::make_unique<caf::actor_system_config>());
    register_chatter_types(*m.configs.back());
    m.configs.back()->load<caf::io::middleman>();
    m.configs.back()->set("scheduler.max-threads", 1);
    u.sys = std::make_shared<caf::actor_system>(*m.configs.back());
    u.router = router_at(*u.sys, load.ports[i % load.ports.size()], u.member_link);
    sign_up_and_log_in(*u.sys, u, c);
    m.users.push_back(std::move(u));
  }
  std::this_thread::sleep_for(milliseconds(300));  // sessions announced everywhere
}

// A sender's pump: keeps its window full; started and woken by a message
// (from its receiver, in pairs) or by the hub's acks.
caf::behavior relay_pump(caf::event_based_actor* self, int count, const caf::actor& router,
                         const std::shared_ptr<std::pair<caf::actor, std::string>>& link,
                         const std::string& name, const std::vector<std::string>& to,
                         const std::shared_ptr<pair_flow>& flow, int window, size_t batch,
                         counters* c) {
  auto sent = std::make_shared<long>(0);
  auto pending = std::make_shared<int>(0);
  auto open = [=] {
    if (!flow)
      return *pending < window;
    if (*sent - flow->received < window)
      return true;
    flow->blocked = true;  // then look again: the receiver may have just missed it
    return *sent - flow->received < window && flow->blocked.exchange(false);
  };
  auto pump = std::make_shared<std::function<void()>>();
  auto answered = [=](long n, long failed) {
    c->accepted += n - failed;
    c->failed += failed;
    *pending -= static_cast<int>(n);
    (*pump)();
  };
  *pump = [=] {
    while (*sent < count && open()) {
      std::vector<envelope> envs;
      do {
        auto n = (*sent)++;
        envs.push_back(envelope_from(name, to[static_cast<size_t>(n) % to.size()], n));
        ++*pending;
      } while (envs.size() < batch && *sent < count && open());
      auto n = static_cast<long>(envs.size());
      if (n == 1)
        self->request(router, seconds(30), enqueue_atom_v, link->second, envs.front())
          .then([=](caf::ok_atom) { answered(1, 0); }, [=](caf::error&) { answered(1, 1); });
      else
        self->request(router, seconds(30), enqueue_atom_v, link->second, envs)
          .then(
            [=](const std::vector<envelope_outcome>& outcomes) {
              long failed = 0;
              for (auto& o : outcomes)
                failed += o.code != 0;
              answered(n, failed);
            },
            [=](caf::error&) { answered(n, n); });
    }
  };
  return {[=](int) { (*pump)(); }};  // the first one starts it
}

// Runs the load to its end (or two minutes); its wall-clock seconds.
double run_relay(const relay_load& load, synthetic_members& m, int messages, counters& c) {
  auto senders = load.pairs ? load.users / 2 : load.users;
  int each = messages / static_cast<int>(senders);
  std::vector<caf::actor> pumps;
  auto t0 = steady_clock::now();
  for (size_t s = 0; s < senders; ++s) {
    auto& u = m.users[s];
    std::vector<std::string> to;
    std::shared_ptr<pair_flow> flow;
    if (load.pairs) {
      to.push_back(m.users[s + senders].name);
      flow = m.users[s + senders].flow;
    } else {
      for (auto& other : m.users)
        if (other.name != u.name)
          to.push_back(other.name);
    }
    pumps.push_back(u.sys->spawn(relay_pump, each, u.router, u.link, u.name, to, flow, load.window,
                                 load.batch, &c));
    if (flow)
      flow->pump = pumps.back();
  }
  for (auto& p : pumps)
    caf::anon_send(p, 0);
  long total = static_cast<long>(each) * static_cast<long>(senders);
  auto deadline = steady_clock::now() + seconds(120);
  while (c.delivered + c.failed < total && steady_clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(2));
  auto wall = duration<double>(steady_clock::now() - t0).count();
  for (auto& p : pumps)
    caf::anon_send_exit(p, caf::exit_reason::user_shutdown);
  if (c.failed > 0 || c.delivered < total)
    std::cerr << "relay: " << c.delivered << " of " << total << " delivered, " << c.failed
              << " failed\n";
  return wall;
}

double search_us(synthetic_user& from, int searches) {
  caf::scoped_actor self{*from.sys};
  auto t1 = steady_clock::now();
  for (int i = 0; i < searches; ++i) {
    // Below the per-host rate (20 a second, bursts of 100) for a fair figure.
    if (i > 0 && i % 90 == 0)
      std::this_thread::sleep_for(seconds(5));
    self
      ->request(from.router, seconds(10), search_atom_v, from.link->second, std::string("load"),
                uint32_t{20})
      .receive([](std::vector<presence_info>&) {}, [](caf::error&) {});
  }
  const int pauses = (searches - 1) / 90;  // the 5 s waits above, whole
  auto search_wall = duration<double>(steady_clock::now() - t1).count() - 5.0 * pauses;
  return search_wall * 1e6 / searches;
}

cluster_figures measure_cluster(size_t nodes, int messages, int searches) {
  test::hub_cluster cluster{nodes, nodes};
  cluster.start_all();
  counters c;
  relay_load load;
  for (size_t i = 0; i < nodes; ++i)
    load.ports.push_back(cluster.port(i));
  synthetic_members m;
  sign_up_members(load, m, &c);
  std::vector<double> cpu0;
  for (size_t i = 0; i < nodes; ++i)
    cpu0.push_back(cpu_seconds(cluster.pid(i)));
  auto wall = run_relay(load, m, messages, c);
  cluster_figures out;
  out.per_s = static_cast<double>(c.delivered) / wall;
  double cpu = 0;
  for (size_t i = 0; i < nodes; ++i)
    cpu += cpu_seconds(cluster.pid(i)) - cpu0[i];
  out.cpu_per_node = cpu / static_cast<double>(nodes) / wall;
  out.cpu_us_per_msg = cpu * 1e6 / static_cast<double>(std::max<long>(1, c.delivered));
  out.search_us = search_us(m.users[0], searches);
  return out;
}

}  // namespace

namespace {

// A `chatterd --listen` hub and relay_pairs pairs of synthetic members
// signed up at it; `launcher` (strace) runs the hub when given.
struct loaded_hub {
  test::world world;
  std::unique_ptr<test::chatterd_process> hub;
  counters c;
  relay_load load;
  synthetic_members m;

  explicit loaded_hub(std::vector<std::string> launcher = {}, size_t batch = 1) {
    world.launcher = std::move(launcher);
    hub = world.start_daemon({"--listen", "127.0.0.1:0"});
    auto port = test::printed_hub_port(hub->log_file());
    if (port == 0)
      throw std::runtime_error("the hub printed no port");
    load = {{port}, 2 * static_cast<size_t>(relay_pairs), true, window, batch};
    sign_up_members(load, m, &c);
  }
};

}  // namespace

load_figures measure_hub_relay(int messages, size_t batch) {
  loaded_hub h({}, batch);
  auto& [world, hub, c, load, m] = h;
  auto cpu0 = cpu_seconds(hub->pid());
  auto self0 = process_cpu_seconds();
  auto wall = run_relay(load, m, messages, c);
  load_figures out;
  out.per_s = static_cast<double>(c.delivered) / wall;
  out.server_cpu_us =
    (cpu_seconds(hub->pid()) - cpu0) * 1e6 / static_cast<double>(std::max<long>(1, c.delivered));
  out.server_rss_mib = rss_mib(hub->pid());
  out.driver_share = (process_cpu_seconds() - self0) / wall;
  return out;
}

namespace {

// Calls of fsync and fdatasync in a `strace -c` summary: its columns are
// % time, seconds, usecs/call, calls, [errors,] syscall.
long syncs_in(const std::filesystem::path& summary) {
  std::ifstream in(summary);
  long calls = 0;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<std::string> w{std::istream_iterator<std::string>(words), {}};
    if (w.size() >= 5 && (w.back() == "fsync" || w.back() == "fdatasync"))
      calls += std::stol(w[3]);
  }
  return calls;
}

// strace runs the hub (it stops it only at the calls it counts), so its
// start-up and the members' sign-ups are counted too: an upper bound.
std::pair<long, long> hub_syncs_under_relay(int messages) {
  test::temp_dir dir;
  auto summary = dir.path() / "strace-c.txt";
  loaded_hub h({"/usr/bin/strace", "-f", "--seccomp-bpf", "-c", "-e", "trace=fsync,fdatasync", "-o",
                summary.string()});
  auto& [world, hub, c, load, m] = h;
  run_relay(load, m, messages, c);
  // strace writes its summary when the hub ends, not when it is stopped.
  std::ifstream children("/proc/" + std::to_string(hub->pid()) + "/task/"
                         + std::to_string(hub->pid()) + "/children");
  pid_t hub_pid = 0;
  if (children >> hub_pid && hub_pid > 0)
    ::kill(hub_pid, SIGTERM);
  for (int i = 0; i < 500 && std::filesystem::file_size(summary) == 0; ++i)
    std::this_thread::sleep_for(milliseconds(20));  // polls for the file, with a limit
  auto syncs = syncs_in(summary);
  hub->terminate();
  return {syncs, c.delivered.load()};
}

}  // namespace

std::vector<row> sync_rows(const settings& s) {
  if (!std::filesystem::exists("/usr/bin/strace")) {
    std::cerr << "chatter_bench: strace is not installed; no sync rows\n";
    return {};
  }
  row r{"hub relay: syncs (fsync + fdatasync, strace -c) per relayed message",
        "commits per message when each write commits alone (enqueue and ack: 2)",
        {},
        {}};
  for (int run = 0; run < s.runs; ++run) {
    auto [syncs, delivered] = hub_syncs_under_relay(s.iterations(10000));
    auto per_message = static_cast<double>(syncs) / static_cast<double>(std::max(1L, delivered));
    std::cerr << "Chatter: hub " << syncs << " syncs for " << delivered << " relayed messages\n";
    record(r, per_message, 2.0);
  }
  return {r};
}

std::vector<row> cluster_rows(const settings& s) {
  const std::string caveat = " (nodes share 2 cores)";
  std::vector<row> rows;
  std::map<size_t, std::vector<cluster_figures>> runs;
  for (int run = 0; run < s.runs; ++run)
    for (size_t n : {1, 2, 3})
      runs[n].push_back(measure_cluster(n, s.iterations(8000), s.iterations(200)));
  for (size_t n : {1, 2, 3}) {
    auto label = std::to_string(n) + " node" + (n > 1 ? "s" : "");
    row rate{
      std::string("cluster relay, ").append(label).append(", aggregate msgs/s").append(caveat),
      "the same load on a 1-node cluster",
      {},
      {}};
    row cpu{std::string("cluster, ")
              .append(label)
              .append(", CPU per node, share of one core")
              .append(caveat),
            "1-node cluster",
            {},
            {}};
    row per_msg{std::string("cluster, ")
                  .append(label)
                  .append(", CPU per message over all nodes, us")
                  .append(caveat),
                "1-node cluster",
                {},
                {}};
    row search{
      "cluster, " + label + ", directory search asking every node, us", "1-node cluster", {}, {}};
    for (size_t r = 0; r < runs[n].size(); ++r) {
      auto& f = runs[n][r];
      auto& one = runs[1][r];
      record(rate, f.per_s, one.per_s);
      record(cpu, f.cpu_per_node, one.cpu_per_node);
      record(per_msg, f.cpu_us_per_msg, one.cpu_us_per_msg);
      record(search, f.search_us, one.search_us);
    }
    rows.insert(rows.end(), {rate, cpu, per_msg, search});
  }
  return rows;
}

}  // namespace chatter::bench
