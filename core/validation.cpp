#include "validation.hpp"

#include "protocol.hpp"

namespace chatter {

namespace {

// Entries of one SendMessages call.
constexpr size_t max_send_batch = 1000;
constexpr size_t max_ack_ids = 10000;
constexpr size_t max_message_id_bytes = 64;
constexpr size_t max_fingerprint_bytes = 128;
constexpr uint32_t max_search_limit = 100;
constexpr size_t max_members_named = 256;
// What the robot says in one Speak; longer is refused, never cut.
constexpr size_t max_speak_bytes = 1000;

}  // namespace

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
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok)
      return "the user name '" + std::string(user) + "' may hold only a-z, 0-9, '.', '_' and '-'";
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

std::string check_request_message(std::string_view message) {
  if (message.size() > 1024 || !is_valid_utf8(message))
    return "a contact request's message must be valid UTF-8, at most 1024 bytes";
  return {};
}

std::string check_contact_action(std::string_view action) {
  for (auto known : {"request", "accept", "decline", "block", "unblock"})
    if (action == known)
      return {};
  return "a contact action is request, accept, decline, block or unblock";
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

std::string check_credentials(std::string_view user, std::string_view password) {
  if (auto why = check_username(user); !why.empty())
    return why;
  return check_password(password);
}

std::string check_text(std::string_view text) {
  if (text.empty() || text.size() > max_message_bytes || !is_valid_utf8(text))
    return "the text must be valid UTF-8, 1 byte to 64 KiB";
  return {};
}

std::string check_message(std::string_view user, std::string_view to, std::string_view text) {
  if (auto why = check_peer(to); !why.empty())
    return why;
  if (to == user)
    return "a message to yourself goes nowhere";
  return check_text(text);
}

std::string check_batch_size(size_t entries) {
  if (entries > max_send_batch)
    return "at most " + std::to_string(max_send_batch)
      + " messages per call; send the rest in another call";
  return {};
}

std::string check_limit(uint32_t limit, uint32_t max) {
  if (limit < 1 || limit > max)
    return "limit must be from 1 to " + std::to_string(max);
  return {};
}

std::string check_search(std::string_view query, uint32_t limit) {
  if (query.empty() || query.size() > max_display_name_length || !is_valid_utf8(query))
    return "the search needs 1 to 64 bytes of UTF-8 text";
  return check_limit(limit, max_search_limit);
}

std::string check_message_ids(const std::vector<std::string>& ids) {
  if (ids.size() > max_ack_ids)
    return "at most " + std::to_string(max_ack_ids) + " ids per call";
  for (auto& id : ids)
    if (id.empty() || id.size() > max_message_id_bytes)
      return "malformed message id";
  return {};
}

std::string check_fingerprint(std::string_view fingerprint) {
  if (fingerprint.empty() || fingerprint.size() > max_fingerprint_bytes)
    return "malformed fingerprint";
  return {};
}

std::string check_room_can_grow(size_t members) {
  if (members >= max_members_named)
    return "a room has at most " + std::to_string(max_members_named) + " members";
  return {};
}

std::string check_room_members(const std::vector<std::string>& members) {
  if (members.size() > max_members_named)
    return check_room_can_grow(members.size());
  for (auto& m : members)
    if (auto why = check_username(m); !why.empty())
      return why;
  return {};
}

std::string check_speech(std::string_view text) {
  if (text.empty())
    return "nothing to say: the text is empty";
  if (text.size() > max_speak_bytes)
    return "the text has " + std::to_string(text.size()) + " bytes; the robot says at most "
      + std::to_string(max_speak_bytes);
  return {};
}

std::string parse_registration(std::string_view user, const call_options& options,
                               registration_settings& out) {
  out = {std::string(user), {}};
  for (auto& [key, value] : options) {
    if (key != "display_name" && key != "suite")
      return "unknown option '" + key + "'; known options: display_name (s), suite (s)";
    if (value.type != "s")
      return "option " + key + " must be a string (s)";
    if (key == "suite") {
      out.suite = value.text;
      continue;
    }
    out.display_name = value.text;
    if (auto why = check_display_name(out.display_name); !why.empty())
      return why;
  }
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
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000)
        || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace chatter
