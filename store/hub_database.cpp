// hub.db: its schema, its connection, group commit, and the directory reads
// every hub actor may make (see hub_database.hpp).
#include "hub_database.hpp"

#include <SQLiteCpp/Statement.h>

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
  // 2: key directory and mailbox. The mailbox holds ciphertext only.
  R"sql(
    CREATE TABLE public_keys (
      username       TEXT PRIMARY KEY NOT NULL
                     REFERENCES users(username) ON DELETE CASCADE,
      suite          TEXT NOT NULL,
      signing_key    BLOB NOT NULL,
      encryption_key BLOB NOT NULL,
      binding        BLOB NOT NULL,
      published_ms   INTEGER NOT NULL
    );
    CREATE TABLE mailbox (
      recipient  TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
      sender     TEXT NOT NULL,
      id         TEXT NOT NULL,
      header     BLOB NOT NULL,
      ciphertext BLOB NOT NULL,
      signature  BLOB NOT NULL,
      queued_ms  INTEGER NOT NULL,
      PRIMARY KEY (recipient, sender, id)
    );
    CREATE TABLE receipts (
      sender    TEXT NOT NULL,
      recipient TEXT NOT NULL,
      id        TEXT NOT NULL,
      PRIMARY KEY (sender, recipient, id)
    );
  )sql",
  // 3: rooms and their members; receipts say how far a message got.
  R"sql(
    CREATE TABLE rooms (
      name       TEXT PRIMARY KEY NOT NULL,
      owner      TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
      created_ms INTEGER NOT NULL
    );
    CREATE TABLE room_members (
      room     TEXT NOT NULL REFERENCES rooms(name) ON DELETE CASCADE,
      username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
      PRIMARY KEY (room, username)
    );
    ALTER TABLE receipts ADD COLUMN state TEXT NOT NULL DEFAULT 'delivered';
  )sql",
  // 4: X3DH prekeys (key_store.cpp).
  R"sql(
    CREATE TABLE signed_prekeys (
      username   TEXT PRIMARY KEY NOT NULL REFERENCES users(username) ON DELETE CASCADE,
      id         INTEGER NOT NULL,
      public_key BLOB NOT NULL,
      signature  BLOB NOT NULL
    );
    CREATE TABLE one_time_prekeys (
      username   TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
      id         INTEGER NOT NULL,
      public_key BLOB NOT NULL,
      PRIMARY KEY (username, id)
    );
  )sql",
  // 5: what was delivered and not yet read: a read receipt is accepted only
  // for one of these, so nobody can fill a sender's receipts with made-up ids.
  R"sql(
    CREATE TABLE delivered (
      recipient    TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
      sender       TEXT NOT NULL,
      id           TEXT NOT NULL,
      delivered_ms INTEGER NOT NULL,
      PRIMARY KEY (recipient, sender, id)
    );
  )sql",
  // 6: consent (core/consent.hpp): each user's row about another, at the
  // owner's home: the owner's own intent and a copy of the other's.
  R"sql(
    CREATE TABLE consent (
      owner      TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
      peer       TEXT NOT NULL,
      mine       TEXT NOT NULL,
      theirs     TEXT NOT NULL,
      updated_ms INTEGER NOT NULL,
      PRIMARY KEY (owner, peer)
    );
  )sql",
};

}  // namespace

hub_database::hub_database(const std::string& path) : db_(open_database(path, hub_migrations)) {}

void hub_database::begin_batch() {
  on_file(*db_, [&] { batch_.begin(); });
}

void hub_database::commit_batch() {
  on_file(*db_, [&] { batch_.commit(); });
}

std::optional<user_record> hub_database::find_user(const std::string& user) {
  return on_file(*db_, [&]() -> std::optional<user_record> {
    auto q = sql_("SELECT username, display_name, created_ms "
                  "FROM users WHERE username = ?");
    q->bind(1, user);
    if (!q->executeStep())
      return std::nullopt;
    return user_record{q->getColumn(0).getString(), q->getColumn(1).getString(),
                       q->getColumn(2).getInt64()};
  });
}

std::optional<credential_record> hub_database::find_credentials(const std::string& user) {
  return on_file(*db_, [&]() -> std::optional<credential_record> {
    auto q = sql_("SELECT salt, memory_kib, iterations, parallelism, "
                  "stored_key, server_key FROM credentials "
                  "WHERE username = ?");
    q->bind(1, user);
    if (!q->executeStep())
      return std::nullopt;
    credential_record rec;
    rec.user = user;
    rec.salt = blob_of(q->getColumn(0));
    rec.kdf.memory_kib = static_cast<uint32_t>(q->getColumn(1).getInt64());
    rec.kdf.iterations = static_cast<uint32_t>(q->getColumn(2).getInt64());
    rec.kdf.parallelism = static_cast<uint32_t>(q->getColumn(3).getInt64());
    rec.stored_key = blob_of(q->getColumn(4));
    rec.server_key = blob_of(q->getColumn(5));
    return rec;
  });
}

bool hub_database::is_member(const std::string& room, const std::string& user) {
  return on_file(*db_, [&]() -> bool {
    auto q = sql_("SELECT 1 FROM room_members WHERE room = ? AND username = ?");
    q->bind(1, room);
    q->bind(2, user);
    return q->executeStep();
  });
}

consent::row consent_row_at(SQLite::Statement& q, int first) {
  auto at = [&](int i) {
    return consent::intent_named(q.getColumn(i).getString()).value_or(consent::intent::none);
  };
  return {at(first), at(first + 1)};
}

consent::row hub_database::consent_of(const std::string& owner, const std::string& peer) {
  return on_file(*db_, [&]() -> consent::row {
    auto q = sql_("SELECT mine, theirs FROM consent WHERE owner = ? AND peer = ?");
    q->bind(1, owner);
    q->bind(2, peer);
    if (!q->executeStep())
      return {};
    return consent_row_at(*q, 0);
  });
}

}  // namespace chatter::store
