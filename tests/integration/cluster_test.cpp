// A hub cluster on loopback: three `chatterd --hub-node` processes and four
// member daemons, each user homed on a node by consistent hashing and
// connected to another node than its home, so every request crosses nodes.
// A node is SIGKILLed mid-traffic and restarted; a fourth node joins during
// traffic and takes its users over. Nothing acknowledged is lost, nothing
// arrives twice.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "helpers.hpp"
#include "hub_cluster.hpp"
#include "member_host.hpp"

using namespace chatter;
using test::err;
using test::error_of;
using test::eventually;
using namespace std::chrono_literals;

namespace {

class cluster_test : public testing::Test {
protected:
  // Users whose home on a ring of `count` nodes is node `home`, in order.
  std::string user_homed_on(size_t home, size_t count,
                            const std::function<bool(const std::string&)>& also = {}) {
    for (int i = 0; i < 1000; ++i) {
      auto name = "user" + std::to_string(i);
      if (taken_.count(name) == 0 && cluster_.home_of(name, count) == home
          && (!also || also(name))) {
        taken_.insert(name);
        return name;
      }
    }
    ADD_FAILURE() << "no user name homed on node " << home;
    return {};
  }

  test::member_host& member(const std::string& user, size_t entry) {
    auto& m = members_[user];
    m = std::make_unique<test::member_host>();
    EXPECT_TRUE(m->start(test::hub_args("127.0.0.1", cluster_.port(entry)), 20s))
      << test::read_file(m->daemon->log_file());
    try {
      m->join(user);
    } catch (const sdbus::Error& e) {
      ADD_FAILURE() << user << " could not join: " << e.getMessage() << "\n" << logs();
      throw;
    }
    return *m;
  }
  client::account_client& account(const std::string& user) {
    return *members_.at(user)->account;
  }

