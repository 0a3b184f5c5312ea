// A hostile member of the hub against a real account actor: mallory logs in
// for real (scripted SCRAM, a raw CAF peer), publishes real keys, and sends
// bob crafted envelopes through the real mailbox. Everything bad is dropped,
// counted and refused back to her with the reason (sealed by bob, read here
// with her key), nothing bad is shown, and bob still reads the next good
// message. Genuine messages are shown even with a skewed clock, gaps in her
// sequence numbers are reported, and bob's delivery receipts reach her.
#include <mutex>
#include <set>

#include <SQLiteCpp/Database.h>

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "core/crypto/suites.hpp"
#include "core/envelope.hpp"
#include "core/errors.hpp"
#include "core/payload.hpp"
#include "core/scram.hpp"
#include "eventually.hpp"
#include "hub/hub.hpp"
#include "hub_test.hpp"
#include "member/account/account_manager.hpp"
#include "member/crypto_pool/crypto_pool.hpp"

using namespace chatter;
using namespace std::chrono_literals;
using test::eventually;

namespace {

// What bob's daemon would show on D-Bus.
struct shown {
  std::mutex m;
  std::vector<message_record> received;
  std::vector<std::pair<std::string, uint64_t>> missing;  // MessagesMissing
  uint64_t dropped = 0;

  size_t count() {
    std::lock_guard<std::mutex> g(m);
    return received.size();
  }
  uint64_t drops() {
    std::lock_guard<std::mutex> g(m);
    return dropped;
  }
  bool has(const std::string& id) {
    std::lock_guard<std::mutex> g(m);
    for (auto& r : received)
      if (r.id == id)
        return true;
    return false;
  }
};

event_sink_actor::behavior_type recording_sink(event_sink_actor::pointer,
                                               const std::shared_ptr<shown>& out) {
  return {
    [](known_atom, const std::string&) {},
    [](authed_atom, const account_status&) {},
    [](reauth_atom, const std::string&, int64_t) {},
    [](revoked_atom, const std::string&, const std::string&) {},
    [out](received_atom, const std::string&, const message_record& m) {
      std::lock_guard<std::mutex> g(out->m);
      out->received.push_back(m);
    },
    [](state_atom, const std::string&, const std::string&, const std::string&, const std::string&) {
    },
    [](state_atom, const std::string&, const std::string&, const std::string&, const std::string&,
       const std::map<std::string, std::string>&) {},
    [out](missing_atom, const std::string&, const std::string& peer, uint64_t count) {
      std::lock_guard<std::mutex> g(out->m);
      out->missing.emplace_back(peer, count);
    },
    [](keychange_atom, const std::string&, const std::string&, const std::string&) {},
    [](presence_atom, const std::string&, const presence_info&) {},
    [](arrived_atom, const std::string&, const std::string&, const std::string&) {},
    [](requested_atom, const std::string&, const std::string&, const std::string&) {},
    [](consent_atom, const std::string&, const std::string&, const std::string&) {},
    [out](stats_atom, const std::string&, uint64_t dropped) {
      std::lock_guard<std::mutex> g(out->m);
      out->dropped = dropped;
    },
    [](health_atom, const std::string&, const std::string&) {},
    [](hubup_atom, const std::string&) {},
    [](hubdown_atom, const std::string&) {},
    [](performed_atom, const std::string&, const std::string&) {},
    [](tuxstate_atom, const std::string&, bool, bool, bool) {},
  };
}

class hostile_sender : public test::hub_test {
protected:
  void SetUp() override {
    start_hub(60s, scram::member_kdf_floor);
    bob_sees_ = std::make_shared<shown>();
    account_manager_config mc;
    mc.accounts_dir = (dir_.path() / "accounts").string();
    mc.hub = {gw_};
    mc.crypto = crypto_ = spawn_crypto_pool(*sys_, 2);
    mc.events = sink_ = sys_->spawn(recording_sink, bob_sees_);
    manager_ = sys_->spawn<caf::detached>(account_manager, mc);
    ask<caf::ok_atom>(manager_, register_atom_v, std::string("bob"), secret("pw-bob"),
                      registration_settings{"Bob", crypto::default_suite});
    ask<account_status>(manager_, login_atom_v, std::string("bob"), secret("pw-bob"));
    mallory_session_ = log_in_mallory();
    bob_key_ =
      ask<public_identity>(gw_, fetchkey_atom_v, mallory_session_, std::string("bob")).first;
  }

