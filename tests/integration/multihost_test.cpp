// Several daemons, one hub, over CAF's network layer on loopback: a hub
// daemon (--listen, port chosen by the system) and two members (--hub), each
// with its own private bus and data directory. Messages cross hosts, survive
// a kill -9 of the hub mid-traffic exactly once, and the hub shrugs off
// garbage on its port.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "client_proxies.hpp"
#include "helpers.hpp"
#include "member_host.hpp"
#include "world.hpp"

using namespace chatter;
using test::err;
using test::error_of;
using test::eventually;
using namespace std::chrono_literals;

namespace {

// A TCP connection to 127.0.0.1:`port`; -1 when refused.
int connect_loopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// A member host that joins the hub at 127.0.0.1:`port` as `user`.
void start_member(test::member_host& m, uint16_t port, const std::string& user) {
  ASSERT_TRUE(m.start(test::hub_args("127.0.0.1", port))) << test::read_file(m.daemon->log_file());
  m.join(user);
}

class multihost : public testing::Test {
protected:
  void start_hub(uint16_t port = 0) {
    hub_ = hub_world_.start_daemon({"--listen", "127.0.0.1:" + std::to_string(port)});
    port_ = test::printed_hub_port(hub_->log_file());
    ASSERT_NE(port_, 0) << "the hub printed no port";
  }

  test::world hub_world_;
  std::unique_ptr<test::chatterd_process> hub_;
  uint16_t port_ = 0;
  test::member_host a_, b_;
};

}  // namespace

