#include "options.hpp"

#include <cstdlib>

#include <CLI/CLI.hpp>

#include "member/tuxdroid/backend.hpp"
#include "member/tuxdroid/speech.hpp"
#include "version.hpp"

namespace chatter {

std::string default_data_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
    return std::string(xdg) + "/chatter";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.local/share/chatter";
  return "./chatter-data";
}

std::string default_config_file() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    return std::string(xdg) + "/chatter/chatterd.conf";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.config/chatter/chatterd.conf";
  return "chatterd.conf";
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

namespace {

// HOST:PORT, or [V6]:PORT.
endpoint parse_endpoint(const std::string& text, const std::string& what) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    throw CLI::ValidationError(what, "'" + text + "' is not HOST:PORT");
  endpoint e;
  e.host = text.substr(0, colon);
  if (e.host.front() == '[' && e.host.back() == ']')
    e.host = e.host.substr(1, e.host.size() - 2);
  auto port = text.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5
      || std::stoul(port) > 65535)
    throw CLI::ValidationError(what, "the port of '" + text + "' is not 0-65535");
  e.port = static_cast<uint16_t>(std::stoul(port));
  return e;
}

}  // namespace

namespace {

daemon_options parse(int argc, const char* const* argv, bool exit_on_error) {
  daemon_options opts;
  opts.data_dir = default_data_dir();
  CLI::App app{"chatterd: the Chatter messaging daemon.\n"
               "Serves org.chatter.Chatter1 on the session bus. By default it "
               "hosts an embedded hub (registry, authentication, keys, mailbox) "
               "over SQLite files in the data directory and nothing listens on "
               "the network; --listen publishes that hub to other hosts, --hub "
               "joins another host's hub instead. Every option can also be set "
               "in the config file (INI: name = value)."};
  app.set_config("--config", default_config_file(), "read options from this file");
  std::string listen, hub;
  app.set_version_flag("--version", std::string("chatterd ") + version);
  app.add_option("--data-dir", opts.data_dir, "where the hub database and the accounts live")
    ->capture_default_str();
  app
    .add_option("--rechallenge-interval", opts.rechallenge_interval,
                "seconds between the hub's re-challenges of each session")
    ->check(CLI::Range(1, 86400))
    ->capture_default_str();
  app.add_option("--bus-address", opts.bus_address,
                 "D-Bus address to serve on (default: the session bus)");
  app.add_option("--log-level", opts.log_level, "trace, debug, info, warn or error")
    ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
    ->capture_default_str();
  app
    .add_option("--scheduler", opts.scheduler,
                "how idle worker threads wait: sharing (asleep until work comes) "
                "or stealing (CAF's default: they poll, every 50 us at first)")
    ->check(CLI::IsMember({"sharing", "stealing"}))
    ->capture_default_str();
  app.add_flag("--allow-core-dumps", opts.allow_core_dumps,
               "let this process be dumped and traced by its user (gdb, gcore, core "
               "files); by default it is not, since its memory holds unlocked keys");
  auto* listen_opt =
    app.add_option("--listen", listen,
                   "publish the hub on HOST:PORT for other hosts' daemons (port 0: any free "
                   "port, printed on stdout as 'chatterd: hub listening on HOST:PORT')");
  app.add_option("--hub", hub, "join the remote hub at HOST:PORT; host no hub here")
    ->excludes(listen_opt);
  std::string cluster;
  auto* node_flag =
    app
      .add_flag("--hub-node", opts.hub_node,
                "run as one node of a hub cluster: a hub only (no accounts, no D-Bus), published "
                "on --listen; users are spread over the nodes of --cluster")
      ->group("Hub cluster");
  auto* cluster_opt =
    app
      .add_option("--cluster", cluster,
                  "the cluster's nodes, HOST:PORT,HOST:PORT,... (this node's --listen "
                  "among them); every node must be given the same list")
      ->group("Hub cluster");
  app
    .add_flag("--join", opts.cluster_join,
              "this node is being added to a running cluster: the nodes already there "
              "hand over the users whose home becomes this node")
    ->group("Hub cluster")
    ->needs(cluster_opt);
  auto* secret_opt =
    app
      .add_option("--cluster-secret", opts.cluster_secret_file,
                  "a file holding the secret the nodes share (16 bytes or more); each "
                  "node proves it knows it to the others")
      ->check(CLI::ExistingFile)
      ->group("Hub cluster");
  node_flag->needs(cluster_opt);
  node_flag->needs(secret_opt);
  cluster_opt->needs(node_flag);
  struct limit_option {
    const char* name;
    unsigned* value;
    const char* help;
    unsigned max;
  };
  for (auto& o :
       {limit_option{"--signups-per-hour", &opts.signups_per_hour,
                     "sign-ups one network address may make in an hour", 1000000u},
        limit_option{"--sessions-per-user", &opts.sessions_per_user,
                     "sessions one user may hold; a newer login replaces the oldest", 1024u},
        limit_option{"--queue-max-messages", &opts.queue_max_messages,
                     "messages that may wait at the hub for one recipient", 100000000u},
        limit_option{"--queue-max-mib", &opts.queue_max_mib,
                     "MiB that may wait at the hub for one recipient", 1048576u},
        limit_option{"--connections-per-address", &opts.connections_per_address,
                     "member connections the hub accepts from one network address", 100000u},
        limit_option{"--handshake-timeout", &opts.handshake_timeout,
                     "seconds a new connection has to say hello (CAF's handshake "
                     "included) before the hub closes it",
                     3600u},
        limit_option{"--login-timeout", &opts.login_timeout,
                     "seconds a connection may hold no session (after its hello, or "
                     "after its last session ended) before the hub closes it",
                     86400u}})
    app.add_option(o.name, *o.value, o.help)
      ->capture_default_str()
      ->check(CLI::Range(1u, o.max))
      ->group("Hub limits");
  app.add_flag("--insecure", opts.insecure, "allow --listen on a non-loopback address without TLS");
  auto* cert = app
                 .add_option("--tls-cert", opts.tls_cert,
                             "this host's certificate (PEM), signed by the group's CA")
                 ->check(CLI::ExistingFile);
  auto* key =
    app.add_option("--tls-key", opts.tls_key, "its private key (PEM)")->check(CLI::ExistingFile);
  auto* ca = app.add_option("--tls-ca", opts.tls_ca, "the group's CA certificate (PEM)")
               ->check(CLI::ExistingFile);
  cert->needs(key)->needs(ca);
  key->needs(cert);
  ca->needs(cert);
  std::string tux_server = opts.tux_server.str();
  app
    .add_option("--tux-backend", opts.tux_backend,
                "how the Tux Droid robot acts: tuxhttp (the Tux Droid server's HTTP "
                "API), espeak (speech through espeak-ng, motions logged), log (both "
                "logged), auto (tuxhttp if its server answers, else log)")
    ->check(CLI::IsMember(
      std::vector<std::string>(std::begin(tux::backend_kinds), std::end(tux::backend_kinds))))
    ->capture_default_str()
    ->group("Tux Droid");
  app.add_option("--tux-server", tux_server, "the Tux Droid server's HOST:PORT")
    ->capture_default_str()
    ->group("Tux Droid");
  app.add_option("--tux-language", opts.tux_language, "the robot's sentences: en or fr")
    ->check(CLI::IsMember(tux::languages()))
    ->capture_default_str()
    ->group("Tux Droid");
  app
    .add_option("--tux-greeting", opts.tux_greeting,
                "what the robot says when one interlocutor arrives; {name} is "
                "replaced (default: the language's, \"{name} is here\")")
    ->group("Tux Droid");
  app
    .add_option("--tux-voice", opts.tux_voice,
                "the tuxhttp locutor or the espeak-ng voice (default: the language's)")
    ->group("Tux Droid");
  app
    .add_option("--tux-espeak-wav-dir", opts.tux_wav_dir,
                "espeak: write each utterance to a WAV file in DIR instead of playing it")
    ->group("Tux Droid");
  app
    .add_option("--tux-react-on-arrival", opts.tux_react_on_arrival,
                "greet each new interlocutor (true or false)")
    ->capture_default_str()
    ->group("Tux Droid");
  app
    .add_option("--tux-react-on-message", opts.tux_react_on_message,
                "read out each incoming message (true or false)")
    ->capture_default_str()
    ->group("Tux Droid");
  // Tests only: answer every re-challenge of USER wrongly.
  app.add_option("--test-corrupt-rechallenge", opts.corrupt_rechallenge_for)->group("");
  try {
    app.parse(argc, argv);
    if (!listen.empty())
      opts.listen = parse_endpoint(listen, "--listen");
    opts.tux_server = parse_endpoint(tux_server, "--tux-server");
    if (opts.tux_server.port == 0)
      throw CLI::ValidationError("--tux-server", "the Tux Droid server's port cannot be 0");
    if (!opts.tux_greeting.empty() && opts.tux_greeting.find("{name}") == std::string::npos)
      throw CLI::ValidationError("--tux-greeting",
                                 "the greeting needs {name} where the "
                                 "interlocutor's name goes");
    if (!hub.empty()) {
      opts.hub = parse_endpoint(hub, "--hub");
      if (opts.hub.port == 0)
        throw CLI::ValidationError("--hub", "the hub's port cannot be 0");
    }
    if (opts.hub_node) {
      if (opts.listen.empty() || opts.listen.port == 0)
        throw CLI::ValidationError("--hub-node",
                                   "a hub node needs --listen HOST:PORT with a "
                                   "fixed port: the other nodes know it by it");
      if (!opts.hub.empty())
        throw CLI::ValidationError("--hub-node", "a hub node hosts a hub; it joins none");
      bool self_listed = false;
      size_t start = 0;
      while (start <= cluster.size()) {
        auto comma = cluster.find(',', start);
        auto item =
          cluster.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) {
          auto e = parse_endpoint(item, "--cluster");
          if (e.port == 0)
            throw CLI::ValidationError("--cluster", "a node's port cannot be 0");
          self_listed = self_listed || e.str() == opts.listen.str();
          opts.cluster.push_back(e);
        }
        if (comma == std::string::npos)
          break;
        start = comma + 1;
      }
      if (!self_listed)
        throw CLI::ValidationError("--cluster",
                                   "the list must hold this node's own --listen "
                                   "address, "
                                     + opts.listen.str() + ", spelled the same way");
    }
    if (!opts.listen.empty() && !is_loopback(opts.listen.host) && opts.tls_cert.empty()
        && !opts.insecure)
      throw CLI::ValidationError(
        "--listen",
        "refusing to publish the hub on " + opts.listen.str()
          + " without TLS: anyone who reaches that address could talk to "
            "the hub's actors in clear. Give --tls-cert, --tls-key and "
            "--tls-ca (see README), listen on 127.0.0.1, or add --insecure "
            "on a network you trust");
  } catch (const CLI::ParseError& e) {
    if (!exit_on_error)
      throw;
    std::exit(app.exit(e));
  }
  return opts;
}

}  // namespace

daemon_options parse_options(int argc, char** argv) {
  return parse(argc, argv, true);
}

daemon_options parse_options_or_throw(int argc, const char* const* argv) {
  return parse(argc, argv, false);
}

}  // namespace chatter
