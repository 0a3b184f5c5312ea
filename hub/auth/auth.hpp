// The auth actor (hub side): CHAP-family login with SCRAM verifiers, the
// sessions it grants, and their periodic re-challenge. A session whose
// re-challenge is answered wrongly, or not before the next one is due, is
// revoked. Spawn it detached: login reads SQLite.
#pragma once

#include <chrono>
#include <string>

#include "core/interfaces.hpp"

namespace chatter {

struct auth_config {
  std::string database_path;
  std::chrono::milliseconds rechallenge_interval{std::chrono::seconds(60)};
  // Throttling of failed logins, per user from one address, and per
  // address. An address that guesses wrong locks out only itself.
  unsigned free_failures_per_user = 5;
  unsigned free_failures_per_node = 20;
  // Challenges handed out and not yet proved, per address.
  size_t unproved_per_address = 32;
  // Sessions one user may hold; a newer login replaces the oldest.
  unsigned sessions_per_user = 16;
  std::chrono::milliseconds lockout_base{std::chrono::seconds(30)};
  std::chrono::milliseconds lockout_cap{std::chrono::minutes(15)};
  // Told of every session granted and ended (keys, mailbox).
  std::vector<session_listener_actor> listeners;
};

// Spawned detached: it reads SQLite.
auth_actor spawn_auth(caf::actor_system& sys, auth_config config);

}  // namespace chatter
