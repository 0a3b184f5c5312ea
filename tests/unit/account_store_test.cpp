// One account's file (store/account_store.hpp) on a real SQLite file in a
// temporary folder: contacts and their in-memory copies, the history and
// its states, the outbox, read marks, sequence numbers, ratchet sessions,
// prekeys, the address book, and group commit. Values are read back after
// a reopen where durability is the promise.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "store/account_store.hpp"
#include "world.hpp"

using namespace chatter;
using store::account_store;
namespace fs = std::filesystem;

namespace {

bytes tagged(uint8_t tag, size_t n = 32) {
  return bytes(n, tag);
}

public_identity identity(const std::string& user, uint8_t tag) {
  return {user, "x25519-ed25519", tagged(tag), tagged(tag + 1), tagged(tag + 2, 64)};
}

store::contact contact_of(const std::string& user, uint8_t tag) {
  store::contact c;
  c.user = user;
  c.key = identity(user, tag);
  c.fingerprint = "fp-" + std::to_string(tag);
  return c;
}

void expect_same_key(const public_identity& a, const public_identity& b) {
  EXPECT_EQ(a.user, b.user);
  EXPECT_EQ(a.suite, b.suite);
  EXPECT_EQ(a.signing_key, b.signing_key);
  EXPECT_EQ(a.encryption_key, b.encryption_key);
  EXPECT_EQ(a.binding_signature, b.binding_signature);
}

void expect_same_contact(const std::optional<store::contact>& got, const store::contact& want) {
  ASSERT_TRUE(got) << want.user;
  EXPECT_EQ(got->user, want.user);
  expect_same_key(got->key, want.key);
  EXPECT_EQ(got->fingerprint, want.fingerprint);
  EXPECT_EQ(got->verified, want.verified);
  ASSERT_EQ(got->new_key.has_value(), want.new_key.has_value());
  if (want.new_key)
    expect_same_key(*got->new_key, *want.new_key);
  EXPECT_EQ(got->new_fingerprint, want.new_fingerprint);
}

message_record outgoing(const std::string& id, const std::string& to, int64_t t) {
  return {id, "me", to, "text " + id, t, "queued", {}};
}

message_record incoming(const std::string& id, const std::string& from, int64_t t,
                        const std::string& to = "me") {
  return {id, from, to, "text " + id, t, "received", {}};
}

store::outbound sealed_for(const std::string& recipient, uint8_t tag) {
  return {recipient, envelope{tagged(tag, 8), tagged(tag + 1, 16), tagged(tag + 2, 4)}};
}

std::vector<std::string> ids_of(const std::vector<message_record>& ms) {
  std::vector<std::string> out;
  for (auto& m : ms)
    out.push_back(m.id);
  return out;
}

class account_store_test : public testing::Test {
protected:
  account_store& s() {
    return *store_;
  }
  // Closed and opened again: what it answers now is what the file holds.
  void reopen() {
    store_.reset();
    store_ = std::make_unique<account_store>(path_);
  }
  // A batch whose commit fails, so SQLite rolls all of it back: the WAL
  // removed under the open file makes every later commit refused
  // (store/database.hpp, moved). Reads go on.
  void fail_the_batch() {
    ASSERT_TRUE(fs::remove(path_ + "-wal"));
    EXPECT_THROW(s().commit_batch(), store::moved);
    EXPECT_FALSE(s().in_batch());
  }
  std::string state_of(const std::string& peer, const std::string& id) {
    for (auto& m : s().history(peer, INT64_MAX, 1000))
      if (m.id == id)
        return m.state;
    return "(none)";
  }

  test::temp_dir dir_;
  std::string path_ = (dir_.path() / "account.db").string();
  std::unique_ptr<account_store> store_ = std::make_unique<account_store>(path_);
};

}  // namespace

// --- contacts ---------------------------------------------------------------

TEST_F(account_store_test, an_unknown_contact_is_not_found) {
  EXPECT_FALSE(s().find_contact("bob"));
}

TEST_F(account_store_test, a_contact_reads_back_whole_with_a_pending_new_key) {
  auto c = contact_of("bob", 10);
  c.verified = true;
  c.new_key = identity("bob", 20);
  c.new_fingerprint = "fp-new";
  s().put_contact(c);
  expect_same_contact(s().find_contact("bob"), c);
  reopen();
  expect_same_contact(s().find_contact("bob"), c);
  EXPECT_FALSE(s().find_contact("carol"));
}

