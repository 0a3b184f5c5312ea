// Consent between two users, as pure logic. Each user's row about another
// holds two intents: their own (`mine`: none, wants, declined, blocked) and
// a copy of the other's (`theirs`). An action sets `mine` in the actor's row
// at the actor's home; the hub then copies it into the other user's row as
// `theirs`, at the other's home. Each field has one writer and the state
// people see is derived from both, so the two homes of a cluster agree
// whatever order the writes land in, and two users asking each other at
// once end accepted.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace chatter::consent {

enum class intent { none, wants, declined, blocked };

// What ListContacts shows: pending-out (I asked), pending-in (they asked),
// accepted (both asked), declined (one of us refused), blocked (I blocked
// them), or none.
enum class pair_state { none, pending_out, pending_in, accepted, declined, blocked };

// request: I want us to be contacts (it also accepts their request);
// accept: the same, only when they asked; decline: I refuse their request; remove: I no longer want
// us to be contacts, or withdraw my request (to them, as if I declined: asking again does not ring
// me); block / unblock: their envelopes, requests and presence watches stop at the hub, and they
// are not told.
enum class action { request, accept, decline, remove, block, unblock };

struct row {
  intent mine = intent::none;
  intent theirs = intent::none;
  bool empty() const {
    return mine == intent::none && theirs == intent::none;
  }
};

pair_state state_of(const row& r);

// My intent after `a`, or a sentence saying why `a` makes no sense now
// (`peer` names the other user in it).
std::variant<intent, std::string> step(const row& r, action a, const std::string& peer);

// What the other user's row learns of my intent after `a`: nothing for a
// block, so the blocked user is not told (to them it reads as before).
std::optional<intent> copy_of(action a);

// Presence goes only to a user with whom the row is accepted.
inline bool shares_presence(const row& r) {
  return state_of(r) == pair_state::accepted;
}

const char* name_of(pair_state state);
const char* name_of(intent i);
std::optional<intent> intent_named(std::string_view name);
const char* name_of(action a);
std::optional<action> action_named(std::string_view name);

}  // namespace chatter::consent
