#include "actions.hpp"

#include <algorithm>
#include <map>

#include "speech.hpp"

namespace chatter::tux {

namespace {

using commands = std::vector<http_command>;

const std::map<std::string, commands>& vocabulary() {
  static const std::map<std::string, commands> table{
    {"wave",
     {{"flippers", "on", {{"count", "2"}, {"final_state", "DOWN"}}},
      {"spinning", "left_on", {{"count", "1"}}},
      {"spinning", "right_on", {{"count", "1"}}},
      {"eyes", "on", {{"count", "2"}, {"final_state", "OPEN"}}}}},
    {"flap", {{"flippers", "on", {{"count", "2"}, {"final_state", "DOWN"}}}}},
    {"flippers-up", {{"flippers", "up", {}}}},
    {"flippers-down", {{"flippers", "down", {}}}},
    {"spin-left", {{"spinning", "left_on", {{"count", "1"}}}}},
    {"spin-right", {{"spinning", "right_on", {{"count", "1"}}}}},
    {"blink", {{"eyes", "on", {{"count", "2"}, {"final_state", "OPEN"}}}}},
    {"eyes-open", {{"eyes", "open", {}}}},
    {"eyes-close", {{"eyes", "close", {}}}},
    {"mouth-open", {{"mouth", "open", {}}}},
    {"mouth-close", {{"mouth", "close", {}}}},
    {"talk", {{"mouth", "on", {{"count", "3"}, {"final_state", "CLOSE"}}}}},
    {"leds-on", {{"leds", "on", {{"leds", "LED_BOTH"}, {"intensity", "1.0"}}}}},
    {"leds-off", {{"leds", "off", {{"leds", "LED_BOTH"}}}}},
    {"leds-blink", {{"leds", "blink", {{"leds", "LED_BOTH"}, {"count", "4"}, {"delay", "0.25"}}}}},
    {"stop",
     {{"flippers", "off", {}},
      {"spinning", "off", {}},
      {"eyes", "off", {}},
      {"mouth", "off", {}},
      {"tts", "stop", {}}}},
  };
  return table;
}

}  // namespace

const std::vector<std::string>& action_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (auto& [name, cmds] : vocabulary())
      out.push_back(name);
    return out;
  }();
  return names;
}

bool is_action(const std::string& name) {
  return vocabulary().count(name) > 0;
}

std::string action_list() {
  std::string out;
  for (auto& name : action_names())
    out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::string http_command::target() const {
  auto out = "/0/" + resource + "/" + service;
  char sep = '?';
  for (auto& [key, value] : params) {
    out += sep + url_encode(key) + "=" + url_encode(value);
    sep = '&';
  }
  return out;
}

std::vector<http_command> http_commands(const std::string& action) {
  auto i = vocabulary().find(action);
  return i == vocabulary().end() ? commands{} : i->second;
}

http_command speak_command(const std::string& text, const std::string& locutor, int pitch) {
  return {"tts", "speak", {{"text", text}, {"locutor", locutor}, {"pitch", std::to_string(pitch)}}};
}

http_command radio_status_command() {
  return {"status", "request_one", {{"status_name", "radio_state"}}};
}

namespace {

std::string first_element(const std::string& body, const std::string& tag) {
  auto open = "<" + tag + ">";
  auto start = body.find(open);
  if (start == std::string::npos)
    return {};
  start += open.size();
  auto end = body.find("</" + tag + ">", start);
  if (end == std::string::npos)
    return {};
  auto value = body.substr(start, end - start);
  auto first = value.find_first_not_of(" \t\r\n");
  auto last = value.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? std::string{} : value.substr(first, last - first + 1);
}

}  // namespace

bool reply_succeeded(const std::string& body) {
  return first_element(body, "result") == "Success";
}

std::string reply_value(const std::string& body) {
  return first_element(body, "value");
}

}  // namespace chatter::tux
