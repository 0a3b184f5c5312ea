// Messages, alice -> bob: end to end through a remote hub over CAF TCP on
// loopback (D-Bus in at alice's daemon, D-Bus out at bob's, ratchet suite,
// every store durable), and the hub alone under synthetic members; beside,
// in the same run, the floor (a bare sd-bus round trip through a
// dbus-daemon plus a raw CAF remote round trip) and two XMPP servers under
// the same 1:1 loads (xmpp_peer.cpp). CPU and memory of every process on
// the path come from /proc.
//
// The clients behave as real ones do: alice's side is one bus connection,
// subscribed to the account's signals (the generated proxy), that keeps
// `window` SendMessage calls in flight with asynchronous calls; bob's side
// is one subscribed connection that counts MessageReceived. The batched row
// does the same through SendMessages of `batch` and bob's MessagesReceived,
// bob's connection subscribed to that signal alone.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <mutex>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "client_proxies.hpp"
#include "harness.hpp"
#include "member_host.hpp"
#include "world.hpp"

using namespace std::chrono;

namespace chatter::bench {

namespace {

using clock_type = steady_clock;
constexpr const char* account_interface = "org.chatter.Chatter1.Account";

double seconds_since(clock_type::time_point t0) {
  return duration<double>(clock_type::now() - t0).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

// --- the floor ----------------------------------------------------------------

struct floor_figures {
  double dbus_ms = 0;  // bare sd-bus method round trip through a dbus-daemon
  double caf_ms = 0;   // raw CAF remote request/response between two systems
};

caf::behavior echo(caf::event_based_actor*, int) {
  return {[](int x) { return x; }};
}

double caf_round_trip_ms(int serial) {
  caf::actor_system_config cfg_a, cfg_b;
  cfg_a.load<caf::io::middleman>();
  cfg_b.load<caf::io::middleman>();
  caf::actor_system a{cfg_a}, b{cfg_b};
  auto server = a.spawn(echo, 0);
  auto port = a.middleman().publish(server, 0, "127.0.0.1");
  auto remote = b.middleman().remote_actor("127.0.0.1", *port);
  caf::scoped_actor self{b};
  auto us = micros_per_op(
    serial, [&] { self->request(*remote, seconds(5), 1).receive([](int) {}, [](caf::error&) {}); });
  caf::anon_send_exit(server, caf::exit_reason::user_shutdown);
  return us / 1e3;
}

double dbus_round_trip_ms(int serial) {
  test::private_bus bus;
  auto service_conn = bus.connect();
  auto object = sdbus::createObject(*service_conn, "/org/chatter/BenchEcho");
  object->registerMethod("Echo")
    .onInterface("org.chatter.BenchEcho")
    .implementedAs([](const std::string& s) { return s; });
  object->finishRegistration();
  service_conn->requestName("org.chatter.BenchEcho");
  service_conn->enterEventLoopAsync();
  auto conn = bus.connect();
  auto proxy = sdbus::createProxy(*conn, "org.chatter.BenchEcho", "/org/chatter/BenchEcho");
  auto us = micros_per_op(serial, [&] {
    std::string out;
    proxy->callMethod("Echo")
      .onInterface("org.chatter.BenchEcho")
      .withArguments(std::string("ping 1"))
      .storeResultsTo(out);
  });
  service_conn->leaveEventLoop();
  return us / 1e3;
}

// --- Chatter end to end ---------------------------------------------------------

// A process on the path and what it spent over the sustained load.
struct process_cost {
  std::string name;
  pid_t pid = 0;
  double cpu0 = 0;
  double cpu_us = 0;  // per message
  double rss_mib = 0;
  double unloaded_switches = 0;  // voluntary context switches per unloaded message
};

struct chatter_figures {
  double per_s = 0;
  double batched_per_s = 0;       // SendMessages of `batch` + MessagesReceived
  double per_batched_signal = 0;  // messages per MessagesReceived, on average
  double p50_ms = 0, p99_ms = 0;
  double loaded_p50_ms = 0, loaded_p99_ms = 0;
  double driver_share = 0;  // the bench's own D-Bus clients
  std::vector<process_cost> processes;
};

// What bob's connection saw: every arrival counted, the timed ones stamped.
struct arrivals {
  std::mutex m;
  std::condition_variable cv;
  std::atomic<long> count{0};
  std::vector<clock_type::time_point> paced;  // by index, "paced N"
  std::function<void()> on_arrival;           // the sender's pump; set under `m`
  void set_on_arrival(std::function<void()> f) {
    std::lock_guard<std::mutex> g(m);
    on_arrival = std::move(f);
  }
  long wait_for(long n, seconds limit) {
    std::unique_lock<std::mutex> g(m);
    cv.wait_for(g, limit, [&] { return count >= n; });
    return count;
  }
};

// The batched path's calls: SendMessages of this many messages.
constexpr long batch = 64;

// Alice's sender: at most `window` messages sent and not yet at bob, and at
// most `window` messages unanswered, on alice's one connection; with
// `per_call` above 1, SendMessages calls of that many.
class async_sender {
public:
  async_sender(sdbus::IProxy& proxy, arrivals& at_bob, long per_call = 1)
    : proxy_(proxy), at_bob_(at_bob), per_call_(per_call) {}
  void start(long quota) {
    std::lock_guard<std::mutex> g(m_);
    quota_ = quota;
    sent_ = 0;
    base_ = at_bob_.count;
  }
  // Sends what the window allows. Called from any thread; the calls are made
  // outside the lock, which sdbus-c++ takes its own around.
  void pump() {
    long first = 0, n = 0;
    {
      std::lock_guard<std::mutex> g(m_);
      auto k = per_call_;
      while (sent_ + n + k <= quota_ && sent_ + n + k - (at_bob_.count - base_) <= window
             && unanswered_ + n + k <= window)
        n += k;
      first = sent_;
      sent_ += n;
      unanswered_ += n;
    }
    if (per_call_ > 1)
      return send_batches(first, n);
    for (long i = first; i < first + n; ++i)
      proxy_.callMethodAsync("SendMessage")
        .onInterface(account_interface)
        .withArguments(std::string("bob"), "load " + std::to_string(i))
        .uponReplyInvoke([this](const sdbus::Error* error, const std::string&) {
          if (error)
            ++failed;
          {
            std::lock_guard<std::mutex> g(m_);
            --unanswered_;
          }
          answered_.notify_all();
          pump();
        });
  }
  // Before it goes: no reply may come to a sender that is gone.
  void wait_answered(seconds limit) {
    std::unique_lock<std::mutex> g(m_);
    answered_.wait_for(g, limit, [&] { return unanswered_ == 0; });
  }
  std::atomic<long> failed{0};

private:
  void send_batches(long first, long n) {
    for (long start = first; start < first + n; start += per_call_) {
      std::vector<sdbus::Struct<std::string, std::string>> entries;
      for (long i = start; i < start + per_call_; ++i)
        entries.emplace_back(std::string("bob"), "batched " + std::to_string(i));
      proxy_.callMethodAsync("SendMessages")
        .onInterface(account_interface)
        .withArguments(entries)
        .uponReplyInvoke([this](const sdbus::Error* error, const std::vector<std::string>&) {
          if (error)
            ++failed;
          {
            std::lock_guard<std::mutex> g(m_);
            unanswered_ -= per_call_;
          }
          answered_.notify_all();
          pump();
        });
    }
  }

  sdbus::IProxy& proxy_;
  arrivals& at_bob_;
  long per_call_;
  std::mutex m_;
  std::condition_variable answered_;
  long quota_ = 0, sent_ = 0, base_ = 0, unanswered_ = 0;
};

struct chatter_setup {
  test::world hub;
  std::unique_ptr<test::chatterd_process> hub_daemon;
  test::member_host alice, bob;
  arrivals at_bob;
  arrivals batched_at_bob;  // entries of bob's MessagesReceived
  std::atomic<long> batched_signals{0};
  std::unique_ptr<sdbus::IProxy> batched_proxy;  // bob's, subscribed to MessagesReceived only
  std::unique_ptr<sdbus::IProxy> sender_proxy;   // alice's connection, no subscriptions of its own
};

pid_t bus_pid(const test::world& w) {
  return pid_with_cmdline("unix:path=" + (w.dir.path() / "bus.socket").string());
}

void set_up(chatter_setup& c) {
  c.hub_daemon = c.hub.start_daemon({"--listen", "127.0.0.1:0"});
  auto port = test::printed_hub_port(c.hub_daemon->log_file());
  if (port == 0)
    throw std::runtime_error("the hub printed no port");
  for (auto [m, user] : {std::pair{&c.alice, "alice"}, std::pair{&c.bob, "bob"}}) {
    if (!m->start(test::hub_args("127.0.0.1", port)))
      throw std::runtime_error("the hub did not answer");
    m->join(user);
  }
  c.at_bob.paced.resize(1);
  c.bob.account->on_message_received = [&at = c.at_bob](const std::string&, const std::string&,
                                                        const std::string& text, int64_t) {
    auto now = clock_type::now();
    if (text.rfind("paced ", 0) == 0) {
      auto i = static_cast<size_t>(std::stol(text.substr(6)));
      if (i < at.paced.size())
        at.paced[i] = now;
    }
    std::function<void()> pump;
    {
      std::lock_guard<std::mutex> g(at.m);
      ++at.count;
      pump = at.on_arrival;
    }
    at.cv.notify_all();
    if (pump)
      pump();
  };
  c.sender_proxy =
    sdbus::createProxy(*c.alice.conn, client::service_name, client::account_path("alice"));
  c.bob.conn->enterEventLoopAsync();
  c.alice.conn->enterEventLoopAsync();
}

std::vector<process_cost> path_processes(chatter_setup& c) {
  return {
    {"hub chatterd", c.hub_daemon->pid()},       {"alice's chatterd", c.alice.daemon->pid()},
    {"bob's chatterd", c.bob.daemon->pid()},     {"alice's dbus-daemon", bus_pid(c.alice.world)},
    {"bob's dbus-daemon", bus_pid(c.bob.world)}, {"the hub's dbus-daemon", bus_pid(c.hub)}};
}

void unloaded_latency(chatter_setup& c, int unloaded, chatter_figures& out) {
  // Warm-up: the first message sets up the ratchet session, once per pair.
  auto first = c.at_bob.count.load();
  c.alice.account->SendMessage("bob", "warm-up");
  c.at_bob.wait_for(first + 1, seconds(30));
  std::vector<double> latencies;
  out.processes = path_processes(c);
  std::vector<long> switches0;
  for (auto& p : out.processes)
    switches0.push_back(voluntary_switches(p.pid));
  for (int i = 0; i < unloaded; ++i) {
    auto before = c.at_bob.count.load();
    auto t0 = clock_type::now();
    c.alice.account->SendMessage("bob", "ping " + std::to_string(i));
    c.at_bob.wait_for(before + 1, seconds(30));
    latencies.push_back(seconds_since(t0) * 1e3);
  }
  for (size_t i = 0; i < out.processes.size(); ++i)
    out.processes[i].unloaded_switches =
      static_cast<double>(voluntary_switches(out.processes[i].pid) - switches0[i])
      / std::max(1, unloaded);
  out.p50_ms = percentile(latencies, 0.5);
  out.p99_ms = percentile(latencies, 0.99);
}

void sustained(chatter_setup& c, int messages, chatter_figures& out) {
  // Shared with the arrival callback: a signal handled just as the load
  // ends may still be pumping when this function returns.
  auto shared_sender = std::make_shared<async_sender>(*c.sender_proxy, c.at_bob);
  auto& sender = *shared_sender;
  c.at_bob.set_on_arrival([shared_sender] { shared_sender->pump(); });
  for (auto& p : out.processes)
    p.cpu0 = cpu_seconds(p.pid);
  auto self0 = process_cpu_seconds();
  auto base = c.at_bob.count.load();
  auto t0 = clock_type::now();
  sender.start(messages);
  sender.pump();
  auto got = c.at_bob.wait_for(base + messages, seconds(120)) - base;
  auto wall = seconds_since(t0);
  c.at_bob.set_on_arrival(nullptr);
  out.per_s = static_cast<double>(got) / wall;
  out.driver_share = (process_cpu_seconds() - self0) / wall;
  for (auto& p : out.processes) {
    p.cpu_us = (cpu_seconds(p.pid) - p.cpu0) * 1e6 / static_cast<double>(std::max(1L, got));
    p.rss_mib = rss_mib(p.pid);
  }
  sender.wait_answered(seconds(30));
  if (got < messages || sender.failed > 0)
    std::cerr << "end to end: " << got << " of " << messages << " arrived, " << sender.failed
              << " SendMessage calls failed\n";
}

// Messages on a schedule at 80 % of the sustained rate, each timed from its
// slot to bob's MessageReceived; sent without waiting for the replies.
void paced_latency(chatter_setup& c, int messages, chatter_figures& out) {
  if (out.per_s <= 0)
    return;
  auto paced = std::max(1, messages / 2);
  c.at_bob.paced.assign(static_cast<size_t>(paced), {});
  auto interval = duration<double>(1.0 / (0.8 * out.per_s));
  auto start = clock_type::now() + milliseconds(50);
  std::vector<clock_type::time_point> slots;
  for (int i = 0; i < paced; ++i)
    slots.push_back(start + duration_cast<clock_type::duration>(interval * i));
  auto base = c.at_bob.count.load();
  for (int i = 0; i < paced; ++i) {
    std::this_thread::sleep_until(slots[static_cast<size_t>(i)]);
    c.sender_proxy->callMethodAsync("SendMessage")
      .onInterface(account_interface)
      .withArguments(std::string("bob"), "paced " + std::to_string(i))
      .uponReplyInvoke([](const sdbus::Error*, const std::string&) {});
  }
  c.at_bob.wait_for(base + paced, seconds(120));
  std::vector<double> loaded;
  for (size_t i = 0; i < slots.size(); ++i)
    if (c.at_bob.paced[i] != clock_type::time_point{})
      loaded.push_back(duration<double, std::milli>(c.at_bob.paced[i] - slots[i]).count());
  out.loaded_p50_ms = percentile(loaded, 0.5);
  out.loaded_p99_ms = percentile(loaded, 0.99);
}

// Bob's connection trades the generated proxy (every signal) for one
// subscribed to MessagesReceived alone, and opts in; done between loops.
void switch_bob_to_batches(chatter_setup& c) {
  c.bob.conn->leaveEventLoop();
  c.bob.account.reset();
  c.batched_proxy =
    sdbus::createProxy(*c.bob.conn, client::service_name, client::account_path("bob"));
  using entries = client::account_client::received_entries;
  c.batched_proxy->uponSignal("MessagesReceived")
    .onInterface(account_interface)
    .call([&at = c.batched_at_bob, &signals = c.batched_signals](const entries& got) {
      ++signals;
      std::function<void()> pump;
      {
        std::lock_guard<std::mutex> g(at.m);
        at.count += static_cast<long>(got.size());
        pump = at.on_arrival;
      }
      at.cv.notify_all();
      if (pump)
        pump();
    });
  c.batched_proxy->finishRegistration();
  c.batched_proxy->callMethod("EnableBatchedSignals").onInterface(account_interface);
  c.bob.conn->enterEventLoopAsync();
}

void batched_sustained(chatter_setup& c, int messages, chatter_figures& out) {
  switch_bob_to_batches(c);
  auto quota = std::max(batch, messages / batch * batch);
  auto shared_sender = std::make_shared<async_sender>(*c.sender_proxy, c.batched_at_bob, batch);
  auto& sender = *shared_sender;
  c.batched_at_bob.set_on_arrival([shared_sender] { shared_sender->pump(); });
  auto base = c.batched_at_bob.count.load();
  auto signals0 = c.batched_signals.load();
  auto t0 = clock_type::now();
  sender.start(quota);
  sender.pump();
  auto got = c.batched_at_bob.wait_for(base + quota, seconds(120)) - base;
  out.batched_per_s = static_cast<double>(got) / seconds_since(t0);
  out.per_batched_signal =
    static_cast<double>(got) / static_cast<double>(std::max(1L, c.batched_signals - signals0));
  c.batched_at_bob.set_on_arrival(nullptr);
  sender.wait_answered(seconds(30));
  if (got < quota || sender.failed > 0)
    std::cerr << "end to end, batched: " << got << " of " << quota << " arrived, " << sender.failed
              << " SendMessages calls failed\n";
}

chatter_figures measure_chatter(int messages, int unloaded) {
  chatter_setup c;
  set_up(c);
  chatter_figures out;
  unloaded_latency(c, unloaded, out);
  sustained(c, messages, out);
  paced_latency(c, messages, out);
  batched_sustained(c, messages, out);
  c.alice.conn->leaveEventLoop();
  c.bob.conn->leaveEventLoop();
  return out;
}

// --- the rows -------------------------------------------------------------------

struct run_figures {
  floor_figures floor;
  chatter_figures chat;
  load_figures hub;
  load_figures hub_batched;  // the same load in hub protocol batches
  peer_figures prosody, ejabberd;
};

// A peer that is installed must work, in a quick run too: bench.smoke is
// what keeps the driver and the throw-away servers from rotting.
peer_figures peer_if_installed(xmpp_server server, const settings& s, bool available) {
  if (!available)
    return {};
  return measure_peer(server, s.iterations(20000), s.iterations(4000), s.iterations(100));
}

std::string share_note(const std::vector<run_figures>& runs,
                       const std::function<double(const run_figures&)>& share) {
  std::vector<double> v;
  for (auto& r : runs)
    v.push_back(share(r) * 100);
  return " (driver: " + std::to_string(static_cast<int>(median(v) + 0.5)) + " % of a core)";
}

using pick = std::function<double(const run_figures&)>;

struct row_maker {
  const std::vector<run_figures>& runs;
  std::vector<row>& rows;
  void add(const std::string& metric, const std::string& reference, const pick& chatter,
           const pick& ref) {
    row r{metric, reference, {}, {}};
    for (auto& f : runs)
      record(r, chatter(f), ref(f));
    rows.push_back(r);
  }
};

const peer_figures& peer_of(const run_figures& f, xmpp_server server) {
  return server == xmpp_server::prosody ? f.prosody : f.ejabberd;
}

void floor_rows(row_maker& m) {
  const std::string floor = "floor: bare sd-bus round trip + raw CAF remote round trip, ms";
  auto floor_ms = [](const run_figures& f) { return f.floor.dbus_ms + f.floor.caf_ms; };
  m.add(
    "floor: bare sd-bus method round trip through a dbus-daemon, ms",
    "raw CAF remote round trip, ms (the floor is their sum)",
    [](auto& f) { return f.floor.dbus_ms; }, [](auto& f) { return f.floor.caf_ms; });
  m.add(
    "unloaded p50, SendMessage -> MessageReceived via a remote hub, ms", floor,
    [](auto& f) { return f.chat.p50_ms; }, floor_ms);
  m.add(
    "unloaded p99, SendMessage -> MessageReceived via a remote hub, ms", floor,
    [](auto& f) { return f.chat.p99_ms; }, floor_ms);
  m.add(
    "p99 at 80 % of the sustained end-to-end rate, ms", floor,
    [](auto& f) { return f.chat.loaded_p99_ms; }, floor_ms);
}

// Chatter end to end (one pair through D-Bus, a remote hub and D-Bus) beside
// the server's relay of the same one pair.
void end_to_end_rows(row_maker& m, xmpp_server server) {
  std::string name = server_name(server);
  std::string vs = " [vs " + name + "]";
  auto peer = [server](const run_figures& f) -> const peer_figures& { return peer_of(f, server); };
  m.add(
    "end to end msgs/s: D-Bus in, remote hub, D-Bus out, ratchet-encrypted, durable; 1 pair, "
      + std::to_string(window) + " in flight" + vs,
    name + " relay, 1 pair, same window"
      + share_note(m.runs, [&](auto& f) { return peer(f).e2e.driver_share; }),
    [](auto& f) { return f.chat.per_s; }, [&](auto& f) { return peer(f).e2e.per_s; });
  m.add(
    "end to end, batched D-Bus path (SendMessages of " + std::to_string(batch)
      + " + MessagesReceived) msgs/s: as above, " + std::to_string(window) + " in flight" + vs,
    name + " relay, 1 pair, same window", [](auto& f) { return f.chat.batched_per_s; },
    [&](auto& f) { return peer(f).e2e.per_s; });
  std::string one = name + ", one message at a time";
  m.add(
    "unloaded p50, ms" + vs, one, [](auto& f) { return f.chat.p50_ms; },
    [&](auto& f) { return peer(f).p50_ms; });
  m.add(
    "unloaded p99, ms" + vs, one, [](auto& f) { return f.chat.p99_ms; },
    [&](auto& f) { return peer(f).p99_ms; });
  std::string paced = name + " at 80 % of its own 1-pair rate";
  m.add(
    "p50 at 80 % of the sustained end-to-end rate, ms" + vs, paced,
    [](auto& f) { return f.chat.loaded_p50_ms; }, [&](auto& f) { return peer(f).loaded_p50_ms; });
  m.add(
    "p99 at 80 % of the sustained end-to-end rate, ms" + vs, paced,
    [](auto& f) { return f.chat.loaded_p99_ms; }, [&](auto& f) { return peer(f).loaded_p99_ms; });
  m.add(
    "end to end: load generator's CPU (the bench's D-Bus clients), share of one core" + vs,
    "the fast XMPP driver, 1 pair", [](auto& f) { return f.chat.driver_share; },
    [&](auto& f) { return peer(f).e2e.driver_share; });
}

// CPU per message and memory of each process on Chatter's path, beside the
// whole server's under the same one-pair load.
void process_rows(row_maker& m, xmpp_server server) {
  std::string name = server_name(server);
  auto peer = [server](const run_figures& f) -> const peer_figures& { return peer_of(f, server); };
  auto& processes = m.runs[0].chat.processes;
  for (size_t i = 0; i < processes.size(); ++i) {
    m.add(
      "unloaded, one message at a time: voluntary context switches (thread hand-offs and "
      "waits) per message, "
        + processes[i].name,
      name + ", the whole server, same unloaded pings",
      [i](auto& f) { return f.chat.processes[i].unloaded_switches; },
      [&](auto& f) { return peer(f).unloaded_switches; });
    m.add(
      "end to end: CPU per message, " + processes[i].name + ", us",
      name + ", the whole server, same 1-pair load",
      [i](auto& f) { return f.chat.processes[i].cpu_us; },
      [&](auto& f) { return peer(f).e2e.server_cpu_us; });
    m.add(
      "end to end: RSS after the load, " + processes[i].name + ", MiB",
      name + " after the same load", [i](auto& f) { return f.chat.processes[i].rss_mib; },
      [&](auto& f) { return peer(f).e2e.server_rss_mib; });
  }
  m.add(
    "end to end: CPU per message, all Chatter processes on the path, us",
    name + ", the whole server, same 1-pair load",
    [](auto& f) {
      double sum = 0;
      for (auto& p : f.chat.processes)
        sum += p.cpu_us;
      return sum;
    },
    [&](auto& f) { return peer(f).e2e.server_cpu_us; });
}

// The hub alone under synthetic members beside the server under the fast
// driver: the same pairs, the same window.
void relay_rows(row_maker& m, xmpp_server server) {
  std::string name = server_name(server);
  std::string vs = " [vs " + name + "]";
  auto peer = [server](const run_figures& f) -> const peer_figures& { return peer_of(f, server); };
  std::string same = name + ", same load, fast driver";
  m.add(
    "hub relay msgs/s: synthetic members, encrypted envelopes, " + std::to_string(relay_pairs)
      + " pairs, " + std::to_string(window) + " in flight each" + vs,
    name + " relay, same load"
      + share_note(m.runs, [&](auto& f) { return peer(f).relay.driver_share; }),
    [](auto& f) { return f.hub.per_s; }, [&](auto& f) { return peer(f).relay.per_s; });
  m.add(
    "hub relay msgs/s: the same, in hub protocol batches (" + std::to_string(relay_batch)
      + " envelopes per enqueue, cumulative acks)" + vs,
    name + " relay, same load", [](auto& f) { return f.hub_batched.per_s; },
    [&](auto& f) { return peer(f).relay.per_s; });
  m.add(
    "hub relay, batched: CPU per relayed message, hub chatterd, us" + vs, same,
    [](auto& f) { return f.hub_batched.server_cpu_us; },
    [&](auto& f) { return peer(f).relay.server_cpu_us; });
  m.add(
    "hub relay: CPU per relayed message, hub chatterd, us" + vs, same,
    [](auto& f) { return f.hub.server_cpu_us; },
    [&](auto& f) { return peer(f).relay.server_cpu_us; });
  m.add(
    "hub relay: RSS after the load, hub chatterd, MiB" + vs, same,
    [](auto& f) { return f.hub.server_rss_mib; },
    [&](auto& f) { return peer(f).relay.server_rss_mib; });
  m.add(
    "hub relay: load generator's CPU (the synthetic members), share of one core" + vs,
    "the fast XMPP driver, same load", [](auto& f) { return f.hub.driver_share; },
    [&](auto& f) { return peer(f).relay.driver_share; });
}

}  // namespace

std::vector<row> message_rows(const settings& s) {
  bool prosody = peer_available(xmpp_server::prosody);
  bool ejabberd = peer_available(xmpp_server::ejabberd);
  for (auto [ok, server] :
       {std::pair{prosody, xmpp_server::prosody}, std::pair{ejabberd, xmpp_server::ejabberd}})
    if (!ok)
      std::cerr << "chatter_bench: " << server_name(server)
                << " is not installed; no rows for it\n";
  std::vector<run_figures> runs;
  for (int run = 0; run < s.runs; ++run) {
    run_figures f;
    f.floor = {dbus_round_trip_ms(s.iterations(3000)), caf_round_trip_ms(s.iterations(2000))};
    f.chat = measure_chatter(s.iterations(4000), s.iterations(100));
    std::cerr << "Chatter: end to end " << static_cast<long>(f.chat.per_s) << " msgs/s (bench's"
              << " D-Bus clients " << static_cast<int>(f.chat.driver_share * 100) << " % of a core)"
              << ", batched D-Bus path " << static_cast<long>(f.chat.batched_per_s) << " msgs/s ("
              << f.chat.per_batched_signal << " messages per MessagesReceived)\n";
    f.hub = measure_hub_relay(s.iterations(20000));
    std::cerr << "Chatter: hub relay " << static_cast<long>(f.hub.per_s) << " msgs/s (synthetic"
              << " members " << static_cast<int>(f.hub.driver_share * 100) << " % of a core)\n";
    f.hub_batched = measure_hub_relay(s.iterations(20000), relay_batch);
    std::cerr << "Chatter: hub relay in batches " << static_cast<long>(f.hub_batched.per_s)
              << " msgs/s (synthetic members " << static_cast<int>(f.hub_batched.driver_share * 100)
              << " % of a core)\n";
    f.prosody = peer_if_installed(xmpp_server::prosody, s, prosody);
    f.ejabberd = peer_if_installed(xmpp_server::ejabberd, s, ejabberd);
    runs.push_back(std::move(f));
  }
  std::vector<row> rows;
  row_maker m{runs, rows};
  floor_rows(m);
  if (prosody) {
    relay_rows(m, xmpp_server::prosody);
    end_to_end_rows(m, xmpp_server::prosody);
    process_rows(m, xmpp_server::prosody);
  }
  if (ejabberd) {
    relay_rows(m, xmpp_server::ejabberd);
    end_to_end_rows(m, xmpp_server::ejabberd);
  }
  return rows;
}

}  // namespace chatter::bench
