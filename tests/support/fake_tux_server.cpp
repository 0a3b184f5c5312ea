#include "fake_tux_server.hpp"

#include <map>
#include <set>

#include <httplib.h>

namespace chatter::test {

namespace {

// The services of the table in docs/tuxdroid-protocol.md, per resource.
const std::map<std::string, std::set<std::string>>& services() {
  static const std::map<std::string, std::set<std::string>> table{
    {"tts",
     {"speak", "stop", "pause", "voices", "locutor", "stack_speak", "stack_next", "stack_flush"}},
    {"flippers", {"up", "down", "off", "on", "on_during", "speed"}},
    {"spinning", {"left_on", "right_on", "left_on_during", "right_on_during", "off", "speed"}},
    {"mouth", {"open", "close", "off", "on", "on_during"}},
    {"eyes", {"open", "close", "off", "on", "on_during"}},
    {"leds", {"on", "off", "blink", "pulse", "set"}},
    {"status", {"request_one"}},
  };
  return table;
}

// The server's answer: one XML document whose <result> says whether the
// command was taken, and `data` after it.
std::string answer(bool ok, const std::string& data = {}) {
  const std::string element = "root";  // the document element the real server writes
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + element + "><result>"
    + (ok ? "Success" : "Failed") + "</result>" + data + "</" + element + ">\n";
}

}  // namespace

fake_tux_server::fake_tux_server() : server_(std::make_unique<httplib::Server>()) {
  server_->Get(
    R"(/0/([a-z_]+)/([a-z_]+))", [this](const httplib::Request& req, httplib::Response& res) {
      std::chrono::milliseconds delay;
      bool radio;
      {
        std::lock_guard<std::mutex> g(m_);
        delay = delay_;
        radio = radio_;
      }
      if (delay.count() > 0)
        std::this_thread::sleep_for(delay);
      auto resource = req.matches[1].str();
      auto service = req.matches[2].str();
      auto known = services().count(resource) && services().at(resource).count(service);
      bool ok = known && (resource != "tts" || service != "speak" || req.has_param("text"));
      std::lock_guard<std::mutex> g(m_);
      if (resource == "status") {
        ++status_requests_;
        auto value = radio ? "True" : "False";
        res.set_content(answer(true,
                               "<data_count>1</data_count><data0><name>radio_state</name>"
                               "<value>"
                                 + std::string(value) + "</value><delay>0.0</delay></data0>"),
                        "text/xml");
        return;
      }
      commands_.push_back(req.target);
      if (!ok)
        refused_.push_back(req.target);
      res.set_content(answer(ok, "<data_count>0</data_count>"), "text/xml");
    });
  port_ = static_cast<uint16_t>(server_->bind_to_any_port("127.0.0.1"));
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() before the loop runs would be lost, and join() would wait forever.
  while (!server_->is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

fake_tux_server::~fake_tux_server() {
  stop();
}

void fake_tux_server::stop() {
  server_->stop();
  if (thread_.joinable())
    thread_.join();
}

std::vector<std::string> fake_tux_server::commands() const {
  std::lock_guard<std::mutex> g(m_);
  return commands_;
}

size_t fake_tux_server::status_requests() const {
  std::lock_guard<std::mutex> g(m_);
  return status_requests_;
}

std::vector<std::string> fake_tux_server::refused() const {
  std::lock_guard<std::mutex> g(m_);
  return refused_;
}

void fake_tux_server::clear() {
  std::lock_guard<std::mutex> g(m_);
  commands_.clear();
  refused_.clear();
}

void fake_tux_server::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> g(m_);
  delay_ = delay;
}

void fake_tux_server::set_radio(bool on) {
  std::lock_guard<std::mutex> g(m_);
  radio_ = on;
}

std::vector<std::string> fake_tux_server::speeches(const std::vector<std::string>& commands) {
  std::vector<std::string> out;
  for (auto& c : commands)
    if (c.rfind("/0/tts/speak", 0) == 0)
      out.push_back(c);
  return out;
}

bool fake_tux_server::wait_for(const std::function<bool(const std::vector<std::string>&)>& done,
                               std::chrono::milliseconds limit) const {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done(commands())) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace chatter::test
