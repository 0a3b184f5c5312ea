// The account's ratchet sessions and X3DH prekeys (see account_store.hpp).
#include "account_store.hpp"

#include <SQLiteCpp/Statement.h>

namespace chatter::store {

namespace {

int kind_code(prekey_kind kind) {
  return kind == prekey_kind::signed_key ? 0 : 1;
}

prekey_row prekey_of(const statement_cache::lease& q) {
  return {static_cast<uint32_t>(q->getColumn(0).getInt64()), blob_of(q->getColumn(1)),
          blob_of(q->getColumn(2)), q->getColumn(3).getInt64()};
}

constexpr const char* prekey_columns = "id, private_key, public_key, created_ms";

}  // namespace

std::optional<sealed_session> account_store::current_session(const std::string& peer) {
  auto q = sql_("SELECT id, record FROM sessions WHERE peer = ? AND closed = 0 "
                "ORDER BY rowid DESC LIMIT 1");
  q->bind(1, peer);
  if (!q->executeStep())
    return std::nullopt;
  return sealed_session{peer, blob_of(q->getColumn(0)), blob_of(q->getColumn(1))};
}

std::optional<sealed_session> account_store::find_session(const std::string& peer,
                                                          const bytes& id) {
  auto q = sql_("SELECT record FROM sessions WHERE peer = ? AND id = ?");
  q->bind(1, peer);
  bind_blob(q, 2, id);
  if (!q->executeStep())
    return std::nullopt;
  return sealed_session{peer, id, blob_of(q->getColumn(0))};
}

void account_store::put_session(const sealed_session& s) {
  // An update keeps the row (and so its place in "set up last").
  auto q = sql_("INSERT INTO sessions(peer, id, record) VALUES (?, ?, ?) "
                "ON CONFLICT(peer, id) DO UPDATE SET record = excluded.record");
  q->bind(1, s.peer);
  bind_blob(q, 2, s.id);
  bind_blob(q, 3, s.sealed);
  q->exec();
}

size_t account_store::close_sessions(const std::string& peer) {
  auto q = sql_("UPDATE sessions SET closed = 1 WHERE peer = ? AND closed = 0");
  q->bind(1, peer);
  return static_cast<size_t>(q->exec());
}

void account_store::put_prekeys(prekey_kind kind, const std::vector<prekey_row>& rows) {
  write_scope tx(sql_, batch_.open());
  auto q = sql_("INSERT INTO prekeys(kind, id, private_key, public_key, created_ms) "
                "VALUES (?, ?, ?, ?, ?)");
  for (auto& r : rows) {
    q->bind(1, kind_code(kind));
    q->bind(2, static_cast<int64_t>(r.id));
    bind_blob(q, 3, r.sealed_private);
    bind_blob(q, 4, r.public_key);
    q->bind(5, r.created_ms);
    q->exec();
    q->reset();
  }
  tx.commit();
}

std::optional<prekey_row> account_store::find_prekey(prekey_kind kind, uint32_t id) {
  auto q =
    sql_(std::string("SELECT ") + prekey_columns + " FROM prekeys WHERE kind = ? AND id = ?");
  q->bind(1, kind_code(kind));
  q->bind(2, static_cast<int64_t>(id));
  if (!q->executeStep())
    return std::nullopt;
  return prekey_of(q);
}

std::optional<prekey_row> account_store::newest_prekey(prekey_kind kind) {
  auto q = sql_(std::string("SELECT ") + prekey_columns
                + " FROM prekeys WHERE kind = ? ORDER BY id DESC LIMIT 1");
  q->bind(1, kind_code(kind));
  if (!q->executeStep())
    return std::nullopt;
  return prekey_of(q);
}

uint32_t account_store::reserve_prekey_ids(prekey_kind kind, uint32_t count) {
  write_scope tx(sql_, batch_.open());
  auto up = sql_("INSERT INTO prekey_ids(kind, next) VALUES (?, 1 + ?) "
                 "ON CONFLICT(kind) DO UPDATE SET next = next + ?");
  up->bind(1, kind_code(kind));
  up->bind(2, static_cast<int64_t>(count));
  up->bind(3, static_cast<int64_t>(count));
  up->exec();
  auto q = sql_("SELECT next FROM prekey_ids WHERE kind = ?");
  q->bind(1, kind_code(kind));
  q->executeStep();
  auto first = static_cast<uint32_t>(q->getColumn(0).getInt64()) - count;
  tx.commit();
  return first;
}

void account_store::retire_signed_prekeys(int64_t before_ms) {
  auto q = sql_("DELETE FROM prekeys WHERE kind = 0 AND created_ms < ? "
                "AND id < (SELECT MAX(id) FROM prekeys WHERE kind = 0)");
  q->bind(1, before_ms);
  q->exec();
}

}  // namespace chatter::store
