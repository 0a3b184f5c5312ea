#include "hub_store.hpp"

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
  // 4: X3DH prekeys (hub_store_prekeys.cpp).
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
};

}  // namespace

hub_store::hub_store(const std::string& path) : db_(open_database(path, hub_migrations)) {}

void hub_store::begin_batch() {
  on_file(*db_, [&] { batch_.begin(); });
}

void hub_store::commit_batch() {
  on_file(*db_, [&] { batch_.commit(); });
}

void hub_store::add_user(const signup_request& req, int64_t created_ms) {
  on_file(*db_, [&] {
    write_scope tx(sql_, batch_.open());
    auto exists = sql_("SELECT 1 FROM users WHERE username = ?");
    exists->bind(1, req.user);
    if (exists->executeStep())
      throw conflict("user " + req.user + " exists");
    auto user = sql_("INSERT INTO users(username, display_name, created_ms) "
                     "VALUES (?, ?, ?)");
    user->bind(1, req.user);
    user->bind(2, req.display_name);
    user->bind(3, static_cast<int64_t>(created_ms));
    user->exec();
    auto cred = sql_("INSERT INTO credentials(username, salt, memory_kib, "
                     "iterations, parallelism, stored_key, server_key) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)");
    cred->bind(1, req.user);
    cred->bind(2, req.salt.data(), static_cast<int>(req.salt.size()));
    cred->bind(3, static_cast<int64_t>(req.kdf.memory_kib));
    cred->bind(4, static_cast<int64_t>(req.kdf.iterations));
    cred->bind(5, static_cast<int64_t>(req.kdf.parallelism));
    cred->bind(6, req.stored_key.data(), static_cast<int>(req.stored_key.size()));
    cred->bind(7, req.server_key.data(), static_cast<int>(req.server_key.size()));
    cred->exec();
    tx.commit();
  });
}

