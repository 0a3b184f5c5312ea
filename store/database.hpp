// Opens a Chatter SQLite file the one right way: its integrity checked, WAL,
// foreign keys, a busy timeout, and the schema brought up to date by numbered
// migrations recorded in PRAGMA user_version. Every store (hub, account)
// opens through here, and every connection opened here refuses to commit
// once its file or its WAL was replaced or removed (see moved).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>

namespace chatter::store {

// Migration i (0-based) brings the schema from version i to i + 1.
using migration_list = std::vector<std::string>;

// Throws damaged when PRAGMA quick_check finds the file corrupt, or SQLite
// says it is not a database.
std::unique_ptr<SQLite::Database> open_database(const std::string& path,
                                                const migration_list& migrations);

int schema_version(SQLite::Database& db);

// Creates `dir` and its missing parents, each 0700; leaves the mode of any
// folder that already exists alone (it may be a shared 1777 folder).
void create_private_directories(const std::string& dir);

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
// since it was opened: writing on would lose what the new file holds. From
// then on the connection commits nothing; reads go on.
struct moved : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The sentence of damaged for `path`; `detail` is what SQLite found.
std::string damage_sentence(const std::string& path, const std::string& detail);

// Called inside a catch of `ex` on `db`: throws damaged or moved when that is
// what `ex` means, else rethrows `ex` as it is.
[[noreturn]] void rethrow_translated(SQLite::Database& db, const SQLite::Exception& ex);

// Runs a store call on `db`, SQLite's failures translated as above.
template <class F>
decltype(auto) on_file(SQLite::Database& db, F&& body) {
  try {
    return body();
  } catch (const SQLite::Exception& ex) {
    rethrow_translated(db, ex);
  }
}

}  // namespace chatter::store
