#include "hub_node.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>

#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include "hub/cluster/router.hpp"
#include "hub/hub.hpp"
#include "network.hpp"
#include "store/database.hpp"

namespace chatter {

namespace {

std::string read_secret(const std::string& path) {
  if (path.empty())
    return {};
  std::ifstream in(path);
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
    secret.pop_back();
  if (secret.size() < 16)
    throw std::runtime_error("the cluster secret in " + path + " is shorter than 16 bytes");
  return secret;
}

}  // namespace

int run_hub_node(const daemon_options& opts, signal_watch& signals) {
  namespace fs = std::filesystem;
  caf::actor_system_config cfg;
  register_chatter_types(cfg);
  configure_scheduler(cfg, opts.scheduler);
  load_network(cfg, opts);
  caf::actor_system sys{cfg};
  // On any way out, the hub hears of it before ~actor_system waits for it.
  shutdown_steps stop;

  auto hub_dir = fs::path(opts.data_dir) / "hub";
  store::create_private_directories(hub_dir.string());
  auto hub_cfg = hub_config_from(opts);
  hub_cfg.clustered = true;
  auto local = spawn_hub(sys, hub_cfg);
  stop.add([local] { stop_hub(local); });  // the front, the gateways and the router go with it

  cluster::router_config router_cfg;
  router_cfg.self_address = opts.listen.str();
  for (auto& e : opts.cluster)
    router_cfg.members.insert(e.str());
  router_cfg.joining = opts.cluster_join;
  router_cfg.secret = read_secret(opts.cluster_secret_file);
  router_cfg.database_path = hub_cfg.database_path;
  router_cfg.state_file = (hub_dir / "cluster.json").string();
  router_cfg.local = local.actors;
  router_cfg.middleman = network_middleman(sys, opts);
  router_cfg.lifetime = local.lifetime;
  auto router = cluster::spawn_router(sys, router_cfg);

  // Members get a gateway each, in front of the router; peer nodes that
  // prove the secret get a link of their own to it.
  front_config front_cfg{
    cluster::as_hub(router),     router_cfg.middleman, local.lifetime, local.limits, router,
    spawn_hub_reaper(sys, local)};
  auto front = spawn_front(sys, front_cfg);
  publish_hub(sys, front, front_cfg.reaper, opts, " as a cluster node");
  spdlog::info("hub node {} of a {}-node cluster{}", opts.listen.str(), opts.cluster.size(),
               opts.cluster_join ? ", joining" : "");

  signals.started();
  int sig = signals.wait();
  spdlog::info("chatterd: {} received, shutting down", strsignal(sig));
  return 0;
}

}  // namespace chatter
