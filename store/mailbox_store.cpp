// The mailbox's tables: envelopes waiting for their recipient, receipts
// waiting for their sender.
#include "mailbox_store.hpp"

#include <SQLiteCpp/Statement.h>

namespace chatter::store {

bool mailbox_store::add_envelope(const std::string& recipient, const std::string& sender,
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

bool mailbox_store::has_envelope(const std::string& recipient, const std::string& sender,
                                 const std::string& id) {
  return on_file(*db_, [&]() -> bool {
    auto q = sql_("SELECT 1 FROM mailbox WHERE recipient = ? AND sender = ? AND id = ?");
    q->bind(1, recipient);
    q->bind(2, sender);
    q->bind(3, id);
    return q->executeStep();
  });
}

std::vector<envelope> mailbox_store::envelopes_for(const std::string& recipient) {
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

std::optional<uint64_t> mailbox_store::remove_envelope(const std::string& recipient,
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

mailbox_store::queue_size mailbox_store::queued_for(const std::string& recipient) {
  return on_file(*db_, [&]() -> queue_size {
    auto q = sql_("SELECT COUNT(*), COALESCE(SUM(length(header) + length(ciphertext) "
                  "+ length(signature)), 0) FROM mailbox WHERE recipient = ?");
    q->bind(1, recipient);
    q->executeStep();
    return {static_cast<uint64_t>(q->getColumn(0).getInt64()),
            static_cast<uint64_t>(q->getColumn(1).getInt64())};
  });
}

std::vector<mailbox_store::receipt>
mailbox_store::read_receipts(const std::string& recipient, const std::string& sender,
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

void mailbox_store::add_receipt(const std::string& sender, const receipt& r) {
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

void mailbox_store::add_receipts(const std::string& sender, const std::vector<receipt>& rs) {
  on_file(*db_, [&] {
    write_scope tx(sql_, batch_.open());
    for (auto& r : rs)
      add_receipt(sender, r);
    tx.commit();
  });
}

std::vector<mailbox_store::receipt> mailbox_store::take_receipts(const std::string& sender) {
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
