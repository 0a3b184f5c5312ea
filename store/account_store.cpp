#include "account_store.hpp"

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <map>

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
  // 2: the contact list a person keeps, and one sealed envelope per
  // recipient (a room message has one per member) until the hub has it.
  R"sql(
    CREATE TABLE address_book (
      username     TEXT PRIMARY KEY NOT NULL,
      display_name TEXT NOT NULL,
      added_ms     INTEGER NOT NULL
    );
    CREATE TABLE outbox (
      id         TEXT NOT NULL,
      recipient  TEXT NOT NULL,
      header     BLOB NOT NULL,
      ciphertext BLOB NOT NULL,
      signature  BLOB NOT NULL,
      PRIMARY KEY (id, recipient)
    );
    INSERT INTO outbox SELECT id, recipient, envelope_header, envelope_ciphertext,
      envelope_signature FROM messages
      WHERE outgoing = 1 AND envelope_header IS NOT NULL;
    UPDATE messages SET envelope_header = NULL, envelope_ciphertext = NULL,
      envelope_signature = NULL;
  )sql",
  // 3: ratchet sessions and our X3DH prekeys, private parts sealed at rest.
  R"sql(
    CREATE TABLE sessions (
      peer    TEXT NOT NULL,
      id      BLOB NOT NULL,
      record  BLOB NOT NULL,
      PRIMARY KEY (peer, id)
    );
    CREATE TABLE prekeys (
      kind        INTEGER NOT NULL,  -- 0 signed, 1 one-time
      id          INTEGER NOT NULL,
      private_key BLOB NOT NULL,
      public_key  BLOB NOT NULL,
      created_ms  INTEGER NOT NULL,
      PRIMARY KEY (kind, id)
    );
    CREATE TABLE prekey_ids (
      kind INTEGER PRIMARY KEY NOT NULL,
      next INTEGER NOT NULL
    );
  )sql",
  // 4: a closed session seals nothing more but still opens what was sent
  // under it before it closed (an envelope may wait at the hub for weeks).
  R"sql(
    ALTER TABLE sessions ADD COLUMN closed INTEGER NOT NULL DEFAULT 0;
  )sql",
  // 5: what a message says beside its text (a skewed clock, a gap before
  // it, why it was refused), and the sequence numbers of each
  // conversation: the last we sent, and the last each sender sent us.
  R"sql(
    ALTER TABLE messages ADD COLUMN extras TEXT NOT NULL DEFAULT '';
    CREATE TABLE sent_sequences (
      conversation TEXT PRIMARY KEY NOT NULL,
      last         INTEGER NOT NULL
    );
    CREATE TABLE received_sequences (
      sender       TEXT NOT NULL,
      conversation TEXT NOT NULL,
      last         INTEGER NOT NULL,
      PRIMARY KEY (sender, conversation)
    );
  )sql",
};

// Extras are kept as "key=value" lines: the keys are ours, and the values
// are checked text (no newline) or numbers.
std::string encode_extras(const std::map<std::string, std::string>& extras) {
  std::string out;
  for (auto& [k, v] : extras)
    out += k + "=" + v + "\n";
  return out;
}

std::map<std::string, std::string> decode_extras(const std::string& text) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    auto line = text.substr(start, end - start);
    if (auto eq = line.find('='); eq != std::string::npos)
      out[line.substr(0, eq)] = line.substr(eq + 1);
    start = end + 1;
  }
  return out;
}

// Outgoing states only move forward; failed is final.
int state_rank(const std::string& state) {
  if (state == "queued")
    return 0;
  if (state == "sent")
    return 1;
  if (state == "delivered")
    return 2;
  if (state == "read")
    return 3;
  return 4;  // failed, refused
}

message_record record_of(const statement_cache::lease& q) {
  // Columns: sender, id, recipient, text, timestamp_ms, state, extras
  return message_record{q->getColumn(1).getString(),
                        q->getColumn(0).getString(),
                        q->getColumn(2).getString(),
                        q->getColumn(3).getString(),
                        q->getColumn(4).getInt64(),
                        q->getColumn(5).getString(),
                        decode_extras(q->getColumn(6).getString())};
}

constexpr const char* record_columns = "sender, id, recipient, text, timestamp_ms, state, extras";

void put_sent_sequence(statement_cache& sql, const std::string& conversation, uint64_t seq) {
  auto q = sql("INSERT INTO sent_sequences(conversation, last) VALUES (?, ?) "
               "ON CONFLICT(conversation) DO UPDATE SET last = MAX(last, excluded.last)");
  q->bind(1, conversation);
  q->bind(2, static_cast<int64_t>(seq));
  q->exec();
}

