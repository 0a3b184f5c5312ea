// The mailbox actor (hub side): store-and-forward of sealed envelopes. An
// envelope is on disk before the sender hears "ok" (state sent); it is
// pushed to the recipient whenever a session of theirs is online, and
// deleted only when the recipient acks it, which sends the sender a receipt
// (state delivered). Spawn it detached: it uses SQLite.
#pragma once

#include <string>

#include "interfaces.hpp"

namespace chatter {

mailbox_actor::behavior_type mailbox(mailbox_actor::pointer self,
                                     std::string database_path);

} // namespace chatter