  void TearDown() override {
    caf::anon_send_exit(manager_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(crypto_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(sink_, caf::exit_reason::user_shutdown);
    hub_test::TearDown();
  }

  // Signs up and logs in "mallory" the way a daemon would, with this test's
  // own actor as the session's peer; publishes a real identity.
  std::string log_in_mallory() {
    auto offer = ask<signup_offer>(gw_, offer_atom_v, std::string("mallory")).first;
    auto keys = scram::derive("pw-m", offer.salt, offer.kdf);
    ask<caf::ok_atom>(gw_, signup_atom_v,
                      signup_request{"mallory", "Mallory", offer.salt, offer.kdf,
                                     scram::to_bytes(keys.stored_key),
                                     scram::to_bytes(keys.server_key)});
    auto nonce = scram::random_nonce();
    auto challenge = ask<login_challenge>(gw_, login_atom_v, std::string("mallory"), nonce).first;
    auto message =
      scram::login_auth_message("mallory", nonce, challenge.nonce, challenge.salt, challenge.kdf);
    auto proof = scram::client_proof(keys.client_key, keys.stored_key, message);
    auto peer = caf::actor_cast<session_peer_actor>(self()->address());
    auto grant = ask<login_grant>(gw_, proof_atom_v, challenge.attempt, proof, peer);
    EXPECT_FALSE(grant.second) << caf::to_string(grant.second);
    mallory_ = crypto::generate_identity(crypto::suite_id::x25519_chacha20poly1305_ed25519);
    auto published = ask<caf::ok_atom>(gw_, pubkey_atom_v, grant.first.session,
                                       crypto::public_of(mallory_, "mallory"));
    EXPECT_FALSE(published.second) << caf::to_string(published.second);
    return grant.first.session;
  }

  envelope_header header(const std::string& id, int64_t ts = now_ms()) {
    envelope_header h;
    h.id = id;
    h.from = "mallory";
    h.to = "bob";
    h.timestamp_ms = ts;
    return h;
  }

  envelope sealed(const std::string& id, const std::string& text, int64_t ts = now_ms()) {
    return crypto::seal(mallory_, bob_key_, header(id, ts), text);
  }

  // A message in the inner payload with its sequence number.
  envelope numbered(const std::string& id, uint64_t seq, const std::string& text) {
    return sealed(id, encode_payload({payload_kind::text, seq, text, {}, {}}));
  }

  // What bob's daemon sent mallory end to end, opened with her key, until
  // `done` says enough or 10 s passed.
  std::vector<inner_payload>
  from_bob(const std::function<bool(const std::vector<inner_payload>&)>& done) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done(from_bob_) && std::chrono::steady_clock::now() < deadline)
      self()->receive(
        [&](deliver_atom, const envelope& env) {
          auto opened = crypto::open(mallory_, bob_key_, env);
          auto p = decode_payload(opened.text);
          ASSERT_TRUE(p) << "bob sent an undecodable payload";
          EXPECT_TRUE(is_receipt_id(opened.header.id)) << opened.header.id;
          from_bob_.push_back(*p);
          ask<caf::ok_atom>(gw_, ack_atom_v, mallory_session_, std::string("bob"),
                            opened.header.id);
        },
        caf::after(100ms) >> [] {});
    return from_bob_;
  }

