// The crypto actor: a pool of stateless workers that seal and open messages
// with the suites of crypto/suites.hpp. Workers run on the scheduler's
// threads: the work is CPU-bound and short (≈0.2 ms for the default suite,
// a few ms for RSA and ElGamal), never I/O.
#pragma once

#include "interfaces.hpp"

namespace chatter {

// One worker per core by default (at least two). `bench_plaintext` matters
// only in a build configured with CHATTER_BENCH_PLAINTEXT (the benchmark's):
// envelopes then carry the text unsealed and unsigned, so the benchmark can
// compare Chatter's relay with a plaintext XMPP server on equal terms.
crypto_actor spawn_crypto_pool(caf::actor_system& sys, size_t workers = 0,
                               bool bench_plaintext = false);

} // namespace chatter
