#include "store/database.hpp"

#include <filesystem>


namespace chatter::store {

std::unique_ptr<SQLite::Database> open_database(const std::string& path,
                                                const migration_list& migrations) {
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent);
    std::filesystem::permissions(parent, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
  }
  auto db = std::make_unique<SQLite::Database>(
    path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
  db->setBusyTimeout(5000);
  db->exec("PRAGMA journal_mode=WAL");
  // FULL: a commit is on disk before we acknowledge anything built on it.
  db->exec("PRAGMA synchronous=FULL");
  db->exec("PRAGMA foreign_keys=ON");
  // BEGIN IMMEDIATE takes the write lock before reading the version, so two
  // connections opening a new file at once migrate it only once.
  for (;;) {
    db->exec("BEGIN IMMEDIATE");
    try {
      auto version = schema_version(*db);
      if (version > static_cast<int>(migrations.size()))
        throw std::runtime_error(path + " has schema version "
                                 + std::to_string(version)
                                 + ", newer than this chatterd knows");
      if (version == static_cast<int>(migrations.size())) {
        db->exec("COMMIT");
        break;
      }
      db->exec(migrations[static_cast<size_t>(version)]);
      db->exec("PRAGMA user_version=" + std::to_string(version + 1));
      db->exec("COMMIT");
    } catch (...) {
      db->exec("ROLLBACK");
      throw;
    }
  }
  return db;
}

int schema_version(SQLite::Database& db) {
  return db.execAndGet("PRAGMA user_version").getInt();
}

} // namespace chatter::store
