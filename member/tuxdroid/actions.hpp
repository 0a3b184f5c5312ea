// The robot's fixed action vocabulary: what Perform accepts, and what each
// action means as requests to the Tux Droid HTTP server (docs/tuxdroid-protocol.md,
// layer 1). Pure: no CAF, no I/O.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace chatter::tux {

// "wave" is the arrival gesture: flippers up and down, a quarter turn left
// and back, eyes blink.
inline constexpr const char* greeting_action = "wave";

// Sorted, for error messages and --help.
const std::vector<std::string>& action_names();
bool is_action(const std::string& name);
// "blink, eyes-close, ..." for the InvalidArgument answer.
std::string action_list();

// One GET to the Tux Droid server: /0/<resource>/<service>?<params>.
struct http_command {
  std::string resource;
  std::string service;
  std::vector<std::pair<std::string, std::string>> params;

  // The request target, parameters percent-encoded in the given order.
  std::string target() const;
};

// The commands of one action, in order; empty for an unknown action.
std::vector<http_command> http_commands(const std::string& action);
http_command speak_command(const std::string& text, const std::string& locutor, int pitch);
// The robot's radio link to its dongle: "True" in data0.value when it is on.
http_command radio_status_command();

// Whether the server's XML answer has <result>Success</result>.
bool reply_succeeded(const std::string& body);
// The first <value> of a status answer ("True", "False", ...), or empty.
std::string reply_value(const std::string& body);

}  // namespace chatter::tux
