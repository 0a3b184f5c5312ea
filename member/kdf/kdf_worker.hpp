// A one-shot worker that stretches a password with Argon2id (~25 ms of CPU
// and 19 MiB), or makes and locks an account's identity keys (RSA-3072: up
// to seconds), and quits. Spawn it detached so the scheduler's threads keep
// serving other actors meanwhile.
#pragma once

#include "core/interfaces.hpp"

namespace chatter {

// `kdf` is the cost the hub asked for; fixed at spawn, so one worker stretches
// with one set of parameters. (Spawning a function with no argument also
// trips UBSan inside CAF 0.17's init_fun_factory.)
kdf_actor::behavior_type kdf_worker(kdf_actor::pointer self, kdf_params kdf);

}  // namespace chatter
