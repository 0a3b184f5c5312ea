// The crypto actor: a pool of stateless workers that seal and open messages
// with the suites of crypto/suites.hpp. Workers run on the scheduler's
// threads: the work is CPU-bound and short (≈0.2 ms for the default suite,
// a few ms for RSA and ElGamal), never I/O.
#pragma once

#include "core/interfaces.hpp"

namespace chatter {

// One worker per core by default (at least two).
crypto_actor spawn_crypto_pool(caf::actor_system& sys, size_t workers = 0);

}  // namespace chatter
