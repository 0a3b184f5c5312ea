// What "delivered" means, between real daemons: a hub daemon and two member
// hosts (alice, bob) over CAF on loopback, each member on its own private
// bus. A message is delivered only once the recipient stored it, whatever
// the clocks say (libfaketime moves a member's clock); a message the hub
// loses is reported missing on the next one; an envelope the recipient
// refuses comes back "refused" with the reason; and a key the hub
// substitutes, then withdraws, can be set aside by verifying the real one.
#include <algorithm>
#include <filesystem>
#include <mutex>
#include <set>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <gtest/gtest.h>

#include "client_proxies.hpp"
#include "core/crypto/suites.hpp"
#include "helpers.hpp"
#include "member_host.hpp"
#include "store/sqlite_util.hpp"
#include "world.hpp"

using namespace chatter;
using test::err;
using test::error_of;
using test::eventually;
using namespace std::chrono_literals;

namespace {

const char* libfaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

// A daemon whose wall clock is `offset` (libfaketime syntax, "+10m") off;
// its monotonic clock, which only measures timeouts, stays true.
std::map<std::string, std::string> clock_off(const std::string& offset) {
  return {
    {"LD_PRELOAD", libfaketime}, {"FAKETIME", offset}, {"FAKETIME_DONT_FAKE_MONOTONIC", "1"},
      {"FAKETIME_NO_CACHE", "1"},
#if defined(__SANITIZE_ADDRESS__)
      // ASan insists on being the first library loaded; libfaketime,
      // preloaded, comes before it and does not clash with it.
      {"ASAN_OPTIONS", "detect_leaks=0:verify_asan_link_order=0"},
#endif
  };
}

// What one account's D-Bus signals said.
struct signals {
  std::mutex m;
  std::map<std::string, std::map<std::string, sdbus::Variant>> extras;  // by message id
  std::map<std::string, std::string> refusals;                          // id -> reason
  std::vector<std::pair<std::string, uint64_t>> missing;

  void attach(client::account_client& account) {
    account.on_message_extras = [this](const std::string& id,
                                       const std::map<std::string, sdbus::Variant>& x) {
      std::lock_guard<std::mutex> g(m);
      extras[id] = x;
    };
    account.on_state_extras = [this](const std::string& id, const std::string& state,
                                     const std::map<std::string, sdbus::Variant>& x) {
      std::lock_guard<std::mutex> g(m);
      if (state == "refused" && x.count("reason"))
        refusals[id] = x.at("reason").get<std::string>();
    };
    account.on_messages_missing = [this](const std::string& peer, uint64_t count) {
      std::lock_guard<std::mutex> g(m);
      missing.emplace_back(peer, count);
    };
  }
  std::optional<int64_t> number(const std::string& id, const std::string& key) {
    std::lock_guard<std::mutex> g(m);
    auto i = extras.find(id);
    if (i == extras.end() || !i->second.count(key))
      return std::nullopt;
    return i->second.at(key).get<int64_t>();
  }
  bool shown(const std::string& id) {
    std::lock_guard<std::mutex> g(m);
    return extras.count(id) > 0;
  }
};

class delivery : public testing::Test {
protected:
  void SetUp() override {
    hub_ = hub_world_.start_daemon({"--listen", "127.0.0.1:0"});
    port_ = test::printed_hub_port(hub_->log_file());
    ASSERT_NE(port_, 0) << "the hub printed no port";
  }

  void TearDown() override {
    for (auto* m : {&a_, &b_})
      if (m->conn)
        m->conn->leaveEventLoop();
  }

  void start(test::member_host& m, const std::map<std::string, std::string>& env = {}) {
    if (m.conn)
      m.conn->leaveEventLoop();
    ASSERT_TRUE(m.start(test::hub_args("127.0.0.1", port_), 10s, env))
      << test::read_file(m.daemon->log_file());
  }
  void join(test::member_host& m, const std::string& user, signals& out) {
    m.join(user);
    out.attach(*m.account);
    m.conn->enterEventLoopAsync();
  }

