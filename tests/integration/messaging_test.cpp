// Messages between accounts of a real chatterd: states, history, pending
// and acks, offline delivery across kill -9, all suites together, the hub's
// files holding no plaintext, key changes, and bad input.
#include <fstream>
#include <mutex>
#include <set>

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include "client_proxies.hpp"
#include "core/crypto/suites.hpp"
#include "daemon_test.hpp"
#include "helpers.hpp"
#include "world.hpp"

using namespace chatter;
using test::err;
using test::error_of;
using test::eventually;

namespace {

// Signals seen on one account, collected from the bus thread.
struct inbox {
  std::mutex m;
  std::vector<std::pair<std::string, std::string>> received;  // (id, text)
  std::map<std::string, std::vector<std::string>> states;     // id -> states
  std::vector<std::string> key_changes;

  void attach(client::account_client& account) {
    account.on_message_received = [this](const std::string& id, const std::string&,
                                         const std::string& text, int64_t) {
      std::lock_guard<std::mutex> g(m);
      received.emplace_back(id, text);
    };
    account.on_message_state_changed = [this](const std::string& id, const std::string&,
                                              const std::string& state) {
      std::lock_guard<std::mutex> g(m);
      states[id].push_back(state);
    };
    account.on_key_changed = [this](const std::string& user, const std::string&) {
      std::lock_guard<std::mutex> g(m);
      key_changes.push_back(user);
    };
  }
  size_t count() {
    std::lock_guard<std::mutex> g(m);
    return received.size();
  }
  std::vector<std::string> states_of(const std::string& id) {
    std::lock_guard<std::mutex> g(m);
    return states[id];
  }
};

class messaging : public test::daemon_test {
protected:
  // Open ratchet sessions of `user` with `peer`.
  int sessions_with(const std::string& user, const std::string& peer) {
    SQLite::Database db(
      (world_.data_home() / "chatter" / "accounts" / user / "account.db").string(),
      SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT COUNT(*) FROM sessions WHERE peer = ? AND closed = 0");
    q.bind(1, peer);
    q.executeStep();
    return q.getColumn(0).getInt();
  }
  void join(const std::string& user, const std::string& suite = crypto::default_suite) {
    daemon_test::join(user, {{"suite", sdbus::Variant(suite)}});
  }
};

}  // namespace

TEST_F(messaging, alice_and_bob_exchange_with_states_history_and_acks) {
  start();
  join("alice");
  join("bob");
  inbox alice_in, bob_in;
  alice_in.attach(account("alice"));
  bob_in.attach(account("bob"));
  conn_->enterEventLoopAsync();
  auto id = account("alice").SendMessage("bob", "Bonjour Bob");
  ASSERT_TRUE(eventually([&] { return bob_in.count() == 1; }));
  ASSERT_TRUE(eventually([&] { return alice_in.states_of(id).size() == 2; }));
  EXPECT_EQ(alice_in.states_of(id), (std::vector<std::string>{"sent", "delivered"}));
  EXPECT_EQ(bob_in.received[0], std::make_pair(id, std::string("Bonjour Bob")));

  auto bob_history = account("bob").GetHistory("alice", 0, 10);
  ASSERT_EQ(bob_history.size(), 1u);
  EXPECT_EQ(bob_history[0].get<1>(), "alice");
  EXPECT_EQ(bob_history[0].get<3>(), "Bonjour Bob");
  EXPECT_EQ(bob_history[0].get<5>(), "received");
  auto alice_history = account("alice").GetHistory("bob", 0, 10);
  ASSERT_EQ(alice_history.size(), 1u);
  EXPECT_EQ(alice_history[0].get<5>(), "delivered");

  auto pending = account("bob").ListPendingMessages();
  ASSERT_EQ(pending.size(), 1u);
  account("bob").AcknowledgeMessages({id});
  EXPECT_TRUE(account("bob").ListPendingMessages().empty());

  // History pages: oldest first, `before` excludes.
  for (int i = 0; i < 5; ++i)
    account("bob").SendMessage("alice", "reply " + std::to_string(i));
  ASSERT_TRUE(eventually([&] { return alice_in.count() == 5; }));
  auto page = account("bob").GetHistory("alice", 0, 3);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[2].get<3>(), "reply 4");
  auto older = account("bob").GetHistory("alice", page[0].get<4>(), 10);
  EXPECT_EQ(older.size(), 3u);
  conn_->leaveEventLoop();
}

TEST_F(messaging, all_four_suites_interoperate) {
  start();
  join("rita", "ratchet-x25519-chacha20poly1305");
  join("xena", "x25519-chacha20poly1305-ed25519");
  join("rosa", "rsa-oaep-pss-3072");
  join("elga", "elgamal-2048");
  EXPECT_EQ(account("rosa").Suite(), "rsa-oaep-pss-3072");
  std::vector<std::string> users{"rita", "xena", "rosa", "elga"};
  for (auto& from : users) {
    for (auto& to : users) {
      if (from != to)
        account(from).SendMessage(to, from + " to " + to);
    }
  }
  for (auto& to : users) {
    ASSERT_TRUE(eventually([&] { return account(to).ListPendingMessages().size() == 3; })) << to;
    std::set<std::string> texts;
    for (auto& m : account(to).ListPendingMessages())
      texts.insert(m.get<3>());
    for (auto& from : users) {
      if (from != to) {
        EXPECT_TRUE(texts.count(from + " to " + to)) << from << " -> " << to;
      }
    }
  }
}