  // The reason bob gave for refusing `id`, or "" once none came.
  std::string refusal_of(const std::string& id) {
    auto find = [&](const std::vector<inner_payload>& got) -> const inner_payload* {
      for (auto& p : got)
        if (p.kind == payload_kind::refusal && p.ids.front() == id)
          return &p;
      return nullptr;
    };
    auto got =
      from_bob([&](const std::vector<inner_payload>& got) { return find(got) != nullptr; });
    auto* p = find(got);
    return p ? p->state : "";
  }

  bool delivered(const std::string& id) {
    auto has = [&](const std::vector<inner_payload>& got) {
      for (auto& p : got)
        if (p.kind == payload_kind::receipt && p.state == "delivered"
            && std::find(p.ids.begin(), p.ids.end(), id) != p.ids.end())
          return true;
      return false;
    };
    return has(from_bob(has));
  }

  // The mailbox's answer to mallory's enqueue: "" or the error's name.
  std::string enqueue(const envelope& env, const std::string& session = "") {
    auto [ok, err] =
      ask<caf::ok_atom>(gw_, enqueue_atom_v, session.empty() ? mallory_session_ : session, env);
    return err ? describe(err).name : "";
  }

  crypto_actor crypto_;
  event_sink_actor sink_;
  account_manager_actor manager_;
  std::shared_ptr<shown> bob_sees_;
  std::string mallory_session_;
  std::vector<inner_payload> from_bob_;
  crypto::private_identity mallory_;
  public_identity bob_key_;
};

}  // namespace

