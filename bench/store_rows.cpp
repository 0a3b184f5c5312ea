// What storage that notices costs (store/database.cpp): a write with the
// file fence (the dev/inode of hub.db and its WAL checked before each
// commit) beside the same write on a plain connection, and an open with
// PRAGMA quick_check beside an open without it, on the same 1,000-user file.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "core/scram.hpp"
#include "harness.hpp"
#include "store/directory_store.hpp"
#include "store/mailbox_store.hpp"
#include "world.hpp"

namespace chatter::bench {

namespace {

signup_request user_named(const std::string& name, const bytes& salt) {
  signup_request req;
  req.user = name;
  req.display_name = name;
  req.salt = salt;
  req.kdf = {8192, 1, 1};
  req.stored_key = bytes(32, 1);
  req.server_key = bytes(32, 2);
  return req;
}

// A connection as open_database makes one, without the check or the fence.
std::unique_ptr<SQLite::Database> plain_connection(const std::string& path) {
  auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE);
  db->setBusyTimeout(5000);
  db->exec("PRAGMA journal_mode=WAL");
  db->exec("PRAGMA synchronous=FULL");
  db->exec("PRAGMA foreign_keys=ON");
  return db;
}

}  // namespace

std::vector<row> store_rows(const settings& s) {
  row writes{"hub write with the file fence (one receipt, synchronous=FULL), us",
             "the same write, a connection without the fence",
             {},
             {}};
  row opens{"opening hub.db with PRAGMA quick_check (1,000 users), ms",
            "opening it without the check",
            {},
            {}};
  test::temp_dir dir;
  auto path = (dir.path() / "hub.db").string();
  {
    store::directory_store seed{path};
    auto salt = scram::random_bytes(16);
    for (int i = 0; i < 1000; ++i)
      seed.add_user(user_named("user" + std::to_string(i), salt), i);
  }
  int n = s.iterations(500);
  for (int run = 0; run < s.runs; ++run) {
    store::mailbox_store fenced{path};
    auto plain = plain_connection(path);
    SQLite::Statement insert(*plain,
                             "INSERT INTO receipts(sender, recipient, id, state) "
                             "VALUES ('user1', 'user2', ?, 'delivered')");
    int i = 0, j = 0;
    auto with_fence = micros_per_op(n, [&] {
      fenced.add_receipt(
        "user1", {"f" + std::to_string(run) + "-" + std::to_string(i++), "user2", "delivered"});
    });
    auto without = micros_per_op(n, [&] {
      insert.bind(1, "p" + std::to_string(run) + "-" + std::to_string(j++));
      insert.exec();
      insert.reset();
    });
    record(writes, with_fence, without);
  }
  for (int run = 0; run < s.runs; ++run) {
    auto checked = micros_per_op(s.iterations(20), [&] { store::hub_database again{path}; });
    auto unchecked = micros_per_op(s.iterations(20), [&] { plain_connection(path); });
    record(opens, checked / 1000, unchecked / 1000);
  }
  return {writes, opens};
}

}  // namespace chatter::bench
