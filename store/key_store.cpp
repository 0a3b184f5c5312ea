// The keys actor's tables: identities and X3DH prekeys.
#include "key_store.hpp"

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

void key_store::put_public_key(const public_identity& pub, int64_t published_ms) {
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

std::optional<public_identity> key_store::find_public_key(const std::string& user) {
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

uint32_t key_store::put_prekeys(const std::string& user, const signed_prekey& spk,
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

std::optional<signed_prekey> key_store::find_signed_prekey(const std::string& user) {
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

one_time_prekey key_store::take_one_time_prekey(const std::string& user, uint32_t& left) {
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