std::optional<user_record> hub_store::find_user(const std::string& user) {
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

std::optional<credential_record> hub_store::find_credentials(const std::string& user) {
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

void hub_store::put_public_key(const public_identity& pub, int64_t published_ms) {
  on_file(*db_, [&] {
    write_scope tx(sql_, batch_.open());
    // Prekeys are signed by the identity: a new identity voids them.
    auto before = find_public_key(pub.user);
    if (before && before->signing_key != pub.signing_key)
      for (const char* table : {"signed_prekeys", "one_time_prekeys"}) {
        auto del = sql_(std::string("DELETE FROM ") + table + " WHERE username = ?");
        del->bind(1, pub.user);
        del->exec();
      }
    auto q = sql_("INSERT OR REPLACE INTO public_keys(username, suite, "
                  "signing_key, encryption_key, binding, published_ms) "
                  "VALUES (?, ?, ?, ?, ?, ?)");
    q->bind(1, pub.user);
    q->bind(2, pub.suite);
    q->bind(3, pub.signing_key.data(), static_cast<int>(pub.signing_key.size()));
    q->bind(4, pub.encryption_key.data(), static_cast<int>(pub.encryption_key.size()));
    q->bind(5, pub.binding_signature.data(), static_cast<int>(pub.binding_signature.size()));
    q->bind(6, published_ms);
    q->exec();
    tx.commit();
  });
}

std::optional<public_identity> hub_store::find_public_key(const std::string& user) {
  return on_file(*db_, [&]() -> std::optional<public_identity> {
    auto q = sql_("SELECT suite, signing_key, encryption_key, binding "
                  "FROM public_keys WHERE username = ?");
    q->bind(1, user);
    if (!q->executeStep())
      return std::nullopt;
    return public_identity{user, q->getColumn(0).getString(), blob_of(q->getColumn(1)),
                           blob_of(q->getColumn(2)), blob_of(q->getColumn(3))};
  });
}

bool hub_store::add_envelope(const std::string& recipient, const std::string& sender,
                             const std::string& id, const envelope& env, int64_t queued_ms) {
  return on_file(*db_, [&]() -> bool {
    auto q = sql_("INSERT OR IGNORE INTO mailbox(recipient, sender, id, "
                  "header, ciphertext, signature, queued_ms) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)");
    q->bind(1, recipient);
    q->bind(2, sender);
    q->bind(3, id);
    q->bind(4, env.header.data(), static_cast<int>(env.header.size()));
    q->bind(5, env.ciphertext.data(), static_cast<int>(env.ciphertext.size()));
    q->bind(6, env.signature.data(), static_cast<int>(env.signature.size()));
    q->bind(7, queued_ms);
    return q->exec() > 0;
  });
}

bool hub_store::has_envelope(const std::string& recipient, const std::string& sender,
                             const std::string& id) {
  return on_file(*db_, [&]() -> bool {
    auto q = sql_("SELECT 1 FROM mailbox WHERE recipient = ? AND sender = ? AND id = ?");
    q->bind(1, recipient);
    q->bind(2, sender);
    q->bind(3, id);
    return q->executeStep();
  });
}

std::vector<envelope> hub_store::envelopes_for(const std::string& recipient) {
  return on_file(*db_, [&]() -> std::vector<envelope> {
    auto q = sql_("SELECT header, ciphertext, signature FROM mailbox "
                  "WHERE recipient = ? ORDER BY queued_ms, rowid");
    q->bind(1, recipient);
    std::vector<envelope> out;
    while (q->executeStep())
      out.push_back({blob_of(q->getColumn(0)), blob_of(q->getColumn(1)), blob_of(q->getColumn(2))});
    return out;
  });
}

std::optional<uint64_t> hub_store::remove_envelope(const std::string& recipient,
                                                   const std::string& sender,
                                                   const std::string& id) {
  return on_file(*db_, [&]() -> std::optional<uint64_t> {
    // The receipt is written in the same transaction: a crash between the two
    // would otherwise lose it, and the sender would never see "delivered".
    write_scope tx(sql_, batch_.open());
    auto q = sql_("DELETE FROM mailbox WHERE recipient = ? AND sender = ? "
                  "AND id = ? RETURNING length(header) + length(ciphertext) "
                  "+ length(signature)");
    q->bind(1, recipient);
    q->bind(2, sender);
    q->bind(3, id);
    std::optional<uint64_t> removed;
    if (q->executeStep())
      removed = static_cast<uint64_t>(q->getColumn(0).getInt64());
    q->reset();
    if (removed) {
      add_receipt(sender, {id, recipient, "delivered"});
      auto keep = sql_("INSERT OR IGNORE INTO delivered(recipient, sender, id, "
                       "delivered_ms) VALUES (?, ?, ?, strftime('%s','now') * 1000)");
      keep->bind(1, recipient);
      keep->bind(2, sender);
      keep->bind(3, id);
      keep->exec();
    }
    tx.commit();
    return removed;
  });
}

hub_store::queue_size hub_store::queued_for(const std::string& recipient) {
  return on_file(*db_, [&]() -> queue_size {
    auto q = sql_("SELECT COUNT(*), COALESCE(SUM(length(header) + length(ciphertext) "
                  "+ length(signature)), 0) FROM mailbox WHERE recipient = ?");
    q->bind(1, recipient);
    q->executeStep();
    return {static_cast<uint64_t>(q->getColumn(0).getInt64()),
            static_cast<uint64_t>(q->getColumn(1).getInt64())};
  });
}

std::vector<hub_store::receipt> hub_store::read_receipts(const std::string& recipient,
                                                         const std::string& sender,
                                                         const std::vector<std::string>& ids) {
  return on_file(*db_, [&]() -> std::vector<receipt> {
    write_scope tx(sql_, batch_.open());
    auto del = sql_("DELETE FROM delivered WHERE recipient = ? AND sender = ? AND id = ?");
    std::vector<receipt> out;
    for (auto& id : ids) {
      del->bind(1, recipient);
      del->bind(2, sender);
      del->bind(3, id);
      if (del->exec() > 0) {
        out.push_back({id, recipient, "read"});
        add_receipt(sender, out.back());
      }
      del->reset();
    }
    tx.commit();
    return out;
  });
}

void hub_store::add_receipt(const std::string& sender, const receipt& r) {
  on_file(*db_, [&] {
    // A later state replaces an earlier one: read implies delivered.
    auto q = sql_("INSERT INTO receipts(sender, recipient, id, state) "
                  "VALUES (?, ?, ?, ?) ON CONFLICT(sender, recipient, id) "
                  "DO UPDATE SET state = excluded.state "
                  "WHERE excluded.state = 'read'");
    q->bind(1, sender);
    q->bind(2, r.recipient);
    q->bind(3, r.id);
    q->bind(4, r.state);
    q->exec();
  });
}

void hub_store::add_receipts(const std::string& sender, const std::vector<receipt>& rs) {
  on_file(*db_, [&] {
    write_scope tx(sql_, batch_.open());
    for (auto& r : rs)
      add_receipt(sender, r);
    tx.commit();
  });
}

std::vector<hub_store::receipt> hub_store::take_receipts(const std::string& sender) {
  return on_file(*db_, [&]() -> std::vector<receipt> {
    write_scope tx(sql_, batch_.open());
    auto q = sql_("SELECT id, recipient, state FROM receipts WHERE sender = ?");
    q->bind(1, sender);
    std::vector<receipt> out;
    while (q->executeStep())
      out.push_back(
        {q->getColumn(0).getString(), q->getColumn(1).getString(), q->getColumn(2).getString()});
    auto del = sql_("DELETE FROM receipts WHERE sender = ?");
    del->bind(1, sender);
    del->exec();
    tx.commit();
    return out;
  });
}

}  // namespace chatter::store