TEST_F(hostile_sender, forged_tampered_and_replayed_envelopes_are_dropped_counted_and_refused) {
  ASSERT_EQ(bob_key_.user, "bob");
  auto good = sealed("good-1", "hello bob");
  ASSERT_EQ(enqueue(good), "");
  ASSERT_TRUE(eventually([&] { return bob_sees_->count() == 1; }));

  uint64_t expected_drops = 0;
  auto send_bad = [&](const envelope& env, const char* what) {
    ASSERT_EQ(enqueue(env), "") << what;
    ++expected_drops;
    ASSERT_TRUE(eventually([&] { return bob_sees_->drops() == expected_drops; })) << what;
  };

  auto flipped_ciphertext = sealed("bad-1", "x");
  flipped_ciphertext.ciphertext[0] ^= 1;
  send_bad(flipped_ciphertext, "tampered ciphertext");

  auto other_id = sealed("bad-2", "x");
  auto h = *decode_header(other_id.header);
  h.id = "bad-2-renamed";
  other_id.header = encode_header(h);
  send_bad(other_id, "tampered header");

  auto bad_signature = sealed("bad-3", "x");
  for (auto& b : bad_signature.signature)
    b ^= 0x5a;
  send_bad(bad_signature, "wrong signature");

  auto stranger = crypto::generate_identity(crypto::suite_id::x25519_chacha20poly1305_ed25519);
  send_bad(crypto::seal(mallory_, crypto::public_of(stranger, "bob"), header("bad-4"), "x"),
           "sealed to another key");

  auto unknown_suite = sealed("bad-5", "x");
  auto hs = *decode_header(unknown_suite.header);
  hs.suite = "rot13";
  unknown_suite.header = encode_header(hs);
  send_bad(unknown_suite, "unknown suite");

  send_bad(sealed("bad-6", std::string("\xff\xfe not a payload")), "malformed payload inside");
  send_bad(sealed("bad-7", std::string("\xc3\x28 not utf-8")), "invalid UTF-8 inside");
  send_bad(numbered("bad-8", 1, std::string("\xc3\x28 not utf-8")), "invalid UTF-8 in a payload");

  // Each comes back to mallory as a sealed refusal that says why; never as
  // delivered.
  EXPECT_NE(refusal_of("bad-1").find("signature"), std::string::npos) << refusal_of("bad-1");
  EXPECT_NE(refusal_of("bad-2-renamed"), "");
  EXPECT_NE(refusal_of("bad-3").find("signature"), std::string::npos) << refusal_of("bad-3");
  EXPECT_NE(refusal_of("bad-4").find("tampered"), std::string::npos) << refusal_of("bad-4");
  EXPECT_NE(refusal_of("bad-5").find("signature"), std::string::npos) << refusal_of("bad-5");
  EXPECT_NE(refusal_of("bad-6").find("malformed"), std::string::npos) << refusal_of("bad-6");
  EXPECT_NE(refusal_of("bad-7").find("UTF-8"), std::string::npos) << refusal_of("bad-7");
  EXPECT_NE(refusal_of("bad-8").find("UTF-8"), std::string::npos) << refusal_of("bad-8");
  EXPECT_TRUE(delivered("good-1"));
  for (auto& p : from_bob_) {
    if (p.kind != payload_kind::receipt)
      continue;
    for (auto& id : p.ids)
      EXPECT_EQ(id.rfind("bad-", 0), std::string::npos) << "a refused " << id << " is delivered";
  }

  // Refused at the hub: never reaches bob.
  EXPECT_EQ(enqueue(sealed("big", std::string(64 * 1024 + 100, 'x'))), "InvalidArgument");
  auto hf = header("forged-from");
  hf.from = "bob";
  EXPECT_EQ(enqueue(crypto::seal(mallory_, bob_key_, hf, "as bob")), "InvalidArgument");
  EXPECT_EQ(enqueue(good, "not-a-session"), "NotLoggedIn");
  EXPECT_EQ(enqueue(envelope{{1, 2, 3}, {}, {}}), "InvalidArgument");

  // A replay of a message bob has: acknowledged again, not shown again.
  // good-2 comes behind it through the same mailbox, and bob opens in the
  // hub's order: once good-2 is shown, a replay shown would be too.
  ASSERT_EQ(enqueue(good), "");
  ASSERT_EQ(enqueue(sealed("good-2", "still here?")), "");
  ASSERT_TRUE(eventually([&] { return bob_sees_->has("good-2"); }));
  std::lock_guard<std::mutex> g(bob_sees_->m);
  ASSERT_EQ(bob_sees_->received.size(), 2u);
  EXPECT_EQ(bob_sees_->received[0].text, "hello bob");
  EXPECT_EQ(bob_sees_->received[1].text, "still here?");
  EXPECT_EQ(bob_sees_->dropped, expected_drops);
}

TEST_F(hostile_sender, a_genuine_message_with_a_skewed_clock_is_shown_at_its_arrival) {
  auto before = now_ms();
  auto month_ago = before - 31LL * 24 * 3600 * 1000;
  auto hour_ahead = before + int64_t{3600} * 1000;
  ASSERT_EQ(enqueue(sealed("old-1", "from a month ago", month_ago)), "");
  ASSERT_EQ(enqueue(sealed("ahead-1", "from a fast clock", hour_ahead)), "");
  ASSERT_TRUE(eventually([&] { return bob_sees_->count() == 2; }));
  {
    std::lock_guard<std::mutex> g(bob_sees_->m);
    auto& old = bob_sees_->received[0];
    EXPECT_EQ(old.text, "from a month ago");
    EXPECT_GE(old.timestamp_ms, before);
    EXPECT_EQ(old.extras.at("sent_at"), std::to_string(month_ago));
    EXPECT_LT(std::stoll(old.extras.at("clock_skew_ms")), -30LL * 24 * 3600 * 1000);
    auto& ahead = bob_sees_->received[1];
    EXPECT_GE(ahead.timestamp_ms, before);
    EXPECT_LT(ahead.timestamp_ms, hour_ahead);
    EXPECT_GT(std::stoll(ahead.extras.at("clock_skew_ms")), 50LL * 60 * 1000);
    EXPECT_EQ(bob_sees_->dropped, 0u);
  }
  EXPECT_TRUE(delivered("old-1"));
  EXPECT_TRUE(delivered("ahead-1"));
}

