// The hub's front door against a hostile peer: a CAF node of the test's own,
// built against Chatter's library, connected over loopback TCP to a real
// `chatterd --listen` hub, sending whatever it likes. Members are real
// daemons on private buses. Each test is one attack of the front-door issue.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

#include <poll.h>
#include <sys/resource.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <caf/io/all.hpp>
#include <gtest/gtest.h>

#include "client_proxies.hpp"
#include "core/clock.hpp"
#include "core/crypto/suites.hpp"
#include "core/envelope.hpp"
#include "core/errors.hpp"
#include "core/scram.hpp"
#include "helpers.hpp"
#include "hub/cluster/router.hpp"
#include "hub/hub.hpp"
#include "hub_cluster.hpp"
#include "member_host.hpp"
#include "world.hpp"

using namespace chatter;
using test::eventually;
using namespace std::chrono_literals;

namespace {

// What a hostile peer's session actor heard, and from whom.
struct heard {
  std::mutex m;
  std::vector<std::string> kinds;
  size_t not_from_gateway = 0;
  std::vector<std::string> revocations;
  size_t count(const std::string& kind) {
    std::lock_guard<std::mutex> g(m);
    return static_cast<size_t>(std::count(kinds.begin(), kinds.end(), kind));
  }
};

struct session_keys {
  std::string user;
  std::string session;
  derived_keys keys;
};

// The peer a hostile login hands the hub: it answers re-challenges, as a
// daemon does, and records every message with whether its sender was the
// gateway (no other actor of the hub may ever reach it).
session_peer_actor::behavior_type recorder(session_peer_actor::pointer self,
                                           const std::shared_ptr<heard>& out,
                                           const member_gateway_actor& gateway,
                                           const std::shared_ptr<session_keys>& keys) {
  auto note = [=](const char* kind) {
    std::lock_guard<std::mutex> g(out->m);
    out->kinds.emplace_back(kind);
    if (self->current_sender() != gateway.address())
      ++out->not_from_gateway;
  };
  return {
    [=](challenge_atom, const std::string& s, const std::string& nonce) {
      note("challenge");
      auto message = scram::rechallenge_auth_message(keys->user, s, nonce);
      auto proof = scram::client_proof(keys->keys.client_key, keys->keys.stored_key, message);
      self->request(gateway, 10s, answer_atom_v, s, nonce, proof)
        .then([](int64_t) {}, [](caf::error&) {});
    },
    [=](revoked_atom, const std::string&, const std::string& reason) {
      note("revoked");
      std::lock_guard<std::mutex> g(out->m);
      out->revocations.push_back(reason);
    },
    [=](deliver_atom, const envelope&) { note("deliver"); },
    [=](deliver_atom, const std::vector<envelope>&) { note("deliver"); },
    [=](receipt_atom, const std::string&, const std::string&, const std::string&) {
      note("receipt");
    },
    [=](receipt_atom, const std::vector<receipt_info>&) { note("receipt"); },
    [=](presence_atom, const presence_info&) { note("presence"); },
    [=](consent_atom, const consent_entry&) { note("consent"); },
    [=](replenish_atom, uint32_t) { note("replenish"); },
    [=](hubdown_atom, const std::string&) { note("hubdown"); },
  };
}

// A member on the wire that is not a Chatter daemon: its own actor system
// and middleman, speaking to the hub's front and its gateway directly.
class hostile_node {
public:
  explicit hostile_node(uint16_t port) {
    register_chatter_types(cfg_);
    cfg_.load<caf::io::middleman>();
    cfg_.set("scheduler.max-threads", 2);
    sys_ = std::make_unique<caf::actor_system>(cfg_);
    self_ = std::make_unique<caf::scoped_actor>(*sys_);
    auto front = sys_->middleman().remote_actor<hub_front_actor>("127.0.0.1", port);
    if (!front)
      throw std::runtime_error("no hub on port " + std::to_string(port));
    front_ = *front;
    // The int: CAF 0.17 dereferences null for a spawn with no argument.
    link_ = sys_->spawn([](member_link_actor::pointer,
                           int) -> member_link_actor::behavior_type { return {[](retry_atom) {}}; },
                        0);
    auto [hub, err] = ask<hub_handles>(front_, hello_atom_v, link_);
    if (err)
      throw std::runtime_error("hello refused: " + describe(err).sentence);
    gateway_ = hub.gateway;
  }

  ~hostile_node() {
    for (auto& p : peers_)
      caf::anon_send_exit(p, caf::exit_reason::kill);
    caf::anon_send_exit(link_, caf::exit_reason::kill);
    self_.reset();
  }

  template <class T, class Handle, class... Ts>
  std::pair<T, caf::error> ask(const Handle& h, Ts... xs) {
    std::pair<T, caf::error> out;
    (*self_)
      ->request(h, 10s, xs...)
      .receive([&](T& value) { out.first = std::move(value); },
               [&](caf::error& e) { out.second = std::move(e); });
    return out;
  }

