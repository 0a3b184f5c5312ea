// The mailbox actor (hub side): store-and-forward of sealed envelopes. An
// envelope is on disk before the sender hears "ok" (state sent); it is
// pushed to the recipient whenever a session of theirs is online, and
// deleted only when the recipient acks it, which sends the sender a receipt
// (state delivered).
//
// Group commit: the mailbox keeps what it has to write in memory and runs
// it all, in one transaction and one sync, at a flush it sends itself. The
// flush comes after everything already waiting, and at most one every
// commit_interval: under load a commit carries many messages, while a lone
// message after a quiet spell commits at once. SQLite's write lock is held
// only for the flush, so the hub's other actors never wait a window out.
// An envelope is forwarded to its recipient at once; the sender's "ok", a
// "delivered" receipt, and every other answer wait for that commit.
#pragma once

#include <chrono>
#include <string>

#include "core/interfaces.hpp"

namespace chatter {

// What may wait for one recipient: past either, senders hear QuotaExceeded.
struct mailbox_config {
  std::string database_path;
  uint32_t max_envelopes = 10000;
  uint64_t max_bytes = 256ull * 1024 * 1024;
  // At most one commit (one disk sync) per interval; a batch this large
  // commits at once. PostgreSQL's commit_delay and MySQL's
  // binlog_group_commit_sync_delay make the same trade.
  std::chrono::milliseconds commit_interval{20};
  size_t max_batch = 2048;
};

mailbox_actor spawn_mailbox(caf::actor_system& sys, mailbox_config config);

}  // namespace chatter
