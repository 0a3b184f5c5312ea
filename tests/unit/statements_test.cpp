// Group commit and the statement cache (store/statements.hpp) on real
// SQLite files: a batch is one transaction others see only once it is
// committed, a write that fails inside it undoes only itself, and every
// connection syncs each commit (synchronous=FULL), so an acknowledged batch
// survives power loss and not only a kill -9.
#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "core/scram.hpp"
#include "store/database.hpp"
#include "store/directory_store.hpp"
#include "store/mailbox_store.hpp"
#include "store/statements.hpp"
#include "temp_dir.hpp"

using namespace chatter;

namespace {

signup_request user_named(const std::string& user) {
  signup_request req;
  req.user = user;
  req.display_name = user;
  req.salt = scram::random_bytes(16);
  req.kdf = {8192, 1, 1};
  req.stored_key = bytes(32, 1);
  req.server_key = bytes(32, 2);
  return req;
}

envelope envelope_with(const std::string& id) {
  return {bytes(id.begin(), id.end()), bytes(64, 7), bytes(64, 9)};
}

int64_t count(const std::string& path, const std::string& table) {
  SQLite::Database other(path, SQLite::OPEN_READONLY);
  return other.execAndGet("SELECT COUNT(*) FROM " + table).getInt64();
}

class statements : public testing::Test {
protected:
  test::temp_dir dir_;
  std::string path_ = (dir_.path() / "hub.db").string();
};

}  // namespace

TEST_F(statements, every_connection_syncs_each_commit) {
  auto db = store::open_database(path_, {});
  EXPECT_EQ(db->execAndGet("PRAGMA synchronous").getInt(), 2) << "2 is FULL";
  EXPECT_EQ(db->execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST_F(statements, a_batch_is_seen_by_another_connection_only_after_its_commit) {
  {
    store::directory_store directory(path_);
    directory.add_user(user_named("alice"), 1);
    directory.add_user(user_named("bob"), 1);
  }
  store::mailbox_store hub(path_);
  hub.begin_batch();
  for (auto id : {"m1", "m2", "m3"})
    ASSERT_TRUE(hub.add_envelope("bob", "alice", id, envelope_with(id), 2));
  EXPECT_TRUE(hub.in_batch());
  EXPECT_EQ(count(path_, "mailbox"), 0) << "nothing is on disk before the commit";
  EXPECT_EQ(hub.envelopes_for("bob").size(), 3u) << "the batch sees its own writes";
  hub.commit_batch();
  EXPECT_FALSE(hub.in_batch());
  EXPECT_EQ(count(path_, "mailbox"), 3);
}

TEST_F(statements, a_write_that_fails_inside_a_batch_undoes_only_itself) {
  store::directory_store hub(path_);
  hub.begin_batch();
  hub.add_user(user_named("alice"), 1);
  EXPECT_THROW(hub.add_user(user_named("alice"), 1), store::conflict);
  hub.add_user(user_named("bob"), 1);
  hub.commit_batch();
  EXPECT_EQ(count(path_, "users"), 2);
  EXPECT_EQ(count(path_, "credentials"), 2);
}

TEST_F(statements, a_sql_text_lent_twice_at_once_gets_a_second_statement) {
  auto db = store::open_database(path_, {});
  store::statement_cache sql(*db);
  SQLite::Statement* first = nullptr;
  {
    auto outer = sql("SELECT 1");
    auto inner = sql("SELECT 1");
    first = &*outer;
    EXPECT_NE(&*inner, first) << "one statement cannot serve two callers at once";
    ASSERT_TRUE(outer->executeStep());
    ASSERT_TRUE(inner->executeStep());
  }
  auto again = sql("SELECT 1");
  EXPECT_EQ(&*again, first) << "compiled once, used again";
  EXPECT_TRUE(again->executeStep()) << "handed back reset";
}
