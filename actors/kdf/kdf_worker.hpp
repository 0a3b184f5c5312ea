// A one-shot worker that stretches a password with Argon2id (~25 ms of CPU
// and 19 MiB) and quits. Spawn it detached so the scheduler's threads keep
// serving other actors meanwhile.
#pragma once

#include "interfaces.hpp"

namespace chatter {

kdf_actor::behavior_type kdf_worker(kdf_actor::pointer self);

} // namespace chatter