  // (id -> state) of alice's conversation with bob.
  std::map<std::string, std::string> alice_states() {
    std::map<std::string, std::string> out;
    for (auto& msg : a_.account->GetHistory("bob", 0, 1000))
      out[msg.get<0>()] = msg.get<5>();
    return out;
  }
  std::set<std::string> stored_at_bob() {
    std::set<std::string> out;
    for (auto& msg : b_.account->GetHistory("alice", 0, 1000))
      out.insert(msg.get<0>());
    return out;
  }
  bool all_in_state(const std::vector<std::string>& ids, const std::string& state) {
    auto states = alice_states();
    for (auto& id : ids)
      if (states[id] != state)
        return false;
    return true;
  }
  // Nothing alice calls delivered or read that bob has not stored.
  void expect_no_false_delivery() {
    auto stored = stored_at_bob();
    for (auto& [id, state] : alice_states()) {
      if (state == "delivered" || state == "read") {
        EXPECT_TRUE(stored.count(id)) << id << " is " << state << " but bob never stored it";
      }
    }
  }

  SQLite::Database hub_db() {
    SQLite::Database db(hub_world_.hub_database().string(), SQLite::OPEN_READWRITE);
    db.setBusyTimeout(5000);  // the hub commits while the test reads and writes
    return db;
  }
  // These are queued for `recipient` (the hub writes at its next commit).
  // Not a count: an envelope acked just before a logout may still be there,
  // and comes again at the next login (the recipient dedupes it).
  bool queued_at_hub(const std::string& recipient, const std::set<std::string>& ids) {
    auto db = hub_db();
    SQLite::Statement q(db, "SELECT id FROM mailbox WHERE recipient = ?");
    q.bind(1, recipient);
    std::set<std::string> found;
    while (q.executeStep())
      found.insert(q.getColumn(0).getString());
    return std::includes(found.begin(), found.end(), ids.begin(), ids.end());
  }
  int waiting_at_hub(const std::string& recipient) {
    auto db = hub_db();
    SQLite::Statement q(db, "SELECT COUNT(*) FROM mailbox WHERE recipient = ?");
    q.bind(1, recipient);
    q.executeStep();
    return q.getColumn(0).getInt();
  }

  std::string logs() {
    return "--- hub\n" + test::read_file(hub_->log_file()) + "--- alice's host\n"
      + test::read_file(a_.daemon->log_file()) + "--- bob's host\n"
      + test::read_file(b_.daemon->log_file());
  }

  test::world hub_world_;
  std::unique_ptr<test::chatterd_process> hub_;
  uint16_t port_ = 0;
  test::member_host a_, b_;
  signals alice_, bob_;
};

}  // namespace

TEST_F(delivery, skewed_clocks_lose_nothing_and_delivered_means_stored) {
  ASSERT_TRUE(std::filesystem::exists(libfaketime)) << "scripts/dev deps test installs faketime";
  start(a_, clock_off("+10m"));
  join(a_, "alice", alice_);
  start(b_);
  join(b_, "bob", bob_);

  // Alice's clock is 10 minutes fast.
  std::vector<std::string> fast, late;
  for (int i = 0; i < 5; ++i)
    fast.push_back(a_.account->SendMessage("bob", "fast clock " + std::to_string(i)));
  ASSERT_TRUE(eventually([&] { return stored_at_bob().size() == 5; }, 20s)) << logs();
  ASSERT_TRUE(eventually([&] { return all_in_state(fast, "delivered"); }, 20s)) << logs();
  for (auto& id : fast) {
    ASSERT_TRUE(eventually([&] { return bob_.shown(id); }));
    auto skew = bob_.number(id, "clock_skew_ms");
    ASSERT_TRUE(skew) << "no clock_skew_ms on " << id;
    EXPECT_GT(*skew, 9LL * 60 * 1000);
    EXPECT_LT(*skew, 11LL * 60 * 1000);
  }

  // bob acknowledges once the hub holds his receipt, which alice may see
  // first: before he goes, the hub has let go of every fast-clock envelope.
  ASSERT_TRUE(eventually([&] { return waiting_at_hub("bob") == 0; }, 20s)) << logs();

  // Bob goes away; his machine wakes up 31 days later.
  b_.conn->leaveEventLoop();
  b_.account.reset();
  b_.manager.reset();
  b_.conn.reset();
  b_.daemon->terminate();
  for (int i = 0; i < 5; ++i)
    late.push_back(a_.account->SendMessage("bob", "while you were away " + std::to_string(i)));
  ASSERT_TRUE(eventually([&] { return all_in_state(late, "sent"); }, 20s)) << logs();
  ASSERT_EQ(waiting_at_hub("bob"), 5);
  start(b_, clock_off("+31d"));
  b_.manager->Login("bob", "pw-bob");
  b_.open_account("bob");
  bob_.attach(*b_.account);
  b_.conn->enterEventLoopAsync();
  ASSERT_TRUE(eventually([&] { return stored_at_bob().size() == 10; }, 20s)) << logs();
  ASSERT_TRUE(eventually([&] { return all_in_state(late, "delivered"); }, 20s)) << logs();
  std::multiset<std::string> texts;
  for (auto& msg : b_.account->GetHistory("alice", 0, 1000))
    texts.insert(msg.get<3>());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(texts.count("fast clock " + std::to_string(i)), 1u);
    EXPECT_EQ(texts.count("while you were away " + std::to_string(i)), 1u);
  }
  // bob acknowledges once the hub holds his receipt, which alice may see first.
  EXPECT_TRUE(eventually([&] { return waiting_at_hub("bob") == 0; }, 20s)) << logs();
  expect_no_false_delivery();
}

