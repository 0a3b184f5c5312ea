#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>

#include "auth/scram.hpp"
#include "store/hub_store.hpp"
#include "world.hpp"

using namespace chatter;

namespace {

signup_request make_request(const std::string& user) {
  signup_request req;
  req.user = user;
  req.display_name = "Alice Liddell";
  req.salt = scram::random_bytes(16);
  req.kdf = {8192, 1, 1};
  auto keys = scram::derive("pw", req.salt, req.kdf);
  req.stored_key = keys.stored_key;
  req.server_key = keys.server_key;
  return req;
}

} // namespace

TEST(hub_store, new_file_is_migrated_to_the_current_schema) {
  test::temp_dir dir;
  store::hub_store s{(dir.path() / "hub" / "hub.db").string()};
  EXPECT_EQ(s.version(), 2);
  SQLite::Database db((dir.path() / "hub" / "hub.db").string());
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST(hub_store, add_and_find) {
  test::temp_dir dir;
  store::hub_store s{(dir.path() / "hub.db").string()};
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
  store::hub_store s{(dir.path() / "hub.db").string()};
  auto first = make_request("alice");
  s.add_user(first, 1);
  EXPECT_THROW(s.add_user(make_request("alice"), 2), store::conflict);
  EXPECT_EQ(s.find_credentials("alice")->stored_key, first.stored_key);
}

TEST(hub_store, survives_reopening) {
  test::temp_dir dir;
  auto path = (dir.path() / "hub.db").string();
  auto req = make_request("alice");
  { store::hub_store s{path}; s.add_user(req, 1); }
  store::hub_store again{path};
  EXPECT_EQ(again.find_credentials("alice")->stored_key, req.stored_key);
  EXPECT_EQ(again.version(), 2);
}

TEST(hub_store, refuses_a_newer_schema) {
  test::temp_dir dir;
  auto path = (dir.path() / "hub.db").string();
  { store::hub_store s{path}; }
  { SQLite::Database db(path, SQLite::OPEN_READWRITE); db.exec("PRAGMA user_version=99"); }
  EXPECT_THROW(store::hub_store{path}, std::runtime_error);
}