TEST_F(hostile_sender, a_gap_in_the_sequence_is_reported_on_the_next_message) {
  ASSERT_EQ(enqueue(numbered("s-1", 1, "one")), "");
  ASSERT_EQ(enqueue(numbered("s-2", 2, "two")), "");
  // 3 and 4 never reach the hub, as if it had dropped them.
  ASSERT_EQ(enqueue(numbered("s-5", 5, "five")), "");
  ASSERT_EQ(enqueue(numbered("s-6", 6, "six")), "");
  ASSERT_TRUE(eventually([&] { return bob_sees_->count() == 4; }));
  std::lock_guard<std::mutex> g(bob_sees_->m);
  EXPECT_EQ(bob_sees_->received[0].extras.count("missing_before"), 0u);
  EXPECT_EQ(bob_sees_->received[1].extras.count("missing_before"), 0u);
  EXPECT_EQ(bob_sees_->received[2].text, "five");
  EXPECT_EQ(bob_sees_->received[2].extras["missing_before"], "2");
  EXPECT_EQ(bob_sees_->received[3].extras.count("missing_before"), 0u);
  ASSERT_EQ(bob_sees_->missing.size(), 1u);
  EXPECT_EQ(bob_sees_->missing[0], std::make_pair(std::string("mallory"), uint64_t{2}));
}

TEST_F(hostile_sender, hub_actors_outlive_a_failing_database) {
  // Another process holds the hub's file locked past the busy timeout: the
  // enqueue fails with a named error, and the mailbox serves on once the
  // lock is gone (CAF 0.17 would end an actor whose handler throws).
  SQLite::Database other((dir_.path() / "hub.db").string(), SQLite::OPEN_READWRITE);
  auto new_room = [&](const std::string& name) {
    auto [room, err] =
      ask<room_info>(gw_, roomnew_atom_v, mallory_session_, name, std::vector<std::string>{"bob"});
    return err ? describe(err).name : "";
  };
  // Both sessions and bob's acknowledgement must be through first: a write
  // queued behind the lock would add a second busy timeout to the
  // enqueue's wait (seen in CI as a Timeout instead of Internal).
  ASSERT_EQ(enqueue(sealed("before-lock", "ready")), "");
  ASSERT_TRUE(eventually([&] {
    return bob_sees_->count() == 1
      && other.execAndGet("SELECT count(*) FROM mailbox WHERE recipient = 'bob'").getInt() == 0;
  }))
    << "bob's acknowledgement is through";
  other.exec("BEGIN EXCLUSIVE");
  EXPECT_EQ(enqueue(sealed("while-locked", "x")), "Internal");
  EXPECT_EQ(new_room("locked-out"), "Internal");
  other.exec("ROLLBACK");
  EXPECT_EQ(enqueue(sealed("after-lock", "back again")), "");
  EXPECT_EQ(new_room("lab"), "") << "the registry serves on too";
  // "while-locked" may have reached bob: the hub forwards before its commit,
  // and its sender, told Internal, sends it again (bob dedupes).
  ASSERT_TRUE(eventually([&] {
    std::lock_guard<std::mutex> g(bob_sees_->m);
    return !bob_sees_->received.empty() && bob_sees_->received.back().text == "back again";
  }));
}

