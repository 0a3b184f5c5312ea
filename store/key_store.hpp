// The keys actor's tables of hub.db (hub_database.hpp): one current
// identity per user, and the X3DH prekeys.
#pragma once

#include <vector>

#include "hub_database.hpp"

namespace chatter::store {

class key_store : public hub_database {
public:
  using hub_database::hub_database;

  void put_public_key(const public_identity& pub, int64_t published_ms);
  std::optional<public_identity> find_public_key(const std::string& user);

  // Replaces the signed prekey, adds the one-time prekeys (at most `cap`
  // held) and returns how many one-time prekeys are held.
  uint32_t put_prekeys(const std::string& user, const signed_prekey& spk,
                       const std::vector<one_time_prekey>& one_time, uint32_t cap);
  std::optional<signed_prekey> find_signed_prekey(const std::string& user);
  // Hands out one one-time prekey (deleted here in the same transaction);
  // `left` is how many remain. An id of 0 when none is left.
  one_time_prekey take_one_time_prekey(const std::string& user, uint32_t& left);
};

}  // namespace chatter::store