TEST_F(account_store_test, a_put_replaces_the_contact_already_served_from_memory) {
  auto c = contact_of("bob", 10);
  s().put_contact(c);
  expect_same_contact(s().find_contact("bob"), c);  // now in memory
  auto changed = c;
  changed.new_key = identity("bob", 30);
  changed.new_fingerprint = "fp-30";
  s().put_contact(changed);
  expect_same_contact(s().find_contact("bob"), changed);
  // Verified: the new key becomes the key, and none is pending.
  auto verified = contact_of("bob", 30);
  verified.verified = true;
  s().put_contact(verified);
  expect_same_contact(s().find_contact("bob"), verified);
  expect_same_contact(s().find_contact("bob"), verified);  // served twice the same
  reopen();
  expect_same_contact(s().find_contact("bob"), verified);
}

TEST_F(account_store_test, a_contact_put_in_a_batch_that_rolls_back_is_not_served) {
  s().begin_batch();
  s().put_contact(contact_of("bob", 10));
  // Read inside the batch, as the account does while it still may roll back.
  expect_same_contact(s().find_contact("bob"), contact_of("bob", 10));
  fail_the_batch();
  EXPECT_FALSE(s().find_contact("bob"));
}

TEST_F(account_store_test, a_change_in_a_batch_that_rolls_back_leaves_the_committed_contact) {
  auto committed = contact_of("bob", 10);
  s().put_contact(committed);
  expect_same_contact(s().find_contact("bob"), committed);
  s().begin_batch();
  auto changed = committed;
  changed.verified = true;
  changed.fingerprint = "fp-changed";
  s().put_contact(changed);
  expect_same_contact(s().find_contact("bob"), changed);
  expect_same_contact(s().find_contact("bob"), changed);
  fail_the_batch();
  expect_same_contact(s().find_contact("bob"), committed);
}

TEST_F(account_store_test, a_contact_put_in_a_batch_that_commits_is_served_after) {
  auto c = contact_of("bob", 10);
  s().begin_batch();
  s().put_contact(c);
  expect_same_contact(s().find_contact("bob"), c);
  s().commit_batch();
  expect_same_contact(s().find_contact("bob"), c);
  reopen();
  expect_same_contact(s().find_contact("bob"), c);
}

// --- outgoing messages and the outbox ---------------------------------------

TEST_F(account_store_test, an_outgoing_message_waits_in_the_outbox_oldest_first) {
  s().add_outgoing(outgoing("m2", "bob", 200), {sealed_for("bob", 1)});
  s().add_outgoing(outgoing("m1", "#ops", 100), {sealed_for("bob", 4), sealed_for("carol", 7)});
  reopen();
  auto q = s().queued_outgoing();
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0].id, "m1");
  EXPECT_EQ(q[1].id, "m1");
  EXPECT_EQ(q[2].id, "m2");
  EXPECT_EQ(q[2].out.recipient, "bob");
  EXPECT_EQ(q[2].out.env.header, tagged(1, 8));
  EXPECT_EQ(q[2].out.env.ciphertext, tagged(2, 16));
  EXPECT_EQ(q[2].out.env.signature, tagged(3, 4));
  EXPECT_EQ(state_of("bob", "m2"), "queued");
  EXPECT_EQ(state_of("#ops", "m1"), "queued");
  EXPECT_TRUE(s().has_message("me", "m1"));
  EXPECT_FALSE(s().has_message("bob", "m1"));
}

TEST_F(account_store_test, a_message_is_sent_once_the_hub_has_its_last_envelope) {
  s().add_outgoing(outgoing("m1", "#ops", 100), {sealed_for("bob", 1), sealed_for("carol", 4)});
  EXPECT_EQ(s().hub_has("me", "m1", "bob"), "");
  EXPECT_EQ(state_of("#ops", "m1"), "queued");
  ASSERT_EQ(s().queued_outgoing().size(), 1u);
  EXPECT_EQ(s().queued_outgoing()[0].out.recipient, "carol");
  EXPECT_EQ(s().hub_has("me", "m1", "carol"), "#ops");
  EXPECT_EQ(state_of("#ops", "m1"), "sent");
  EXPECT_TRUE(s().queued_outgoing().empty());
  EXPECT_EQ(s().hub_has("me", "m1", "carol"), "");  // said twice: no move
  EXPECT_EQ(s().hub_has("me", "nope", "bob"), "");
}

