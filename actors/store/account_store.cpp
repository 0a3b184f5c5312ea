#include "store/account_store.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

namespace chatter::store {

namespace {

const migration_list account_migrations = {
  R"sql(
    CREATE TABLE messages (
      sender       TEXT NOT NULL,
      id           TEXT NOT NULL,
      recipient    TEXT NOT NULL,
      peer         TEXT NOT NULL,   -- the other side of the conversation
      outgoing     INTEGER NOT NULL,
      text         TEXT NOT NULL,
      timestamp_ms INTEGER NOT NULL,
      state        TEXT NOT NULL,
      pending      INTEGER NOT NULL DEFAULT 0,  -- received, not acknowledged
      envelope_header     BLOB,     -- outgoing, until the hub has it
      envelope_ciphertext BLOB,
      envelope_signature  BLOB,
      PRIMARY KEY (sender, id)
    );
    CREATE INDEX messages_by_peer ON messages(peer, timestamp_ms);
    CREATE INDEX messages_pending ON messages(pending) WHERE pending = 1;
    CREATE TABLE contacts (
      username        TEXT PRIMARY KEY NOT NULL,
      suite           TEXT NOT NULL,
      signing_key     BLOB NOT NULL,
      encryption_key  BLOB NOT NULL,
      binding         BLOB NOT NULL,
      fingerprint     TEXT NOT NULL,
      verified        INTEGER NOT NULL DEFAULT 0,
      new_suite       TEXT,
      new_signing_key BLOB,
      new_encryption_key BLOB,
      new_binding     BLOB,
      new_fingerprint TEXT
    );
  )sql",
};

bytes blob_of(const SQLite::Column& col) {
  auto p = static_cast<const uint8_t*>(col.getBlob());
  return bytes(p, p + col.getBytes());
}

void bind_blob(SQLite::Statement& q, int i, const bytes& b) {
  q.bind(i, b.data(), static_cast<int>(b.size()));
}

message_record record_of(SQLite::Statement& q) {
  // Columns: sender, id, recipient, text, timestamp_ms, state
  return message_record{q.getColumn(1).getString(), q.getColumn(0).getString(),
                        q.getColumn(2).getString(), q.getColumn(3).getString(),
                        q.getColumn(4).getInt64(), q.getColumn(5).getString()};
}

constexpr const char* record_columns = "sender, id, recipient, text, timestamp_ms, state";

} // namespace

account_store::account_store(const std::string& path)
  : db_(open_database(path, account_migrations)) {
}

void account_store::add_outgoing(const message_record& m, const envelope& env) {
  SQLite::Statement q(*db_, "INSERT INTO messages(sender, id, recipient, peer, outgoing, "
                            "text, timestamp_ms, state, envelope_header, "
                            "envelope_ciphertext, envelope_signature) "
                            "VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)");
  q.bind(1, m.from);
  q.bind(2, m.id);
  q.bind(3, m.to);
  q.bind(4, m.to);
  q.bind(5, m.text);
  q.bind(6, m.timestamp_ms);
  q.bind(7, m.state);
  bind_blob(q, 8, env.header);
  bind_blob(q, 9, env.ciphertext);
  bind_blob(q, 10, env.signature);
  q.exec();
}

bool account_store::add_incoming(const message_record& m) {
  SQLite::Statement q(*db_, "INSERT OR IGNORE INTO messages(sender, id, recipient, peer, "
                            "outgoing, text, timestamp_ms, state, pending) "
                            "VALUES (?, ?, ?, ?, 0, ?, ?, ?, 1)");
  q.bind(1, m.from);
  q.bind(2, m.id);
  q.bind(3, m.to);
  q.bind(4, m.from);
  q.bind(5, m.text);
  q.bind(6, m.timestamp_ms);
  q.bind(7, m.state);
  return q.exec() > 0;
}

bool account_store::has_message(const std::string& from, const std::string& id) {
  SQLite::Statement q(*db_, "SELECT 1 FROM messages WHERE sender = ? AND id = ?");
  q.bind(1, from);
  q.bind(2, id);
  return q.executeStep();
}

std::string account_store::set_outgoing_state(const std::string& me,
                                              const std::string& id,
                                              const std::string& state) {
  SQLite::Statement peer(*db_, "SELECT peer FROM messages WHERE sender = ? AND id = ? "
                               "AND outgoing = 1");
  peer.bind(1, me);
  peer.bind(2, id);
  if (!peer.executeStep())
    return {};
  auto who = peer.getColumn(0).getString();
  SQLite::Statement q(*db_, state == "queued"
                              ? "UPDATE messages SET state = ? WHERE sender = ? AND id = ?"
                              : "UPDATE messages SET state = ?, envelope_header = NULL, "
                                "envelope_ciphertext = NULL, envelope_signature = NULL "
                                "WHERE sender = ? AND id = ?");
  q.bind(1, state);
  q.bind(2, me);
  q.bind(3, id);
  q.exec();
  return who;
}

