// chatterctl watch: one line per signal of the daemon (JSON with --json),
// until interrupted or --for seconds have passed.
#include <csignal>
#include <iostream>
#include <thread>

#include "client_proxies.hpp"
#include "commands.hpp"
#include "printable.hpp"

namespace chatter::cli {

namespace {

// The signal's arguments as JSON, for the signals of API v1.
nlohmann::json arguments(sdbus::Message& msg) {
  auto name = msg.getMemberName();
  std::string s1, s2, s3;
  int64_t x = 0;
  std::map<std::string, sdbus::Variant> extras;
  if (name == "MessageReceived") {
    msg >> s1 >> s2 >> s3 >> x >> extras;
    nlohmann::json out = {{"id", s1}, {"from", s2}, {"text", s3}, {"timestamp", x}};
    if (auto room = extras.find("room");
        room != extras.end() && room->second.peekValueType() == "s")
      out["room"] = room->second.get<std::string>();
    for (auto* key : {"missing_before", "sent_at", "clock_skew_ms"})
      if (auto i = extras.find(key); i != extras.end() && i->second.peekValueType() == "x")
        out[key] = i->second.get<int64_t>();
    return out;
  }
  if (name == "MessageStateChanged") {
    msg >> s1 >> s2 >> s3 >> extras;
    nlohmann::json out = {{"id", s1}, {"peer", s2}, {"state", s3}};
    if (auto reason = extras.find("reason");
        reason != extras.end() && reason->second.peekValueType() == "s")
      out["reason"] = reason->second.get<std::string>();
    return out;
  }
  if (name == "MessagesMissing") {
    uint64_t count = 0;
    msg >> s1 >> count;
    return {{"peer", s1}, {"count", count}};
  }
  if (name == "KeyChanged") {
    msg >> s1 >> s2;
    return {{"user", s1}, {"fingerprint", s2}};
  }
  if (name == "PresenceChanged") {
    msg >> s1 >> s2 >> s3;
    return {{"user", s1}, {"status", s2}, {"message", s3}};
  }
  if (name == "InterlocutorArrived") {
    msg >> s1 >> s2;
    return {{"user", s1}, {"display_name", s2}};
  }
  if (name == "Reauthenticated") {
    msg >> x;
    return {{"timestamp", x}};
  }
  if (name == "SessionRevoked") {
    msg >> s1;
    return {{"reason", s1}};
  }
  if (name == "PropertiesChanged") {
    std::map<std::string, sdbus::Variant> changed;
    std::vector<std::string> invalidated;
    msg >> s1 >> changed >> invalidated;
    nlohmann::json props = nlohmann::json::object();
    for (auto& [k, v] : changed) {
      auto type = v.peekValueType();
      if (type == "b")
        props[k] = v.get<bool>();
      else if (type == "x")
        props[k] = v.get<int64_t>();
      else if (type == "s")
        props[k] = v.get<std::string>();
    }
    return {{"interface", s1}, {"changed", props}};
  }
  return nlohmann::json::object();
}

// One signal as a line of text: its name, the account, then key=value with
// values as JSON; other users' words (names, texts) have their control
// characters escaped, so a message cannot forge a line or move the cursor.
std::string text_line(const nlohmann::json& line) {
  std::string out = line["signal"].get<std::string>() + ' '
    + line.value("account", line["path"].get<std::string>());
  for (auto& [k, v] : line.items()) {
    if (k == "signal" || k == "path" || k == "account")
      continue;
    // JSON's quoting escapes C0 controls; printable() also catches DEL, C1
    // and the bidirectional controls, which JSON lets through.
    out += ' ' + k + '=' + display::printable(v.dump());
  }
  return out;
}

}  // namespace

void setup_watch(CLI::App* cmd, context& ctx) {
  auto seconds = std::make_shared<double>(0);
  cmd->add_option("--for", *seconds, "stop after this many seconds (default: never)");
  cmd->callback([seconds, &ctx] {
    auto& bus = ctx.bus();
    // With --as, that account's signals only.
    std::string rule = "type='signal',sender='org.chatter.Chatter1'";
    if (!ctx.as.empty())
      rule += ",path='" + ctx.known_account_path() + "'";
    auto slot = bus.addMatch(rule, [&ctx](sdbus::Message& msg) {
      nlohmann::json line = {{"signal", msg.getMemberName()}, {"path", msg.getPath()}};
      if (auto user = user_of_path(msg.getPath()); !user.empty())
        line["account"] = user;
      try {
        line.update(arguments(msg));
      } catch (const sdbus::Error&) {
        // A signal of a newer API: name and path only.
      }
      if (ctx.json)
        std::cout << line.dump() << std::endl;
      else
        std::cout << text_line(line) << std::endl;
    });
    bus.enterEventLoopAsync();
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    if (*seconds > 0) {
      timespec limit{static_cast<time_t>(*seconds),
                     static_cast<long>((*seconds - static_cast<time_t>(*seconds)) * 1e9)};
      sigtimedwait(&stop, nullptr, &limit);
    } else {
      int sig;
      sigwait(&stop, &sig);
    }
    bus.leaveEventLoop();
  });
}

}  // namespace chatter::cli
