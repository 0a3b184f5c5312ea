// Chatter's error codes. They travel inside caf::error (category "chatter")
// with a sentence for a person as context, and the D-Bus bridge maps each to
// org.chatter.Chatter1.Error.<name>.
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>

#include "protocol.hpp"

namespace chatter {

enum class errc : uint8_t {
  invalid_argument = 1,
  not_found,
  already_exists,
  authentication_failed,
  rate_limited,
  not_logged_in,
  untrusted_key,
  hub_unreachable,
  internal,
  timeout,
  quota_exceeded,
  // A store file is damaged, unwritable or was replaced under us: never
  // reported as a wrong password or a missing account.
  storage_failed,
  // The hub asked for a key derivation cheaper than the member's floor
  // (scram::member_kdf_floor): a fake hub collecting cheap proofs.
  weak_kdf,
};

inline constexpr caf::atom_value error_category = caf::atom("chatter");

// "InvalidArgument", "NotFound", ...: the last part of the D-Bus error name.
const char* error_name(errc code);

caf::error make_error(errc code, std::string sentence);

// NotLoggedIn, with the one sentence every caller gives it.
caf::error not_logged_in(const std::string& user);

// The name and the sentence of any error an actor answered, including CAF's
// own (a request timeout becomes Timeout, anything else Internal).
struct error_description {
  std::string name;
  std::string sentence;
};
error_description describe(const caf::error& err);

// One envelope's outcome in a batch (protocol.hpp), and back: a code we do
// not know becomes Internal, a sentence is cut at 300 characters.
envelope_outcome outcome_of(const caf::error& err);
caf::error error_of(const envelope_outcome& outcome);

// Renders our category in logs (actor_system_config::add_error_category).
std::string render_error(uint8_t code, caf::atom_value, const caf::message& ctx);

}  // namespace chatter