  // What `to` received from `from`: message ids, each once.
  std::vector<std::string> received(const std::string& to, const std::string& from) {
    std::vector<std::string> ids;
    for (auto& m : account(to).GetHistory(from, 0, 1000))
      if (m.get<1>() == from)
        ids.push_back(m.get<0>());
    return ids;
  }
  bool all_delivered(const std::string& from, const std::string& to) {
    for (auto& m : account(from).GetHistory(to, 0, 1000))
      if (m.get<1>() == from && m.get<5>() != "delivered")
        return false;
    return true;
  }
  std::string send(const std::string& from, const std::string& to, int n) {
    auto id = account(from).SendMessage(to, from + " to " + to + " #" + std::to_string(n));
    sent_[{from, to}].push_back(id);
    return id;
  }
  // Every message sent arrived exactly once, and its sender knows.
  void expect_exactly_once(std::chrono::seconds wait) {
    // Named copies, not structured bindings: a lambda may not capture those
    // in C++17 (GCC allows it, clang does not).
    for (auto& entry : sent_) {
      const auto& from = entry.first.first;
      const auto& to = entry.first.second;
      const auto& ids = entry.second;
      ASSERT_TRUE(eventually([&] { return received(to, from).size() >= ids.size(); }, wait))
        << to << " has " << received(to, from).size() << " of " << ids.size() << " from " << from
        << "\n"
        << logs();
      EXPECT_TRUE(eventually([&] { return all_delivered(from, to); }, wait))
        << from << "'s messages to " << to << " never all reached 'delivered'\n"
        << logs();
    }
    if (!HasFailure())
      expect_no_copy_to_come(wait);
  }
  // A copy of a message goes again only from its sender's outbox, until a
  // hub confirms it. Once every outbox is empty, a marker sent now on each
  // conversation takes the path of every earlier copy (the sender's entry
  // node, the recipient's home, the recipient's entry node, each hop in
  // order), so once the markers are there, a copy shown twice would be too.
  void expect_no_copy_to_come(std::chrono::seconds wait) {
    for (auto& entry : members_) {
      const auto& user = entry.first;
      const auto& m = entry.second;
      ASSERT_TRUE(eventually(
        [&] { return test::unconfirmed_envelopes(m->world.data_home(), user) == 0; }, wait))
        << user << "'s outbox still holds envelopes\n"
        << logs();
    }
    std::vector<std::pair<std::string, std::string>> pairs;
    for (auto& [pair, ids] : sent_)
      pairs.push_back(pair);
    std::map<std::pair<std::string, std::string>, std::string> markers;
    for (auto& pair : pairs)
      markers[pair] = send(pair.first, pair.second, -1);
    for (auto& entry : sent_) {
      const auto& from = entry.first.first;
      const auto& to = entry.first.second;
      const auto& ids = entry.second;
      auto marker = markers[entry.first];
      ASSERT_TRUE(eventually(
        [&] {
          auto got = received(to, from);
          return std::find(got.begin(), got.end(), marker) != got.end();
        },
        wait))
        << "the marker from " << from << " to " << to << " never came\n"
        << logs();
      auto got = received(to, from);
      EXPECT_EQ(got.size(), ids.size()) << "from " << from << " to " << to;
      EXPECT_EQ(std::set<std::string>(got.begin(), got.end()),
                std::set<std::string>(ids.begin(), ids.end()))
        << "from " << from << " to " << to;
    }
  }
  // Each of `users` answers `count` more of the hub's re-challenges (each
  // accepted answer moves LastReauthentication), and is still logged in.
  void expect_rechallenges_answered(const std::vector<std::string>& users, int count,
                                    std::chrono::seconds wait) {
    std::map<std::string, int64_t> last;
    std::map<std::string, int> answered;
    for (auto& u : users)
      last[u] = account(u).LastReauthentication();
    EXPECT_TRUE(eventually(
      [&] {
        bool all = true;
        for (auto& u : users) {
          auto now = account(u).LastReauthentication();
          if (now != last[u]) {
            last[u] = now;
            ++answered[u];
          }
          all = all && answered[u] >= count;
        }
        return all;
      },
      wait))
      << logs();
    for (auto& u : users)
      EXPECT_TRUE(account(u).Authenticated()) << u << "\n" << logs();
  }
  // Node `node` asks `user` two more re-challenges, so the first was
  // answered in time (a late answer revokes the session instead of asking
  // again), and `user`'s answers are accepted.
  void expect_rechallenged_by(size_t node, const std::string& user) {
    auto asked_by_node = [&] {
      auto log = cluster_.log(node);
      auto line = "auth: re-challenging " + user + "\n";
      size_t n = 0;
      for (auto at = log.find(line); at != std::string::npos; at = log.find(line, at + 1))
        ++n;
      return n;
    };
    auto asked = asked_by_node();
    auto answered = account(user).LastReauthentication();
    EXPECT_TRUE(eventually(
      [&] {
        return asked_by_node() >= asked + 2 && account(user).LastReauthentication() > answered;
      },
      15s))
      << "node " << node << " did not re-challenge " << user << "\n"
      << logs();
  }
  std::string logs() {
    std::string out;
    for (size_t i = 0; i < cluster_.size(); ++i)
      out += "--- node " + std::to_string(i) + "\n" + cluster_.log(i);
    for (auto& [user, m] : members_)
      out += "--- " + user + "'s host\n" + test::read_file(m->daemon->log_file());
    return out;
  }
  static bool has_user(const std::filesystem::path& db, const std::string& user) {
    if (!std::filesystem::exists(db))
      return false;
    SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(d, "SELECT count(*) FROM users WHERE username = ?");
    q.bind(1, user);
    q.executeStep();
    return q.getColumn(0).getInt() == 1;
  }

  test::hub_cluster cluster_{4, 3};
  std::set<std::string> taken_;
  std::map<std::string, std::unique_ptr<test::member_host>> members_;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> sent_;
};

}  // namespace