  // The D-Bus-less sign-up: an offer, then verifiers.
  caf::error sign_up(const std::string& user, const std::string& password) {
    auto [offer, err] = ask<signup_offer>(gateway_, offer_atom_v, user);
    if (err)
      return err;
    auto keys = scram::derive(password, offer.salt, offer.kdf);
    return ask<caf::ok_atom>(gateway_, signup_atom_v,
                             signup_request{user, user, offer.salt, offer.kdf,
                                            scram::to_bytes(keys.stored_key),
                                            scram::to_bytes(keys.server_key)})
      .second;
  }

  // A SCRAM login; the session's messages go to a fresh recorder.
  std::pair<std::shared_ptr<session_keys>, caf::error>
  log_in(const std::string& user, const std::string& password, std::shared_ptr<heard> out) {
    auto nonce = scram::random_nonce();
    auto [challenge, err] = ask<login_challenge>(gateway_, login_atom_v, user, nonce);
    if (err)
      return {nullptr, err};
    return prove(user, password, nonce, challenge, std::move(out));
  }

  std::pair<std::shared_ptr<session_keys>, caf::error>
  prove(const std::string& user, const std::string& password, const std::string& nonce,
        const login_challenge& challenge, std::shared_ptr<heard> out) {
    auto keys = std::make_shared<session_keys>();
    keys->user = user;
    keys->keys = scram::derive(password, challenge.salt, challenge.kdf);
    auto message =
      scram::login_auth_message(user, nonce, challenge.nonce, challenge.salt, challenge.kdf);
    auto proof = scram::client_proof(keys->keys.client_key, keys->keys.stored_key, message);
    auto peer = sys_->spawn(recorder, std::move(out), gateway_, keys);
    peers_.push_back(peer);
    auto [grant, err] = ask<login_grant>(gateway_, proof_atom_v, challenge.attempt, proof, peer);
    keys->session = grant.session;
    return {keys, err};
  }

  // Whether the hub cut this node off (its gateway's proxy here ends with
  // the connection) before `limit` passed.
  bool cut_off_within(std::chrono::milliseconds limit) {
    (*self_)->monitor(gateway_);
    bool down = false;
    (*self_)->receive([&](caf::down_msg& dm) { down = dm.source == gateway_.address(); },
                      caf::after(limit) >> [] {});
    return down;
  }

  // Any message at all, as an untyped actor would send it.
  template <class... Ts>
  void send_raw(const caf::actor& to, Ts... xs) {
    (*self_)->send(to, xs...);
  }

  caf::actor gateway() const {
    return caf::actor_cast<caf::actor>(gateway_);
  }
  caf::actor front() const {
    return caf::actor_cast<caf::actor>(front_);
  }
  member_gateway_actor typed_gateway() const {
    return gateway_;
  }
  caf::actor_system& system() {
    return *sys_;
  }
  caf::scoped_actor& self() {
    return *self_;
  }

private:
  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::unique_ptr<caf::scoped_actor> self_;
  hub_front_actor front_;
  member_link_actor link_;
  member_gateway_actor gateway_;
  std::vector<session_peer_actor> peers_;
};

// A TCP connection to the hub that never says a word: a plain socket, no
// CAF.
class raw_connection {
public:
  explicit raw_connection(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error(std::string("cannot connect: ") + std::strerror(errno));
  }
  ~raw_connection() {
    ::close(fd_);
  }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  // Whether the hub closed it (end of stream, or a reset) by `deadline`;
  // what CAF sent first (its handshake) is read and dropped.
  bool closed_by(std::chrono::steady_clock::time_point deadline) {
    char buf[4096];
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
      if (left <= 0)
        return false;
      pollfd p{fd_, POLLIN, 0};
      int ready = ::poll(&p, 1, static_cast<int>(left));
      if (ready < 0 && errno == EINTR)
        continue;
      if (ready <= 0)
        return false;
      auto n = ::read(fd_, buf, sizeof buf);
      if (n == 0 || (n < 0 && errno == ECONNRESET))
        return true;
      if (n < 0 && errno != EINTR && errno != EAGAIN)
        return false;
    }
  }

private:
  int fd_;
};

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

std::string name_of(const caf::error& err) {
  return err ? describe(err).name : "ok";
}

// An envelope whose header is well formed (the hub checks only the header).
envelope envelope_to(const std::string& from, const std::string& to, const std::string& id) {
  envelope_header h;
  h.suite = h.signer_suite = "x25519-chacha20poly1305";
  h.id = id;
  h.from = from;
  h.to = to;
  h.timestamp_ms = now_ms();
  h.kem = bytes(32, 7);
  h.nonce = bytes(12, 1);
  return {encode_header(h), bytes(200, 42), bytes(64, 3)};
}