TEST_F(delivery, a_message_the_hub_drops_is_reported_on_the_next_one) {
  start(a_);
  join(a_, "alice", alice_);
  start(b_);
  join(b_, "bob", bob_);
  auto first = a_.account->SendMessage("bob", "one");
  ASSERT_TRUE(eventually([&] { return stored_at_bob().count(first) == 1; }, 20s)) << logs();
  b_.account->Logout();
  auto lost = a_.account->SendMessage("bob", "two");
  auto next = a_.account->SendMessage("bob", "three");
  ASSERT_TRUE(eventually([&] { return queued_at_hub("bob", {lost, next}); }, 20s)) << logs();
  {
    // The hub "loses" one: deleted under the running hub.
    auto db = hub_db();
    SQLite::Statement del(db, "DELETE FROM mailbox WHERE recipient = 'bob' AND id = ?");
    del.bind(1, lost);
    ASSERT_EQ(del.exec(), 1);
  }
  b_.manager->Login("bob", "pw-bob");
  ASSERT_TRUE(eventually([&] { return bob_.shown(next); }, 20s)) << logs();
  EXPECT_EQ(bob_.number(next, "missing_before"), 1);
  EXPECT_FALSE(bob_.number(first, "missing_before"));
  ASSERT_TRUE(eventually([&] {
    std::lock_guard<std::mutex> g(bob_.m);
    return !bob_.missing.empty();
  }));
  std::lock_guard<std::mutex> g(bob_.m);
  EXPECT_EQ(bob_.missing, (std::vector<std::pair<std::string, uint64_t>>{{"alice", 1}}));
  EXPECT_NE(alice_states()[lost], "delivered");
}

TEST_F(delivery, a_forged_envelope_for_a_real_message_comes_back_refused_with_the_reason) {
  start(a_);
  join(a_, "alice", alice_);
  start(b_);
  join(b_, "bob", bob_);
  auto hello = a_.account->SendMessage("bob", "hello");
  ASSERT_TRUE(eventually([&] { return all_in_state({hello}, "delivered"); }, 20s)) << logs();
  b_.account->Logout();
  auto id = a_.account->SendMessage("bob", "this one is tampered with at the hub");
  ASSERT_TRUE(eventually([&] { return queued_at_hub("bob", {id}); }, 20s)) << logs();
  {
    auto db = hub_db();
    SQLite::Statement get(db, "SELECT ciphertext FROM mailbox WHERE recipient = 'bob' AND id = ?");
    get.bind(1, id);
    ASSERT_TRUE(get.executeStep());
    auto ciphertext = store::blob_of(get.getColumn(0));
    get.reset();  // ends the read: a write over a stale snapshot is BUSY at once
    ciphertext[ciphertext.size() / 2] ^= 0x40;
    SQLite::Statement put(db,
                          "UPDATE mailbox SET ciphertext = ? WHERE recipient = 'bob' AND id = ?");
    store::bind_blob(put, 1, ciphertext);
    put.bind(2, id);
    ASSERT_EQ(put.exec(), 1);
  }
  b_.manager->Login("bob", "pw-bob");
  ASSERT_TRUE(eventually([&] { return all_in_state({id}, "refused"); }, 20s)) << logs();
  ASSERT_TRUE(eventually([&] {
    std::lock_guard<std::mutex> g(alice_.m);
    return alice_.refusals.count(id) > 0;
  }));
  {
    std::lock_guard<std::mutex> g(alice_.m);
    EXPECT_FALSE(alice_.refusals[id].empty());
  }
  EXPECT_EQ(stored_at_bob().count(id), 0u);
  // Refused: the hub may forget it, once bob's ack follows his refusal.
  EXPECT_TRUE(eventually([&] { return waiting_at_hub("bob") == 0; }, 20s)) << logs();
  expect_no_false_delivery();
}

