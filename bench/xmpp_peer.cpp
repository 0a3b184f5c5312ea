// The XMPP peer: a throw-away Prosody (Debian package prosody) on loopback
// with two registered users, driven by bench/xmpp/drive.py (python3-slixmpp)
// with the same 1:1 load Chatter gets.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "process.hpp"
#include "world.hpp"

namespace chatter::bench {

namespace {

uint16_t free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

bool accepts(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

} // namespace

bool xmpp_available() {
  return access("/usr/bin/prosody", X_OK) == 0 && access("/usr/bin/prosodyctl", X_OK) == 0;
}

message_figures measure_xmpp(int messages, int unloaded) {
  test::temp_dir dir;
  auto port = free_port();
  auto config = dir.path() / "prosody.cfg.lua";
  std::ofstream(config) << "daemonize = false\nrun_as_root = true\n"
                        << "pidfile = \"" << (dir.path() / "prosody.pid").string() << "\"\n"
                        << "data_path = \"" << (dir.path() / "data").string() << "\"\n"
                        << "interfaces = { \"127.0.0.1\" }\nc2s_ports = { " << port << " }\n"
                        << "modules_enabled = { \"roster\"; \"saslauth\"; \"disco\"; \"ping\" }\n"
                        << "modules_disabled = { \"s2s\"; \"offline\"; \"limits\"; \"tls\" }\n"
                        << "authentication = \"internal_plain\"\n"
                        << "allow_unencrypted_plain_auth = true\nc2s_require_encryption = false\n"
                        << "log = { warn = \"" << (dir.path() / "prosody.log").string() << "\" }\n"
                        << "VirtualHost \"localhost\"\n";
  std::filesystem::create_directories(dir.path() / "data");
  for (auto* user : {"alice", "bob"}) {
    auto r = test::run_command({"/usr/bin/prosodyctl", "--config", config.string(), "register",
                                user, "localhost", std::string("pw-") + user});
    if (r.exit_code != 0)
      throw std::runtime_error("prosodyctl register failed: " + r.err);
  }
  test::child_process prosody({"/usr/bin/prosody", "--config", config.string(), "-F"}, {}, false,
                              (dir.path() / "prosody.out").string());
  for (int i = 0; i < 200 && !accepts(port); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  auto run = test::run_command({std::string(CHATTER_SOURCE_DIR) + "/bench/xmpp/drive.py",
                                std::to_string(port), std::to_string(messages),
                                std::to_string(unloaded)});
  if (run.exit_code != 0)
    throw std::runtime_error("the XMPP driver failed: " + run.err);
  auto figures = nlohmann::json::parse(run.out);
  return {figures["per_s"].get<double>(), figures["p50_ms"].get<double>(),
          figures["p99_ms"].get<double>(), figures["loaded_p50_ms"].get<double>(),
          figures["loaded_p99_ms"].get<double>()};
}

} // namespace chatter::bench