TEST_F(account_store_test, an_envelope_the_hub_refuses_for_good_is_not_offered_again) {
  s().add_outgoing(outgoing("m1", "bob", 100), {sealed_for("bob", 1)});
  EXPECT_EQ(s().hub_refused("me", "m1", "bob"), "bob");
  EXPECT_TRUE(s().queued_outgoing().empty());
  EXPECT_EQ(state_of("bob", "m1"), "refused");
}

TEST_F(account_store_test, outgoing_states_only_move_forward) {
  s().add_outgoing(outgoing("m1", "bob", 100), {});
  EXPECT_EQ(s().set_outgoing_state("me", "m1", "queued"), "");
  EXPECT_EQ(s().set_outgoing_state("me", "m1", "delivered"), "bob");
  EXPECT_EQ(s().set_outgoing_state("me", "m1", "sent"), "");
  EXPECT_EQ(state_of("bob", "m1"), "delivered");
  EXPECT_EQ(s().set_outgoing_state("me", "m1", "read"), "bob");
  EXPECT_EQ(s().set_outgoing_state("me", "m1", "failed"), "bob");
  EXPECT_EQ(s().set_outgoing_state("me", "m1", "read"), "");  // failed is final
  EXPECT_EQ(state_of("bob", "m1"), "failed");
  EXPECT_EQ(s().set_outgoing_state("me", "nope", "sent"), "");
}

TEST_F(account_store_test, an_incoming_message_has_no_outgoing_state) {
  s().add_incoming(incoming("m1", "bob", 100));
  EXPECT_EQ(s().set_outgoing_state("bob", "m1", "read"), "");
  EXPECT_EQ(s().receipt_from("bob", "m1", "bob", "read"), "");
  EXPECT_EQ(state_of("bob", "m1"), "received");
}

// --- receipts and refusals --------------------------------------------------

TEST_F(account_store_test, a_receipt_counts_only_from_the_peer_it_was_sent_to) {
  s().add_outgoing(outgoing("m1", "bob", 100), {});
  EXPECT_EQ(s().receipt_from("me", "m1", "mallory", "delivered"), "");
  EXPECT_EQ(state_of("bob", "m1"), "queued");
  EXPECT_EQ(s().receipt_from("me", "m1", "bob", "delivered"), "bob");
  EXPECT_EQ(s().receipt_from("me", "m1", "bob", "delivered"), "");
  EXPECT_EQ(s().receipt_from("me", "nope", "bob", "read"), "");
  EXPECT_EQ(state_of("bob", "m1"), "delivered");
}

TEST_F(account_store_test, any_member_s_receipt_counts_for_a_room_message) {
  s().add_outgoing(outgoing("m1", "#ops", 100), {});
  EXPECT_EQ(s().receipt_from("me", "m1", "carol", "read"), "#ops");
  EXPECT_EQ(state_of("#ops", "m1"), "read");
}

TEST_F(account_store_test, a_refusal_names_its_reason_and_only_the_peer_can_refuse) {
  s().add_outgoing(outgoing("m1", "bob", 100), {});
  EXPECT_EQ(s().refused("me", "m1", "mallory", "forged"), "");
  EXPECT_EQ(state_of("bob", "m1"), "queued");
  EXPECT_EQ(s().refused("me", "m1", "bob", "unknown session"), "bob");
  reopen();
  auto h = s().history("bob", INT64_MAX, 10);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].state, "refused");
  EXPECT_EQ(h[0].extras, (std::map<std::string, std::string>{{"reason", "unknown session"}}));
}

TEST_F(account_store_test, the_recipient_s_receipt_beats_a_refusal) {
  s().add_outgoing(outgoing("m1", "bob", 100), {});
  s().refused("me", "m1", "bob", "bad");
  // A refusal is final to set_outgoing_state, not to the recipient's word.
  EXPECT_EQ(s().set_outgoing_state("me", "m1", "read"), "");
  EXPECT_EQ(s().receipt_from("me", "m1", "bob", "delivered"), "bob");
  EXPECT_EQ(state_of("bob", "m1"), "delivered");
}

