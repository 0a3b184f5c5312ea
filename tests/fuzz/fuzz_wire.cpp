// Every request a remote member can send the hub, with its fields as a
// hostile peer makes them: the first byte picks the request, the second
// whether to use a real session (mallory's, logged in with SCRAM at start)
// or one from the input, and the rest is deserialised with CAF's binary
// format into the request's fields, as the network layer would. Real hub
// actors (registry, auth, keys, mailbox) over a SQLite file answer.
// The requests go to a gateway, the only actor a member can reach; so do the
// one-way messages the hub's actors once trusted (online, offline, due),
// wrong-typed ones, and CAF's exit and down messages, forged.
// Invariants: every request is answered, with a value or a Chatter error;
// the gateway and the hub actors never die; no session exists without a
// proof.
// Built with CHATTER_FUZZ_LOOPBACK (the target wire_net), the member is an
// actor system of its own, connected to the hub's published front over a
// real loopback TCP connection: every input then crosses CAF's BASP
// serialisation and the middleman, as a hostile member's would.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>

#include <caf/all.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include "core/crypto/suites.hpp"
#include "core/errors.hpp"
#include "core/scram.hpp"
#include "fuzz_target.hpp"
#include "hub/hub.hpp"

using namespace chatter;
using fuzz::require;

namespace {

// The int is there because CAF 0.17 dereferences a null pointer (UB) when a
// function actor is spawned with no argument.
session_peer_actor::behavior_type quiet_peer(int) {
  return {
    [](challenge_atom, const std::string&, const std::string&) {},
    [](revoked_atom, const std::string&, const std::string&) {},
    [](deliver_atom, const envelope&) {},
    [](deliver_atom, const std::vector<envelope>&) {},
    [](receipt_atom, const std::string&, const std::string&, const std::string&) {},
    [](receipt_atom, const std::vector<receipt_info>&) {},
    [](presence_atom, const presence_info&) {},
    [](consent_atom, const consent_entry&) {},
    [](replenish_atom, uint32_t) {},
    [](hubdown_atom, const std::string&) {},
  };
}

struct hub_under_fuzz {
  std::filesystem::path dir;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  running_hub hub;
  member_gateway_actor gw;  // the boundary: what a member can reach
#ifdef CHATTER_FUZZ_LOOPBACK
  caf::actor_system_config member_cfg;
  std::unique_ptr<caf::actor_system> member_sys;  // the member's side of the wire
  member_link_actor link;
#endif
  std::unique_ptr<caf::scoped_actor> self;
  session_peer_actor peer;
  std::string session;
  derived_keys mallory_keys;

