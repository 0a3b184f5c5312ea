// What messaging.cpp keeps in the account's state between handlers: the
// two queues that keep sequence numbers in order.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <caf/error.hpp>

#include "core/protocol.hpp"

namespace chatter {

struct messaging_state {
  // Envelopes from the hub, opened one at a time in the order it sent
  // them: the crypto pool's workers could otherwise finish them out of
  // order, and a receiver would see a gap that is none.
  std::deque<envelope> inbox;
  bool opening = false;
  bool draining_inbox = false;  // open_next's loop runs: a step that ends at once returns to it
  // Delivery receipts owed, by sender: sent as one receipt per sender once
  // the inbox is empty, not one per message.
  std::map<std::string, std::vector<std::string>> delivered;
  // Sends seal and commit one at a time: a message's sequence number is
  // taken when it seals and committed with it, so numbers go to the hub in
  // the order they were given, and a send that fails leaves no hole.
  std::deque<std::function<void()>> sealing;
  bool sealing_busy = false;
  bool draining_sealing = false;
  // Group commit: what waits for the open batch's sync, told whether it
  // made it (an error) or not (none).
  std::vector<std::function<void(const caf::error&)>> after_commit;
  const void* batch_store = nullptr;  // the store the open batch is on
  // Hub protocol batches: envelopes for the hub and acks owed to it,
  // gathered while a commit's steps run and sent as one message each.
  struct hub_push {
    std::string id;
    std::string recipient;
    envelope env;
    std::string announce_wait_as;
  };
  std::vector<hub_push> pushes;
  std::vector<message_ref> acks;
  bool gathering = false;
  // Messages on their way to the hub that nobody was told wait: id -> the
  // peer to name when they turn out to ("queued", should the hub go).
  std::map<std::string, std::string> unannounced;
};

}  // namespace chatter