TEST_F(messaging, offline_delivery_survives_kill9_exactly_once) {
  start();
  join("alice");
  join("bob");
  account("bob").Logout();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(account("alice").SendMessage("bob", "while away " + std::to_string(i)));
  ASSERT_TRUE(eventually([&] {
    auto h = account("alice").GetHistory("bob", 0, 10);
    return h.size() == 3 && h[2].get<5>() == "sent";
  }));
  restart();  // kill -9: the hub holds the envelopes, nobody holds them in memory
  manager_->Login("bob", "pw-bob");
  ASSERT_TRUE(eventually([&] { return account("bob").GetHistory("alice", 0, 10).size() == 3; }));
  // A second kill and login must not show anything twice.
  restart();
  manager_->Login("bob", "pw-bob");
  manager_->Login("alice", "pw-alice");
  ASSERT_TRUE(eventually([&] {
    auto h = account("alice").GetHistory("bob", 0, 10);
    return h.size() == 3 && h[0].get<5>() == "delivered" && h[2].get<5>() == "delivered";
  }))
    << "alice should hear of the delivery at her next login; states: " << [&] {
         std::string out;
         for (auto& m : account("alice").GetHistory("bob", 0, 10))
           out += m.get<5>() + " ";
         std::ifstream log(daemon_->log_file());
         return out + "\n" + std::string((std::istreambuf_iterator<char>(log)), {});
       }();
  auto history = account("bob").GetHistory("alice", 0, 10);
  ASSERT_EQ(history.size(), 3u);
  std::set<std::string> seen;
  for (auto& m : history)
    EXPECT_TRUE(seen.insert(m.get<0>()).second) << "shown twice: " << m.get<0>();
  EXPECT_EQ(history[0].get<3>(), "while away 0");
  EXPECT_EQ(history[2].get<3>(), "while away 2");
}

TEST_F(messaging, a_kill9_right_after_receipt_never_shows_a_message_twice) {
  start();
  join("alice");
  join("bob");
  auto id = account("alice").SendMessage("bob", "once only");
  // Kill as soon as bob has stored it: his ack may or may not have reached
  // the hub, which then delivers again at the next login.
  ASSERT_TRUE(eventually([&] { return !account("bob").GetHistory("alice", 0, 10).empty(); },
                         std::chrono::seconds(5)));
  restart();
  manager_->Login("bob", "pw-bob");
  manager_->Login("alice", "pw-alice");
  // The copy comes again from the hub's mailbox at bob's login, or from
  // alice's outbox at hers, both before a marker alice sends now on the same
  // path (her outbox, the mailbox, bob's inbox, each in order): once bob
  // has the marker, the copy would be shown too.
  auto marker = account("alice").SendMessage("bob", "the marker");
  ASSERT_TRUE(eventually([&] {
    auto h = account("bob").GetHistory("alice", 0, 10);
    return !h.empty() && h.back().get<0>() == marker;
  }));
  auto history = account("bob").GetHistory("alice", 0, 10);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].get<0>(), id);
  std::multiset<std::string> pending;
  for (auto& m : account("bob").ListPendingMessages())
    pending.insert(m.get<0>());
  EXPECT_EQ(pending, (std::multiset<std::string>{id, marker}));
}

TEST_F(messaging, the_hub_files_hold_no_plaintext) {
  start();
  join("alice");
  join("bob");
  account("bob").Logout();  // the envelope stays at the hub
  const std::string secret = "the eagle lands at midnight 7f3a";
  account("alice").SendMessage("bob", secret);
  ASSERT_TRUE(
    eventually([&] { return account("alice").GetHistory("bob", 0, 1)[0].get<5>() == "sent"; }));
  daemon_->terminate();
  int files = 0;
  for (auto& entry : std::filesystem::directory_iterator(world_.hub_database().parent_path())) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    ++files;
    EXPECT_EQ(bytes.find(secret), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find("eagle"), std::string::npos) << entry.path();
  }
  EXPECT_GE(files, 1);
  SQLite::Database db(world_.hub_database().string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM mailbox").getInt(), 1);
}

