// The ratchet suite through a real chatterd: X3DH on first contact from the
// prekeys at the hub, Double Ratchet envelopes at the hub, sessions sealed
// at rest, SIGKILL between SendMessage and the hub's ack, ResetSession (and
// chatterctl session reset), and a room of ratchet members.
#include <set>

#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include "core/crypto/ratchet_session.hpp"
#include "core/envelope.hpp"
#include "core/payload.hpp"
#include "daemon_test.hpp"
#include "helpers.hpp"
#include "world.hpp"

using namespace chatter;
using test::eventually;
using namespace std::chrono_literals;

namespace {

class ratchet : public test::daemon_test {
protected:
  std::filesystem::path account_db(const std::string& user) {
    return world_.data_home() / "chatter" / "accounts" / user / "account.db";
  }
  // Session ids of `user`'s sessions with `peer`, in the order set up; the
  // open ones only, unless `closed_too`.
  std::vector<std::string> sessions(const std::string& user, const std::string& peer,
                                    bool closed_too = false) {
    SQLite::Database db(account_db(user).string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db,
                        std::string("SELECT hex(id), record FROM sessions WHERE peer = ?")
                          + (closed_too ? "" : " AND closed = 0") + " ORDER BY rowid");
    q.bind(1, peer);
    std::vector<std::string> out;
    while (q.executeStep()) {
      auto p = static_cast<const uint8_t*>(q.getColumn(1).getBlob());
      bytes record(p, p + q.getColumn(1).getBytes());
      // Sealed at rest: the raw column is not a session record.
      EXPECT_FALSE(crypto::session::deserialize(record)) << "a session stored in clear";
      out.push_back(q.getColumn(0).getString());
    }
    return out;
  }
  // Messages only: a recipient's end-to-end receipts wait at the hub too.
  std::vector<envelope_header> queued_at_hub(const std::string& recipient) {
    SQLite::Database db(world_.hub_database().string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT header FROM mailbox WHERE recipient = ? ORDER BY rowid");
    q.bind(1, recipient);
    std::vector<envelope_header> out;
    while (q.executeStep()) {
      auto p = static_cast<const uint8_t*>(q.getColumn(0).getBlob());
      auto h = decode_header(bytes(p, p + q.getColumn(0).getBytes()));
      EXPECT_TRUE(h);
      if (h && !is_receipt_id(h->id))
        out.push_back(*h);
    }
    return out;
  }
  std::vector<std::string> texts(const std::string& user, const std::string& peer) {
    std::vector<std::string> out;
    for (auto& m : account(user).GetHistory(peer, 0, 1000))
      if (m.get<1>() == peer)
        out.push_back(m.get<3>());
    return out;
  }
};

}  // namespace

TEST_F(ratchet, first_contact_sets_up_a_session_and_the_hub_sees_only_ratchet_envelopes) {
  start();
  join("alice");
  join("bob");
  EXPECT_EQ(account("alice").Suite(), crypto::session::suite);
  account("bob").Logout();
  for (int i = 0; i < 3; ++i)
    account("alice").SendMessage("bob", "while away " + std::to_string(i));
  std::vector<envelope_header> queued;
  ASSERT_TRUE(eventually([&] { return (queued = queued_at_hub("bob")).size() == 3; }));
  std::set<uint32_t> numbers;
  for (auto& h : queued) {
    EXPECT_EQ(h.suite, crypto::session::suite);
    auto w = crypto::session::decode_wire(h.kem);
    ASSERT_TRUE(w);
    EXPECT_TRUE(w->init) << "until bob answers, every message carries the X3DH initiation";
    EXPECT_NE(w->init->one_time_prekey_id, 0u) << "the hub had one-time prekeys to hand out";
    numbers.insert(w->head.n);
  }
  EXPECT_EQ(numbers, (std::set<uint32_t>{0, 1, 2}));
  ASSERT_EQ(sessions("alice", "bob").size(), 1u);

  manager_->Login("bob", "pw-bob");
  ASSERT_TRUE(eventually([&] { return texts("bob", "alice").size() == 3; }));
  EXPECT_EQ(texts("bob", "alice"),
            (std::vector<std::string>{"while away 0", "while away 1", "while away 2"}));
  // Shown first, on bob's disk with his batch's commit just after.
  EXPECT_TRUE(eventually([&] { return sessions("bob", "alice") == sessions("alice", "bob"); }));
  account("bob").SendMessage("alice", "back");
  ASSERT_TRUE(eventually([&] { return texts("alice", "bob").size() == 1; }));
  // Answered: alice's next message no longer carries the initiation.
  account("alice").Logout();
  manager_->Login("alice", "pw-alice");
  account("bob").Logout();
  account("alice").SendMessage("bob", "thanks");
  ASSERT_TRUE(eventually([&] { return queued_at_hub("bob").size() == 1; }));
  auto w = crypto::session::decode_wire(queued_at_hub("bob")[0].kem);
  ASSERT_TRUE(w);
  EXPECT_FALSE(w->init);
}

// A message key is committed with the envelope it sealed: a kill -9 right
// after SendMessage returns, before the hub has the envelope, neither loses
// the message nor lets the next one reuse its key (bob could not open it).
TEST_F(ratchet, a_sigkill_between_send_and_ack_loses_nothing_and_reuses_no_key) {
  start();
  join("alice");
  join("bob");
  std::vector<std::string> sent;
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 2; ++i) {
      sent.push_back("round " + std::to_string(round) + " #" + std::to_string(i));
      account("alice").SendMessage("bob", sent.back());
    }
    restart();  // SIGKILL, no time for the hub's ack or bob's
    manager_->Login("alice", "pw-alice");
    manager_->Login("bob", "pw-bob");
  }
  ASSERT_TRUE(eventually([&] { return texts("bob", "alice").size() >= sent.size(); }, 60s))
    << texts("bob", "alice").size() << " of " << sent.size();
  auto got = texts("bob", "alice");
  EXPECT_EQ(got, sent) << "each exactly once, in order";
  // Both directions still work after all that.
  account("bob").SendMessage("alice", "all here");
  ASSERT_TRUE(eventually([&] { return texts("alice", "bob").size() == 1; }));
}

