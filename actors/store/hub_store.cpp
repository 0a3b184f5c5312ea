#include "store/hub_store.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

namespace chatter::store {

namespace {

const migration_list hub_migrations = {
  // 1: directory and verifiers. No column can hold a password or anything
  // that logs in: stored_key is H(ClientKey), server_key proves the hub only.
  R"sql(
    CREATE TABLE users (
      username     TEXT PRIMARY KEY NOT NULL,
      display_name TEXT NOT NULL,
      created_ms   INTEGER NOT NULL
    );
    CREATE TABLE credentials (
      username    TEXT PRIMARY KEY NOT NULL
                  REFERENCES users(username) ON DELETE CASCADE,
      salt        BLOB NOT NULL,
      memory_kib  INTEGER NOT NULL,
      iterations  INTEGER NOT NULL,
      parallelism INTEGER NOT NULL,
      stored_key  BLOB NOT NULL,
      server_key  BLOB NOT NULL
    );
  )sql",
};

bytes blob_of(const SQLite::Column& col) {
  auto p = static_cast<const uint8_t*>(col.getBlob());
  return bytes(p, p + col.getBytes());
}

} // namespace

hub_store::hub_store(const std::string& path)
  : db_(open_database(path, hub_migrations)) {
}

void hub_store::add_user(const signup_request& req, int64_t created_ms) {
  SQLite::Transaction tx(*db_);
  SQLite::Statement exists(*db_, "SELECT 1 FROM users WHERE username = ?");
  exists.bind(1, req.user);
  if (exists.executeStep())
    throw conflict("user " + req.user + " exists");
  SQLite::Statement user(*db_,
                         "INSERT INTO users(username, display_name, created_ms) "
                         "VALUES (?, ?, ?)");
  user.bind(1, req.user);
  user.bind(2, req.display_name);
  user.bind(3, static_cast<int64_t>(created_ms));
  user.exec();
  SQLite::Statement cred(*db_,
                         "INSERT INTO credentials(username, salt, memory_kib, "
                         "iterations, parallelism, stored_key, server_key) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)");
  cred.bind(1, req.user);
  cred.bind(2, req.salt.data(), static_cast<int>(req.salt.size()));
  cred.bind(3, static_cast<int64_t>(req.kdf.memory_kib));
  cred.bind(4, static_cast<int64_t>(req.kdf.iterations));
  cred.bind(5, static_cast<int64_t>(req.kdf.parallelism));
  cred.bind(6, req.stored_key.data(), static_cast<int>(req.stored_key.size()));
  cred.bind(7, req.server_key.data(), static_cast<int>(req.server_key.size()));
  cred.exec();
  tx.commit();
}

std::optional<user_record> hub_store::find_user(const std::string& user) {
  SQLite::Statement q(*db_, "SELECT username, display_name, created_ms "
                            "FROM users WHERE username = ?");
  q.bind(1, user);
  if (!q.executeStep())
    return std::nullopt;
  return user_record{q.getColumn(0).getString(), q.getColumn(1).getString(),
                     q.getColumn(2).getInt64()};
}

std::optional<credential_record>
hub_store::find_credentials(const std::string& user) {
  SQLite::Statement q(*db_, "SELECT salt, memory_kib, iterations, parallelism, "
                            "stored_key, server_key FROM credentials "
                            "WHERE username = ?");
  q.bind(1, user);
  if (!q.executeStep())
    return std::nullopt;
  credential_record rec;
  rec.user = user;
  rec.salt = blob_of(q.getColumn(0));
  rec.kdf.memory_kib = static_cast<uint32_t>(q.getColumn(1).getInt64());
  rec.kdf.iterations = static_cast<uint32_t>(q.getColumn(2).getInt64());
  rec.kdf.parallelism = static_cast<uint32_t>(q.getColumn(3).getInt64());
  rec.stored_key = blob_of(q.getColumn(4));
  rec.server_key = blob_of(q.getColumn(5));
  return rec;
}

} // namespace chatter::store
