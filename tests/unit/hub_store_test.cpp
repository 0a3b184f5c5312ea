#include <gtest/gtest.h>

#include <set>

#include <SQLiteCpp/Database.h>

#include "core/scram.hpp"
#include "store/directory_store.hpp"
#include "store/key_store.hpp"
#include "store/mailbox_store.hpp"
#include "temp_dir.hpp"

using namespace chatter;

namespace {

signup_request make_request(const std::string& user) {
  signup_request req;
  req.user = user;
  req.display_name = "Alice Liddell";
  req.salt = scram::random_bytes(16);
  req.kdf = {8192, 1, 1};
  auto keys = scram::derive("pw", req.salt, req.kdf);
  req.stored_key = scram::to_bytes(keys.stored_key);
  req.server_key = scram::to_bytes(keys.server_key);
  return req;
}

}  // namespace

TEST(hub_store, new_file_is_migrated_to_the_current_schema) {
  test::temp_dir dir;
  store::hub_database s{(dir.path() / "hub" / "hub.db").string()};
  EXPECT_EQ(s.version(), 6);
  SQLite::Database db((dir.path() / "hub" / "hub.db").string());
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST(hub_store, add_and_find) {
  test::temp_dir dir;
  store::directory_store s{(dir.path() / "hub.db").string()};
  auto req = make_request("alice");
  s.add_user(req, 1234);
  auto user = s.find_user("alice");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->display_name, "Alice Liddell");
  EXPECT_EQ(user->created_ms, 1234);
  auto cred = s.find_credentials("alice");
  ASSERT_TRUE(cred);
  EXPECT_EQ(cred->salt, req.salt);
  EXPECT_EQ(cred->stored_key, req.stored_key);
  EXPECT_EQ(cred->server_key, req.server_key);
  EXPECT_EQ(cred->kdf.memory_kib, 8192u);
  EXPECT_FALSE(s.find_user("bob"));
  EXPECT_FALSE(s.find_credentials("bob"));
}

TEST(hub_store, a_taken_name_is_a_conflict_and_changes_nothing) {
  test::temp_dir dir;
  store::directory_store s{(dir.path() / "hub.db").string()};
  auto first = make_request("alice");
  s.add_user(first, 1);
  EXPECT_THROW(s.add_user(make_request("alice"), 2), store::conflict);
  EXPECT_EQ(s.find_credentials("alice")->stored_key, first.stored_key);
}

TEST(hub_store, survives_reopening) {
  test::temp_dir dir;
  auto path = (dir.path() / "hub.db").string();
  auto req = make_request("alice");
  {
    store::directory_store s{path};
    s.add_user(req, 1);
  }
  store::directory_store again{path};
  EXPECT_EQ(again.find_credentials("alice")->stored_key, req.stored_key);
  EXPECT_EQ(again.version(), 6);
}

TEST(hub_store, refuses_a_newer_schema) {
  test::temp_dir dir;
  auto path = (dir.path() / "hub.db").string();
  { store::hub_database s{path}; }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version=99");
  }
  EXPECT_THROW(store::hub_database{path}, std::runtime_error);
}

TEST(hub_store, directory_search_ranks_prefixes_and_escapes_wildcards) {
  test::temp_dir dir;
  store::directory_store s{(dir.path() / "hub.db").string()};
  for (auto name : {"alice", "malice", "bob", "al_x"}) {
    auto req = make_request(name);
    req.display_name = std::string("Display ") + name;
    s.add_user(req, 1);
  }
  auto found = s.search_users("ali", 10);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].user, "alice");  // prefix first
  EXPECT_EQ(found[1].user, "malice");
  EXPECT_EQ(s.search_users("DISPLAY B", 10).at(0).user, "bob");
  EXPECT_EQ(s.search_users("al_", 10).size(), 1u) << "_ is literal";
  EXPECT_TRUE(s.search_users("%", 10).empty());
  EXPECT_EQ(s.search_users("display", 2).size(), 2u);
}

TEST(hub_store, rooms_keep_members_and_vanish_with_the_last) {
  test::temp_dir dir;
  store::directory_store s{(dir.path() / "hub.db").string()};
  for (auto name : {"alice", "bob", "carol"})
    s.add_user(make_request(name), 1);
  s.create_room("lab", "alice", {"bob"}, 5);
  EXPECT_THROW(s.create_room("lab", "bob", {}, 6), store::conflict);
  EXPECT_TRUE(s.is_member("lab", "alice"));
  EXPECT_FALSE(s.is_member("lab", "carol"));
  s.add_member("lab", "carol");
  EXPECT_EQ(s.find_room("lab")->members, (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_EQ(s.rooms_of("carol").size(), 1u);
  for (auto name : {"alice", "bob", "carol"})
    s.remove_member("lab", name);
  EXPECT_FALSE(s.find_room("lab"));
}

TEST(hub_store, a_read_receipt_replaces_a_delivered_one) {
  test::temp_dir dir;
  store::mailbox_store s{(dir.path() / "hub.db").string()};
  s.add_receipt("alice", {"m1", "bob", "delivered"});
  s.add_receipt("alice", {"m1", "bob", "read"});
  s.add_receipt("alice", {"m1", "bob", "delivered"});  // late, must not undo read
  auto r = s.take_receipts("alice");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].state, "read");
  EXPECT_TRUE(s.take_receipts("alice").empty());
}

