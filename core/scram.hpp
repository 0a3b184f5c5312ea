// The SCRAM math (RFC 5802/7677) behind Chatter's CHAP-family login, with
// Argon2id in place of PBKDF2. Pure functions, no CAF: the unit tests check
// them against RFC 7677's SCRAM-SHA-256 example.
//
// The hub keeps StoredKey and ServerKey only; neither lets anyone log in
// (StoredKey is a hash of ClientKey, ServerKey only proves the hub).
#pragma once

#include <string>
#include <string_view>

#include "protocol.hpp"

namespace chatter::scram {

// Argon2id(password, salt) with the hub's cost parameters. The member's
// keys are secure_bytes, wiped when freed; the hub's copies are plain bytes.
secure_bytes salted_password(std::string_view password, const bytes& salt, const kdf_params& kdf);

bytes hmac_sha256(const bytes& key, std::string_view message);
bytes sha256(const bytes& data);
secure_bytes sha256(const secure_bytes& data);

secure_bytes client_key(const secure_bytes& salted_password);  // HMAC(SP, "Client Key")
secure_bytes server_key(const secure_bytes& salted_password);  // HMAC(SP, "Server Key")
secure_bytes stored_key(const secure_bytes& client_key);       // H(ClientKey)
derived_keys derive(std::string_view password, const bytes& salt, const kdf_params& kdf);
// A copy of a key meant to leave: the verifiers the hub keeps at sign-up.
bytes to_bytes(const secure_bytes& key);

// ClientKey XOR HMAC(StoredKey, AuthMessage).
bytes client_proof(const secure_bytes& client_key, const secure_bytes& stored_key,
                   std::string_view auth_message);

// Recovers ClientKey from the proof and checks H(ClientKey) == StoredKey,
// in constant time.
bool verify_client_proof(const bytes& stored_key, std::string_view auth_message,
                         const bytes& proof);

// HMAC(ServerKey, AuthMessage): the hub's proof that it knows the verifier.
bytes server_signature(const bytes& server_key, std::string_view auth_message);
bytes server_signature(const secure_bytes& server_key, std::string_view auth_message);

bool equal_constant_time(const bytes& a, const bytes& b);

// Our framing of the AuthMessage for a login and for a re-challenge. Both
// name the purpose, so a proof for one can never pass for the other.
std::string login_auth_message(std::string_view user, std::string_view client_nonce,
                               std::string_view nonce, const bytes& salt, const kdf_params& kdf);
std::string rechallenge_auth_message(std::string_view user, std::string_view session,
                                     std::string_view nonce);

std::string random_nonce();  // 24 random bytes, base64
bytes random_bytes(size_t n);
std::string to_base64(const bytes& data);
bytes from_base64(std::string_view text);

// The hub's floor on what a client may propose: a weaker KDF is refused.
bool acceptable(const kdf_params& kdf);

// The member's floor on what a hub may ask for: OWASP's least for Argon2id
// (19 MiB, two passes). A fake or careless hub asking for less would get a
// proof, and a verifier, cheap to attack offline.
inline constexpr kdf_params member_kdf_floor{19456, 2, 1};
bool at_least_member_floor(const kdf_params& kdf);
// Each cost at least the floor's: identity.json is sealed with this, from the
// login's cost, so the file never is cheaper to attack than the login.
kdf_params raised_to_member_floor(const kdf_params& kdf);

}  // namespace chatter::scram
