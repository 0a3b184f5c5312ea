// The mailbox actor (hub side): store-and-forward of sealed envelopes. An
// envelope is on disk before the sender hears "ok" (state sent); it is
// pushed to the recipient whenever a session of theirs is online, and
// deleted only when the recipient acks it, which sends the sender a receipt
// (state delivered).
//
// Group commit: what the mailbox writes while it works through its queue
// joins one transaction, committed (one sync) by a flush it sends itself at
// the first write, so the flush comes after everything already waiting.
// An envelope is forwarded to its recipient at once; the sender's "ok", and
// every other answer, waits for that commit.
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

mailbox_actor spawn_mailbox(caf::actor_system& sys, mailbox_config config);

} // namespace chatter