TEST_F(messaging, bad_input_gets_named_errors) {
  start();
  join("alice");
  join("bob");
  auto& alice = account("alice");
  EXPECT_EQ(error_of([&] { alice.SendMessage("nobody", "hi"); }), err("NotFound"));
  EXPECT_EQ(error_of([&] { alice.SendMessage("Bob!", "hi"); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.SendMessage("bob", ""); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.SendMessage("bob", std::string(64 * 1024 + 1, 'x')); }),
            err("InvalidArgument"));
  EXPECT_NO_THROW(alice.SendMessage("bob", std::string(64 * 1024, 'x')));
  EXPECT_EQ(error_of([&] { alice.SendMessage("alice", "me"); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.GetHistory("bob", 0, 0); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.GetHistory("bob", 0, 1001); }), err("InvalidArgument"));
  EXPECT_EQ(error_of([&] { alice.VerifyContact("bob", "00000 00000"); }), err("UntrustedKey"));
  EXPECT_EQ(error_of([&] { alice.GetFingerprint("ghost"); }), err("NotFound"));
  EXPECT_EQ(error_of([&] {
              manager_->Register("carol", "pw", {{"suite", sdbus::Variant(std::string("rot13"))}});
            }),
            err("InvalidArgument"));
  account("bob").Logout();
  EXPECT_EQ(error_of([&] { account("bob").SendMessage("alice", "hi"); }), err("NotLoggedIn"));
  // Logged out, the history is still there to read.
  EXPECT_NO_THROW(account("bob").GetHistory("alice", 0, 10));
  EXPECT_EQ(manager_->ListAccounts().size(), 2u);
}

// A logout can land while envelopes are half opened (their senders' keys
// on the way from the hub, a ratchet step about to run). Those steps must
// find the keys gone, not crash the daemon, and leave the envelopes at the
// hub for the next login: none is lost, none shown twice.
TEST_F(messaging, a_logout_while_messages_are_opened_loses_nothing_and_keeps_the_daemon_up) {
  start();
  join("bob");
  account("bob").Logout();
  const std::vector<std::string> senders{"ann", "ben", "cat", "dan", "eve", "fay"};
  std::set<std::string> sent;
  for (auto& s : senders) {
    join(s);
    for (int i = 0; i < 5; ++i)
      sent.insert(account(s).SendMessage("bob", s + " " + std::to_string(i)));
  }
  for (int round = 0; round < 3; ++round) {
    manager_->Login("bob", "pw-bob");
    account("bob").Logout();
  }
  manager_->Login("bob", "pw-bob");
  std::set<std::string> shown;
  ASSERT_TRUE(eventually([&] {
    shown.clear();
    for (auto& s : senders)
      for (auto& m : account("bob").GetHistory(s, 0, 100))
        shown.insert(m.get<0>());
    return shown.size() >= sent.size();
  }));
  EXPECT_EQ(shown, sent);
  size_t rows = 0;
  for (auto& s : senders)
    rows += account("bob").GetHistory(s, 0, 100).size();
  EXPECT_EQ(rows, sent.size());
}

TEST_F(messaging, a_changed_key_is_refused_until_verified) {
  start();
  join("alice");
  join("bob");
  account("alice").SendMessage("bob", "first contact");  // trust on first use
  EXPECT_EQ(sessions_with("alice", "bob"), 1);
  auto old_fp = account("alice").GetFingerprint("bob");
  EXPECT_EQ(old_fp, account("bob").Fingerprint());
  daemon_->terminate();
  // Someone (a new device, or an attacker at the hub) publishes another key
  // for bob, well-formed and self-consistent.
  auto other = crypto::generate_identity(*crypto::parse_suite(crypto::default_suite));
  auto pub = crypto::public_of(other, "bob");
  {
    SQLite::Database db(world_.hub_database().string(), SQLite::OPEN_READWRITE);
    SQLite::Statement q(db,
                        "UPDATE public_keys SET signing_key = ?, encryption_key = ?, "
                        "binding = ? WHERE username = 'bob'");
    q.bind(1, pub.signing_key.data(), static_cast<int>(pub.signing_key.size()));
    q.bind(2, pub.encryption_key.data(), static_cast<int>(pub.encryption_key.size()));
    q.bind(3, pub.binding_signature.data(), static_cast<int>(pub.binding_signature.size()));
    q.exec();
  }
  start();
  inbox alice_in;
  alice_in.attach(account("alice"));
  conn_->enterEventLoopAsync();
  manager_->Login("alice", "pw-alice");
  // The fingerprint shown is the key in use; the changed one is announced.
  EXPECT_EQ(account("alice").GetFingerprint("bob"), old_fp);
  auto new_fp = crypto::fingerprint(pub);
  EXPECT_NE(new_fp, old_fp);
  EXPECT_TRUE(eventually([&] {
    std::lock_guard<std::mutex> g(alice_in.m);
    return alice_in.key_changes == std::vector<std::string>{"bob"};
  }));
  // The ratchet session of the first contact was with the old key: closed.
  EXPECT_EQ(sessions_with("alice", "bob"), 0);
  EXPECT_EQ(error_of([&] { account("alice").SendMessage("bob", "still you?"); }),
            err("UntrustedKey"));
  account("alice").VerifyContact("bob", new_fp);
  EXPECT_NO_THROW(account("alice").SendMessage("bob", "verified"));
  conn_->leaveEventLoop();
}
