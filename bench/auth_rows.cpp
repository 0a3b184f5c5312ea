// Authentication at the hub, in-process: logins per second (the client's
// Argon2 is done once, outside the timing: the hub's share is the point),
// the CPU that re-challenging N sessions every second costs, and memory per
// session (heap in use). References measured in the same run: two local CAF round trips
// per login, the bare HMACs of N proofs and verifications per second, and
// the memory of an idle CAF actor.
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <thread>

#include <spdlog/spdlog.h>

#include "core/scram.hpp"
#include "harness.hpp"
#include "hub/hub.hpp"
#include "world.hpp"

namespace chatter::bench {

namespace {

using namespace std::chrono_literals;

// Heap in use, KiB. Not RSS: freed pages stay resident and are reused, so an
// RSS delta says more about what ran before than about what was added.
double heap_kib() {
  auto m = mallinfo2();
  return static_cast<double>(m.uordblks + m.hblkhd) / 1024.0;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
    + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Percent of one core this process spends over `window`: the hub and the
// answering peer together (their HMACs are of the same size).
double cpu_percent(std::chrono::milliseconds window) {
  auto c0 = cpu_seconds();
  std::this_thread::sleep_for(window);
  return (cpu_seconds() - c0) / (static_cast<double>(window.count()) / 1000.0) * 100.0;
}

// Answers every re-challenge of alice's sessions, as her daemon would.
caf::behavior answerer(caf::event_based_actor* self, derived_keys keys, member_gateway_actor auth) {
  self->set_default_handler(caf::drop);
  return {
    [=](challenge_atom, const std::string& token, const std::string& nonce) {
      auto proof = scram::client_proof(keys.client_key, keys.stored_key,
                                       scram::rechallenge_auth_message("alice", token, nonce));
      self->request(auth, 10s, answer_atom_v, token, nonce, proof)
        .then([](int64_t) {}, [](caf::error&) {});
    },
  };
}

caf::behavior echo(caf::event_based_actor*, int) {
  return {[](int x) { return x; }};
}

struct in_process_hub {
  in_process_hub() {
    register_chatter_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    hub_config hc;
    hc.database_path = (dir.path() / "hub.db").string();
    hc.rechallenge_interval = 1s;
    hc.kdf = {8192, 1, 1};
    // One user with thousands of sessions on one connection: what this
    // bench measures, and what the limits of a real hub forbid.
    hc.limits.sessions_per_user = 1000000;
    hc.limits.gateway.requests = {1e9, 1e9};
    hub = spawn_hub(*sys, hc);
    gw = local_gateway(*sys, hub).gateway;
  }
  ~in_process_hub() {
    stop_hub(hub);
  }
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  test::temp_dir dir;
  running_hub hub;
  member_gateway_actor gw;  // as the daemon's own accounts reach the hub
};

}  // namespace

std::vector<row> auth_rows(const settings& s) {
  auto level = spdlog::get_level();
  spdlog::set_level(spdlog::level::warn);  // a log line per login would be the cost
  int small = s.iterations(1000), large = s.iterations(10000);
  auto n_small = std::to_string(small), n_large = std::to_string(large);
  row logins{"logins/s at the hub (SCRAM exchange, session set up)",
             "2 local CAF request/response round trips",
             {},
             {}};
  row cpu_small{"re-challenge CPU, " + n_small + " sessions every 1 s, % of a core",
                "bare HMACs of as many proofs + verifications",
                {},
                {}};
  row cpu_large{"re-challenge CPU, " + n_large + " sessions every 1 s, % of a core",
                "bare HMACs of as many proofs + verifications",
                {},
                {}};
  row mem_small{
    "hub memory per session at " + n_small + " sessions, KiB", "memory per idle CAF actor", {}, {}};
  row mem_large{
    "hub memory per session at " + n_large + " sessions, KiB", "memory per idle CAF actor", {}, {}};
  auto window = std::chrono::milliseconds(s.scale < 1 ? 500 : 3000);
  for (int run = 0; run < s.runs; ++run) {
    in_process_hub h;
    caf::scoped_actor self{*h.sys};
    signup_offer offer;
    self->request(h.gw, 10s, offer_atom_v, std::string("alice"))
      .receive([&](signup_offer& o) { offer = o; },
               [](caf::error& e) { throw std::runtime_error(caf::to_string(e)); });
    auto keys = scram::derive("bench password", offer.salt, offer.kdf);
    signup_request req{"alice",
                       "Alice",
                       offer.salt,
                       offer.kdf,
                       scram::to_bytes(keys.stored_key),
                       scram::to_bytes(keys.server_key)};
    self->request(h.gw, 10s, signup_atom_v, req)
      .receive([](caf::ok_atom) {},
               [](caf::error& e) { throw std::runtime_error(caf::to_string(e)); });
    auto peer = caf::actor_cast<session_peer_actor>(h.sys->spawn(answerer, keys, h.gw));

    auto log_in = [&] {
      auto nonce = scram::random_nonce();
      login_challenge c;
      self->request(h.gw, 10s, login_atom_v, std::string("alice"), nonce)
        .receive([&](login_challenge& x) { c = x; },
                 [](caf::error& e) { throw std::runtime_error(caf::to_string(e)); });
      auto message = scram::login_auth_message("alice", nonce, c.nonce, c.salt, c.kdf);
      auto proof = scram::client_proof(keys.client_key, keys.stored_key, message);
      self->request(h.gw, 10s, proof_atom_v, c.attempt, proof, peer)
        .receive([](login_grant&) {},
                 [](caf::error& e) { throw std::runtime_error(caf::to_string(e)); });
    };
    // CAF's scheduler polls while idle: that share is not re-challenging.
    auto idle_cpu = cpu_percent(window);
    auto rss0 = heap_kib();
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < small; ++i)
      log_in();
    std::chrono::duration<double> spent = std::chrono::steady_clock::now() - t0;
    logins.chatter_runs.push_back(small / spent.count());
    std::this_thread::sleep_for(1200ms);  // every session has been challenged once
    cpu_small.chatter_runs.push_back(std::max(0.0, cpu_percent(window) - idle_cpu));
    mem_small.chatter_runs.push_back((heap_kib() - rss0) / small);
    for (int i = small; i < large; ++i)
      log_in();
    std::this_thread::sleep_for(1200ms);
    cpu_large.chatter_runs.push_back(std::max(0.0, cpu_percent(window) - idle_cpu));
    mem_large.chatter_runs.push_back((heap_kib() - rss0) / large);

    // References, same process, same run.
    auto target = h.sys->spawn(echo, 0);
    auto rt_us = micros_per_op(small, [&] {
      self->request(target, 10s, 1).receive([](int) {}, [](caf::error&) {});
      self->request(target, 10s, 2).receive([](int) {}, [](caf::error&) {});
    });
    logins.reference_runs.push_back(1e6 / rt_us);
    auto hmac_us = micros_per_op(small, [&] {
      auto m = scram::rechallenge_auth_message("alice", "0123456789abcdef0123456789abcdef",
                                               "nonce-nonce-nonce-nonce-nonce");
      auto proof = scram::client_proof(keys.client_key, keys.stored_key, m);
      if (!scram::verify_client_proof(scram::to_bytes(keys.stored_key), m, proof))
        throw std::runtime_error("bare SCRAM failed");
    });
    cpu_small.reference_runs.push_back(hmac_us * small / 1e6 * 100.0);
    cpu_large.reference_runs.push_back(hmac_us * large / 1e6 * 100.0);
    auto before = heap_kib();
    std::vector<caf::actor> idle;
    for (int i = 0; i < large; ++i)
      idle.push_back(h.sys->spawn(echo, i));
    auto per_actor = (heap_kib() - before) / large;
    mem_small.reference_runs.push_back(per_actor);
    mem_large.reference_runs.push_back(per_actor);
    for (auto& a : idle)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(target, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(peer, caf::exit_reason::user_shutdown);
  }
  spdlog::set_level(level);
  return {logins, cpu_small, cpu_large, mem_small, mem_large};
}

}  // namespace chatter::bench
