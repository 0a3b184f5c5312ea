// What the hub keeps on disk: accounts survive a kill -9, failed logins are
// throttled, and the database holds nothing that equals or derives the
// password in a way that logs in.
#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "client_proxies.hpp"
#include "core/scram.hpp"
#include "helpers.hpp"
#include "world.hpp"

using namespace chatter;
using test::err;
using test::error_of;

TEST(persistence, a_registered_user_logs_in_after_kill9_and_restart) {
  test::world world;
  auto daemon = world.start_daemon();
  {
    auto conn = world.bus.connect();
    client::manager_client manager(*conn);
    manager.Register("alice", "correct horse", {});
    manager.Login("alice", "correct horse");
  }
  daemon->kill9();
  daemon = world.start_daemon();
  auto conn = world.bus.connect();
  client::manager_client manager(*conn);
  auto listed = manager.ListAccounts();
  ASSERT_EQ(listed.size(), 1u);
  client::account_client alice(*conn, listed[0]);
  EXPECT_EQ(alice.Username(), "alice");
  EXPECT_FALSE(alice.Authenticated());
  EXPECT_EQ(error_of([&] { manager.Login("alice", "wrong"); }), err("AuthenticationFailed"));
  EXPECT_NO_THROW(manager.Login("alice", "correct horse"));
  EXPECT_TRUE(alice.Authenticated());
  EXPECT_EQ(error_of([&] { manager.Register("alice", "x", {}); }), err("AlreadyExists"));
}

TEST(persistence, six_wrong_passwords_in_a_row_answer_rate_limited) {
  test::world world;
  auto daemon = world.start_daemon();
  auto conn = world.bus.connect();
  client::manager_client manager(*conn);
  manager.Register("alice", "right", {});
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(error_of([&] { manager.Login("alice", "wrong"); }), err("AuthenticationFailed"));
  EXPECT_EQ(error_of([&] { manager.Login("alice", "wrong"); }), err("RateLimited"));
  EXPECT_EQ(error_of([&] { manager.Login("alice", "right"); }), err("RateLimited"));
}

TEST(persistence, the_hub_database_holds_no_password_equivalent) {
  const std::string password = "correct horse battery";
  test::world world;
  auto daemon = world.start_daemon();
  {
    auto conn = world.bus.connect();
    client::manager_client manager(*conn);
    manager.Register("alice", password, {});
    manager.Login("alice", password);
  }
  daemon->terminate();
  SQLite::Database db(world.hub_database().string(), SQLite::OPEN_READONLY);
  SQLite::Statement cred(db,
                         "SELECT salt, memory_kib, iterations, parallelism, stored_key "
                         "FROM credentials WHERE username = 'alice'");
  ASSERT_TRUE(cred.executeStep());
  auto blob = [](const SQLite::Column& c) {
    auto p = static_cast<const uint8_t*>(c.getBlob());
    return bytes(p, p + c.getBytes());
  };
  auto salt = blob(cred.getColumn(0));
  kdf_params kdf{static_cast<uint32_t>(cred.getColumn(1).getInt()),
                 static_cast<uint32_t>(cred.getColumn(2).getInt()),
                 static_cast<uint32_t>(cred.getColumn(3).getInt())};
  auto salted = scram::salted_password(password, salt, kdf);
  auto client_key = scram::client_key(salted);
  // We are looking at the right row: it is the verifier of this password.
  ASSERT_EQ(blob(cred.getColumn(4)), scram::to_bytes(scram::stored_key(client_key)));

  const bytes password_bytes(password.begin(), password.end());
  int cells = 0;
  SQLite::Statement tables(db, "SELECT name FROM sqlite_master WHERE type = 'table'");
  while (tables.executeStep()) {
    auto table = tables.getColumn(0).getString();
    SQLite::Statement rows(db, "SELECT * FROM \"" + table + "\"");
    while (rows.executeStep()) {
      for (int i = 0; i < rows.getColumnCount(); ++i) {
        auto col = rows.getColumn(i);
        auto as_text = col.getString();
        auto value = col.isBlob() ? blob(col) : bytes(as_text.begin(), as_text.end());
        ++cells;
        EXPECT_NE(value, password_bytes) << table << "." << col.getName();
        EXPECT_NE(value, scram::to_bytes(salted))
          << table << "." << col.getName() << " holds the Argon2 output";
        EXPECT_NE(value, scram::to_bytes(client_key))
          << table << "." << col.getName() << " holds the ClientKey";
        std::string text(value.begin(), value.end());
        EXPECT_EQ(text.find(password), std::string::npos) << table << "." << col.getName();
      }
    }
  }
  EXPECT_GT(cells, 5);
  // Nor the log.
  std::ifstream log(daemon->log_file());
  std::string log_text((std::istreambuf_iterator<char>(log)), {});
  EXPECT_EQ(log_text.find(password), std::string::npos);
}