TEST_F(multihost, messages_cross_hosts_and_survive_a_hub_kill9_exactly_once) {
  start_hub();
  start_member(a_, port_, "alice");
  start_member(b_, port_, "bob");
  EXPECT_EQ(a_.manager->HubAddress(), "127.0.0.1:" + std::to_string(port_));

  // Consent and presence cross hosts too.
  a_.account->AddContact("bob");
  b_.account->AcceptContact("alice");
  ASSERT_TRUE(eventually([&] {
    auto c = a_.account->ListContacts();
    return c.size() == 1 && c[0].get<2>() == "online";
  }));

  // MessageStateChanged says "queued" only for what really waits.
  std::mutex states_m;
  std::map<std::string, std::vector<std::string>> states;
  a_.account->on_message_state_changed = [&](const std::string& id, const std::string&,
                                             const std::string& state) {
    std::lock_guard<std::mutex> g(states_m);
    states[id].push_back(state);
  };
  a_.conn->enterEventLoopAsync();  // the signals come on the bus loop
  auto was_queued = [&](const std::string& id) {
    std::lock_guard<std::mutex> g(states_m);
    auto& seen = states[id];
    return std::find(seen.begin(), seen.end(), "queued") != seen.end();
  };
  std::vector<std::string> ids;
  std::set<std::string> texts;
  auto send = [&](int i) {
    auto text = "message " + std::to_string(i);
    ids.push_back(a_.account->SendMessage("bob", text));
    texts.insert(text);
  };
  for (int i = 0; i < 10; ++i)
    send(i);
  ASSERT_TRUE(eventually([&] { return b_.account->GetHistory("alice", 0, 100).size() == 10; }));
  // With the hub there, a message goes from stored here to sent and never
  // says queued.
  auto was_sent = [&](const std::string& id) {
    std::lock_guard<std::mutex> g(states_m);
    auto& seen = states[id];
    // (delivered may come first: bob's receipt can overtake the hub's ok)
    return std::find(seen.begin(), seen.end(), "sent") != seen.end()
      || std::find(seen.begin(), seen.end(), "delivered") != seen.end();
  };
  ASSERT_TRUE(eventually([&] { return std::all_of(ids.begin(), ids.end(), was_sent); }));
  for (int i = 0; i < 10; ++i)
    EXPECT_FALSE(was_queued(ids[static_cast<size_t>(i)])) << "message " << i;

  // Mid-traffic: the hub dies; sending goes on (queued here), the members
  // notice, and pick up again when it is back on the same port.
  for (int i = 10; i < 15; ++i)
    send(i);
  hub_->kill9();
  for (int i = 15; i < 25; ++i)
    send(i);
  ASSERT_TRUE(eventually([&] { return !a_.manager->HubConnected(); }));
  EXPECT_FALSE(a_.account->Authenticated());
  EXPECT_EQ(a_.account->GetHistory("bob", 0, 100).back().get<5>(), "queued");
  for (int i = 15; i < 25; ++i)
    EXPECT_TRUE(eventually([&] { return was_queued(ids[static_cast<size_t>(i)]); }))
      << "message " << i << ", sent while the hub was down, was not announced queued; it was "
      << [&] {
           std::lock_guard<std::mutex> g(states_m);
           std::string seen;
           for (auto& state : states[ids[static_cast<size_t>(i)]])
             seen += state + " ";
           return seen + "(" + std::to_string(states.size()) + " ids seen)";
         }();
  start_hub(port_);
  for (int i = 25; i < 30; ++i)
    send(i);

  ASSERT_TRUE(eventually([&] { return a_.manager->HubConnected(); }, 20s));
  ASSERT_TRUE(eventually([&] { return b_.account->GetHistory("alice", 0, 100).size() >= 30; }, 30s))
    << "bob has " << b_.account->GetHistory("alice", 0, 100).size() << "\n--- hub\n"
    << test::read_file(hub_->log_file()) << "--- alice's host\n"
    << test::read_file(a_.daemon->log_file()) << "--- bob's host\n"
    << test::read_file(b_.daemon->log_file());
  // A copy goes again only from alice's outbox, until the hub confirms it.
  // Once it is empty, a marker takes the path of every earlier copy (alice's
  // link, the hub's mailbox, bob's inbox, each in order): once bob has it,
  // anything shown twice would show.
  ASSERT_TRUE(eventually(
    [&] { return test::unconfirmed_envelopes(a_.world.data_home(), "alice") == 0; }, 20s))
    << "alice's outbox still holds envelopes\n"
    << test::read_file(a_.daemon->log_file());
  send(30);
  ASSERT_TRUE(eventually([&] {
    auto h = b_.account->GetHistory("alice", 0, 100);
    return std::any_of(h.begin(), h.end(),
                       [&](auto& m) { return m.template get<0>() == ids.back(); });
  }))
    << "the marker never came";
  auto history = b_.account->GetHistory("alice", 0, 100);
  ASSERT_EQ(history.size(), 31u);
  std::set<std::string> seen_ids, seen_texts;
  for (auto& m : history) {
    EXPECT_TRUE(seen_ids.insert(m.get<0>()).second) << "shown twice: " << m.get<3>();
    seen_texts.insert(m.get<3>());
  }
  EXPECT_EQ(seen_texts, texts);
  EXPECT_EQ(seen_ids, std::set<std::string>(ids.begin(), ids.end()));
  ASSERT_TRUE(eventually(
    [&] {
      for (auto& m : a_.account->GetHistory("bob", 0, 100))
        if (m.get<5>() != "delivered")
          return false;
      return true;
    },
    20s))
    << "every message should reach 'delivered' at the sender";
  EXPECT_TRUE(a_.account->Authenticated());
}

TEST_F(multihost, garbage_on_the_hub_port_harms_nobody) {
  start_hub();
  start_member(a_, port_, "alice");
  start_member(b_, port_, "bob");
  std::mt19937 rng(42);
  for (int round = 0; round < 3; ++round) {
    int fd = connect_loopback(port_);
    ASSERT_GE(fd, 0);
    std::vector<uint8_t> junk(size_t{256} * 1024);
    for (auto& b : junk)
      b = static_cast<uint8_t>(rng());
    // The hub may close on us mid-way: that is its right.
    (void)!::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
    ::close(fd);
  }
  auto id = a_.account->SendMessage("bob", "still there?");
  ASSERT_TRUE(eventually([&] { return !b_.account->GetHistory("alice", 0, 10).empty(); }, 10s));
  EXPECT_EQ(b_.account->GetHistory("alice", 0, 10).at(0).get<0>(), id);
}

namespace {

// The hub's resident memory, from /proc, in KiB.
long resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stol(line.substr(6));
  return -1;
}

}  // namespace