void put_received_sequence(statement_cache& sql, const received_sequence& r) {
  auto q = sql("INSERT INTO received_sequences(sender, conversation, last) "
               "VALUES (?, ?, ?) ON CONFLICT(sender, conversation) "
               "DO UPDATE SET last = excluded.last");
  q->bind(1, r.sender);
  q->bind(2, r.conversation);
  q->bind(3, static_cast<int64_t>(r.last));
  q->exec();
}

}  // namespace

account_store::account_store(const std::string& path)
  : db_(open_database(path, account_migrations)) {}

void account_store::begin_batch() {
  on_file(*db_, [&] { batch_.begin(); });
}

void account_store::commit_batch() {
  on_file(*db_, [&] { batch_.commit(); });
}

void account_store::add_outgoing(const message_record& m, const std::vector<outbound>& envelopes,
                                 const std::vector<sealed_session>& sessions, uint64_t sequence) {
  write_scope tx(sql_, batch_.open());
  for (auto& s : sessions)
    put_session(s);
  if (sequence > 0)
    put_sent_sequence(sql_, m.to, sequence);
  auto q = sql_("INSERT INTO messages(sender, id, recipient, peer, outgoing, "
                "text, timestamp_ms, state) VALUES (?, ?, ?, ?, 1, ?, ?, ?)");
  q->bind(1, m.from);
  q->bind(2, m.id);
  q->bind(3, m.to);
  q->bind(4, m.to);
  q->bind(5, m.text);
  q->bind(6, m.timestamp_ms);
  q->bind(7, m.state);
  q->exec();
  auto o = sql_("INSERT INTO outbox(id, recipient, header, ciphertext, signature) "
                "VALUES (?, ?, ?, ?, ?)");
  for (auto& out : envelopes) {
    o->bind(1, m.id);
    o->bind(2, out.recipient);
    bind_blob(o, 3, out.env.header);
    bind_blob(o, 4, out.env.ciphertext);
    bind_blob(o, 5, out.env.signature);
    o->exec();
    o->reset();
  }
  tx.commit();
}

namespace {

void drop_outbox_row(statement_cache& sql, const std::string& id, const std::string& recipient) {
  auto del = sql("DELETE FROM outbox WHERE id = ? AND recipient = ?");
  del->bind(1, id);
  del->bind(2, recipient);
  del->exec();
}

}  // namespace

std::string account_store::hub_refused(const std::string& me, const std::string& id,
                                       const std::string& recipient) {
  write_scope tx(sql_, batch_.open());
  drop_outbox_row(sql_, id, recipient);
  auto peer = set_outgoing_state(me, id, "refused");
  tx.commit();
  return peer;
}

std::string account_store::hub_has(const std::string& me, const std::string& id,
                                   const std::string& recipient) {
  // One commit, not two: the outbox row goes and, with the last one, the
  // message turns "sent" (an fsync is most of what a message costs here).
  write_scope tx(sql_, batch_.open());
  drop_outbox_row(sql_, id, recipient);
  auto left = sql_("SELECT 1 FROM outbox WHERE id = ?");
  left->bind(1, id);
  std::string peer;
  if (!left->executeStep())
    peer = set_outgoing_state(me, id, "sent");
  tx.commit();
  return peer;
}

bool account_store::add_incoming(const message_record& m,
                                 const std::optional<sealed_session>& session,
                                 std::optional<uint32_t> used_one_time_prekey,
                                 const std::optional<received_sequence>& sequence) {
  write_scope tx(sql_, batch_.open());
  if (session)
    put_session(*session);
  if (used_one_time_prekey) {
    auto del = sql_("DELETE FROM prekeys WHERE kind = 1 AND id = ?");
    del->bind(1, static_cast<int64_t>(*used_one_time_prekey));
    del->exec();
  }
  auto q = sql_("INSERT OR IGNORE INTO messages(sender, id, recipient, peer, "
                "outgoing, text, timestamp_ms, state, pending, extras) "
                "VALUES (?, ?, ?, ?, 0, ?, ?, ?, 1, ?)");
  q->bind(1, m.from);
  q->bind(2, m.id);
  q->bind(3, m.to);
  // A room message belongs to the room's conversation, "#room".
  q->bind(4, !m.to.empty() && m.to[0] == '#' ? m.to : m.from);
  q->bind(5, m.text);
  q->bind(6, m.timestamp_ms);
  q->bind(7, m.state);
  q->bind(8, encode_extras(m.extras));
  bool added = q->exec() > 0;
  if (added && sequence)
    put_received_sequence(sql_, *sequence);
  tx.commit();
  return added;
}

uint64_t account_store::last_sent_sequence(const std::string& conversation) {
  auto q = sql_("SELECT last FROM sent_sequences WHERE conversation = ?");
  q->bind(1, conversation);
  return q->executeStep() ? static_cast<uint64_t>(q->getColumn(0).getInt64()) : 0;
}