// --- incoming messages, history and read marks -------------------------------

TEST_F(account_store_test, an_incoming_message_is_stored_once) {
  auto m = incoming("m1", "bob", 100);
  m.extras = {{"clock_skew_ms", "-4000"}, {"sent_at", "96"}};
  EXPECT_TRUE(s().add_incoming(m));
  auto again = m;
  again.text = "a replay";
  EXPECT_FALSE(s().add_incoming(again));
  // Another sender may use the same id.
  EXPECT_TRUE(s().add_incoming(incoming("m1", "carol", 101)));
  reopen();
  auto h = s().history("bob", INT64_MAX, 10);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].id, "m1");
  EXPECT_EQ(h[0].from, "bob");
  EXPECT_EQ(h[0].to, "me");
  EXPECT_EQ(h[0].text, "text m1");
  EXPECT_EQ(h[0].timestamp_ms, 100);
  EXPECT_EQ(h[0].state, "received");
  EXPECT_EQ(h[0].extras, m.extras);
  EXPECT_TRUE(s().has_message("bob", "m1"));
}

TEST_F(account_store_test, a_room_message_belongs_to_the_room_s_conversation) {
  s().add_incoming(incoming("m1", "bob", 100, "#ops"));
  EXPECT_EQ(ids_of(s().history("#ops", INT64_MAX, 10)), std::vector<std::string>{"m1"});
  EXPECT_TRUE(s().history("bob", INT64_MAX, 10).empty());
}

TEST_F(account_store_test, history_pages_back_from_before_oldest_first) {
  for (int i = 1; i <= 6; ++i) {
    auto id = "m" + std::to_string(i);
    if (i % 2)
      s().add_incoming(incoming(id, "bob", i * 100));
    else
      s().add_outgoing(outgoing(id, "bob", i * 100), {});
  }
  s().add_incoming(incoming("x", "carol", 250));
  using ids = std::vector<std::string>;
  EXPECT_EQ(ids_of(s().history("bob", INT64_MAX, 100)), (ids{"m1", "m2", "m3", "m4", "m5", "m6"}));
  EXPECT_EQ(ids_of(s().history("bob", INT64_MAX, 2)), (ids{"m5", "m6"}));
  // Strictly before: the page ending at m4 asks before 400.
  EXPECT_EQ(ids_of(s().history("bob", 400, 2)), (ids{"m2", "m3"}));
  EXPECT_EQ(ids_of(s().history("bob", 100, 10)), ids{});
  EXPECT_EQ(ids_of(s().history("bob", INT64_MAX, 0)), ids{});
}

TEST_F(account_store_test, messages_in_the_same_millisecond_keep_their_order) {
  for (auto id : {"c", "a", "b"})
    s().add_incoming(incoming(id, "bob", 100));
  EXPECT_EQ(ids_of(s().history("bob", INT64_MAX, 10)), (std::vector<std::string>{"c", "a", "b"}));
  EXPECT_EQ(ids_of(s().history("bob", INT64_MAX, 2)), (std::vector<std::string>{"a", "b"}));
}

TEST_F(account_store_test, received_messages_are_pending_until_acknowledged) {
  s().add_incoming(incoming("m2", "bob", 200));
  s().add_incoming(incoming("m1", "carol", 100));
  s().add_outgoing(outgoing("m3", "bob", 300), {});
  EXPECT_EQ(ids_of(s().pending_incoming()), (std::vector<std::string>{"m1", "m2"}));
  s().acknowledge({"m1", "nope", "m3"});
  reopen();
  EXPECT_EQ(ids_of(s().pending_incoming()), std::vector<std::string>{"m2"});
  s().acknowledge({"m2"});
  EXPECT_TRUE(s().pending_incoming().empty());
  EXPECT_EQ(state_of("bob", "m2"), "received");  // acknowledged is not read
}