TEST_F(multihost, a_flood_of_connections_leaves_memory_bounded_and_members_served) {
  start_hub();
  start_member(a_, port_, "alice");
  start_member(b_, port_, "bob");
  auto before = resident_kib(hub_->pid());
  ASSERT_GT(before, 0);
  // 400 connections held open at once: half silent, half sending the start
  // of a message that never finishes, as a slowloris would.
  std::vector<int> flood;
  for (int i = 0; i < 400; ++i) {
    int fd = connect_loopback(port_);
    if (fd < 0)
      continue;  // the hub's backlog may refuse some: that is fine
    if (i % 2 == 1) {
      const char partial[] = "\x00\x00\x01\x00garbage that never ends";
      (void)!::send(fd, partial, sizeof partial - 1, MSG_NOSIGNAL);
    }
    flood.push_back(fd);
  }
  ASSERT_GT(flood.size(), 100u);
  auto id = a_.account->SendMessage("bob", "through the flood");
  ASSERT_TRUE(eventually([&] { return !b_.account->GetHistory("alice", 0, 10).empty(); }, 20s))
    << "a member should be served while the flood holds";
  EXPECT_EQ(b_.account->GetHistory("alice", 0, 10).at(0).get<0>(), id);
  auto during = resident_kib(hub_->pid());
  for (int fd : flood)
    ::close(fd);
  std::printf("hub memory: %ld KiB before, %ld KiB with %zu open connections\n", before, during,
              flood.size());
  EXPECT_LT(during - before, 64 * 1024) << "the flood should cost the hub well under 64 MiB";
  EXPECT_NE(b_.account->Fingerprint(), "") << "the hub still serves after the flood";
  EXPECT_EQ(a_.account->SendMessage("bob", "after the flood").empty(), false);
  ASSERT_TRUE(eventually([&] { return b_.account->GetHistory("alice", 0, 10).size() == 2; }, 20s));
}

