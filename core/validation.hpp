// Argument rules shared by the D-Bus bridge (first line of defence) and the
// hub (which trusts no caller). Each returns an empty string when the value is
// fine, else a sentence saying what is wrong.
#pragma once

#include <string>
#include <string_view>

namespace chatter {

inline constexpr size_t max_username_length = 32;
inline constexpr size_t max_password_length = 1024;
inline constexpr size_t max_display_name_length = 64;

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
// A presence status a user may set, and its free-text message.
std::string check_presence(std::string_view status, std::string_view message);
bool is_valid_utf8(std::string_view text);

} // namespace chatter
