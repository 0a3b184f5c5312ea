#include "peer_sessions.hpp"

#include <stdexcept>

#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/crypto/ratchet_session.hpp"
#include "core/errors.hpp"
#include "messaging.hpp"

namespace chatter {

namespace {

constexpr int64_t week_ms = 7LL * 24 * 3600 * 1000;
// A first message may arrive this long after the signed prekey it used was
// replaced (the hub keeps envelopes; a peer may be away for weeks).
constexpr int64_t signed_prekey_grace_ms = 8 * week_ms;
constexpr uint32_t one_time_low = 20;
constexpr uint32_t one_time_batch = 100;

bytes label_bytes(const std::string& label) {
  return bytes(label.begin(), label.end());
}

}  // namespace

const bytes& ratchet_sessions::at_rest_key() const {
  // Derived from the identity's X25519 private key, so the records open
  // only while the account is unlocked, and a copied database alone
  // reveals no session. Once per login; forgotten at logout.
  if (!st_->identity)  // a step that resumed after the logout
    throw std::logic_error("the account was logged out meanwhile");
  if (st_->at_rest_key.empty())
    st_->at_rest_key = crypto::hkdf_sha256(crypto::dh_private_of(*st_->identity), {},
                                           label_bytes("chatter-at-rest-v1 sessions"), 32);
  return st_->at_rest_key;
}

bytes ratchet_sessions::seal_at_rest(const bytes& plain, const std::string& label) const {
  auto nonce = crypto::random_bytes(12);
  auto sealed = crypto::aead_seal(at_rest_key(), nonce, label_bytes(label), plain);
  nonce.insert(nonce.end(), sealed.begin(), sealed.end());
  return nonce;
}

std::optional<bytes> ratchet_sessions::open_at_rest(const bytes& sealed,
                                                    const std::string& label) const {
  if (sealed.size() < 12 + 16)
    return std::nullopt;
  bytes nonce(sealed.begin(), sealed.begin() + 12);
  bytes body(sealed.begin() + 12, sealed.end());
  return crypto::aead_open(at_rest_key(), nonce, label_bytes(label), body);
}

bool ratchet_sessions::wanted(const public_identity& peer) const {
  return st_->identity && st_->identity->suite == crypto::suite_id::ratchet_x25519_chacha20poly1305
    && peer.suite == crypto::session::suite;
}

void ratchet_sessions::publish_prekeys(std::function<void()> then) {
  if (!st_->logged_in()
      || st_->identity->suite != crypto::suite_id::ratchet_x25519_chacha20poly1305)
    return then();
  // Prekeys go to the hub only once their private halves are on disk.
  st_->messenger->commit_batch();
  auto& store = *st_->store;
  auto now = now_ms();
  auto newest = store.newest_prekey(store::prekey_kind::signed_key);
  std::optional<crypto::ratchet::key_pair> fresh;
  if (!newest || newest->created_ms < now - week_ms) {
    fresh = crypto::ratchet::generate_key_pair();
    store::prekey_row row{store.reserve_prekey_ids(store::prekey_kind::signed_key, 1),
                          seal_at_rest(fresh->private_key, "signed-prekey"), fresh->public_key,
                          now};
    store.put_prekeys(store::prekey_kind::signed_key, {row});
    store.retire_signed_prekeys(now - signed_prekey_grace_ms);
    newest = row;
  }
  signed_prekey spk{
    newest->id, newest->public_key,
    crypto::x3dh::sign_prekey(*st_->identity, st_->config.user, newest->id, newest->public_key)};
  // First the signed prekey alone: the answer says how many one-time
  // prekeys the hub still holds.
  publish(spk, {}, true, std::move(then));
}

void ratchet_sessions::publish(const signed_prekey& spk, std::vector<one_time_prekey> fresh,
                               bool top_up, std::function<void()> then) {
  auto self = self_;
  auto st = st_;
  const auto user = st_->config.user;
  self->request(st->config.hub.gateway, hub_timeout, prekeys_atom_v, st->session, spk, fresh)
    .then(
      [=](uint32_t held) {
        spdlog::debug("{}: the hub holds {} of our one-time prekeys", user, held);
        if (!top_up || held >= one_time_low || !st->logged_in())
          return then();
        ratchet_sessions here(self, st);  // `this` is gone by now
        st->messenger->commit_batch();
        if (!st->store)
          return then();
        auto& store = *st->store;
        auto first = store.reserve_prekey_ids(store::prekey_kind::one_time, one_time_batch);
        std::vector<store::prekey_row> rows;
        std::vector<one_time_prekey> out;
        auto now = now_ms();
        for (uint32_t i = 0; i < one_time_batch; ++i) {
          auto kp = crypto::ratchet::generate_key_pair();
          rows.push_back(
            {first + i, here.seal_at_rest(kp.private_key, "one-time-prekey"), kp.public_key, now});
          out.push_back({first + i, kp.public_key});
        }
        store.put_prekeys(store::prekey_kind::one_time, rows);
        here.publish(spk, std::move(out), false, then);
      },
      [=](const caf::error& err) {
        spdlog::warn("{}: the hub did not take our prekeys: {}", user, caf::to_string(err));
        then();
      });
}

void ratchet_sessions::prepare(const std::vector<public_identity>& peers, prepared next) {
  auto todo = std::make_shared<std::vector<public_identity>>(peers);
  prepare_next(todo, std::make_shared<std::vector<std::string>>(), std::move(next));
}

void ratchet_sessions::prepare_next(std::shared_ptr<std::vector<public_identity>> todo,
                                    std::shared_ptr<std::vector<std::string>> fallback,
                                    prepared next) {
  auto self = self_;
  auto st = st_;
  const auto user = st_->config.user;
  while (!todo->empty() && st->store->current_session(todo->back().user))
    todo->pop_back();
  if (todo->empty())
    return next({}, *fallback);
  auto peer = todo->back();
  todo->pop_back();
  if (st->session.empty()) {  // the hub is away: no bundle now
    fallback->push_back(peer.user);
    return prepare_next(todo, fallback, next);
  }
  self->request(st->config.hub.gateway, hub_timeout, bundle_atom_v, st->session, peer.user)
    .then(
      [=](const prekey_bundle& b) {
        ratchet_sessions here(self, st);
        if (!st->identity)
          return next(make_error(errc::not_logged_in, "'" + user + "' logged out meanwhile"), {});
        if (b.identity.signing_key != peer.signing_key
            || b.identity.encryption_key != peer.encryption_key)
          return next(make_error(errc::untrusted_key,
                                 "the prekeys of '" + peer.user
                                   + "' belong to another key than the "
                                     "one trusted here"),
                      {});
        try {
          if (!st->store->current_session(peer.user)) {  // not set up meanwhile
            auto r =
              crypto::session::initiate(*st->identity, st->public_id, crypto::x3dh::bundle_of(b));
            st->store->put_session(
              {peer.user, r.id,
               here.seal_at_rest(crypto::session::serialize(r), "session:" + peer.user)});
            spdlog::info("{}: set up a ratchet session with {}", user, peer.user);
          }
        } catch (const crypto::crypto_error& ex) {
          spdlog::warn("{}: no session with {}: {}", user, peer.user, ex.what());
          fallback->push_back(peer.user);
        }
        here.prepare_next(todo, fallback, next);
      },
      [=](const caf::error& err) {
        spdlog::debug("{}: no prekeys for {} ({}); the X25519 suite it is", user, peer.user,
                      caf::to_string(err));
        fallback->push_back(peer.user);
        ratchet_sessions(self, st).prepare_next(todo, fallback, next);
      });
}

ratchet_sessions::sealed ratchet_sessions::seal(const std::string& peer,
                                                const envelope_header& header,
                                                const std::string& text) {
  auto row = st_->store->current_session(peer);
  if (!row)
    throw crypto::crypto_error("no session with '" + peer + "'");
  auto plain = open_at_rest(row->sealed, "session:" + peer);
  auto record = plain ? crypto::session::deserialize(*plain) : std::nullopt;
  if (!record)
    throw crypto::crypto_error("the session with '" + peer + "' is damaged");
  auto env = crypto::session::seal(*record, header, text);
  return {env,
          {peer, record->id, seal_at_rest(crypto::session::serialize(*record), "session:" + peer)}};
}

ratchet_sessions::opened ratchet_sessions::open(const public_identity& sender,
                                                const envelope_header& header,
                                                const envelope& env) {
  auto w = crypto::session::decode_wire(header.kem);
  if (!w)
    throw crypto::crypto_error("malformed ratchet header");
  const auto& peer = header.from;
  std::optional<crypto::session::record> record;
  std::optional<uint32_t> used_one_time;
  if (auto row = st_->store->find_session(peer, w->session_id)) {
    auto plain = open_at_rest(row->sealed, "session:" + peer);
    record = plain ? crypto::session::deserialize(*plain) : std::nullopt;
    if (!record)
      throw crypto::crypto_error("the session with '" + peer + "' is damaged");
  } else if (w->init) {
    auto key_of = [&](store::prekey_kind kind, uint32_t id,
                      const std::string& label) -> std::optional<crypto::ratchet::key_pair> {
      auto row = st_->store->find_prekey(kind, id);
      auto priv = row ? open_at_rest(row->sealed_private, label) : std::nullopt;
      if (!priv)
        return std::nullopt;
      return crypto::ratchet::key_pair_of(*priv);
    };
    auto spk = key_of(store::prekey_kind::signed_key, w->init->signed_prekey_id, "signed-prekey");
    if (!spk)
      throw crypto::crypto_error("the first message names a signed prekey we do not have");
    std::optional<crypto::ratchet::key_pair> opk;
    if (w->init->one_time_prekey_id != 0) {
      opk = key_of(store::prekey_kind::one_time, w->init->one_time_prekey_id, "one-time-prekey");
      if (!opk)
        throw crypto::crypto_error("the first message names a one-time prekey already used");
      used_one_time = w->init->one_time_prekey_id;
    }
    record = crypto::session::respond(*st_->identity, st_->public_id, sender, *spk, opk,
                                      w->session_id, *w->init);
  } else {
    throw crypto::crypto_error("no session with '" + peer + "' of that id");
  }
  auto text = crypto::session::open(*record, env);
  return {text,
          {peer, record->id, seal_at_rest(crypto::session::serialize(*record), "session:" + peer)},
          used_one_time};
}

size_t ratchet_sessions::reset(const std::string& peer) {
  return st_->store->close_sessions(peer);
}

}  // namespace chatter
