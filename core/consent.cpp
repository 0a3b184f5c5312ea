#include "consent.hpp"

#include <array>
#include <utility>

namespace chatter::consent {

namespace {

template <class T, size_t N>
const char* lookup_name(const std::array<std::pair<T, const char*>, N>& names, T value) {
  for (auto& [v, name] : names)
    if (v == value)
      return name;
  return names[0].second;
}

template <class T, size_t N>
std::optional<T> lookup_value(const std::array<std::pair<T, const char*>, N>& names,
                              std::string_view name) {
  for (auto& [v, n] : names)
    if (name == n)
      return v;
  return std::nullopt;
}

constexpr std::array<std::pair<pair_state, const char*>, 6> state_names{{
  {pair_state::none, "none"},
  {pair_state::pending_out, "pending-out"},
  {pair_state::pending_in, "pending-in"},
  {pair_state::accepted, "accepted"},
  {pair_state::declined, "declined"},
  {pair_state::blocked, "blocked"},
}};

constexpr std::array<std::pair<intent, const char*>, 4> intent_names{{
  {intent::none, "none"},
  {intent::wants, "wants"},
  {intent::declined, "declined"},
  {intent::blocked, "blocked"},
}};

constexpr std::array<std::pair<action, const char*>, 6> action_names{{
  {action::request, "request"},
  {action::accept, "accept"},
  {action::decline, "decline"},
  {action::remove, "remove"},
  {action::block, "block"},
  {action::unblock, "unblock"},
}};

}  // namespace

pair_state state_of(const row& r) {
  switch (r.mine) {
  case intent::blocked: return pair_state::blocked;
  case intent::declined: return pair_state::declined;
  case intent::wants:
    if (r.theirs == intent::wants)
      return pair_state::accepted;
    return r.theirs == intent::declined ? pair_state::declined : pair_state::pending_out;
  case intent::none: break;
  }
  return r.theirs == intent::wants ? pair_state::pending_in : pair_state::none;
}

std::variant<intent, std::string> step(const row& r, action a, const std::string& peer) {
  auto state = state_of(r);
  switch (a) {
  case action::request:
    if (state == pair_state::blocked)
      return "you have blocked '" + peer + "'; unblock them first";
    return intent::wants;
  case action::accept:
    if (state == pair_state::blocked)
      return "you have blocked '" + peer + "'; unblock them first";
    if (r.theirs != intent::wants)
      return "'" + peer + "' has not asked to be your contact";
    return intent::wants;
  case action::decline:
    if (r.theirs != intent::wants || r.mine == intent::blocked)
      return "'" + peer + "' has not asked to be your contact";
    return intent::declined;
  case action::remove:
    if (r.mine != intent::wants && r.mine != intent::declined)
      return "'" + peer + "' is not in your contacts";
    return intent::declined;
  case action::block: return intent::blocked;
  case action::unblock:
    if (r.mine != intent::blocked)
      return "'" + peer + "' is not blocked";
    return intent::none;
  }
  return std::string("unknown action");
}

std::optional<intent> copy_of(action a) {
  switch (a) {
  case action::request:
  case action::accept: return intent::wants;
  case action::decline:
  case action::remove: return intent::declined;
  case action::unblock: return intent::none;
  case action::block: break;
  }
  return std::nullopt;
}

const char* name_of(pair_state state) {
  return lookup_name(state_names, state);
}
const char* name_of(intent i) {
  return lookup_name(intent_names, i);
}
std::optional<intent> intent_named(std::string_view name) {
  return lookup_value(intent_names, name);
}
const char* name_of(action a) {
  return lookup_name(action_names, a);
}
std::optional<action> action_named(std::string_view name) {
  return lookup_value(action_names, name);
}

}  // namespace chatter::consent