class front_door : public testing::Test {
protected:
  void start_hub(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--listen", "127.0.0.1:0", "--rechallenge-interval", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    hub_ = hub_world_.start_daemon(args);
    port_ = test::printed_hub_port(hub_->log_file());
    ASSERT_NE(port_, 0) << "the hub printed no port";
    hub_conn_ = hub_world_.bus.connect();
    hub_manager_ = std::make_unique<client::manager_client>(*hub_conn_);
  }

  void start_member(test::member_host& m, const std::string& user) {
    ASSERT_TRUE(m.start(test::hub_args("127.0.0.1", port_)))
      << test::read_file(m.daemon->log_file());
    m.join(user);
  }

  std::string hub_log() const {
    return test::read_file(hub_->log_file());
  }

  test::world hub_world_;
  std::unique_ptr<test::chatterd_process> hub_;
  std::unique_ptr<sdbus::IConnection> hub_conn_;
  std::unique_ptr<client::manager_client> hub_manager_;  // the hub daemon's own accounts
  uint16_t port_ = 0;
  test::member_host alice_, bob_;
};

}  // namespace

// Attack 1: the old hub answered hello with its four internal actors, and
// they took `online(session, user, peer)` from anyone: a stranger deleted
// bob's queued mail and published a key as bob.
TEST_F(front_door, a_hostile_peer_hears_only_its_gateway_and_cannot_act_as_bob) {
  start_hub();
  start_member(alice_, "alice");
  start_member(bob_, "bob");
  bob_.account->Logout();
  std::vector<std::string> ids;
  ids.reserve(5);
  for (int i = 0; i < 5; ++i)
    ids.push_back(alice_.account->SendMessage("bob", "for bob's eyes " + std::to_string(i)));

  hostile_node mallory(port_);
  EXPECT_NE(mallory.gateway().node(), mallory.system().node());
  ASSERT_FALSE(mallory.sign_up("mallory", "pw-mallory"));
  auto out = std::make_shared<heard>();
  auto [me, err] = mallory.log_in("mallory", "pw-mallory", out);
  ASSERT_FALSE(err) << describe(err).sentence;

  // The one-way messages the hub's actors once trusted, to the only actor
  // this peer can reach: dropped.
  std::string fake = "00000000000000000000000000000000";
  mallory.send_raw(mallory.gateway(), online_atom_v, fake, std::string("bob"),
                   caf::actor_cast<session_peer_actor>(mallory.gateway()));
  mallory.send_raw(mallory.gateway(), offline_atom_v, me->session);
  mallory.send_raw(mallory.gateway(), due_atom_v, me->session);
  for (auto& id : ids) {
    auto [ok, e] = mallory.ask<caf::ok_atom>(mallory.typed_gateway(), ack_atom_v, fake,
                                             std::string("alice"), id);
    EXPECT_EQ(name_of(e), "NotLoggedIn");
  }
  auto bob_keys = crypto::generate_identity(crypto::suite_id::x25519_chacha20poly1305_ed25519);
  EXPECT_EQ(name_of(mallory
                      .ask<caf::ok_atom>(mallory.typed_gateway(), pubkey_atom_v, fake,
                                         crypto::public_of(bob_keys, "bob"))
                      .second),
            "NotLoggedIn");
  // Her own session cannot speak for bob either.
  EXPECT_EQ(name_of(mallory
                      .ask<caf::ok_atom>(mallory.typed_gateway(), pubkey_atom_v, me->session,
                                         crypto::public_of(bob_keys, "bob"))
                      .second),
            "InvalidArgument");

  // Everything the hub sends her: re-challenges, a delivery, presence, a
  // receipt. All of it comes from her gateway.
  EXPECT_FALSE(mallory
                 .ask<caf::ok_atom>(mallory.typed_gateway(), enqueue_atom_v, me->session,
                                    envelope_to("mallory", "mallory", "m-1"))
                 .second);
  // Presence is for accepted contacts (issue 21): a watch of alice without
  // her consent answers nothing and hears nothing, and a search shows no
  // presence. alice's consent opens it.
  auto [none, watch_err] = mallory.ask<std::vector<presence_info>>(
    mallory.typed_gateway(), watch_atom_v, me->session, std::vector<std::string>{"alice"});
  EXPECT_FALSE(watch_err);
  EXPECT_TRUE(none.empty());
  auto [found, search_err] = mallory.ask<std::vector<presence_info>>(
    mallory.typed_gateway(), search_atom_v, me->session, std::string("alice"), uint32_t{5});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].status, "unknown");
  auto [forged, copy_err] = mallory.ask<caf::ok_atom>(
    mallory.gateway(), consentcp_atom_v, me->session, std::string("alice"), std::string("request"));
  EXPECT_TRUE(copy_err) << "the hub's copy of an action is no member's to send";
  alice_.account->SetPresence("busy", "not for strangers");
  auto [mine, ask_err] =
    mallory.ask<consent_entry>(mallory.typed_gateway(), consent_atom_v, me->session,
                               std::string("alice"), std::string("request"));
  ASSERT_FALSE(ask_err) << describe(ask_err).sentence;
  EXPECT_EQ(mine.state, "pending-out");
  alice_.account->AcceptContact("mallory");
  ASSERT_TRUE(eventually([&] { return out->count("consent") >= 1; })) << "told of the accept";
  EXPECT_EQ(out->count("presence"), 0u) << "nothing came before the consent";
  auto [now, now_err] = mallory.ask<std::vector<presence_info>>(
    mallory.typed_gateway(), watch_atom_v, me->session, std::vector<std::string>{"alice"});
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].status, "busy");
  alice_.account->SetPresence("away", "lunch");
  ASSERT_TRUE(eventually(
    [&] {
      return out->count("challenge") >= 2 && out->count("deliver") >= 1
        && out->count("presence") >= 1;
    },
    10s))
    << hub_log();
  EXPECT_EQ(out->not_from_gateway, 0u);

  // The session she did not own is untouched: bob gets all five, once.
  bob_.manager->Login("bob", "pw-bob");
  ASSERT_TRUE(eventually([&] { return bob_.account->ListPendingMessages().size() == 5; }, 10s));
  for (auto& id : ids)
    EXPECT_TRUE(eventually([&] {
      for (auto& m : alice_.account->GetHistory("bob", 0, 50))
        if (m.get<0>() == id)
          return m.get<5>() == "delivered";
      return false;
    }));
}

