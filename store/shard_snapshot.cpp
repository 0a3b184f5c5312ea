#include "shard_snapshot.hpp"

#include <filesystem>
#include <fstream>
#include <random>

#include <SQLiteCpp/SQLiteCpp.h>

#include "hub_database.hpp"

namespace chatter::store {

namespace {

// Parents before children, for the foreign keys.
struct moved_table {
  const char* name;
  const char* user_column;
};
constexpr moved_table moved_tables[] = {
  {"users", "username"},          {"credentials", "username"},      {"public_keys", "username"},
  {"signed_prekeys", "username"}, {"one_time_prekeys", "username"}, {"mailbox", "recipient"},
  {"consent", "owner"},
};

std::string scratch_path(const std::string& database_path, const char* what) {
  std::random_device rd;
  auto dir = std::filesystem::path(database_path).parent_path();
  return (dir / (std::string(what) + "-" + std::to_string(rd()) + ".db")).string();
}

std::unique_ptr<SQLite::Database> open_hub(const std::string& path) {
  // Through hub_database once, so the schema is current before we copy rows.
  { hub_database probe{path}; }
  // CREATE too: ATTACH creates the snapshot file with these flags.
  auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db->exec("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;");
  return db;
}

}  // namespace

std::vector<std::string> list_users(const std::string& database_path) {
  auto db = open_hub(database_path);
  SQLite::Statement q(*db, "SELECT username FROM users");
  std::vector<std::string> out;
  while (q.executeStep())
    out.push_back(q.getColumn(0).getString());
  return out;
}

bytes export_users(const std::string& database_path, const std::vector<std::string>& users) {
  auto path = scratch_path(database_path, "export");
  {
    auto db = open_hub(database_path);
    SQLite::Statement attach(*db, "ATTACH DATABASE ? AS snapshot");
    attach.bind(1, path);
    attach.exec();
    SQLite::Transaction tx(*db);  // one consistent read of every table
    db->exec("CREATE TABLE snapshot.moving (name TEXT PRIMARY KEY)");
    SQLite::Statement add(*db, "INSERT INTO snapshot.moving VALUES (?)");
    for (auto& u : users) {
      add.bind(1, u);
      add.exec();
      add.reset();
    }
    for (auto& t : moved_tables)
      db->exec(std::string("CREATE TABLE snapshot.") + t.name + " AS SELECT * FROM main." + t.name
               + " WHERE " + t.user_column + " IN (SELECT name FROM snapshot.moving)");
    tx.commit();
    db->exec("DETACH DATABASE snapshot");
  }
  std::ifstream in(path, std::ios::binary);
  bytes out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  return out;
}

size_t import_users(const std::string& database_path, const bytes& snapshot) {
  auto path = scratch_path(database_path, "import");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(snapshot.data()),
              static_cast<std::streamsize>(snapshot.size()));
  }
  size_t count = 0;
  try {
    auto db = open_hub(database_path);
    SQLite::Statement attach(*db, "ATTACH DATABASE ? AS snapshot");
    attach.bind(1, path);
    attach.exec();
    {
      SQLite::Transaction tx(*db);
      for (auto& t : moved_tables)
        db->exec(std::string("INSERT OR IGNORE INTO main.") + t.name + " SELECT * FROM snapshot."
                 + t.name);
      SQLite::Statement n(*db, "SELECT count(*) FROM snapshot.moving");
      n.executeStep();
      count = static_cast<size_t>(n.getColumn(0).getInt64());
      tx.commit();
    }
    db->exec("DETACH DATABASE snapshot");
  } catch (...) {
    std::filesystem::remove(path);
    throw;
  }
  std::filesystem::remove(path);
  return count;
}

void delete_users(const std::string& database_path, const std::vector<std::string>& users) {
  auto db = open_hub(database_path);
  SQLite::Transaction tx(*db);
  SQLite::Statement del(*db, "DELETE FROM users WHERE username = ?");
  for (auto& u : users) {
    del.bind(1, u);
    del.exec();
    del.reset();
  }
  tx.commit();
}

}  // namespace chatter::store
