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

// Argon2id(password, salt) with the hub's cost parameters.
bytes salted_password(std::string_view password, const bytes& salt,
                      const kdf_params& kdf);

bytes hmac_sha256(const bytes& key, std::string_view message);
bytes sha256(const bytes& data);

bytes client_key(const bytes& salted_password);  // HMAC(SP, "Client Key")
bytes server_key(const bytes& salted_password);  // HMAC(SP, "Server Key")
bytes stored_key(const bytes& client_key);       // H(ClientKey)
derived_keys derive(std::string_view password, const bytes& salt,
                    const kdf_params& kdf);

// ClientKey XOR HMAC(StoredKey, AuthMessage).
bytes client_proof(const bytes& client_key, const bytes& stored_key,
                   std::string_view auth_message);

// Recovers ClientKey from the proof and checks H(ClientKey) == StoredKey,
// in constant time.
bool verify_client_proof(const bytes& stored_key, std::string_view auth_message,
                         const bytes& proof);

// HMAC(ServerKey, AuthMessage): the hub's proof that it knows the verifier.
bytes server_signature(const bytes& server_key, std::string_view auth_message);

bool equal_constant_time(const bytes& a, const bytes& b);

// Our framing of the AuthMessage for a login and for a re-challenge. Both
// name the purpose, so a proof for one can never pass for the other.
std::string login_auth_message(std::string_view user,
                               std::string_view client_nonce,
                               std::string_view nonce, const bytes& salt,
                               const kdf_params& kdf);
std::string rechallenge_auth_message(std::string_view user,
                                     std::string_view session,
                                     std::string_view nonce);

std::string random_nonce();  // 24 random bytes, base64
bytes random_bytes(size_t n);
std::string to_base64(const bytes& data);
bytes from_base64(std::string_view text);

// The hub's floor on what a client may propose: a weaker KDF is refused.
bool acceptable(const kdf_params& kdf);

} // namespace chatter::scram