TEST_F(hostile_sender, a_batch_is_each_envelope_alone_and_one_ack_takes_many) {
  // The hub protocol's batches: each envelope is checked as if it came
  // alone, one outcome each; bob's daemon takes the batch, shows them all
  // and acknowledges them, and mallory hears the hub's receipts.
  std::vector<envelope> batch;
  batch.reserve(10);
  for (int i = 0; i < 10; ++i)
    batch.push_back(numbered("batch-" + std::to_string(i), static_cast<uint64_t>(i) + 1,
                             "number " + std::to_string(i)));
  auto not_hers = header("batch-forged");
  not_hers.from = "bob";
  batch.push_back(crypto::seal(mallory_, bob_key_, not_hers, "x"));
  auto nobody = header("batch-nobody");
  nobody.to = "nobody";
  batch.push_back(crypto::seal(mallory_, bob_key_, nobody, "x"));
  auto [outcomes, err] =
    ask<std::vector<envelope_outcome>>(gw_, enqueue_atom_v, mallory_session_, batch);
  ASSERT_FALSE(err) << caf::to_string(err);
  ASSERT_EQ(outcomes.size(), batch.size());
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(outcomes[static_cast<size_t>(i)].code, 0) << outcomes[static_cast<size_t>(i)].reason;
  EXPECT_EQ(describe(error_of(outcomes[10])).name, "InvalidArgument");
  EXPECT_EQ(describe(error_of(outcomes[11])).name, "NotFound");
  EXPECT_NE(outcomes[11].reason.find("nobody"), std::string::npos);

  ASSERT_TRUE(eventually([&] { return bob_sees_->count() == 10; }));
  {
    std::lock_guard<std::mutex> g(bob_sees_->m);
    for (int i = 0; i < 10; ++i)
      EXPECT_EQ(bob_sees_->received[static_cast<size_t>(i)].text, "number " + std::to_string(i));
  }
  SQLite::Database hub_file((dir_.path() / "hub.db").string(), SQLite::OPEN_READONLY);
  hub_file.setBusyTimeout(5000);
  EXPECT_TRUE(eventually([&] {
    return hub_file.execAndGet("SELECT count(*) FROM mailbox WHERE recipient = 'bob'").getInt()
      == 0;
  }))
    << "bob's daemon acknowledged them all";
  // The hub's own receipts: one batch, or several, naming all ten.
  std::set<std::string> receipted;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (receipted.size() < 10 && std::chrono::steady_clock::now() < deadline)
    self()->receive(
      [&](receipt_atom, const std::vector<receipt_info>& rs) {
        for (auto& r : rs)
          receipted.insert(r.id);
      },
      [&](receipt_atom, const std::string& id, const std::string&, const std::string&) {
        receipted.insert(id);
      },
      [&](deliver_atom, const envelope&) {}, [&](deliver_atom, const std::vector<envelope>&) {},
      caf::after(100ms) >> [] {});
  EXPECT_EQ(receipted.size(), 10u);
}

TEST_F(hostile_sender, batches_are_bounded_and_each_envelope_costs_its_share_of_the_rate) {
  auto refused = [&](const std::vector<envelope>& envs) {
    auto [outcomes, err] =
      ask<std::vector<envelope_outcome>>(gw_, enqueue_atom_v, mallory_session_, envs);
    return err ? describe(err).name : "";
  };
  EXPECT_EQ(refused({}), "InvalidArgument");
  EXPECT_EQ(refused(std::vector<envelope>(max_batch + 1)), "InvalidArgument");
  auto [ok, ack_err] =
    ask<caf::ok_atom>(gw_, ack_atom_v, mallory_session_, std::vector<message_ref>(max_batch + 1));
  EXPECT_EQ(describe(ack_err).name, "InvalidArgument");
  // Junk the mailbox refuses one by one, in full batches: the session's
  // envelope budget (a burst of 10000) runs out after 39 of them.
  // (It refills at 1000 a second meanwhile.)
  std::vector<envelope> junk(max_batch);
  int taken = 0;
  std::string answer;
  auto t0 = std::chrono::steady_clock::now();
  while ((answer = refused(junk)).empty() && taken < 1000)
    ++taken;
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(answer, "RateLimited");
  EXPECT_GE(taken, 10000 / static_cast<int>(max_batch));
  EXPECT_LE(taken, static_cast<int>((10000 + 1000 * took.count()) / max_batch));
}