std::optional<uint64_t> account_store::last_received_sequence(const std::string& sender,
                                                              const std::string& conversation) {
  auto q = sql_("SELECT last FROM received_sequences WHERE sender = ? "
                "AND conversation = ?");
  q->bind(1, sender);
  q->bind(2, conversation);
  if (!q->executeStep())
    return std::nullopt;
  return static_cast<uint64_t>(q->getColumn(0).getInt64());
}

std::string account_store::receipt_from(const std::string& me, const std::string& id,
                                        const std::string& from, const std::string& state) {
  auto cur = sql_("SELECT peer, state FROM messages WHERE sender = ? AND id = ? "
                  "AND outgoing = 1");
  cur->bind(1, me);
  cur->bind(2, id);
  if (!cur->executeStep())
    return {};
  auto peer = cur->getColumn(0).getString();
  // A room's members each send theirs; their membership is the hub's to
  // know, so any member's counts.
  if (peer != from && (peer.empty() || peer[0] != '#'))
    return {};
  // The recipient's word beats a refusal someone else provoked with a
  // forged copy of the message.
  if (cur->getColumn(1).getString() == "refused") {
    auto q = sql_("UPDATE messages SET state = ? WHERE sender = ? AND id = ?");
    q->bind(1, state);
    q->bind(2, me);
    q->bind(3, id);
    q->exec();
    return peer;
  }
  return set_outgoing_state(me, id, state);
}

std::string account_store::refused(const std::string& me, const std::string& id,
                                   const std::string& peer, const std::string& reason) {
  write_scope tx(sql_, batch_.open());
  auto cur = sql_("SELECT peer, extras FROM messages WHERE sender = ? AND id = ? "
                  "AND outgoing = 1");
  cur->bind(1, me);
  cur->bind(2, id);
  if (!cur->executeStep() || cur->getColumn(0).getString() != peer)
    return {};
  auto extras = decode_extras(cur->getColumn(1).getString());
  extras["reason"] = reason;
  auto x = sql_("UPDATE messages SET extras = ? WHERE sender = ? AND id = ?");
  x->bind(1, encode_extras(extras));
  x->bind(2, me);
  x->bind(3, id);
  x->exec();
  auto moved = set_outgoing_state(me, id, "refused");
  tx.commit();
  return moved;
}

bool account_store::has_message(const std::string& from, const std::string& id) {
  auto q = sql_("SELECT 1 FROM messages WHERE sender = ? AND id = ?");
  q->bind(1, from);
  q->bind(2, id);
  return q->executeStep();
}

std::string account_store::set_outgoing_state(const std::string& me, const std::string& id,
                                              const std::string& state) {
  auto cur = sql_("SELECT peer, state FROM messages WHERE sender = ? AND id = ? "
                  "AND outgoing = 1");
  cur->bind(1, me);
  cur->bind(2, id);
  if (!cur->executeStep())
    return {};
  auto who = cur->getColumn(0).getString();
  if (state_rank(state) <= state_rank(cur->getColumn(1).getString()))
    return {};
  auto q = sql_("UPDATE messages SET state = ? WHERE sender = ? AND id = ?");
  q->bind(1, state);
  q->bind(2, me);
  q->bind(3, id);
  q->exec();
  return who;
}

std::vector<account_store::queued> account_store::queued_outgoing() {
  auto q = sql_("SELECT o.id, o.recipient, o.header, o.ciphertext, o.signature "
                "FROM outbox o JOIN messages m ON m.id = o.id AND m.outgoing = 1 "
                "ORDER BY m.timestamp_ms, m.rowid");
  std::vector<queued> out;
  while (q->executeStep())
    out.push_back(
      {q->getColumn(0).getString(),
       {q->getColumn(1).getString(),
        envelope{blob_of(q->getColumn(2)), blob_of(q->getColumn(3)), blob_of(q->getColumn(4))}}});
  return out;
}

std::vector<message_record> account_store::history(const std::string& peer, int64_t before_ms,
                                                   uint32_t limit) {
  auto q = sql_(std::string("SELECT ") + record_columns
                + " FROM messages WHERE peer = ? AND timestamp_ms < ? "
                  "ORDER BY timestamp_ms DESC, rowid DESC LIMIT ?");
  q->bind(1, peer);
  q->bind(2, before_ms);
  q->bind(3, static_cast<int64_t>(limit));
  std::vector<message_record> out;
  while (q->executeStep())
    out.push_back(record_of(q));
  return {out.rbegin(), out.rend()};
}

std::vector<message_record> account_store::pending_incoming() {
  auto q = sql_(std::string("SELECT ") + record_columns
                + " FROM messages WHERE pending = 1 "
                  "ORDER BY timestamp_ms, rowid");
  std::vector<message_record> out;
  while (q->executeStep())
    out.push_back(record_of(q));
  return out;
}