TEST_F(multihost, tls_admits_the_group_and_nobody_else) {
  test::temp_dir certs;
  auto dir = certs.path().string();
  auto made = test::run_command(
    {std::string(CHATTER_SOURCE_DIR) + "/scripts/group-certs", dir, "hub", "alice", "bob"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto stranger_dir = (certs.path() / "other").string();
  ASSERT_EQ(test::run_command(
              {std::string(CHATTER_SOURCE_DIR) + "/scripts/group-certs", stranger_dir, "eve"})
              .exit_code,
            0);
  auto tls = [&](const std::string& d, const std::string& name) {
    return std::vector<std::string>{"--tls-cert", d + "/" + name + ".pem",
                                    "--tls-key",  d + "/" + name + ".key",
                                    "--tls-ca",   d + "/ca.pem"};
  };
  auto hub_args = tls(dir, "hub");
  hub_args.insert(hub_args.begin(), {"--listen", "127.0.0.1:0"});
  hub_ = hub_world_.start_daemon(hub_args);
  port_ = test::printed_hub_port(hub_->log_file());
  ASSERT_NE(port_, 0);
  EXPECT_NE(test::read_file(hub_->log_file()).find("(TLS)"), std::string::npos);

  auto join = [&](test::member_host& m, const std::string& user) {
    auto args = tls(dir, user);
    auto hub = test::hub_args("127.0.0.1", port_);
    args.insert(args.begin(), hub.begin(), hub.end());
    ASSERT_TRUE(m.start(args)) << test::read_file(m.daemon->log_file());
    m.join(user);
  };
  join(a_, "alice");
  join(b_, "bob");
  auto id = a_.account->SendMessage("bob", "over TLS");
  ASSERT_TRUE(eventually([&] { return !b_.account->GetHistory("alice", 0, 10).empty(); }, 10s));
  EXPECT_EQ(b_.account->GetHistory("alice", 0, 10).at(0).get<0>(), id);

  // A host whose certificate another CA signed never gets in.
  test::member_host eve;
  auto args = tls(stranger_dir, "eve");
  auto hub = test::hub_args("127.0.0.1", port_);
  args.insert(args.begin(), hub.begin(), hub.end());
  EXPECT_FALSE(eve.start(args, 2s)) << "a host of another CA got in";
  EXPECT_FALSE(eve.manager->HubConnected());
  EXPECT_EQ(error_of([&] { eve.manager->Register("eve", "pw", {}); }), err("HubUnreachable"));
}

TEST_F(multihost, the_config_file_sets_what_flags_set) {
  test::temp_dir config_home;
  std::filesystem::create_directories(config_home.path() / "chatter");
  {
    std::ofstream conf(config_home.path() / "chatter" / "chatterd.conf");
    conf << "# chatterd.conf\nlisten = 127.0.0.1:0\nrechallenge-interval = 1\n";
  }
  hub_ = hub_world_.start_daemon({}, {{"XDG_CONFIG_HOME", config_home.path().string()}});
  port_ = test::printed_hub_port(hub_->log_file());
  EXPECT_NE(port_, 0) << "the config file's listen = was not read";
  // Logged just after the bus name is taken, which is what start_daemon waits for.
  EXPECT_TRUE(test::eventually([&] {
    return test::read_file(hub_->log_file()).find("re-challenge every 1 s") != std::string::npos;
  }))
    << test::read_file(hub_->log_file());
}

namespace {

// Two network namespaces of this test's own, joined by a veth pair:
// 10.231.0.1 (the hub's) and 10.231.0.2 (the members'). Removed at the end.
class namespaces {
public:
  namespaces() {
    auto tag = std::to_string(::getpid());
    hub_ns = "chatter-hub-" + tag;
    member_ns = "chatter-mem-" + tag;
    ok_ = sh("ip netns add " + hub_ns) && sh("ip netns add " + member_ns)
      && sh("ip link add ch" + tag + "a netns " + hub_ns + " type veth peer name ch" + tag
            + "b netns " + member_ns)
      && sh("ip -n " + hub_ns + " addr add 10.231.0.1/24 dev ch" + tag + "a")
      && sh("ip -n " + member_ns + " addr add 10.231.0.2/24 dev ch" + tag + "b")
      && sh("ip -n " + hub_ns + " link set ch" + tag + "a up")
      && sh("ip -n " + member_ns + " link set ch" + tag + "b up")
      && sh("ip -n " + hub_ns + " link set lo up") && sh("ip -n " + member_ns + " link set lo up");
  }
  ~namespaces() {
    sh("ip netns del " + hub_ns);
    sh("ip netns del " + member_ns);
  }
  bool ok() const {
    return ok_;
  }
  std::string hub_ns, member_ns;

private:
  static bool sh(const std::string& cmd) {
    return test::run_command({"/bin/sh", "-c", cmd + " 2>/dev/null"}).exit_code == 0;
  }
  bool ok_ = false;
};

}  // namespace

TEST_F(multihost, across_network_namespaces_over_a_veth_pair) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to make network namespaces";
  namespaces ns;
  if (!ns.ok())
    GTEST_SKIP() << "ip netns/veth not available here (no CAP_NET_ADMIN or no iproute2)";
  hub_world_.launcher = {"/usr/sbin/ip", "netns", "exec", ns.hub_ns};
  // Off loopback without TLS: allowed only because this network is the
  // test's own (two namespaces, one cable).
  hub_ = hub_world_.start_daemon({"--listen", "10.231.0.1:0", "--insecure"});
  auto port = test::printed_hub_port(hub_->log_file(), "10.231.0.1");
  ASSERT_NE(port, 0);
  for (auto* m : {&a_, &b_})
    m->world.launcher = {"/usr/sbin/ip", "netns", "exec", ns.member_ns};
  for (auto [m, user] : {std::pair{&a_, "alice"}, std::pair{&b_, "bob"}}) {
    ASSERT_TRUE(m->start(test::hub_args("10.231.0.1", port)))
      << test::read_file(m->daemon->log_file());
    m->join(user);
  }
  auto id = a_.account->SendMessage("bob", "across the veth");
  ASSERT_TRUE(eventually([&] { return !b_.account->GetHistory("alice", 0, 10).empty(); }, 10s));
  EXPECT_EQ(b_.account->GetHistory("alice", 0, 10).at(0).get<0>(), id);
  // Stop the daemons before their namespaces go.
  a_.account.reset();
  b_.account.reset();
  a_.daemon.reset();
  b_.daemon.reset();
  hub_.reset();
}

TEST(multihost_options, listening_off_loopback_needs_tls_or_insecure) {
  test::world w;
  auto r = w.run({CHATTERD_PATH, "--listen", "0.0.0.0:4242"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("without TLS"), std::string::npos) << r.err;
  auto both = w.run({CHATTERD_PATH, "--listen", "127.0.0.1:0", "--hub", "127.0.0.1:1"});
  EXPECT_NE(both.exit_code, 0);
  auto bad = w.run({CHATTERD_PATH, "--hub", "nowhere"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("HOST:PORT"), std::string::npos) << bad.err;
}
