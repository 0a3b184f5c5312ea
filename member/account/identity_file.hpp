// accounts/<user>/identity.json: the account's password-locked private keys
// and its public identity. Written at sign-up, and again when a login finds
// it sealed the old way (0600, atomically: a temporary file, then rename).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/crypto/suites.hpp"
#include "core/protocol.hpp"

namespace chatter {

void save_identity_file(const std::string& folder, const locked_keys& keys);
std::optional<locked_keys> load_identity_file(const std::string& folder);

crypto::locked_identity locked_identity_of(const locked_keys& keys);
locked_keys locked_keys_of(const crypto::locked_identity& locked, const public_identity& pub);

// Unlocks the keys read from `folder`. A file sealed the old way (PBKDF2), or
// with Argon2id cheaper than the login's `login_kdf`, is sealed again at that
// cost (see scram::raised_to_member_floor); a failure to rewrite it is logged
// and the login goes on with the old file. Throws crypto_error for a wrong
// password or a damaged file.
crypto::private_identity unlock_identity_file(const std::string& folder, const locked_keys& keys,
                                              std::string_view password,
                                              const kdf_params& login_kdf);

}  // namespace chatter
