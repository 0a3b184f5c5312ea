// The mailbox's tables of hub.db (hub_database.hpp): envelopes waiting for
// their recipient's ack, receipts waiting for their sender.
#pragma once

#include <vector>

#include "hub_database.hpp"

namespace chatter::store {

class mailbox_store : public hub_database {
public:
  using hub_database::hub_database;

  // add_envelope returns false when (recipient, sender, id) is already
  // queued.
  bool add_envelope(const std::string& recipient, const std::string& sender, const std::string& id,
                    const envelope& env, int64_t queued_ms);
  bool has_envelope(const std::string& recipient, const std::string& sender, const std::string& id);
  std::vector<envelope> envelopes_for(const std::string& recipient);
  // Removes an acknowledged envelope and, in the same transaction, keeps a
  // "delivered" receipt for its sender; its size in bytes, or nothing when
  // it was not queued.
  std::optional<uint64_t> remove_envelope(const std::string& recipient, const std::string& sender,
                                          const std::string& id);

  // What waits for `recipient`: envelopes and their bytes (the quota).
  struct queue_size {
    uint64_t envelopes = 0;
    uint64_t bytes = 0;
  };
  queue_size queued_for(const std::string& recipient);

  // Receipts for senders, kept until the sender's next login takes them
  // (also sent at once to an online sender: receipts are idempotent).
  using receipt = receipt_info;
  void add_receipt(const std::string& sender, const receipt& r);
  void add_receipts(const std::string& sender, const std::vector<receipt>& rs);
  std::vector<receipt> take_receipts(const std::string& sender);
  // `recipient` read these messages of `sender`: the ones that were really
  // delivered to it become "read" receipts (kept, and returned); the rest are
  // made up and ignored.
  std::vector<receipt> read_receipts(const std::string& recipient, const std::string& sender,
                                     const std::vector<std::string>& ids);
};

}  // namespace chatter::store
