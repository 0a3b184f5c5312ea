// chatterd: wires the actor system, the embedded hub, the account manager and
// the D-Bus bridge, then waits for SIGINT/SIGTERM and shuts down in order.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <sys/prctl.h>
#include <unistd.h>

#include <caf/io/all.hpp>
#include <sdbus-c++/sdbus-c++.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "bridge.hpp"
#include "errors.hpp"
#include "hub/hub.hpp"
#include "hub_node.hpp"
#include "member/account/account_manager.hpp"
#include "member/crypto_pool/crypto_pool.hpp"
#include "member/link/hub_link.hpp"
#include "member/tuxdroid/tuxdroid.hpp"
#include "network.hpp"
#include "options.hpp"
#include "paths.hpp"
#include "startup.hpp"
#include "version.hpp"

namespace {

std::unique_ptr<sdbus::IConnection> open_bus(const std::string& address) {
  if (!address.empty())
    return sdbus::createSessionBusConnectionWithAddress(address);
  // Never the default connection: outside a login session it is the system bus.
  return sdbus::createSessionBusConnection();
}

int run(const chatter::daemon_options& opts) {
  namespace fs = std::filesystem;
  // Before any thread starts, so only the watcher sees SIGINT and SIGTERM.
  chatter::signal_watch signals;
  chatter::prepare_process_for_network();
  chatter::data_dir_lock data_lock{opts.data_dir};
  if (opts.hub_node)
    return chatter::run_hub_node(opts, signals);

  bool embedded = opts.hub.empty();
  caf::actor_system_config cfg;
  chatter::register_chatter_types(cfg);
  chatter::configure_scheduler(cfg, opts.scheduler);
  // The network layer only when asked for: by default nothing listens.
  if (!opts.listen.empty() || !embedded)
    chatter::load_network(cfg, opts);
  caf::actor_system sys{cfg};
  // After sys, so that on any way out (a start-up failure too) the actors
  // are told to exit before ~actor_system waits for them. The link, and the
  // accounts, end with the manager; the front and the gateways with the
  // hub. None of them obeys an exit message a peer sends.
  chatter::shutdown_steps stop;

  chatter::running_hub hub;
  chatter::hub_handles local;
  if (embedded) {
    hub = chatter::spawn_hub(sys, chatter::hub_config_from(opts));
    stop.add([hub] { chatter::stop_hub(hub); });
    local = chatter::local_gateway(sys, hub);
  }
  if (!opts.listen.empty()) {
    auto reaper = chatter::spawn_hub_reaper(sys, hub);
    auto front = chatter::spawn_hub_front(sys, hub, chatter::network_middleman(sys, opts), reaper);
    chatter::publish_hub(sys, front, reaper, opts);
  }

  chatter::dbus::bus_loop loop{open_bus(opts.bus_address)};
  chatter::dbus::bridge bridge{
    sys, loop, {chatter::version, embedded ? "embedded" : opts.hub.str()}};

  chatter::tuxdroid_config tux_cfg;
  tux_cfg.backend.kind = opts.tux_backend;
  tux_cfg.backend.host = opts.tux_server.host;
  tux_cfg.backend.port = opts.tux_server.port;
  tux_cfg.backend.language = opts.tux_language;
  tux_cfg.backend.voice = opts.tux_voice;
  tux_cfg.backend.wav_dir = opts.tux_wav_dir;
  tux_cfg.greeting = opts.tux_greeting;
  tux_cfg.react_on_arrival = opts.tux_react_on_arrival;
  tux_cfg.react_on_message = opts.tux_react_on_message;
  tux_cfg.events = bridge.events();
  auto robot = chatter::spawn_tuxdroid(sys, tux_cfg);
  stop.add([robot] { caf::anon_send_exit(robot, caf::exit_reason::user_shutdown); });

  chatter::account_manager_config mgr_cfg;
  mgr_cfg.accounts_dir = (fs::path(opts.data_dir) / "accounts").string();
  mgr_cfg.hub = local;
  mgr_cfg.crypto = chatter::spawn_crypto_pool(sys);
  auto crypto = mgr_cfg.crypto;
  stop.add([crypto] { caf::anon_send_exit(crypto, caf::exit_reason::user_shutdown); });
  mgr_cfg.events = bridge.events();
  mgr_cfg.robot = robot;
  mgr_cfg.corrupt_rechallenge_for = opts.corrupt_rechallenge_for;
  auto manager = sys.spawn<caf::detached>(chatter::account_manager, mgr_cfg);
  stop.add([manager] { caf::anon_send_exit(manager, caf::exit_reason::user_shutdown); });
  chatter::hub_link_actor link;
  if (!embedded) {
    chatter::hub_link_config link_cfg;
    link_cfg.host = opts.hub.host;
    link_cfg.port = opts.hub.port;
    link_cfg.middleman = chatter::network_middleman(sys, opts);
    link_cfg.manager = caf::actor_cast<chatter::hub_listener_actor>(manager);
    link_cfg.events = bridge.events();
    link = chatter::hub_link(sys, link_cfg);
  }

  bridge.export_objects(manager, robot);
  // The name goes with the connection: stop as SIGTERM would.
  loop.on_lost([] { kill(getpid(), SIGTERM); });
  loop.start();
  signals.started();
  spdlog::info("chatterd {} serving {} (data in {}, hub {}, re-challenge every {} s)",
               chatter::version, chatter::dbus::service_name, opts.data_dir,
               embedded ? "embedded" : opts.hub.str(), opts.rechallenge_interval);

  int sig = signals.wait();
  spdlog::info("chatterd: {} received, shutting down", strsignal(sig));

  bridge.unexport_objects();
  stop.run_now();
  caf::anon_send_exit(bridge.events(), caf::exit_reason::user_shutdown);
  sys.await_all_actors_done();
  loop.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto opts = chatter::parse_options(argc, argv);
  // Before any thread starts or any secret arrives.
  if (!opts.allow_core_dumps && ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    std::perror("chatterd: prctl(PR_SET_DUMPABLE)");
    return 1;
  }
  auto logger = spdlog::stderr_color_mt("chatterd");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(opts.log_level));
  try {
    return run(opts);
  } catch (const sdbus::Error& err) {
    if (err.getName() == "org.freedesktop.DBus.Error.FileExists"
        || err.getMessage().find("exists") != std::string::npos)
      spdlog::critical("another chatterd already owns org.chatter.Chatter1 on this bus");
    else
      spdlog::critical("D-Bus: {}", err.what());
  } catch (const std::exception& ex) {
    spdlog::critical("{}", ex.what());
  }
  return 1;
}