  hub_under_fuzz() {
    spdlog::set_level(spdlog::level::off);
    dir =
      std::filesystem::temp_directory_path() / ("chatter-fuzz-wire-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    register_chatter_types(cfg);
#ifdef CHATTER_FUZZ_LOOPBACK
    cfg.load<caf::io::middleman>();
#endif
    sys = std::make_unique<caf::actor_system>(cfg);
    hub_config hc;
    hc.database_path = (dir / "hub.db").string();
    hc.kdf = {8192, 1, 1};
    // The fuzzer runs far faster than any member: the per-connection and
    // per-session rates would answer RateLimited to most of its inputs.
    hc.limits.gateway.requests = {1e9, 1e9};
    hc.limits.gateway.envelopes = {1e9, 1e9};
    hc.limits.gateway.receipts = {1e9, 1e9};
    hc.limits.gateway.searches = {1e9, 1e9};
    hub = spawn_hub(*sys, hc);
#ifdef CHATTER_FUZZ_LOOPBACK
    connect_over_loopback();
#else
    gw = local_gateway(*sys, hub).gateway;
    self = std::make_unique<caf::scoped_actor>(*sys);
    peer = sys->spawn(quiet_peer, 0);
#endif
    auto offer = ask<signup_offer>(gw, offer_atom_v, std::string("mallory"));
    mallory_keys = scram::derive("pw", offer->salt, offer->kdf);
    ask<caf::ok_atom>(gw, signup_atom_v,
                      signup_request{"mallory", "Mallory", offer->salt, offer->kdf,
                                     scram::to_bytes(mallory_keys.stored_key),
                                     scram::to_bytes(mallory_keys.server_key)});
    log_in();
  }

#ifdef CHATTER_FUZZ_LOOPBACK
  void connect_over_loopback() {
    // No reaper: the fuzzer's one connection says hello at once.
    auto front = spawn_hub_front(*sys, hub, sys->middleman().actor_handle(), {});
    auto port = sys->middleman().publish(front, 0, "127.0.0.1");
    require(static_cast<bool>(port), "the hub could not listen on loopback");
    register_chatter_types(member_cfg);
    member_cfg.load<caf::io::middleman>();
    member_sys = std::make_unique<caf::actor_system>(member_cfg);
    auto remote = member_sys->middleman().remote_actor<hub_front_actor>("127.0.0.1", *port);
    require(static_cast<bool>(remote), "the member could not reach the hub over loopback");
    self = std::make_unique<caf::scoped_actor>(*member_sys);
    // The int: CAF 0.17 dereferences null for a spawn with no argument.
    link =
      member_sys->spawn([](member_link_actor::pointer,
                           int) -> member_link_actor::behavior_type { return {[](retry_atom) {}}; },
                        0);
    auto handles = ask<hub_handles>(*remote, hello_atom_v, link);
    require(handles.has_value(), "the hub's front refused the member's hello");
    gw = handles->gateway;
    peer = member_sys->spawn(quiet_peer, 0);
  }
#endif

  // The only refusal a right password may get: over loopback, the fuzzer's
  // own wrong proofs lock mallory out at that address for a while (the
  // daemon's own "local" accounts are exempt), and she goes on without a
  // session.
  bool locked_out(const std::string& user) {
    bool locked = false;
    (*self)
      ->request(gw, std::chrono::seconds(30), login_atom_v, user, scram::random_nonce())
      .receive([](login_challenge&) {},
               [&](caf::error& err) {
                 locked = err.category() == error_category
                   && err.code() == static_cast<uint8_t>(errc::rate_limited);
               });
    return locked;
  }

  void log_in() {
    auto nonce = scram::random_nonce();
    auto challenge = ask<login_challenge>(gw, login_atom_v, std::string("mallory"), nonce);
#ifdef CHATTER_FUZZ_LOOPBACK
    if (!challenge && locked_out("mallory")) {
      session.clear();
      return;
    }
#endif
    require(challenge.has_value(), "mallory's login was not challenged");
    auto message = scram::login_auth_message("mallory", nonce, challenge->nonce, challenge->salt,
                                             challenge->kdf);
    auto proof = scram::client_proof(mallory_keys.client_key, mallory_keys.stored_key, message);
    auto grant = ask<login_grant>(gw, proof_atom_v, challenge->attempt, proof, peer);
#ifdef CHATTER_FUZZ_LOOPBACK
    if (!grant && locked_out("mallory")) {
      session.clear();
      return;
    }
#endif
    require(grant.has_value(), "mallory's right password was refused");
    session = grant->session;
  }

  // A session nobody proved is no session.
  void expect_no_session(const std::string& s) {
    if (s == session)
      return;
    std::optional<caf::ok_atom> out;
    (*self)
      ->request(gw, std::chrono::seconds(30), ack_atom_v, s, std::string("bob"), std::string("id"))
      .receive([&](caf::ok_atom) { out = caf::ok_atom_v; }, [](caf::error&) {});
    require(!out, "a session was made without a proof");
  }

  // The answer to one request: a value, or nullopt for a Chatter error.
  template <class T, class Handle, class... Ts>
  std::optional<T> ask(const Handle& h, Ts... xs) {
    std::optional<T> out;
    (*self)
      ->request(h, std::chrono::seconds(30), xs...)
      .receive([&](T& value) { out = std::move(value); },
               [&](caf::error& err) {
                 require(err != caf::sec::request_timeout, "a hub actor did not answer");
                 require(err != caf::sec::request_receiver_down, "a hub actor died");
                 require(err.category() == error_category, "answered with a non-Chatter error");
               });
    return out;
  }
};

hub_under_fuzz& fixture() {
  static hub_under_fuzz h;
  return h;
}

// The request's fields, read from the input as CAF's network layer reads a
// message; false when the bytes are not a valid encoding.
template <class... Ts>
bool read_fields(const uint8_t* data, size_t size, Ts&... xs) {
  caf::binary_deserializer source(nullptr, reinterpret_cast<const char*>(data), size);
  return !source(xs...);
}

template <class... Ts>
std::vector<uint8_t> seed(uint8_t kind, uint8_t real_session, Ts... fields) {
  std::vector<char> buf;
  caf::binary_serializer sink(nullptr, buf);
  std::string fake = "not-a-session";
  if (!real_session)
    sink(fake);
  (sink(fields), ...);
  std::vector<uint8_t> out{kind, real_session};
  out.insert(out.end(), buf.begin(), buf.end());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto id = crypto::generate_identity(crypto::suite_id::x25519_chacha20poly1305_ed25519);
  auto pub = crypto::public_of(id, "mallory");
  std::string bob = "bob", room = "lab", text = "query";
  uint32_t limit = 10;
  uint64_t attempt = 1;
  bytes proof(32, 7);
  std::vector<std::string> users{"mallory", "bob"};
  envelope env{{1, 2, 3}, {4, 5, 6}, {7, 8}};
  signup_request req{"eve",        "Eve",       bytes(16, 1), kdf_params{8192, 1, 1},
                     bytes(32, 2), bytes(32, 3)};
  fuzz::write_seeds_if_asked({seed(0, 1, bob),
                              seed(1, 1, req),
                              seed(2, 1, bob, text),
                              seed(3, 1, attempt, proof),
                              seed(4, 1, text, proof),
                              seed(5, 1),
                              seed(6, 1, pub),
                              seed(7, 1, bob),
                              seed(8, 1, env),
                              seed(9, 1, bob, text),
                              seed(10, 1, users),
                              seed(11, 1, bob),
                              seed(12, 1, text, limit),
                              seed(13, 1, text, text),
                              seed(14, 1, users),
                              seed(15, 1, room, users),
                              seed(16, 1, room, bob),
                              seed(17, 1, room),
                              seed(18, 1, room),
                              seed(19, 1),
                              seed(20, 1, bob, users),
                              seed(6, 0, pub),
                              seed(8, 0, env),
                              seed(23, 0, bob),
                              seed(24, 1),
                              seed(25, 1, attempt),
                              seed(26, 1),
                              seed(27, 1, bob, text)});
  auto& f = fixture();
  // Registered after the fixture, so it runs before the fixture's destructor
  // at exit: CAF 0.17 crashes tearing an actor system down from exit
  // handlers. Crashes and broken invariants end the process through
  // libFuzzer's own _Exit with its error code, never through here.
  static auto dir = f.dir;
  std::atexit([] {
    std::filesystem::remove_all(dir);
    std::fflush(nullptr);
    std::_Exit(0);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2)
    return 0;
  auto& f = fixture();
  if (f.session.empty())
    f.log_in();  // locked out before (loopback only): try again
  const uint8_t kind = data[0] % 32;
  // A re-challenge answer or a logout ends the real session, and logging in
  // again costs an Argon2 run: those two use it for one second byte in 256.
  const bool ends_session = kind == 4 || kind == 5;
  const bool real = ends_session ? data[1] == 1 : (data[1] & 1) != 0;
  data += 2;
  size -= 2;
  std::string session = f.session;
  if (!real) {
    caf::binary_deserializer source(nullptr, reinterpret_cast<const char*>(data), size);
    if (source(session))
      return 0;
    auto used = size - source.remaining();
    data += used;
    size -= used;
  }
  std::string s1, s2;
  bytes b;
  uint64_t n = 0;
  uint32_t limit = 0;
  std::vector<std::string> list;
  signup_request req;
  public_identity pub;
  envelope env;
  std::vector<envelope> envs;
  std::vector<message_ref> refs;
  signed_prekey spk;
  std::vector<one_time_prekey> one_time;
  switch (kind) {
  case 0:
    if (read_fields(data, size, s1))
      f.ask<signup_offer>(f.gw, offer_atom_v, s1);
    break;
  case 1:
    if (read_fields(data, size, req))
      f.ask<caf::ok_atom>(f.gw, signup_atom_v, req);
    break;
  case 2:
    if (read_fields(data, size, s1, s2))
      f.ask<login_challenge>(f.gw, login_atom_v, s1, s2);
    break;
  case 3:
    if (read_fields(data, size, n, b))
      f.ask<login_grant>(f.gw, proof_atom_v, n, b, f.peer);
    break;
  case 4:
    if (read_fields(data, size, s1, b))
      f.ask<int64_t>(f.gw, answer_atom_v, session, s1, b);
    break;
  case 5: f.ask<caf::ok_atom>(f.gw, logout_atom_v, session); break;
  case 6:
    if (read_fields(data, size, pub))
      f.ask<caf::ok_atom>(f.gw, pubkey_atom_v, session, pub);
    break;
  case 7:
    if (read_fields(data, size, s1))
      f.ask<public_identity>(f.gw, fetchkey_atom_v, session, s1);
    break;
  case 8:
    if (read_fields(data, size, env))
      f.ask<caf::ok_atom>(f.gw, enqueue_atom_v, session, env);
    break;
  case 9:
    if (read_fields(data, size, s1, s2))
      f.ask<caf::ok_atom>(f.gw, ack_atom_v, session, s1, s2);
    break;
  case 10:
    if (read_fields(data, size, list))
      f.ask<caf::ok_atom>(f.gw, readrcpt_atom_v, session, std::string("bob"), list);
    break;
  case 11:
    if (read_fields(data, size, s1))
      f.ask<user_record>(f.gw, lookup_atom_v, session, s1);
    break;
  case 12:
    if (read_fields(data, size, s1, limit))
      f.ask<std::vector<presence_info>>(f.gw, search_atom_v, session, s1, limit);
    break;
  case 13:
    if (read_fields(data, size, s1, s2))
      f.ask<caf::ok_atom>(f.gw, presence_atom_v, session, s1, s2);
    break;
  case 14:
    if (read_fields(data, size, list))
      f.ask<std::vector<presence_info>>(f.gw, watch_atom_v, session, list);
    break;
  case 15:
    if (read_fields(data, size, s1, list))
      f.ask<room_info>(f.gw, roomnew_atom_v, session, s1, list);
    break;
  case 16:
    if (read_fields(data, size, s1, s2))
      f.ask<room_info>(f.gw, roominv_atom_v, session, s1, s2);
    break;
  case 17:
    if (read_fields(data, size, s1))
      f.ask<caf::ok_atom>(f.gw, roomleave_atom_v, session, s1);
    break;
  case 18:
    if (read_fields(data, size, s1))
      f.ask<room_info>(f.gw, roomget_atom_v, session, s1);
    break;
  case 19: f.ask<std::vector<room_info>>(f.gw, rooms_atom_v, session); break;
  case 20:
    if (read_fields(data, size, spk, one_time))
      f.ask<uint32_t>(f.gw, prekeys_atom_v, session, spk, one_time);
    break;
  case 21:
    if (read_fields(data, size, s1))
      f.ask<prekey_bundle>(f.gw, bundle_atom_v, session, s1);
    break;
  case 22:
    if (read_fields(data, size, s1, list))
      f.ask<caf::ok_atom>(f.gw, unwatch_atom_v, session, s1);
    break;
  // Not requests: what the hub's own actors once trusted from anyone, and
  // CAF's system messages. None may end the gateway or make a session.
  case 23:
    if (read_fields(data, size, s1))
      (*f.self)->send(caf::actor_cast<caf::actor>(f.gw), online_atom_v, session, s1, f.peer);
    f.expect_no_session(session);
    break;
  case 24:
    (*f.self)->send(caf::actor_cast<caf::actor>(f.gw), offline_atom_v, session);
    (*f.self)->send(caf::actor_cast<caf::actor>(f.gw), due_atom_v, session);
    break;
  case 25:
    if (read_fields(data, size, n))
      (*f.self)->send_exit(f.gw, caf::error{static_cast<uint8_t>(n % 8), caf::atom("exit")});
    (*f.self)->send_exit(f.gw, caf::exit_reason::kill);
    break;
  case 26:
    (*f.self)->send(caf::actor_cast<caf::actor>(f.gw),
                    caf::down_msg{f.hub.lifetime.address(), caf::exit_reason::kill});
    (*f.self)->send(caf::actor_cast<caf::actor>(f.gw),
                    caf::exit_msg{f.hub.lifetime.address(), caf::exit_reason::kill});
    break;
  // The hub protocol's batches.
  case 28:
    if (read_fields(data, size, envs))
      f.ask<std::vector<envelope_outcome>>(f.gw, enqueue_atom_v, session, envs);
    break;
  case 29:
    if (read_fields(data, size, refs))
      f.ask<caf::ok_atom>(f.gw, ack_atom_v, session, refs);
    break;
  // Consent: any action about anyone, and the list.
  case 30:
    if (read_fields(data, size, s1, s2))
      f.ask<consent_entry>(f.gw, consent_atom_v, session, s1, s2);
    break;
  case 31: f.ask<std::vector<consent_entry>>(f.gw, consents_atom_v, session); break;
  default:
    if (read_fields(data, size, s1, s2))
      (*f.self)->send(caf::actor_cast<caf::actor>(f.gw), s1, s2, n);
    break;
  }
  // The invariant: the gateway is there and answers.
  f.ask<signup_offer>(f.gw, offer_atom_v, std::string("probe"));
  if (ends_session && real)
    f.log_in();
  return 0;
}
