// CAF delivers exit_msg and down_msg as message content, and any node
// connected to ours can send content to any actor whose handle ever crossed
// the wire, naming whatever source it likes (BASP's routed_message even lets
// it name the sender's node). So an actor that a peer can reach believes a
// system message only when the actor it names has really ended, and only
// from the one actor it has reason to hear it from.
#pragma once

#include <cstdint>

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/system_messages.hpp>
#include <spdlog/spdlog.h>

namespace chatter {

// True when the actor a system message names has terminated (or is gone):
// a forged message names a live one.
inline bool source_ended(const caf::actor_addr& source) {
  auto ptr = caf::actor_cast<caf::strong_actor_ptr>(source);
  return !ptr || ptr->get()->getf(caf::abstract_actor::is_terminated_flag);
}

// Exit messages: only one from `guardian` (the local actor this one lives
// for, never one a peer can reach) is obeyed: sent by it, or from a link to
// it once it has really ended. Every other one is logged, counted and
// dropped. A null guardian obeys none: the actor ends by other means.
template <class Self>
void obey_exits_only_from(Self* self, const caf::actor_addr& guardian, const char* who,
                          uint64_t* ignored) {
  self->set_exit_handler([=](caf::exit_msg& msg) {
    auto sent_by_guardian = caf::actor_cast<caf::actor_addr>(self->current_sender()) == guardian;
    if (guardian && msg.source == guardian && (sent_by_guardian || source_ended(msg.source))) {
      self->quit(msg.reason);
      return;
    }
    if (msg.source == self->address())
      return;
    ++*ignored;
    spdlog::warn("{}: ignored an exit message not from the actor it lives for ({} so far)", who,
                 *ignored);
  });
}

}  // namespace chatter