TEST_F(ratchet, reset_session_sets_up_a_new_one_and_both_sides_keep_talking) {
  start();
  join("alice");
  join("bob");
  account("alice").SendMessage("bob", "one");
  ASSERT_TRUE(eventually([&] { return texts("bob", "alice").size() == 1; }));
  auto before = sessions("alice", "bob");
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(test::error_of([&] { account("alice").ResetSession("nobody"); }),
            test::err("NotFound"));
  EXPECT_EQ(test::error_of([&] { account("alice").ResetSession("../bob"); }),
            test::err("InvalidArgument"));
  auto r = world_.chatterctl({"--as", "alice", "session", "reset", "bob"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(sessions("alice", "bob").empty());
  EXPECT_EQ(sessions("alice", "bob", true), before);  // closed, kept for what is in flight
  account("alice").SendMessage("bob", "two");
  ASSERT_TRUE(eventually([&] { return texts("bob", "alice").size() == 2; }));
  auto after = sessions("alice", "bob");
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NE(after, before);
  // Bob keeps the old session and gains the new one; he answers on the new.
  // (His file has it once his batch is committed, just after he shows it.)
  EXPECT_TRUE(eventually([&] { return sessions("bob", "alice").size() == 2u; }));
  EXPECT_EQ(sessions("bob", "alice").back(), after.back());
  account("bob").SendMessage("alice", "three");
  ASSERT_TRUE(eventually([&] { return texts("alice", "bob").size() == 1; }));
}

// A reset closes sessions for sealing only: what the peer sent under them
// before, still waiting at the hub, opens and is not lost.
TEST_F(ratchet, a_reset_loses_nothing_already_in_flight) {
  start();
  join("alice");
  join("bob");
  account("alice").SendMessage("bob", "hello");
  ASSERT_TRUE(eventually([&] { return texts("bob", "alice").size() == 1; }));
  account("bob").Logout();
  account("alice").SendMessage("bob", "in flight");
  account("bob").ResetSession("alice");  // works logged out: the files are here
  EXPECT_TRUE(sessions("bob", "alice").empty());
  manager_->Login("bob", "pw-bob");
  ASSERT_TRUE(eventually([&] { return texts("bob", "alice").size() == 2; }))
    << "the envelope sent before the reset was lost";
  account("bob").SendMessage("alice", "answer on a new session");
  ASSERT_TRUE(eventually([&] { return texts("alice", "bob").size() == 1; }));
  EXPECT_EQ(sessions("bob", "alice").size(), 1u);
  EXPECT_EQ(sessions("bob", "alice", true).size(), 2u);
}

TEST_F(ratchet, a_room_of_ratchet_members_uses_pairwise_sessions) {
  start();
  join("alice");
  join("bob");
  join("carol");
  account("alice").CreateRoom("tea", {"bob", "carol"});
  account("alice").SendMessage("#tea", "the kettle is on");
  for (auto* who : {"bob", "carol"})
    ASSERT_TRUE(eventually([&] {
      for (auto& m : account(who).GetHistory("#tea", 0, 10))
        if (m.get<3>() == "the kettle is on")
          return true;
      return false;
    }))
      << who;
  EXPECT_EQ(sessions("alice", "bob").size(), 1u);
  EXPECT_EQ(sessions("alice", "carol").size(), 1u);
}

// Each set-up takes one of bob's one-time prekeys; below 20 the hub asks his
// daemon for more, and it publishes another batch.
TEST_F(ratchet, the_hub_asks_for_more_one_time_prekeys_when_it_runs_low) {
  start();
  join("alice");
  join("bob");
  auto held = [&] {
    SQLite::Database db(world_.hub_database().string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT COUNT(*) FROM one_time_prekeys WHERE username = 'bob'");
    q.executeStep();
    return q.getColumn(0).getInt();
  };
  ASSERT_EQ(held(), 100);
  for (int i = 0; i < 85; ++i) {
    account("alice").SendMessage("bob", "set-up " + std::to_string(i));
    account("alice").ResetSession("bob");
  }
  // 85 handed out: 15 left without a top-up, 115 with one.
  ASSERT_TRUE(eventually([&] { return held() == 115; })) << held();
  ASSERT_TRUE(eventually([&] { return texts("bob", "alice").size() == 85; }));
}