TEST_F(account_store_test, mark_read_reads_one_conversation_and_names_what_it_read) {
  s().add_incoming(incoming("m1", "bob", 100));
  s().add_incoming(incoming("m2", "bob", 200));
  s().add_incoming(incoming("m3", "carol", 150));
  s().add_incoming(incoming("r1", "carol", 160, "#ops"));
  s().add_outgoing(outgoing("m4", "bob", 300), {});
  using pairs = std::vector<std::pair<std::string, std::string>>;
  auto read = s().mark_read("bob");
  std::sort(read.begin(), read.end());
  EXPECT_EQ(read, (pairs{{"bob", "m1"}, {"bob", "m2"}}));
  EXPECT_EQ(state_of("bob", "m1"), "read");
  EXPECT_EQ(state_of("bob", "m4"), "queued");
  EXPECT_EQ(state_of("carol", "m3"), "received");
  EXPECT_EQ(ids_of(s().pending_incoming()), (std::vector<std::string>{"m3", "r1"}));
  EXPECT_EQ(s().mark_read("bob"), pairs{});  // read already: no second receipt
  EXPECT_EQ(s().mark_read("#ops"), (pairs{{"carol", "r1"}}));
}

// --- sequence numbers -------------------------------------------------------

TEST_F(account_store_test, the_last_sent_sequence_is_kept_per_conversation_and_never_drops) {
  EXPECT_EQ(s().last_sent_sequence("bob"), 0u);
  s().add_outgoing(outgoing("m1", "bob", 100), {}, {}, 5);
  s().add_outgoing(outgoing("m2", "#ops", 100), {}, {}, 9);
  s().add_outgoing(outgoing("m3", "bob", 100), {}, {}, 3);
  s().add_outgoing(outgoing("m4", "bob", 100), {}, {}, 0);  // 0: not numbered
  reopen();
  EXPECT_EQ(s().last_sent_sequence("bob"), 5u);
  EXPECT_EQ(s().last_sent_sequence("#ops"), 9u);
  EXPECT_EQ(s().last_sent_sequence("carol"), 0u);
}

TEST_F(account_store_test, the_last_received_sequence_moves_with_new_messages_only) {
  EXPECT_FALSE(s().last_received_sequence("bob", "bob"));
  s().add_incoming(incoming("m1", "bob", 100), {}, {}, store::received_sequence{"bob", "bob", 7});
  // A replay carries no news, even with another number.
  s().add_incoming(incoming("m1", "bob", 100), {}, {}, store::received_sequence{"bob", "bob", 99});
  s().add_incoming(incoming("m2", "bob", 100, "#ops"), {}, {},
                   store::received_sequence{"bob", "#ops", 2});
  reopen();
  EXPECT_EQ(s().last_received_sequence("bob", "bob"), std::optional<uint64_t>(7));
  EXPECT_EQ(s().last_received_sequence("bob", "#ops"), std::optional<uint64_t>(2));
  EXPECT_FALSE(s().last_received_sequence("carol", "bob"));
}

// --- ratchet sessions -------------------------------------------------------

TEST_F(account_store_test, the_current_session_is_the_open_one_set_up_last) {
  EXPECT_FALSE(s().current_session("bob"));
  s().put_session({"bob", tagged(1, 16), tagged(0xa0)});
  s().put_session({"bob", tagged(2, 16), tagged(0xb0)});
  s().put_session({"carol", tagged(3, 16), tagged(0xc0)});
  // An update keeps its place: 2 is still the newest.
  s().put_session({"bob", tagged(1, 16), tagged(0xa1)});
  reopen();
  auto cur = s().current_session("bob");
  ASSERT_TRUE(cur);
  EXPECT_EQ(cur->peer, "bob");
  EXPECT_EQ(cur->id, tagged(2, 16));
  EXPECT_EQ(cur->sealed, tagged(0xb0));
  auto first = s().find_session("bob", tagged(1, 16));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->sealed, tagged(0xa1));
  EXPECT_FALSE(s().find_session("carol", tagged(1, 16)));  // ids are per peer
}