TEST_F(cluster_test, users_on_different_nodes_chat_and_a_killed_node_loses_nothing) {
  cluster_.start_all({"--rechallenge-interval", "2"});
  // Homes 0, 1, 2 and 0; nobody enters at node 2, the one that dies.
  auto a = user_homed_on(0, 3), b = user_homed_on(1, 3), k = user_homed_on(2, 3),
       d = user_homed_on(0, 3);
  member(a, 1);
  member(b, 0);
  member(k, 0);
  member(d, 1);
  std::vector<std::string> users{a, b, k, d};

  for (auto& from : users)
    for (auto& to : users)
      if (from != to)
        for (int i = 0; i < 3; ++i)
          send(from, to, i);
  expect_exactly_once(30s);
  if (HasFatalFailure())
    return;

  // The directory is every node's: a search asks them all.
  auto found = account(a).SearchDirectory("user", 100);
  std::set<std::string> names;
  for (auto& f : found)
    names.insert(f.get<0>());
  EXPECT_EQ(names, std::set<std::string>(users.begin(), users.end()));

  // Consent across homes (a on node 0, b on node 1): the request is copied
  // to b's home, the acceptance to a's, and presence then flows; a user no
  // node has is NotFound, as on one hub.
  account(a).RequestContact(b, "across the cluster");
  account(b).AcceptContact(a);
  auto state_of = [&](const std::string& who, const std::string& other) {
    for (auto& c : account(who).ListContacts())
      if (c.get<0>() == other)
        return c.get<5>() + "/" + c.get<2>();
    return std::string("absent");
  };
  EXPECT_TRUE(eventually([&] { return state_of(a, b) == "accepted/online"; }, 10s))
    << state_of(a, b) << "\n"
    << logs();
  EXPECT_TRUE(eventually([&] { return state_of(b, a) == "accepted/online"; }, 10s))
    << state_of(b, a);
  EXPECT_EQ(error_of([&] { account(a).RequestContact("nobody-here", ""); }), err("NotFound"));
  EXPECT_EQ(error_of([&] { account(d).AcceptContact(b); }), err("NotFound")) << "b never asked d";

  // Re-challenges reach members through the relays (every 2 s).
  expect_rechallenges_answered(users, 2, 15s);

  // Mid-traffic, node 2 dies. The other shards carry on.
  for (int i = 3; i < 6; ++i) {
    send(a, b, i);
    send(a, k, i);
  }
  cluster_.kill9(2);
  for (int i = 6; i < 12; ++i) {
    send(a, b, i);
    send(b, a, i);
    send(d, b, i);
    send(a, k, i);
  }
  ASSERT_TRUE(eventually(
    [&] {
      return received(b, a).size() == sent_[{a, b}].size();
    },
    20s))
    << logs();
  EXPECT_TRUE(eventually([&] { return received(a, b).size() == sent_[{b, a}].size(); }, 20s));
  EXPECT_TRUE(eventually([&] { return received(b, d).size() == sent_[{d, b}].size(); }, 20s));
  // k's home is away: its own requests say so, and a search says it is partial.
  EXPECT_EQ(error_of([&] { account(k).SetPresence("away", ""); }), err("HubUnreachable"));
  auto partial = account(b).SearchDirectory("user", 100);
  ASSERT_FALSE(partial.empty());
  EXPECT_EQ(partial.back().get<0>(), "");
  EXPECT_EQ(partial.back().get<2>(), "partial");
  EXPECT_NE(partial.back().get<3>().find("2 of 3"), std::string::npos) << partial.back().get<3>();
  // What was sent to k waits at its sender.
  EXPECT_GT(received(k, a).size(), 0u);
  auto sent_to_k = sent_[{a, k}].size();
  EXPECT_LT(received(k, a).size(), sent_to_k);

  // Back from its SQLite file: k logs in again by itself and gets the rest.
  cluster_.start(2, 3, false, {"--rechallenge-interval", "2"});
  for (int i = 12; i < 15; ++i)
    send(a, k, i);
  expect_exactly_once(40s);
  EXPECT_TRUE(eventually([&] { return account(k).Authenticated(); }, 20s)) << logs();
  send(k, a, 100);
  expect_exactly_once(20s);
}

