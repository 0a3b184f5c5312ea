// The XMPP peers: throw-away servers on loopback, each with its own config,
// data and ports, and the users of the bench's pairs registered, driven by
// the bench's own C++ client (xmpp_client.cpp) with the same 1:1 loads
// Chatter gets. Prosody (Debian prosody, 0.12: one Lua thread) and ejabberd
// (Debian ejabberd, 23.01: Erlang, every core). Plain TCP, SASL PLAIN:
// neither server encrypts anything end to end, and TLS on loopback would
// only add the driver's and the server's cipher work to both.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "harness.hpp"
#include "hub_cluster.hpp"
#include "process.hpp"
#include "world.hpp"
#include "xmpp_client.hpp"

using namespace std::chrono;

namespace chatter::bench {

namespace {

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

void wait_accepting(uint16_t port, const std::string& who, seconds limit) {
  auto deadline = steady_clock::now() + limit;
  while (!accepts(port)) {
    if (steady_clock::now() > deadline)
      throw std::runtime_error(who + " did not listen on port " + std::to_string(port));
    std::this_thread::sleep_for(milliseconds(50));
  }
}

// One server of the peers, started on construction, stopped on destruction.
class xmpp_instance {
public:
  virtual ~xmpp_instance() = default;
  virtual pid_t pid() const = 0;
  uint16_t port = test::free_port();
  test::temp_dir dir;
};

class prosody_instance final : public xmpp_instance {
public:
  prosody_instance() {
    auto config = dir.path() / "prosody.cfg.lua";
    std::ofstream(config) << "daemonize = false\nrun_as_root = true\n"
                          << "pidfile = \"" << (dir.path() / "prosody.pid").string() << "\"\n"
                          << "data_path = \"" << (dir.path() / "data").string() << "\"\n"
                          << "interfaces = { \"127.0.0.1\" }\nc2s_ports = { " << port << " }\n"
                          << "modules_enabled = { \"roster\"; \"saslauth\"; \"disco\"; \"ping\" }\n"
                          << "modules_disabled = { \"s2s\"; \"offline\"; \"limits\"; \"tls\" }\n"
                          << "authentication = \"internal_plain\"\n"
                          << "allow_unencrypted_plain_auth = true\nc2s_require_encryption = false\n"
                          << "log = { warn = \"" << (dir.path() / "prosody.log").string()
                          << "\" }\n"
                          << "VirtualHost \"localhost\"\n";
    std::filesystem::create_directories(dir.path() / "data");
    for (auto& user : xmpp_users(relay_pairs)) {
      auto r = test::run_command({"/usr/bin/prosodyctl", "--config", config.string(), "register",
                                  user, "localhost", "pw-" + user});
      if (r.exit_code != 0)
        throw std::runtime_error("prosodyctl register failed: " + r.err);
    }
    server_ = std::make_unique<test::child_process>(
      std::vector<std::string>{"/usr/bin/prosody", "--config", config.string(), "-F"},
      std::map<std::string, std::string>{}, false, (dir.path() / "prosody.out").string());
    wait_accepting(port, "prosody", seconds(10));
  }
  pid_t pid() const override {
    return server_->pid();
  }

private:
  std::unique_ptr<test::child_process> server_;
};

// ejabberd through a copy of Debian's ejabberdctl that runs it as whoever
// runs the bench (root or not, both tried): the packaged script, run as
// root, would su to the `ejabberd` user (who cannot read our temporary
// directory), and run as anyone else it refuses outright. Its own node
// name, Erlang distribution port (no epmd left behind), config directory,
// spool and logs: nothing read from /etc/ejabberd.
class ejabberd_instance final : public xmpp_instance {
public:
  ejabberd_instance();
  ~ejabberd_instance() override;
  pid_t pid() const override {
    return beam_;
  }

private:
  void stop();
  std::vector<std::string> ctl(std::vector<std::string> args) const;
  void write_config() const;
  void register_users() const;
  std::unique_ptr<test::child_process> server_;
  pid_t beam_ = 0;
};

std::vector<std::string> ejabberd_instance::ctl(std::vector<std::string> args) const {
  auto d = dir.path();
  std::vector<std::string> argv{(d / "ejabberdctl").string(),
                                "--config-dir",
                                d.string(),
                                "--config",
                                (d / "ejabberd.yml").string(),
                                "--ctl-config",
                                (d / "ejabberdctl.cfg").string(),
                                "--spool",
                                (d / "spool").string(),
                                "--logs",
                                (d / "logs").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

void ejabberd_instance::write_config() const {
  auto d = dir.path();
  std::ifstream packaged("/usr/sbin/ejabberdctl");
  std::string script((std::istreambuf_iterator<char>(packaged)), {});
  auto at = script.find("\nINSTALLUSER=ejabberd\n");
  if (at == std::string::npos)
    throw std::runtime_error("/usr/sbin/ejabberdctl has no INSTALLUSER line to override");
  script.replace(at, 22, "\nINSTALLUSER=\n");
  std::ofstream(d / "ejabberdctl") << script;
  ::chmod((d / "ejabberdctl").c_str(), 0755);
  std::ofstream(d / "ejabberdctl.cfg")
    << "ERLANG_NODE=chatterbench" << port << "@localhost\n"
    << "ERL_DIST_PORT=" << test::free_port() << "\nEJABBERD_BYPASS_WARNINGS=true\n"
    << "EJABBERD_PID_PATH=" << (d / "ejabberd.pid").string() << "\n";
  // No shaper, no offline storage, no archive: a relay, as Prosody's config.
  std::ofstream(d / "ejabberd.yml")
    << "hosts: [localhost]\nloglevel: warning\ncertfiles: []\n"
    << "listen:\n  -\n    port: " << port << "\n    ip: \"127.0.0.1\"\n"
    << "    module: ejabberd_c2s\n    starttls: false\n    shaper: none\n"
    << "auth_method: internal\nauth_password_format: plain\n"
    << "acl:\n  local:\n    user_regexp: \"\"\n"
    << "access_rules:\n  local:\n    allow: local\nshaper_rules: {}\n"
    << "modules:\n  mod_roster: {}\n  mod_disco: {}\n  mod_ping: {}\n";
  // The resolver's settings, as Debian's /etc/ejabberd/inetrc (which only
  // root and the ejabberd group may read).
  std::ofstream(d / "inetrc") << "{lookup,[\"file\",\"native\"]}.\n"
                              << "{host,{127,0,0,1}, [\"localhost\"]}.\n";
  std::filesystem::create_directories(d / "spool");
  std::filesystem::create_directories(d / "logs");
}

// Each ejabberdctl call starts an Erlang VM (seconds on a busy machine):
// the users are registered side by side. One that ejabberd refuses while
// it is still opening its database ("Database failure") is tried again.
void ejabberd_instance::register_users() const {
  auto users = xmpp_users(relay_pairs);
  std::vector<test::command_result> results(users.size());
  auto deadline = steady_clock::now() + seconds(60);
  for (int attempt = 0;; ++attempt) {
    std::vector<std::thread> calls;
    for (size_t i = 0; i < users.size(); ++i)
      if (attempt == 0 || results[i].exit_code != 0)
        calls.emplace_back([&, i] {
          results[i] =
            test::run_command(ctl({"register", users[i], "localhost", "pw-" + users[i]}));
        });
    for (auto& c : calls)
      c.join();
    auto failed =
      std::find_if(results.begin(), results.end(), [](auto& r) { return r.exit_code != 0; });
    if (failed == results.end())
      return;
    if (steady_clock::now() > deadline)
      throw std::runtime_error("ejabberdctl register "
                               + users[static_cast<size_t>(failed - results.begin())]
                               + " failed: " + failed->out + failed->err);
    std::this_thread::sleep_for(milliseconds(500));  // a retry's pace, not a wait for a state
  }
}

ejabberd_instance::ejabberd_instance() {
  write_config();
  server_ =
    std::make_unique<test::child_process>(ctl({"foreground"}), std::map<std::string, std::string>{},
                                          false, (dir.path() / "ejabberd.out").string());
  try {
    wait_accepting(port, "ejabberd", seconds(60));
    auto deadline = steady_clock::now() + seconds(10);
    while (beam_ == 0 && steady_clock::now() < deadline) {
      std::ifstream in(dir.path() / "ejabberd.pid");
      if (!(in >> beam_))
        std::this_thread::sleep_for(milliseconds(50));
    }
    if (beam_ == 0)
      throw std::runtime_error("ejabberd wrote no pid file");
    register_users();
  } catch (...) {
    stop();  // no destructor runs for a half-made instance
    throw;
  }
}

ejabberd_instance::~ejabberd_instance() {
  stop();
}

void ejabberd_instance::stop() {
  if (beam_ == 0)
    beam_ = pid_with_cmdline("chatterbench" + std::to_string(port) + "@localhost");
  test::run_command(ctl({"stop"}));
  auto deadline = steady_clock::now() + seconds(20);
  while (server_->running() && steady_clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(50));
  if (beam_ > 0 && ::kill(beam_, 0) == 0)  // did not stop: it must not outlive the bench
    ::kill(beam_, SIGKILL);
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

load_figures sustained(xmpp_driver& driver, pid_t server, int pairs, int messages) {
  auto cpu0 = cpu_seconds(server);
  auto r = driver.run(pairs, std::max(1, messages / pairs), window);
  load_figures out;
  auto got = static_cast<double>(std::max(1L, r.arrived));
  out.per_s = r.seconds > 0 ? static_cast<double>(r.arrived) / r.seconds : 0;
  out.server_cpu_us = (cpu_seconds(server) - cpu0) * 1e6 / got;
  out.server_rss_mib = rss_mib(server);
  out.driver_share = r.seconds > 0 ? r.driver_cpu_s / r.seconds : 0;
  if (r.arrived < static_cast<long>(pairs) * std::max(1, messages / pairs))
    throw std::runtime_error("only " + std::to_string(r.arrived) + " messages arrived in time");
  return out;
}

}  // namespace

const char* server_name(xmpp_server s) {
  return s == xmpp_server::prosody ? "Prosody 0.12" : "ejabberd 23.01";
}

bool peer_available(xmpp_server s) {
  if (s == xmpp_server::prosody)
    return access("/usr/bin/prosody", X_OK) == 0 && access("/usr/bin/prosodyctl", X_OK) == 0;
  return access("/usr/sbin/ejabberdctl", X_OK) == 0;
}

peer_figures measure_peer(xmpp_server s, int relay_messages, int messages, int unloaded) {
  std::unique_ptr<xmpp_instance> server;
  if (s == xmpp_server::prosody)
    server = std::make_unique<prosody_instance>();
  else
    server = std::make_unique<ejabberd_instance>();
  xmpp_driver driver(server->port, "localhost", relay_pairs);
  driver.run(relay_pairs, 100, window);  // warm-up: the server's first-message paths
  peer_figures out;
  auto switches0 = voluntary_switches(server->pid());
  auto one = driver.run(1, unloaded, 1);
  out.unloaded_switches =
    static_cast<double>(voluntary_switches(server->pid()) - switches0) / std::max(1, unloaded);
  out.p50_ms = percentile(one.latency_ms, 0.5);
  out.p99_ms = percentile(one.latency_ms, 0.99);
  out.e2e = sustained(driver, server->pid(), 1, messages);
  out.relay = sustained(driver, server->pid(), relay_pairs, relay_messages);
  auto paced = driver.run(1, std::max(1, messages / 2), window, 0.8 * out.e2e.per_s);
  out.loaded_p50_ms = percentile(paced.latency_ms, 0.5);
  out.loaded_p99_ms = percentile(paced.latency_ms, 0.99);
  out.measured = true;
  std::cerr << server_name(s) << ": relay " << static_cast<long>(out.relay.per_s)
            << " msgs/s (driver " << static_cast<int>(out.relay.driver_share * 100)
            << " % of a core), 1 pair " << static_cast<long>(out.e2e.per_s) << " msgs/s (driver "
            << static_cast<int>(out.e2e.driver_share * 100) << " %)\n";
  return out;
}

}  // namespace chatter::bench
