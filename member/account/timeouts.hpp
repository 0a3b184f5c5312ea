// How long an account, or the sign-up beside it, waits for each party it
// asks. One place, so the steps of one exchange cannot disagree.
#pragma once

#include <chrono>

namespace chatter {

// The hub: a request and its reply cross the link twice.
inline constexpr auto hub_timeout = std::chrono::seconds(10);
// The crypto pool: sealing or opening a batch, queued behind other
// accounts'. RSA-3072 and ElGamal take milliseconds, and a room seals one
// envelope per member.
inline constexpr auto crypto_timeout = std::chrono::seconds(20);
// The KDF worker: Argon2id, or making RSA-3072 identity keys (seconds).
inline constexpr auto kdf_timeout = std::chrono::seconds(30);

}  // namespace chatter