TEST_F(cluster_test, a_node_added_during_traffic_takes_its_users_with_no_loss) {
  // Re-challenges every 2 s: the moved user's session, held by its old
  // home, must give way to a new one at the new home, not log it out.
  cluster_.start_all({"--rechallenge-interval", "2"});
  // `mover` lives on node 0 now and on the new node 3 once it joins; the
  // others stay where they are.
  auto mover =
    user_homed_on(0, 3, [&](const std::string& u) { return cluster_.home_of(u, 4) == 3; });
  auto stay =
    user_homed_on(1, 3, [&](const std::string& u) { return cluster_.home_of(u, 4) == 1; });
  auto other =
    user_homed_on(2, 3, [&](const std::string& u) { return cluster_.home_of(u, 4) == 2; });
  auto fourth =
    user_homed_on(0, 3, [&](const std::string& u) { return cluster_.home_of(u, 4) == 0; });
  member(mover, 1);
  member(stay, 2);
  member(other, 0);
  member(fourth, 2);
  ASSERT_TRUE(has_user(cluster_.database(0), mover));

  int n = 0;
  for (; n < 10; ++n) {
    send(stay, mover, n);
    send(mover, stay, n);
    send(other, fourth, n);
  }
  // Node 3 joins while messages are on their way: the rounds go on until
  // the mover's rows have reached it (20 rounds at least, 200 at most).
  cluster_.start(3, 4, /*join=*/true, {"--rechallenge-interval", "2"});
  for (; n < 30 || (n < 210 && !has_user(cluster_.database(3), mover)); ++n) {
    send(stay, mover, n);
    send(mover, stay, n);
    send(other, mover, n);
    send(other, fourth, n);
  }
  ASSERT_TRUE(eventually([&] { return has_user(cluster_.database(3), mover); }, 30s)) << logs();
  EXPECT_TRUE(eventually([&] { return !has_user(cluster_.database(0), mover); }, 10s))
    << "the old home still holds " << mover;
  EXPECT_FALSE(has_user(cluster_.database(3), stay));
  for (; n < 35; ++n) {
    send(stay, mover, n);
    send(mover, stay, n);
  }
  expect_exactly_once(40s);
  expect_rechallenged_by(3, mover);  // the new home
  EXPECT_TRUE(eventually([&] { return account(mover).Authenticated(); }, 10s)) << logs();

  // The moved user logs in afresh at its new home.
  account(mover).Logout();
  members_.at(mover)->manager->Login(mover, "pw-" + mover);
  EXPECT_TRUE(account(mover).Authenticated());
  send(mover, other, 1);
  send(stay, mover, 100);
  expect_exactly_once(20s);
  EXPECT_NE(cluster_.log(3).find("took over 1 user(s)"), std::string::npos) << cluster_.log(3);
}

TEST(cluster_options, a_hub_node_says_what_is_wrong_with_its_command_line) {
  test::world w;
  auto secret = w.dir.path() / "secret";
  std::ofstream(secret) << "sixteen bytes or more\n";
  auto no_list = w.run({CHATTERD_PATH, "--hub-node", "--listen", "127.0.0.1:4242",
                        "--cluster-secret", secret.string()});
  EXPECT_NE(no_list.exit_code, 0);
  EXPECT_NE((no_list.out + no_list.err).find("--cluster"), std::string::npos) << no_list.err;
  auto not_listed = w.run({CHATTERD_PATH, "--hub-node", "--listen", "127.0.0.1:4242", "--cluster",
                           "127.0.0.1:4243,127.0.0.1:4244", "--cluster-secret", secret.string()});
  EXPECT_NE(not_listed.exit_code, 0);
  EXPECT_NE((not_listed.out + not_listed.err).find("this node's own --listen"), std::string::npos)
    << not_listed.err;
  auto any_port = w.run({CHATTERD_PATH, "--hub-node", "--listen", "127.0.0.1:0", "--cluster",
                         "127.0.0.1:0", "--cluster-secret", secret.string()});
  auto no_secret = w.run(
    {CHATTERD_PATH, "--hub-node", "--listen", "127.0.0.1:4242", "--cluster", "127.0.0.1:4242"});
  EXPECT_NE(no_secret.exit_code, 0);
  EXPECT_NE((no_secret.out + no_secret.err).find("--cluster-secret"), std::string::npos)
    << no_secret.err;
  EXPECT_NE(any_port.exit_code, 0);
  EXPECT_NE((any_port.out + any_port.err).find("fixed port"), std::string::npos) << any_port.err;
}