std::vector<std::pair<std::string, std::string>> account_store::mark_read(const std::string& peer) {
  write_scope tx(sql_, batch_.open());
  auto q = sql_("SELECT sender, id FROM messages WHERE peer = ? AND outgoing = 0 "
                "AND state = 'received'");
  q->bind(1, peer);
  std::vector<std::pair<std::string, std::string>> out;
  while (q->executeStep())
    out.emplace_back(q->getColumn(0).getString(), q->getColumn(1).getString());
  auto u = sql_("UPDATE messages SET state = 'read', pending = 0 "
                "WHERE peer = ? AND outgoing = 0 AND state = 'received'");
  u->bind(1, peer);
  u->exec();
  tx.commit();
  return out;
}

void account_store::acknowledge(const std::vector<std::string>& ids) {
  write_scope tx(sql_, batch_.open());
  auto q = sql_("UPDATE messages SET pending = 0 WHERE id = ? AND outgoing = 0");
  for (auto& id : ids) {
    q->bind(1, id);
    q->exec();
    q->reset();
  }
  tx.commit();
}

std::optional<contact> account_store::find_contact(const std::string& user) {
  if (auto hit = contacts_.find(user); hit != contacts_.end())
    return hit->second;
  auto c = read_contact(user);
  // Kept only when read outside a transaction: what an open batch wrote
  // may yet roll back, and put_contact drops the entry it replaces.
  if (c && sqlite3_get_autocommit(db_->getHandle()) != 0)
    contacts_.emplace(user, *c);
  return c;
}

std::optional<contact> account_store::read_contact(const std::string& user) {
  auto q = sql_("SELECT suite, signing_key, encryption_key, binding, fingerprint, "
                "verified, new_suite, new_signing_key, new_encryption_key, "
                "new_binding, new_fingerprint FROM contacts WHERE username = ?");
  q->bind(1, user);
  if (!q->executeStep())
    return std::nullopt;
  contact c;
  c.user = user;
  c.key = {user, q->getColumn(0).getString(), blob_of(q->getColumn(1)), blob_of(q->getColumn(2)),
           blob_of(q->getColumn(3))};
  c.fingerprint = q->getColumn(4).getString();
  c.verified = q->getColumn(5).getInt() != 0;
  if (!q->getColumn(6).isNull()) {
    c.new_key = public_identity{user, q->getColumn(6).getString(), blob_of(q->getColumn(7)),
                                blob_of(q->getColumn(8)), blob_of(q->getColumn(9))};
    c.new_fingerprint = q->getColumn(10).getString();
  }
  return c;
}

void account_store::put_contact(const contact& c) {
  contacts_.erase(c.user);
  auto q = sql_("INSERT OR REPLACE INTO contacts(username, suite, signing_key, "
                "encryption_key, binding, fingerprint, verified, new_suite, "
                "new_signing_key, new_encryption_key, new_binding, "
                "new_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q->bind(1, c.user);
  q->bind(2, c.key.suite);
  bind_blob(q, 3, c.key.signing_key);
  bind_blob(q, 4, c.key.encryption_key);
  bind_blob(q, 5, c.key.binding_signature);
  q->bind(6, c.fingerprint);
  q->bind(7, c.verified ? 1 : 0);
  if (c.new_key) {
    q->bind(8, c.new_key->suite);
    bind_blob(q, 9, c.new_key->signing_key);
    bind_blob(q, 10, c.new_key->encryption_key);
    bind_blob(q, 11, c.new_key->binding_signature);
    q->bind(12, c.new_fingerprint);
  } else {
    for (int i = 8; i <= 12; ++i)
      q->bind(i);
  }
  q->exec();
}

}  // namespace chatter::store

namespace chatter::store {

void account_store::add_to_address_book(const std::string& user, const std::string& display_name,
                                        int64_t added_ms) {
  auto q = sql_("INSERT INTO address_book(username, display_name, added_ms) "
                "VALUES (?, ?, ?) ON CONFLICT(username) DO UPDATE SET "
                "display_name = excluded.display_name");
  q->bind(1, user);
  q->bind(2, display_name);
  q->bind(3, added_ms);
  q->exec();
}

bool account_store::remove_from_address_book(const std::string& user) {
  auto q = sql_("DELETE FROM address_book WHERE username = ?");
  q->bind(1, user);
  return q->exec() > 0;
}

std::vector<std::pair<std::string, std::string>> account_store::address_book() {
  auto q = sql_("SELECT username, display_name FROM address_book ORDER BY username");
  std::vector<std::pair<std::string, std::string>> out;
  while (q->executeStep())
    out.emplace_back(q->getColumn(0).getString(), q->getColumn(1).getString());
  return out;
}

}  // namespace chatter::store
