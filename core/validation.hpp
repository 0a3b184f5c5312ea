// Argument rules shared by the D-Bus bridge (first line of defence) and the
// hub (which trusts no caller). Each returns an empty string when the value is
// fine, else a sentence saying what is wrong.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace chatter {

inline constexpr size_t max_username_length = 32;
inline constexpr size_t max_password_length = 1024;
inline constexpr size_t max_display_name_length = 64;
// Message limits every entry point enforces.
inline constexpr size_t max_message_bytes = size_t{64} * 1024;

// Empty when `user` is a valid name (1 to 32 of a-z, 0-9, ".", "_", "-",
// the first a-z or 0-9), else a sentence saying why not.
std::string check_username(std::string_view user);
std::string check_password(std::string_view password);
std::string check_display_name(std::string_view name);
// Room names follow the user-name rules; a conversation with a room is
// addressed as "#name".
std::string check_room_name(std::string_view room);
inline bool is_room_address(std::string_view peer) {
  return !peer.empty() && peer[0] == '#';
}
// A conversation: a user name or "#room".
std::string check_peer(std::string_view peer);
// The message of a contact request: valid UTF-8, at most 1 KiB (may be
// empty).
std::string check_request_message(std::string_view message);
// What an account does about another user's consent: request, accept,
// decline, block, unblock.
std::string check_contact_action(std::string_view action);
// A presence status a user may set, and its free-text message.
std::string check_presence(std::string_view status, std::string_view message);
bool is_valid_utf8(std::string_view text);
// A user name and password of Register or Login.
std::string check_credentials(std::string_view user, std::string_view password);

// A message's text: valid UTF-8, 1 byte to max_message_bytes.
std::string check_text(std::string_view text);
// A message `user` sends to `to` (a user or "#room").
std::string check_message(std::string_view user, std::string_view to, std::string_view text);
// The number of entries of one SendMessages call.
std::string check_batch_size(size_t entries);
// A page size, from 1 to `max`.
std::string check_limit(uint32_t limit, uint32_t max);
// A directory search: its query, and how many results.
std::string check_search(std::string_view query, uint32_t limit);
// The ids of AcknowledgeMessages.
std::string check_message_ids(const std::vector<std::string>& ids);
std::string check_fingerprint(std::string_view fingerprint);
// The members named when a room is made.
std::string check_room_members(const std::vector<std::string>& members);
// Whether a room of `members` may take one more.
std::string check_room_can_grow(size_t members);
// The room name of a room method's argument; a leading '#' is accepted.
inline std::string room_name(std::string_view room) {
  return std::string(is_room_address(room) ? room.substr(1) : room);
}
// What the robot is asked to say.
std::string check_speech(std::string_view text);

// One entry of a call's a{sv} options, as the D-Bus bridge read it: the
// value's type signature, and the value itself when it is a string.
struct call_option {
  std::string type;
  std::string text;
};
using call_options = std::map<std::string, call_option>;

struct registration_settings;  // protocol.hpp
// Register's options as settings: the display name (the user name when
// none is given) and the suite ("" for the account manager's default, which
// also judges the name). Empty when they are acceptable, else why not.
std::string parse_registration(std::string_view user, const call_options& options,
                               registration_settings& out);

}  // namespace chatter