TEST(cluster_options, the_config_file_can_make_a_hub_node) {
  test::hub_cluster one{1, 1};
  test::world w;
  auto conf_dir = w.dir.path() / "config" / "chatter";
  std::filesystem::create_directories(conf_dir);
  auto secret = w.dir.path() / "secret";
  std::ofstream(secret) << "sixteen bytes or more\n";
  std::ofstream(conf_dir / "chatterd.conf")
    << "hub-node = true\nlisten = " << one.address(0) << "\ncluster = " << one.address(0)
    << "\ncluster-secret = " << secret.string() << "\n";
  test::chatterd_process node(w.bus, w.data_home());
  ASSERT_EQ(test::printed_hub_port(node.log_file()), one.port(0))
    << test::read_file(node.log_file());
  EXPECT_NE(test::read_file(node.log_file()).find("as a cluster node"), std::string::npos);
}

TEST_F(cluster_test, nodes_and_members_speak_tls_and_a_node_without_the_secret_cannot_join) {
  test::temp_dir certs;
  auto dir = certs.path().string();
  auto made = test::run_command(
    {std::string(CHATTER_SOURCE_DIR) + "/scripts/group-certs", dir, "n0", "n1", "n2", "m0", "m1"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto tls = [&](const std::string& name) {
    return std::vector<std::string>{"--tls-cert", dir + "/" + name + ".pem",
                                    "--tls-key",  dir + "/" + name + ".key",
                                    "--tls-ca",   dir + "/ca.pem"};
  };
  cluster_.start(0, 2, false, tls("n0"));
  cluster_.start(1, 2, false, tls("n1"));
  cluster_.wait_linked(2);
  EXPECT_NE(cluster_.log(0).find("(TLS)"), std::string::npos);
  auto x = user_homed_on(0, 2), y = user_homed_on(1, 2);
  for (auto [user, entry, cert] :
       {std::tuple{x, size_t{1}, "m0"}, std::tuple{y, size_t{0}, "m1"}}) {
    auto& m = members_[user];
    m = std::make_unique<test::member_host>();
    auto args = tls(cert);
    auto hub = test::hub_args("127.0.0.1", cluster_.port(entry));
    args.insert(args.begin(), hub.begin(), hub.end());
    ASSERT_TRUE(m->start(args, 20s)) << test::read_file(m->daemon->log_file());
    m->join(user);
  }
  for (int i = 0; i < 3; ++i) {
    send(x, y, i);
    send(y, x, i);
  }
  expect_exactly_once(30s);

  // A third node with another secret asks for the router: refused at the
  // front, and the ring stays as it was.
  auto wrong = certs.path() / "wrong.secret";
  std::ofstream(wrong) << "not the secret of this cluster\n";
  cluster_.start(2, 3, /*join=*/true, tls("n2"), wrong);
  ASSERT_TRUE(eventually(
    [&] {
      return cluster_.log(0).find("refused a node hello for " + cluster_.address(2))
        != std::string::npos;
    },
    10s))
    << cluster_.log(0) << cluster_.log(2);
  send(x, y, 10);
  expect_exactly_once(20s);
  EXPECT_TRUE(has_user(cluster_.database(0), x));
  EXPECT_EQ(
    test::read_file(cluster_.database(0).parent_path() / "cluster.json").find(cluster_.address(2)),
    std::string::npos);
}
