// The hub's X3DH prekeys (see hub_store.hpp).
#include "hub_store.hpp"

#include <SQLiteCpp/Statement.h>

namespace chatter::store {

namespace {

uint32_t count_one_time(statement_cache& sql, const std::string& user) {
  auto q = sql("SELECT COUNT(*) FROM one_time_prekeys WHERE username = ?");
  q->bind(1, user);
  q->executeStep();
  return static_cast<uint32_t>(q->getColumn(0).getInt64());
}

}  // namespace

uint32_t hub_store::put_prekeys(const std::string& user, const signed_prekey& spk,
                                const std::vector<one_time_prekey>& one_time, uint32_t cap) {
  return on_file(*db_, [&]() -> uint32_t {
    write_scope tx(sql_, batch_.open());
    auto s = sql_("INSERT OR REPLACE INTO signed_prekeys(username, id, public_key, "
                  "signature) VALUES (?, ?, ?, ?)");
    s->bind(1, user);
    s->bind(2, static_cast<int64_t>(spk.id));
    bind_blob(s, 3, spk.public_key);
    bind_blob(s, 4, spk.signature);
    s->exec();
    auto held = count_one_time(sql_, user);
    auto o = sql_("INSERT OR IGNORE INTO one_time_prekeys(username, id, public_key) "
                  "VALUES (?, ?, ?)");
    for (auto& k : one_time) {
      if (held >= cap)
        break;
      o->bind(1, user);
      o->bind(2, static_cast<int64_t>(k.id));
      bind_blob(o, 3, k.public_key);
      held += o->exec() > 0 ? 1 : 0;
      o->reset();
    }
    tx.commit();
    return held;
  });
}

std::optional<signed_prekey> hub_store::find_signed_prekey(const std::string& user) {
  return on_file(*db_, [&]() -> std::optional<signed_prekey> {
    auto q = sql_("SELECT id, public_key, signature FROM signed_prekeys "
                  "WHERE username = ?");
    q->bind(1, user);
    if (!q->executeStep())
      return std::nullopt;
    return signed_prekey{static_cast<uint32_t>(q->getColumn(0).getInt64()),
                         blob_of(q->getColumn(1)), blob_of(q->getColumn(2))};
  });
}

one_time_prekey hub_store::take_one_time_prekey(const std::string& user, uint32_t& left) {
  return on_file(*db_, [&]() -> one_time_prekey {
    write_scope tx(sql_, batch_.open());
    auto q = sql_("SELECT id, public_key FROM one_time_prekeys WHERE username = ? "
                  "ORDER BY id LIMIT 1");
    q->bind(1, user);
    one_time_prekey out;
    if (q->executeStep()) {
      out = {static_cast<uint32_t>(q->getColumn(0).getInt64()), blob_of(q->getColumn(1))};
      auto del = sql_("DELETE FROM one_time_prekeys WHERE username = ? AND id = ?");
      del->bind(1, user);
      del->bind(2, static_cast<int64_t>(out.id));
      del->exec();
    }
    left = count_one_time(sql_, user);
    tx.commit();
    return out;
  });
}

}  // namespace chatter::store