std::vector<std::pair<message_record, envelope>>
account_store::queued_outgoing(const std::string& me) {
  SQLite::Statement q(*db_, std::string("SELECT ") + record_columns
                              + ", envelope_header, envelope_ciphertext, envelope_signature "
                                "FROM messages WHERE sender = ? AND outgoing = 1 "
                                "AND state = 'queued' AND envelope_header IS NOT NULL "
                                "ORDER BY timestamp_ms, rowid");
  q.bind(1, me);
  std::vector<std::pair<message_record, envelope>> out;
  while (q.executeStep())
    out.emplace_back(record_of(q), envelope{blob_of(q.getColumn(6)), blob_of(q.getColumn(7)),
                                            blob_of(q.getColumn(8))});
  return out;
}

std::vector<message_record> account_store::history(const std::string& peer,
                                                   int64_t before_ms, uint32_t limit) {
  SQLite::Statement q(*db_, std::string("SELECT ") + record_columns
                              + " FROM messages WHERE peer = ? AND timestamp_ms < ? "
                                "ORDER BY timestamp_ms DESC, rowid DESC LIMIT ?");
  q.bind(1, peer);
  q.bind(2, before_ms);
  q.bind(3, static_cast<int64_t>(limit));
  std::vector<message_record> out;
  while (q.executeStep())
    out.push_back(record_of(q));
  return {out.rbegin(), out.rend()};
}

std::vector<message_record> account_store::pending_incoming() {
  SQLite::Statement q(*db_, std::string("SELECT ") + record_columns
                              + " FROM messages WHERE pending = 1 "
                                "ORDER BY timestamp_ms, rowid");
  std::vector<message_record> out;
  while (q.executeStep())
    out.push_back(record_of(q));
  return out;
}

void account_store::acknowledge(const std::vector<std::string>& ids) {
  SQLite::Transaction tx(*db_);
  SQLite::Statement q(*db_, "UPDATE messages SET pending = 0 WHERE id = ? AND outgoing = 0");
  for (auto& id : ids) {
    q.bind(1, id);
    q.exec();
    q.reset();
  }
  tx.commit();
}

std::optional<contact> account_store::find_contact(const std::string& user) {
  SQLite::Statement q(*db_, "SELECT suite, signing_key, encryption_key, binding, fingerprint, "
                            "verified, new_suite, new_signing_key, new_encryption_key, "
                            "new_binding, new_fingerprint FROM contacts WHERE username = ?");
  q.bind(1, user);
  if (!q.executeStep())
    return std::nullopt;
  contact c;
  c.user = user;
  c.key = {user, q.getColumn(0).getString(), blob_of(q.getColumn(1)),
           blob_of(q.getColumn(2)), blob_of(q.getColumn(3))};
  c.fingerprint = q.getColumn(4).getString();
  c.verified = q.getColumn(5).getInt() != 0;
  if (!q.getColumn(6).isNull()) {
    c.new_key = public_identity{user, q.getColumn(6).getString(), blob_of(q.getColumn(7)),
                                blob_of(q.getColumn(8)), blob_of(q.getColumn(9))};
    c.new_fingerprint = q.getColumn(10).getString();
  }
  return c;
}

void account_store::put_contact(const contact& c) {
  SQLite::Statement q(*db_, "INSERT OR REPLACE INTO contacts(username, suite, signing_key, "
                            "encryption_key, binding, fingerprint, verified, new_suite, "
                            "new_signing_key, new_encryption_key, new_binding, "
                            "new_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, c.user);
  q.bind(2, c.key.suite);
  bind_blob(q, 3, c.key.signing_key);
  bind_blob(q, 4, c.key.encryption_key);
  bind_blob(q, 5, c.key.binding_signature);
  q.bind(6, c.fingerprint);
  q.bind(7, c.verified ? 1 : 0);
  if (c.new_key) {
    q.bind(8, c.new_key->suite);
    bind_blob(q, 9, c.new_key->signing_key);
    bind_blob(q, 10, c.new_key->encryption_key);
    bind_blob(q, 11, c.new_key->binding_signature);
    q.bind(12, c.new_fingerprint);
  } else {
    for (int i = 8; i <= 12; ++i)
      q.bind(i);
  }
  q.exec();
}

} // namespace chatter::store