// Attack 2: one exit_msg ended the mailbox for good; a forged down_msg is
// the same message with another name.
TEST_F(front_door, exit_and_down_messages_from_a_peer_end_nothing) {
  start_hub();
  start_member(alice_, "alice");
  start_member(bob_, "bob");
  {
    hostile_node mallory(port_);
    for (auto reason : {caf::exit_reason::kill, caf::exit_reason::user_shutdown}) {
      mallory.self()->send_exit(mallory.gateway(), reason);
      mallory.self()->send_exit(mallory.front(), reason);
      mallory.send_raw(mallory.gateway(), caf::exit_msg{mallory.gateway().address(), reason});
      mallory.send_raw(mallory.front(), caf::down_msg{mallory.gateway().address(), reason});
      mallory.send_raw(mallory.gateway(), caf::down_msg{mallory.front().address(), reason});
    }
    // Still there: her gateway answers, the front hands out new ones.
    auto [offer, err] =
      mallory.ask<signup_offer>(mallory.typed_gateway(), offer_atom_v, std::string("newcomer"));
    EXPECT_FALSE(err) << describe(err).sentence;
    hostile_node second(port_);
    EXPECT_FALSE(second.sign_up("second", "pw"));
  }
  auto id = alice_.account->SendMessage("bob", "still here?");
  ASSERT_TRUE(eventually(
    [&] {
      auto h = alice_.account->GetHistory("bob", 0, 10);
      return !h.empty() && h.back().get<0>() == id && h.back().get<5>() == "delivered";
    },
    10s))
    << hub_log();
  EXPECT_TRUE(alice_.manager->HubConnected());
  EXPECT_NE(hub_log().find("ignored an exit message"), std::string::npos);
  EXPECT_NE(hub_log().find("ignored a forged down message"), std::string::npos);
}

// Attack 3: the lockout was checked only when a challenge was handed out,
// so 200 challenges collected first let the 200th proof in; and one
// address's guesses locked the user out everywhere.
TEST_F(front_door, a_lockout_holds_at_proof_time_and_only_for_that_address) {
  start_hub();
  hub_manager_->Register("vic", "the right one", {});  // the hub daemon's own account
  hostile_node mallory(port_);
  std::vector<std::pair<std::string, login_challenge>> collected;
  for (int i = 0; i < 10; ++i) {
    auto nonce = scram::random_nonce();
    auto [c, err] = mallory.ask<login_challenge>(mallory.typed_gateway(), login_atom_v,
                                                 std::string("vic"), nonce);
    ASSERT_FALSE(err) << describe(err).sentence;
    collected.emplace_back(nonce, c);
  }
  std::vector<std::string> answers;
  answers.reserve(9);
  for (int i = 0; i < 9; ++i)
    answers.push_back(name_of(mallory
                                .prove("vic", "guess " + std::to_string(i), collected[i].first,
                                       collected[i].second, std::make_shared<heard>())
                                .second));
  EXPECT_EQ(std::count(answers.begin(), answers.end(), "AuthenticationFailed"), 5);
  EXPECT_EQ(answers.back(), "RateLimited");
  // The right password, on a challenge collected before the lockout: refused.
  auto last = mallory.prove("vic", "the right one", collected[9].first, collected[9].second,
                            std::make_shared<heard>());
  EXPECT_EQ(name_of(last.second), "RateLimited");
  // vic, from another place (the hub's own host): not locked out.
  EXPECT_NO_THROW(hub_manager_->Login("vic", "the right one"));
}