TEST(hub_store, removing_an_envelope_keeps_its_receipt_in_the_same_transaction) {
  test::temp_dir dir;
  auto path = (dir.path() / "hub.db").string();
  store::directory_store{path}.add_user(make_request("bob"), 1);
  store::mailbox_store s{path};
  envelope env{{1, 2, 3}, {4, 5}, {6}};
  ASSERT_TRUE(s.add_envelope("bob", "alice", "m1", env, 10));
  ASSERT_TRUE(s.remove_envelope("bob", "alice", "m1"));
  EXPECT_FALSE(s.remove_envelope("bob", "alice", "m1"));
  auto r = s.take_receipts("alice");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].id, "m1");
  EXPECT_EQ(r[0].recipient, "bob");
  EXPECT_EQ(r[0].state, "delivered");
}

TEST(hub_store, one_time_prekeys_are_handed_out_once_each_and_capped) {
  test::temp_dir dir;
  auto path = (dir.path() / "hub.db").string();
  store::directory_store{path}.add_user(make_request("bob"), 1);
  store::key_store s{path};
  signed_prekey spk{1, bytes(32, 7), bytes(64, 1)};
  std::vector<one_time_prekey> batch;
  for (uint32_t id = 1; id <= 5; ++id)
    batch.push_back({id, bytes(32, static_cast<uint8_t>(id))});
  EXPECT_EQ(s.put_prekeys("bob", spk, batch, 3), 3u);   // the cap holds
  EXPECT_EQ(s.put_prekeys("bob", spk, batch, 10), 5u);  // same ids are not doubled
  std::set<uint32_t> seen;
  uint32_t left = 99;
  for (int i = 0; i < 5; ++i) {
    auto k = s.take_one_time_prekey("bob", left);
    EXPECT_NE(k.id, 0u);
    EXPECT_TRUE(seen.insert(k.id).second);
    EXPECT_EQ(left, static_cast<uint32_t>(4 - i));
  }
  EXPECT_EQ(s.take_one_time_prekey("bob", left).id, 0u);  // ran out: none
  ASSERT_TRUE(s.find_signed_prekey("bob"));
  EXPECT_EQ(s.find_signed_prekey("bob")->public_key, spk.public_key);
  EXPECT_FALSE(s.find_signed_prekey("alice"));
}

// Consent rows: each setter writes one field; a row left with no intent on
// either side is gone.
TEST(hub_store, consent_rows_keep_two_fields_and_vanish_when_empty) {
  test::temp_dir dir;
  store::directory_store s{(dir.path() / "hub.db").string()};
  s.add_user(make_request("alice"), 1);
  s.add_user(make_request("bob"), 1);
  using consent::intent;
  EXPECT_TRUE(s.consent_of("alice", "bob").empty());
  s.set_mine("alice", "bob", intent::wants, 2);
  s.set_theirs("alice", "bob", intent::declined, 3);
  auto row = s.consent_of("alice", "bob");
  EXPECT_EQ(row.mine, intent::wants);
  EXPECT_EQ(row.theirs, intent::declined);
  EXPECT_TRUE(s.consent_of("bob", "alice").empty()) << "each user's row is their own";
  s.set_mine("alice", "carol", intent::blocked, 4);
  auto rows = s.consents_of("alice");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].first, "bob");
  EXPECT_EQ(rows[1].first, "carol");
  EXPECT_EQ(rows[1].second.mine, intent::blocked);
  EXPECT_EQ(s.consent_count("alice"), 2u);
  s.set_mine("alice", "carol", intent::none, 5);
  EXPECT_EQ(s.consents_of("alice").size(), 1u) << "a row with no intent left is deleted";
  s.set_mine("alice", "bob", intent::none, 6);
  EXPECT_EQ(s.consents_of("alice").size(), 1u) << "bob's copy still holds it";
  EXPECT_EQ(s.consent_count("alice"), 0u) << "none of it alice's own";
  s.set_theirs("alice", "bob", intent::wants, 7);
  EXPECT_EQ(s.requests_to("alice"), 1u);
  s.set_theirs("alice", "bob", intent::none, 8);
  EXPECT_TRUE(s.consents_of("alice").empty());
}
