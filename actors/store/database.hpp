// Opens a Chatter SQLite file the one right way: WAL, foreign keys, a busy
// timeout, and the schema brought up to date by numbered migrations recorded
// in PRAGMA user_version. Every store (hub, account) opens through here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

namespace chatter::store {

// Migration i (0-based) brings the schema from version i to i + 1.
using migration_list = std::vector<std::string>;

std::unique_ptr<SQLite::Database> open_database(const std::string& path,
                                                const migration_list& migrations);

int schema_version(SQLite::Database& db);

// Thrown when an insert hits a UNIQUE constraint: callers turn it into
// AlreadyExists.
struct conflict : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Thrown when a file fails its integrity check at open, or a statement finds
// it corrupt. what() is a sentence for a person: it names the file and the
// sqlite3 `.recover` step.
struct damaged : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Thrown before a write when the file (or its WAL) was replaced or removed
// since it was opened: writing on would lose what the new file holds.
struct moved : std::runtime_error {
  using std::runtime_error::runtime_error;
};

} // namespace chatter::store