TEST_F(account_store_test, closed_sessions_seal_nothing_more_but_still_open_old_messages) {
  s().put_session({"bob", tagged(1, 16), tagged(0xa0)});
  s().put_session({"bob", tagged(2, 16), tagged(0xb0)});
  s().put_session({"carol", tagged(3, 16), tagged(0xc0)});
  EXPECT_EQ(s().close_sessions("bob"), 2u);
  EXPECT_EQ(s().close_sessions("bob"), 0u);
  EXPECT_FALSE(s().current_session("bob"));
  auto closed = s().find_session("bob", tagged(2, 16));
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->sealed, tagged(0xb0));
  EXPECT_TRUE(s().current_session("carol"));
  // A new session after the close is the current one.
  s().put_session({"bob", tagged(4, 16), tagged(0xd0)});
  auto cur = s().current_session("bob");
  ASSERT_TRUE(cur);
  EXPECT_EQ(cur->id, tagged(4, 16));
}

TEST_F(account_store_test, a_message_is_written_with_its_sessions_and_used_prekey) {
  s().put_prekeys(store::prekey_kind::one_time, {{7, tagged(1), tagged(2), 10}});
  s().add_outgoing(outgoing("m1", "bob", 100), {sealed_for("bob", 1)},
                   {{"bob", tagged(5, 16), tagged(0x50)}});
  reopen();
  auto sealing = s().current_session("bob");
  ASSERT_TRUE(sealing);
  EXPECT_EQ(sealing->id, tagged(5, 16));
  s().add_incoming(incoming("m2", "carol", 100),
                   store::sealed_session{"carol", tagged(6, 16), tagged(0x60)}, 7);
  reopen();
  auto opening = s().current_session("carol");
  ASSERT_TRUE(opening);
  EXPECT_EQ(opening->sealed, tagged(0x60));
  EXPECT_FALSE(s().find_prekey(store::prekey_kind::one_time, 7));
}

// --- prekeys ----------------------------------------------------------------

TEST_F(account_store_test, prekey_ids_start_at_1_and_are_never_given_twice) {
  using store::prekey_kind;
  EXPECT_EQ(s().reserve_prekey_ids(prekey_kind::one_time, 5), 1u);
  EXPECT_EQ(s().reserve_prekey_ids(prekey_kind::one_time, 3), 6u);
  EXPECT_EQ(s().reserve_prekey_ids(prekey_kind::signed_key, 1), 1u);  // each kind its own
  reopen();
  EXPECT_EQ(s().reserve_prekey_ids(prekey_kind::one_time, 1), 9u);
  EXPECT_EQ(s().reserve_prekey_ids(prekey_kind::signed_key, 2), 2u);
  EXPECT_EQ(s().reserve_prekey_ids(prekey_kind::signed_key, 1), 4u);
}

TEST_F(account_store_test, prekeys_read_back_by_kind_and_id_and_the_newest_is_the_highest_id) {
  using store::prekey_kind;
  EXPECT_FALSE(s().newest_prekey(prekey_kind::signed_key));
  s().put_prekeys(prekey_kind::signed_key,
                  {{2, tagged(0x21), tagged(0x22), 200}, {1, tagged(0x11), tagged(0x12), 100}});
  s().put_prekeys(prekey_kind::one_time, {{3, tagged(0x31), tagged(0x32), 300}});
  reopen();
  auto p = s().find_prekey(prekey_kind::signed_key, 1);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->id, 1u);
  EXPECT_EQ(p->sealed_private, tagged(0x11));
  EXPECT_EQ(p->public_key, tagged(0x12));
  EXPECT_EQ(p->created_ms, 100);
  EXPECT_FALSE(s().find_prekey(prekey_kind::one_time, 1));  // kinds apart
  EXPECT_EQ(s().newest_prekey(prekey_kind::signed_key).value().id, 2u);
  EXPECT_EQ(s().newest_prekey(prekey_kind::one_time).value().id, 3u);
}

TEST_F(account_store_test, a_batch_of_prekeys_with_a_taken_id_is_refused_whole) {
  using store::prekey_kind;
  s().put_prekeys(prekey_kind::one_time, {{1, tagged(1), tagged(1), 1}});
  EXPECT_ANY_THROW(s().put_prekeys(prekey_kind::one_time,
                                   {{2, tagged(2), tagged(2), 2}, {1, tagged(3), tagged(3), 3}}));
  EXPECT_FALSE(s().find_prekey(prekey_kind::one_time, 2));
  EXPECT_EQ(s().find_prekey(prekey_kind::one_time, 1).value().sealed_private, tagged(1));
}

