// The checks every D-Bus method runs on its arguments before any actor sees
// them, and what the daemon derives from accepted ones: the object path of
// a user name, the robot's speech and its URL encoding, the action names.
// The input is split at its first NUL byte into two strings (most methods
// take a name and a text). Invariants, each against an independent oracle
// where one exists:
//   - is_valid_utf8 agrees with GLib's g_utf8_validate (NUL-free inputs);
//   - an accepted user name gives a valid object path that sd-bus decodes
//     back to the same name; an accepted peer is a name or "#" + room;
//   - an accepted presence or display name is UTF-8 and within its limit;
//   - speech after sanitising is UTF-8, free of control characters, within
//     200 bytes, and its URL encoding is unreserved characters and %XX that
//     decode back to it;
//   - is_action agrees with the action list and every action has commands.
#include <algorithm>
#include <cctype>

#include <glib.h>
#include <systemd/sd-bus.h>

#include "core/validation.hpp"
#include "fuzz_target.hpp"
#include "member/tuxdroid/actions.hpp"
#include "member/tuxdroid/speech.hpp"
#include "paths.hpp"

using namespace chatter;
using fuzz::require;

namespace {

bool valid_object_path(const std::string& p) {
  if (p.empty() || p[0] != '/' || (p.size() > 1 && p.back() == '/'))
    return false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
      || c == '/';
    if (!ok || (c == '/' && i > 0 && p[i - 1] == '/'))
      return false;
  }
  return true;
}

bool has_control(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f)
      return true;
    // C1 controls are U+0080-U+009F: C2 80 to C2 9F in UTF-8.
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F)
      return true;
  }
  return false;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      require(i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1]))
                && std::isxdigit(static_cast<unsigned char>(s[i + 2])),
              "a '%' without two hex digits");
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<uint8_t> seed(const std::string& a, const std::string& b) {
  std::vector<uint8_t> out(a.begin(), a.end());
  out.push_back(0);
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::write_seeds_if_asked({
    seed("alice", "online"),
    seed("a.b-c_d", "away"),
    seed("#lab", "busy"),
    seed("wave", "Bonjour \xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7"),
    seed("dance-the-tango", "\x01\x7f\xc2\x85 tabs\tand\nnewlines"),
    seed("ALICE", "\xed\xa0\x80 surrogate, \xc0\xaf overlong"),
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto cut = input.find('\0');
  std::string name = input.substr(0, cut);
  std::string text = cut == std::string::npos ? std::string() : input.substr(cut + 1);

  for (auto* s : {&name, &text})
    if (s->find('\0') == std::string::npos)
      require(
        is_valid_utf8(*s)
          == static_cast<bool>(g_utf8_validate(s->data(), static_cast<gssize>(s->size()), nullptr)),
        "is_valid_utf8 disagrees with GLib");

  if (check_username(name).empty()) {
    require(!name.empty() && name.size() <= max_username_length,
            "a user name of bad length passed");
    auto path = dbus_paths::account_path(name);
    require(valid_object_path(path), "an accepted user name gave an invalid object path");
    char* back = nullptr;
    require(sd_bus_path_decode(path.c_str(), dbus_paths::accounts_path, &back) > 0 && back,
            "sd-bus cannot decode an account path");
    std::string decoded(back);
    free(back);
    require(decoded == name, "an account path does not decode to its user name");
  }
  if (check_peer(name).empty())
    require(check_username(name).empty()
              || (name[0] == '#' && check_room_name(name.substr(1)).empty()),
            "a peer that is neither a user nor a room passed");
  if (check_presence(name, text).empty())
    require(text.size() <= 256 && is_valid_utf8(text)
              && (name == "online" || name == "away" || name == "busy"),
            "a bad presence passed");
  if (check_display_name(text).empty())
    require(text.size() <= max_display_name_length && is_valid_utf8(text),
            "a bad display name passed");
  (void)check_password(text);

  auto speech = tux::sanitize_speech(text);
  require(speech.size() <= tux::max_speech_bytes, "speech longer than its cap");
  require(is_valid_utf8(speech), "sanitised speech is not UTF-8");
  require(!has_control(speech), "sanitised speech holds a control character");
  auto encoded = tux::url_encode(speech);
  require(std::all_of(encoded.begin(), encoded.end(),
                      [](char c) {
                        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                          || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~'
                          || c == '%';
                      }),
          "URL encoding left a reserved character");
  require(percent_decode(encoded) == speech, "URL encoding does not decode back");
  (void)tux::first_words(text);

  auto& names = tux::action_names();
  bool listed = std::find(names.begin(), names.end(), name) != names.end();
  require(tux::is_action(name) == listed, "is_action disagrees with the action list");
  if (listed)
    require(!tux::http_commands(name).empty(), "an action without commands");
  return 0;
}