// Attack 3 again: global tables filled by one address locked everyone out
// (10,000 unproved logins, 10,000 sign-up offers).
TEST_F(front_door, one_address_cannot_fill_the_login_and_offer_tables) {
  start_hub();
  hub_manager_->Register("carol", "pw-carol", {});
  hostile_node mallory(port_);
  std::vector<std::string> logins, offers;
  for (int i = 0; i < 40; ++i)
    logins.push_back(name_of(mallory
                               .ask<login_challenge>(mallory.typed_gateway(), login_atom_v,
                                                     std::string("carol"), scram::random_nonce())
                               .second));
  EXPECT_EQ(std::count(logins.begin(), logins.end(), "ok"), 32);
  EXPECT_EQ(logins.back(), "RateLimited");
  for (int i = 0; i < 20; ++i)
    offers.push_back(name_of(
      mallory.ask<signup_offer>(mallory.typed_gateway(), offer_atom_v, "offer" + std::to_string(i))
        .second));
  EXPECT_EQ(std::count(offers.begin(), offers.end(), "ok"), 16);
  EXPECT_EQ(offers.back(), "RateLimited");
  // Everyone else is served.
  EXPECT_NO_THROW(hub_manager_->Login("carol", "pw-carol"));
  EXPECT_NO_THROW(hub_manager_->Register("dave", "pw-dave", {}));
}

// ... and 100,000 sign-ups with made-up verifiers from one place.
TEST_F(front_door, sign_ups_per_address_are_limited_per_hour) {
  start_hub({"--signups-per-hour", "3"});
  hostile_node mallory(port_);
  std::vector<std::string> signups;
  signups.reserve(5);
  for (int i = 0; i < 5; ++i)
    signups.push_back(name_of(mallory.sign_up("sock" + std::to_string(i), "pw")));
  EXPECT_EQ(signups, (std::vector<std::string>{"ok", "ok", "ok", "RateLimited", "RateLimited"}));
  EXPECT_NO_THROW(hub_manager_->Register("dave", "pw-dave", {}));
}