TEST_F(account_store_test, old_signed_prekeys_retire_but_the_newest_stays) {
  using store::prekey_kind;
  s().put_prekeys(prekey_kind::signed_key,
                  {{1, tagged(1), tagged(1), 100},
                   {2, tagged(2), tagged(2), 200},
                   {3, tagged(3), tagged(3), 300}});
  s().put_prekeys(prekey_kind::one_time, {{1, tagged(9), tagged(9), 50}});
  s().retire_signed_prekeys(250);
  EXPECT_FALSE(s().find_prekey(prekey_kind::signed_key, 1));
  EXPECT_FALSE(s().find_prekey(prekey_kind::signed_key, 2));
  EXPECT_TRUE(s().find_prekey(prekey_kind::signed_key, 3));
  EXPECT_TRUE(s().find_prekey(prekey_kind::one_time, 1));  // one-time keys are not retired
  // Even when every one is old, the newest stays.
  s().retire_signed_prekeys(1000);
  EXPECT_TRUE(s().find_prekey(prekey_kind::signed_key, 3));
}

// --- the address book -------------------------------------------------------

TEST_F(account_store_test, the_address_book_is_by_user_name_and_a_second_add_renames) {
  s().add_to_address_book("carol", "Carol", 1);
  s().add_to_address_book("bob", "Bob", 2);
  s().add_to_address_book("carol", "Caz", 3);
  using book = std::vector<std::pair<std::string, std::string>>;
  reopen();
  EXPECT_EQ(s().address_book(), (book{{"bob", "Bob"}, {"carol", "Caz"}}));
  EXPECT_TRUE(s().remove_from_address_book("bob"));
  EXPECT_FALSE(s().remove_from_address_book("bob"));
  EXPECT_FALSE(s().remove_from_address_book("dave"));
  EXPECT_EQ(s().address_book(), (book{{"carol", "Caz"}}));
}

// --- group commit -----------------------------------------------------------

TEST_F(account_store_test, a_batch_is_durable_after_its_commit) {
  s().begin_batch();
  EXPECT_TRUE(s().in_batch());
  s().add_incoming(incoming("m1", "bob", 100));
  s().add_outgoing(outgoing("m2", "bob", 200), {sealed_for("bob", 1)});
  s().add_to_address_book("bob", "Bob", 1);
  s().commit_batch();
  EXPECT_FALSE(s().in_batch());
  reopen();
  EXPECT_EQ(ids_of(s().history("bob", INT64_MAX, 10)), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(s().queued_outgoing().size(), 1u);
  EXPECT_EQ(s().address_book().size(), 1u);
}

TEST_F(account_store_test, a_batch_whose_commit_fails_keeps_none_of_its_writes) {
  s().add_incoming(incoming("m0", "bob", 50));
  s().begin_batch();
  s().add_incoming(incoming("m1", "bob", 100));
  s().add_outgoing(outgoing("m2", "bob", 200), {sealed_for("bob", 1)});
  s().put_session({"bob", tagged(1, 16), tagged(2)});
  s().add_to_address_book("bob", "Bob", 1);
  fail_the_batch();
  EXPECT_EQ(ids_of(s().history("bob", INT64_MAX, 10)), std::vector<std::string>{"m0"});
  EXPECT_TRUE(s().queued_outgoing().empty());
  EXPECT_FALSE(s().current_session("bob"));
  EXPECT_TRUE(s().address_book().empty());
}

TEST_F(account_store_test, a_failed_write_in_a_batch_undoes_itself_and_nothing_else) {
  s().put_prekeys(store::prekey_kind::one_time, {{1, tagged(1), tagged(1), 1}});
  s().begin_batch();
  s().add_incoming(incoming("m1", "bob", 100));
  EXPECT_ANY_THROW(s().put_prekeys(store::prekey_kind::one_time,
                                   {{2, tagged(2), tagged(2), 2}, {1, tagged(3), tagged(3), 3}}));
  EXPECT_TRUE(s().in_batch());
  s().commit_batch();
  reopen();
  EXPECT_TRUE(s().has_message("bob", "m1"));
  EXPECT_FALSE(s().find_prekey(store::prekey_kind::one_time, 2));
}
