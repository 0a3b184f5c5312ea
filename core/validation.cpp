#include "validation.hpp"

namespace chatter {

std::string check_username(std::string_view user) {
  if (user.empty())
    return "the user name is empty";
  if (user.size() > max_username_length)
    return "the user name is longer than 32 characters";
  // A name is also a folder name (accounts/<user>): "." and "..", and
  // names a shell or a tool takes for options or hidden files, are refused.
  auto first = user.front();
  if (!((first >= 'a' && first <= 'z') || (first >= '0' && first <= '9')))
    return "the user name '" + std::string(user) + "' must start with a-z or 0-9";
  for (char c : user) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
              || c == '_' || c == '-';
    if (!ok)
      return "the user name '" + std::string(user)
             + "' may hold only a-z, 0-9, '.', '_' and '-'";
  }
  return {};
}

std::string check_room_name(std::string_view room) {
  if (room.empty() || room.size() > max_username_length)
    return "a room name has 1 to 32 characters";
  if (!check_username(room).empty())
    return "the room name '" + std::string(room) + "' may hold only a-z, 0-9, '.', '_' and '-'";
  return {};
}

std::string check_peer(std::string_view peer) {
  return is_room_address(peer) ? check_room_name(peer.substr(1)) : check_username(peer);
}

std::string check_presence(std::string_view status, std::string_view message) {
  if (status != "online" && status != "away" && status != "busy")
    return "the presence '" + std::string(status) + "' is not one of online, away, busy";
  if (message.size() > 256 || !is_valid_utf8(message))
    return "the presence message must be valid UTF-8, at most 256 bytes";
  return {};
}

std::string check_password(std::string_view password) {
  if (password.empty())
    return "the password is empty";
  if (password.size() > max_password_length)
    return "the password is longer than 1024 bytes";
  return {};
}

std::string check_display_name(std::string_view name) {
  if (name.size() > max_display_name_length)
    return "the display name is longer than 64 bytes";
  if (!is_valid_utf8(name))
    return "the display name is not valid UTF-8";
  return {};
}

bool is_valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t extra;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size())
      return false;
    for (size_t k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800)
        || (extra == 3 && cp < 0x10000) || cp > 0x10FFFF
        || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += extra + 1;
  }
  return true;
}

} // namespace chatter