// A hostile hub serves an attacker's key for bob (its hub.db row rewritten
// through a second connection, with a real key of the project's crypto),
// then the real one again. The fingerprint shown stays the key in use, the
// substitute is announced and listed, and verifying bob's real fingerprint
// sets the substitute aside: sending works again without ever trusting it.
TEST_F(delivery, a_substituted_key_once_withdrawn_is_set_aside_by_verifying_the_real_one) {
  start(a_);
  join(a_, "alice", alice_);
  start(b_);
  join(b_, "bob", bob_);
  std::mutex m;
  std::vector<std::string> announced;
  a_.account->on_key_changed = [&](const std::string& user, const std::string& fp) {
    std::lock_guard<std::mutex> g(m);
    announced.push_back(user + " " + fp);
  };
  auto first = a_.account->SendMessage("bob", "before");
  ASSERT_TRUE(eventually([&] { return all_in_state({first}, "delivered"); }, 20s)) << logs();
  auto real = a_.account->GetFingerprint("bob");
  ASSERT_EQ(real, b_.account->Fingerprint());

  auto attacker = crypto::generate_identity(crypto::suite_id::ratchet_x25519_chacha20poly1305);
  auto fake = crypto::public_of(attacker, "bob");
  auto fake_fp = crypto::fingerprint(fake);
  bytes saved[3];
  {
    auto db = hub_db();
    SQLite::Statement get(db,
                          "SELECT signing_key, encryption_key, binding FROM public_keys "
                          "WHERE username = 'bob'");
    ASSERT_TRUE(get.executeStep());
    for (int i = 0; i < 3; ++i)
      saved[i] = store::blob_of(get.getColumn(i));
    get.reset();  // ends the read: a write over a stale snapshot is BUSY at once
    SQLite::Statement put(db,
                          "UPDATE public_keys SET suite = ?, signing_key = ?, "
                          "encryption_key = ?, binding = ? WHERE username = 'bob'");
    put.bind(1, fake.suite);
    store::bind_blob(put, 2, fake.signing_key);
    store::bind_blob(put, 3, fake.encryption_key);
    store::bind_blob(put, 4, fake.binding_signature);
    ASSERT_EQ(put.exec(), 1);
  }
  // Asking shows the key in use; the substitute is announced and listed.
  EXPECT_EQ(a_.account->GetFingerprint("bob"), real);
  ASSERT_TRUE(eventually([&] {
    std::lock_guard<std::mutex> g(m);
    return announced == std::vector<std::string>{"bob " + fake_fp};
  }));
  a_.account->AddContact("bob");
  auto contacts = a_.account->ListContacts();
  ASSERT_EQ(contacts.size(), 1u);
  EXPECT_EQ(contacts[0].get<3>(), "changed");
  EXPECT_EQ(contacts[0].get<4>(), fake_fp);
  EXPECT_EQ(error_of([&] { a_.account->SendMessage("bob", "blocked"); }), err("UntrustedKey"));

  {  // The hub serves the real key again.
    auto db = hub_db();
    SQLite::Statement put(db,
                          "UPDATE public_keys SET suite = ?, signing_key = ?, "
                          "encryption_key = ?, binding = ? WHERE username = 'bob'");
    put.bind(1, std::string(crypto::default_suite));
    for (int i = 0; i < 3; ++i)
      store::bind_blob(put, i + 2, saved[i]);
    ASSERT_EQ(put.exec(), 1);
  }
  EXPECT_EQ(a_.account->GetFingerprint("bob"), real);
  EXPECT_EQ(error_of([&] { a_.account->VerifyContact("bob", fake_fp.substr(0, 10)); }),
            err("UntrustedKey"));
  a_.account->VerifyContact("bob", real);
  contacts = a_.account->ListContacts();
  EXPECT_EQ(contacts[0].get<3>(), "verified");
  EXPECT_EQ(contacts[0].get<4>(), real);
  auto after = a_.account->SendMessage("bob", "after");
  ASSERT_TRUE(eventually([&] { return stored_at_bob().count(after) == 1; }, 20s)) << logs();
  EXPECT_EQ(a_.account->GetFingerprint("bob"), real);
  std::lock_guard<std::mutex> g(m);
  EXPECT_EQ(announced.size(), 1u) << "the real key served again is no new change";
}
