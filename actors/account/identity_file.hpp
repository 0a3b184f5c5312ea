// accounts/<user>/identity.json: the account's password-locked private keys
// and its public identity. Written once at sign-up (0600, atomically).
#pragma once

#include <optional>
#include <string>

#include "protocol.hpp"

namespace chatter {

void save_identity_file(const std::string& folder, const locked_keys& keys);
std::optional<locked_keys> load_identity_file(const std::string& folder);

} // namespace chatter
