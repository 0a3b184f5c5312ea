// The keys a logged-in account keeps to answer re-challenges and to log in
// again after the hub comes back (ClientKey, StoredKey, ServerKey), held
// sealed: ChaCha20Poly1305 under SHA-256 of a 16 KiB random pad, the way
// OpenSSH's agent shields its keys. A core file, or a page written to swap,
// then holds no key bytes as such, and a key is clear only while a proof is
// computed. Whoever has all of the process's memory can still unseal them:
// this is a second line behind PR_SET_DUMPABLE, not a lock.
#pragma once

#include "core/protocol.hpp"

namespace chatter {

class key_shield {
public:
  void hold(const derived_keys& keys);
  // The keys in the clear, for one use; the caller lets them go soon.
  derived_keys reveal() const;
  bool empty() const {
    return sealed_.empty();
  }
  void clear();

private:
  secure_bytes pad_;
  bytes nonce_;
  secure_bytes sealed_;
};

}  // namespace chatter