// Attack 4: storage without bound: 197 MB of envelopes for one offline user,
// a million read receipts for made-up envelopes, 20,000 sessions of one
// account.
TEST_F(front_door, floods_of_envelopes_receipts_and_sessions_are_bounded) {
  start_hub({"--queue-max-messages", "20", "--sessions-per-user", "4"});
  start_member(bob_, "bob");
  bob_.account->Logout();
  hostile_node mallory(port_);
  ASSERT_FALSE(mallory.sign_up("mallory", "pw"));
  std::vector<std::shared_ptr<heard>> ears;
  std::vector<std::shared_ptr<session_keys>> sessions;
  for (int i = 0; i < 6; ++i) {
    ears.push_back(std::make_shared<heard>());
    auto [s, err] = mallory.log_in("mallory", "pw", ears.back());
    ASSERT_FALSE(err) << describe(err).sentence;
    sessions.push_back(s);
  }
  // The two oldest gave way; the four newest stand.
  ASSERT_TRUE(
    eventually([&] { return ears[0]->count("revoked") == 1 && ears[1]->count("revoked") == 1; }));
  for (size_t i = 2; i < 6; ++i)
    EXPECT_EQ(ears[i]->count("revoked"), 0u);
  auto& session = sessions.back()->session;

  std::vector<std::string> sent;
  sent.reserve(25);
  for (int i = 0; i < 25; ++i)
    sent.push_back(
      name_of(mallory
                .ask<caf::ok_atom>(mallory.typed_gateway(), enqueue_atom_v, session,
                                   envelope_to("mallory", "bob", "flood-" + std::to_string(i)))
                .second));
  EXPECT_EQ(std::count(sent.begin(), sent.end(), "ok"), 20);
  EXPECT_EQ(sent.back(), "QuotaExceeded");

  std::vector<std::string> made_up;
  made_up.reserve(1000);
  for (int i = 0; i < 1000; ++i)
    made_up.push_back("made-up-" + std::to_string(i));
  EXPECT_FALSE(mallory
                 .ask<caf::ok_atom>(mallory.typed_gateway(), readrcpt_atom_v, session,
                                    std::string("bob"), made_up)
                 .second);
  SQLite::Database db(hub_world_.hub_database().string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM receipts WHERE state = 'read'").getInt(), 0);
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM mailbox WHERE recipient = 'bob'").getInt(), 20);
}

// Attack 5: `chatterd --listen ... | head -1`, as README suggested for
// reading the port, died of SIGPIPE at the first wrong-typed message.
TEST_F(front_door, a_hub_whose_stdout_reader_left_survives_wrong_typed_messages) {
  auto port = test::free_port();
  std::string command = std::string(CHATTERD_PATH) + " --bus-address " + hub_world_.bus.address()
    + " --listen 127.0.0.1:" + std::to_string(port) + " | head -1";
  test::child_process hub({"/bin/sh", "-c", command},
                          {{"XDG_DATA_HOME", hub_world_.data_home().string()},
                           {"XDG_CONFIG_HOME", (hub_world_.dir.path() / "config").string()}},
                          true);
  ASSERT_NE(hub.read_line().find("listening on"), std::string::npos);
  {
    hostile_node mallory(port);
    for (int i = 0; i < 50; ++i) {
      mallory.send_raw(mallory.front(), i, std::string("not a hello"));
      mallory.send_raw(mallory.gateway(), 3.14, std::string("nor a request"));
      mallory.send_raw(mallory.gateway(), hello_atom_v, i);
    }
    mallory.ask<signup_offer>(mallory.typed_gateway(), offer_atom_v, std::string("probe"));
  }
  {
    hostile_node after(port);  // the hub is alive and still lets people in
    EXPECT_FALSE(after.sign_up("after", "pw"));
  }
  // The shell's child, the hub, is ours to end.
  test::run_command({"pkill", "-TERM", "-f", "--", "--listen 127.0.0.1:" + std::to_string(port)});
}

// Revocation reaches the member: a daemon that could not answer in time
// (stopped, here) hears it, shows Authenticated false, and logs in again
// from the keys it holds; nothing waits forever.
TEST_F(front_door, a_revoked_member_hears_it_and_logs_in_again) {
  start_hub();
  start_member(alice_, "alice");
  start_member(bob_, "bob");
  std::mutex m;
  std::vector<std::string> revoked;
  alice_.account->on_session_revoked = [&](const std::string& why) {
    std::lock_guard<std::mutex> g(m);
    revoked.push_back(why);
  };
  alice_.conn->enterEventLoopAsync();
  ::kill(alice_.daemon->pid(), SIGSTOP);
  ASSERT_TRUE(eventually(
    [&] { return hub_log().find("revoked the session of alice") != std::string::npos; }, 10s));
  ::kill(alice_.daemon->pid(), SIGCONT);
  ASSERT_TRUE(eventually(
    [&] {
      std::lock_guard<std::mutex> g(m);
      return !revoked.empty();
    },
    10s));
  ASSERT_TRUE(eventually([&] { return alice_.account->Authenticated(); }, 10s));
  auto id = alice_.account->SendMessage("bob", "back again");
  EXPECT_TRUE(eventually(
    [&] {
      auto h = alice_.account->GetHistory("bob", 0, 10);
      return !h.empty() && h.back().get<0>() == id && h.back().get<5>() == "delivered";
    },
    10s));
  alice_.conn->leaveEventLoop();
}

namespace {

// A hub node of a cluster, played by the test: its own actor system, with a
// link of its own that answers the joins the real node sends it.
struct fake_node {
  explicit fake_node(uint16_t port) {
    register_chatter_types(cfg);
    cfg.load<caf::io::middleman>();
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
    self = std::make_unique<caf::scoped_actor>(*sys);
    auto f = sys->middleman().remote_actor<hub_front_actor>("127.0.0.1", port);
    if (!f)
      throw std::runtime_error("no hub node on port " + std::to_string(port));
    front = *f;
    // Untyped, answering joins only: enough of a node for the real one. The
    // int: CAF 0.17 dereferences null for a spawn with no argument.
    link = caf::actor_cast<cluster_node_actor>(sys->spawn(
      [](caf::event_based_actor*, int) -> caf::behavior {
        return {[](join_atom, const std::string&, const bytes&) { return caf::ok_atom_v; }};
      },
      0));
  }
  ~fake_node() {
    caf::anon_send_exit(link, caf::exit_reason::kill);
    self.reset();
  }
  std::pair<cluster_node_actor, caf::error> hello(const std::string& address, const bytes& proof) {
    std::pair<cluster_node_actor, caf::error> out;
    (*self)
      ->request(front, 10s, hello_atom_v, address, proof, link)
      .receive([&](cluster_node_actor& theirs) { out.first = std::move(theirs); },
               [&](caf::error& e) { out.second = std::move(e); });
    return out;
  }
  caf::error rooms_through(const cluster_node_actor& to) {
    caf::error out;
    (*self)
      ->request(to, 10s, rooms_atom_v, std::string{"no session"})
      .receive([](std::vector<room_info>&) {}, [&](caf::error& e) { out = std::move(e); });
    return out;
  }
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<caf::scoped_actor> self;
  hub_front_actor front;
  cluster_node_actor link;
};

std::string read_secret_of(const test::hub_cluster& cluster) {
  std::ifstream in(cluster.secret_file());
  std::string secret;
  std::getline(in, secret);
  return secret;
}

}  // namespace

// The cluster's own door: a node gets a link only with a proof made for its
// own node id, and a link answers only the node that proved; the router's
// handle is never handed out.
TEST(cluster_front_door, a_link_serves_only_the_node_that_proved_the_secret) {
  test::hub_cluster cluster(2, 1);
  cluster.start(0, 2);  // node 1 is the test's: it claims that address
  auto secret = read_secret_of(cluster);
  auto address = cluster.address(1);
  fake_node mallory(cluster.port(0));
  fake_node node(cluster.port(0));
  auto hub_node = mallory.front.node();

  auto [none, wrong] = mallory.hello(address, bytes(32, 7));
  EXPECT_EQ(name_of(wrong), "AuthenticationFailed");
  // A proof seen on the wire, made for another node, opens nothing.
  auto replayed = cluster::node_proof(secret, address, node.sys->node(), hub_node);
  auto [none2, refused] = mallory.hello(address, replayed);
  EXPECT_EQ(name_of(refused), "AuthenticationFailed");
  EXPECT_FALSE(none || none2);

  auto proof = cluster::node_proof(secret, address, node.sys->node(), hub_node);
  auto [link, err] = node.hello(address, proof);
  ASSERT_FALSE(err) << name_of(err);
  ASSERT_TRUE(link);
  EXPECT_EQ(link.node(), hub_node);
  EXPECT_EQ(name_of(node.rooms_through(link)), "ok") << "the proven node is served";

  // Mallory gets the link's handle (as if it leaked) and uses it from her
  // own node: refused, and the link still serves the proven node.
  auto inbox = caf::actor_cast<caf::actor>(*mallory.self);
  auto inbox_port = mallory.sys->middleman().publish(inbox, 0, "127.0.0.1");
  ASSERT_TRUE(inbox_port);
  auto to_mallory = node.sys->middleman().remote_actor("127.0.0.1", *inbox_port);
  ASSERT_TRUE(to_mallory);
  caf::anon_send(*to_mallory, link);
  cluster_node_actor stolen;
  (*mallory.self)
    ->receive([&](cluster_node_actor& leaked) { stolen = std::move(leaked); },
              caf::after(10s) >> [] {});
  ASSERT_TRUE(stolen) << "the leaked handle never arrived";
  EXPECT_EQ(name_of(mallory.rooms_through(stolen)), "NotLoggedIn");
  caf::anon_send_exit(stolen, caf::exit_reason::kill);
  EXPECT_EQ(name_of(node.rooms_through(link)), "ok");
}

// Issue 16, point 5: a connection that never says hello holds one of the
// hub's descriptors for nothing. It is closed after --handshake-timeout; a
// member who logged in is not, however long it stays.
TEST_F(front_door, a_silent_connection_is_closed_and_a_logged_in_member_is_not) {
  start_hub({"--handshake-timeout", "1", "--login-timeout", "3"});
  start_member(alice_, "alice");
  start_member(bob_, "bob");
  auto opened = std::chrono::steady_clock::now();
  raw_connection silent(port_);
  ASSERT_TRUE(silent.closed_by(opened + 10s)) << hub_log();
  EXPECT_GE(std::chrono::steady_clock::now() - opened, 950ms) << "closed before its deadline";
  // The hub logs each close, once shutdown(2) has returned.
  EXPECT_TRUE(eventually([&] {
    return hub_log().find("hub: closed the connection from 127.0.0.1:") != std::string::npos;
  }))
    << hub_log();
  EXPECT_NE(hub_log().find("no hello within 1 s"), std::string::npos) << hub_log();
  // A node that said hello after alice and bob and never logged in: once it
  // is cut off, their own login deadline has passed too.
  {
    hostile_node idle(port_);
    ASSERT_TRUE(idle.cut_off_within(20s)) << hub_log();
  }
  EXPECT_EQ(count_of(hub_log(), "hub: closed the connection"), 2u) << hub_log();
  EXPECT_TRUE(alice_.manager->HubConnected());
  auto id = alice_.account->SendMessage("bob", "still connected?");
  EXPECT_TRUE(eventually(
    [&] {
      auto h = alice_.account->GetHistory("bob", 0, 10);
      return !h.empty() && h.back().get<0>() == id && h.back().get<5>() == "delivered";
    },
    10s))
    << hub_log();
  for (auto* m : {&alice_, &bob_})
    EXPECT_EQ(test::read_file(m->daemon->log_file()).find("lost the hub"), std::string::npos)
      << test::read_file(m->daemon->log_file());
}

// ... and a CAF node that does the handshake, says hello and never logs in
// is cut off after --login-timeout; one that logged in stays.
TEST_F(front_door, a_node_that_says_hello_and_never_logs_in_is_cut_off) {
  start_hub({"--login-timeout", "3"});
  hostile_node member(port_);
  ASSERT_FALSE(member.sign_up("mallory", "pw"));
  auto [me, err] = member.log_in("mallory", "pw", std::make_shared<heard>());
  ASSERT_FALSE(err) << describe(err).sentence;
  auto hello_at = std::chrono::steady_clock::now();
  hostile_node idle(port_);
  ASSERT_TRUE(idle.cut_off_within(20s)) << hub_log();
  EXPECT_GE(std::chrono::steady_clock::now() - hello_at, 3s) << "cut off before its deadline";
  EXPECT_TRUE(eventually([&] { return hub_log().find("no session for 3 s") != std::string::npos; }))
    << hub_log();
  // The logged-in one, whose hello came first, still serves.
  auto [rooms, rooms_err] =
    member.ask<std::vector<room_info>>(member.typed_gateway(), rooms_atom_v, me->session);
  EXPECT_FALSE(rooms_err) << describe(rooms_err).sentence;
  EXPECT_EQ(count_of(hub_log(), "hub: closed the connection"), 1u) << hub_log();
}

// The flood: more idle connections than the hub has descriptors. Those it
// accepts are reaped after the handshake deadline, which lets it accept the
// next ones; then members get in as ever.
TEST_F(front_door, a_flood_of_idle_connections_is_reaped_and_members_still_get_in) {
  start_hub({"--handshake-timeout", "1"});
  // The hub's descriptor budget: those it holds now and 64 more (chatterd
  // raised its limit to the hard one; this lowers both).
  auto fds = std::filesystem::path("/proc") / std::to_string(hub_->pid()) / "fd";
  auto open_now = [&] {
    return static_cast<rlim_t>(std::distance(std::filesystem::directory_iterator(fds),
                                             std::filesystem::directory_iterator()));
  };
  auto in_use = open_now();
  rlimit budget{in_use + 64, in_use + 64};
  ASSERT_EQ(::prlimit(hub_->pid(), RLIMIT_NOFILE, &budget, nullptr), 0) << std::strerror(errno);
  constexpr size_t flood = 256;
  std::vector<std::unique_ptr<raw_connection>> idle;
  for (size_t i = 0; i < flood; ++i)
    idle.push_back(std::make_unique<raw_connection>(port_));
  // The premise: the hub runs out of descriptors (the rest of the flood
  // waits in the kernel's accept queue).
  EXPECT_TRUE(eventually([&] { return open_now() >= budget.rlim_cur - 2; })) << open_now();
  auto deadline = std::chrono::steady_clock::now() + 90s;
  size_t closed = 0;
  for (auto& c : idle)
    closed += c->closed_by(deadline) ? 1 : 0;
  ASSERT_EQ(closed, flood) << hub_log();
  EXPECT_TRUE(eventually([&] { return count_of(hub_log(), "no hello within 1 s") >= flood; }))
    << hub_log();
  idle.clear();
  start_member(alice_, "alice");
  start_member(bob_, "bob");
  auto id = alice_.account->SendMessage("bob", "made it through");
  EXPECT_TRUE(eventually(
    [&] {
      auto h = alice_.account->GetHistory("bob", 0, 10);
      return !h.empty() && h.back().get<0>() == id && h.back().get<5>() == "delivered";
    },
    10s))
    << hub_log();
}

// The nodes of a cluster hold no session with each other: a node that
// proved the cluster secret is never reaped.
TEST(front_door_cluster, a_peer_node_is_never_reaped) {
  test::hub_cluster nodes(2, 2);
  nodes.start_all({"--handshake-timeout", "1", "--login-timeout", "2"});
  // The reaper runs on both nodes ...
  for (size_t i = 0; i < 2; ++i) {
    raw_connection silent(nodes.port(i));
    ASSERT_TRUE(silent.closed_by(std::chrono::steady_clock::now() + 10s)) << nodes.log(i);
  }
  // ... and once a member that said hello after the nodes linked is cut
  // off, their link is past both deadlines.
  {
    hostile_node idle(nodes.port(0));
    ASSERT_TRUE(idle.cut_off_within(20s)) << nodes.log(0);
  }
  for (size_t i = 0; i < 2; ++i) {
    auto log = nodes.log(i);
    EXPECT_EQ(count_of(log, "hub: closed the connection"), i == 0 ? 2u : 1u) << log;
    EXPECT_EQ(count_of(log, "linked to hub node"), 1u) << log;
    EXPECT_EQ(log.find("lost hub node"), std::string::npos) << log;
  }
}
