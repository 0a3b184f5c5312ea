// What every store notices about its file (store/database.cpp): damage at
// open and under a running store, and a file or WAL replaced or removed
// under it. Real SQLite files, damaged by hand.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include <sys/stat.h>

#include <SQLiteCpp/Database.h>

#include "core/scram.hpp"
#include "damage.hpp"
#include "store/directory_store.hpp"
#include "store/mailbox_store.hpp"
#include "temp_dir.hpp"

using namespace chatter;
namespace fs = std::filesystem;

namespace {

signup_request make_request(const std::string& user) {
  signup_request req;
  req.user = user;
  req.display_name = user;
  req.salt = scram::random_bytes(16);
  req.kdf = {8192, 1, 1};
  auto keys = scram::derive("pw", req.salt, req.kdf);
  req.stored_key = scram::to_bytes(keys.stored_key);
  req.server_key = scram::to_bytes(keys.server_key);
  return req;
}

// The sentence of an exception of type E thrown by `f`, or "" when none.
template <class E, class F>
std::string sentence_of(F&& f) {
  try {
    f();
  } catch (const E& ex) {
    return ex.what();
  }
  return {};
}

void expect_recovery_sentence(const std::string& why, const fs::path& db) {
  EXPECT_NE(why.find(db.string() + " is damaged"), std::string::npos) << why;
  EXPECT_NE(why.find("sqlite3 " + db.string() + " .recover"), std::string::npos) << why;
}

}  // namespace

TEST(store_file, a_damaged_file_is_refused_at_open_with_the_recovery_step) {
  test::temp_dir dir;
  auto db = dir.path() / "hub.db";
  {
    store::directory_store s{db.string()};
    for (int i = 0; i < 20; ++i)
      s.add_user(make_request("user" + std::to_string(i)), i);
  }
  test::damage_table(db, "credentials");
  auto why = sentence_of<store::damaged>([&] { store::directory_store again{db.string()}; });
  expect_recovery_sentence(why, db);
}

TEST(store_file, a_file_that_is_not_a_database_is_damaged) {
  test::temp_dir dir;
  auto db = dir.path() / "hub.db";
  std::ofstream(db) << std::string(8192, 'x');
  auto why = sentence_of<store::damaged>([&] { store::directory_store s{db.string()}; });
  expect_recovery_sentence(why, db);
}

TEST(store_file, pages_damaged_under_an_open_store_answer_damaged_not_missing) {
  test::temp_dir dir;
  auto db = dir.path() / "hub.db";
  store::directory_store s{db.string()};
  s.add_user(make_request("alice"), 1);
  auto saved = test::damage_table(db, "credentials");
  test::touch_hub_wal(db);
  expect_recovery_sentence(sentence_of<store::damaged>([&] { s.find_credentials("alice"); }), db);
  test::restore_pages(db, saved);
  test::touch_hub_wal(db);
  EXPECT_TRUE(s.find_credentials("alice"));
}

TEST(store_file, a_deleted_wal_stops_every_write_and_keeps_what_was_committed) {
  test::temp_dir dir;
  auto db = dir.path() / "hub.db";
  auto s = std::make_unique<store::directory_store>(db.string());
  s->add_user(make_request("alice"), 1);
  ASSERT_TRUE(fs::remove(fs::path(db.string() + "-wal")));
  auto why = sentence_of<store::moved>([&] { s->add_user(make_request("bob"), 2); });
  EXPECT_NE(why.find(db.string() + "-wal was removed"), std::string::npos) << why;
  EXPECT_NE(why.find("is saved in"), std::string::npos) << why;
  // Refused from then on, even once a WAL is back; reads go on.
  std::ofstream(db.string() + "-wal").flush();
  EXPECT_NE(sentence_of<store::moved>([&] { s->add_user(make_request("carol"), 3); }), "");
  EXPECT_TRUE(s->find_user("alice"));
  // What was committed before is in the file itself: a copy of it alone,
  // as a kill -9 now would leave it (the unlinked WAL gone with the
  // process), holds it.
  auto copy = dir.path() / "copy.db";
  fs::copy_file(db, copy);
  s.reset();
  store::directory_store reopened{copy.string()};
  EXPECT_TRUE(reopened.find_user("alice"));
  EXPECT_FALSE(reopened.find_user("bob"));
}

TEST(store_file, a_file_replaced_by_rename_stops_every_write) {
  test::temp_dir dir;
  auto db = dir.path() / "hub.db";
  store::directory_store s{db.string()};
  s.add_user(make_request("alice"), 1);
  auto other = dir.path() / "other.db";
  { store::directory_store o{other.string()}; }
  fs::rename(other, db);
  auto why = sentence_of<store::moved>([&] { s.add_user(make_request("bob"), 2); });
  EXPECT_NE(why.find(db.string() + " was replaced"), std::string::npos) << why;
  EXPECT_FALSE(store::directory_store{db.string()}.find_user("bob"));
}

// The cost of the fence: two stat() calls before each commit.
TEST(store_file, the_fence_costs_little_per_write) {
  test::temp_dir dir;
  auto path = (dir.path() / "hub.db").string();
  store::directory_store{path}.add_user(make_request("alice"), 1);
  store::mailbox_store s{path};
  constexpr int writes = 200;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < writes; ++i)
    s.add_receipt("alice", {"m" + std::to_string(i), "bob", "delivered"});
  auto per_write =
    std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count()
    / writes;
  auto stat_start = std::chrono::steady_clock::now();
  for (int i = 0; i < writes; ++i) {
    struct stat st {};
    ::stat((dir.path() / "hub.db").c_str(), &st);
    ::stat((dir.path() / "hub.db-wal").c_str(), &st);
  }
  auto per_check =
    std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - stat_start).count()
    / writes;
  std::printf("store_file: a write (synchronous=FULL) %.1f us, its fence check %.2f us\n",
              per_write, per_check);
  EXPECT_LT(per_check, per_write);
}
