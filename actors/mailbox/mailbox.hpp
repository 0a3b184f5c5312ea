// The mailbox actor (hub side): store-and-forward of sealed envelopes. An
// envelope is on disk before the sender hears "ok" (state sent); it is
// pushed to the recipient whenever a session of theirs is online, and
// deleted only when the recipient acks it, which sends the sender a receipt
// (state delivered). Spawn it detached: it uses SQLite.
#pragma once

#include <string>

#include "interfaces.hpp"

namespace chatter {

// What may wait for one recipient: past either, senders hear QuotaExceeded.
struct mailbox_config {
  std::string database_path;
  uint32_t max_envelopes = 10000;
  uint64_t max_bytes = 256ull * 1024 * 1024;
};

mailbox_actor::behavior_type mailbox(mailbox_actor::pointer self, mailbox_config config);

} // namespace chatter
