#include "crypto_pool.hpp"

#include <thread>

#include "core/crypto/suites.hpp"
#include "core/errors.hpp"

namespace chatter {

namespace {

// `index` only names the worker: CAF 0.17 trips UBSan when a function actor
// is spawned without arguments.
crypto_actor::behavior_type crypto_worker(crypto_actor::pointer, size_t /*index*/) {
  return {
    [=](seal_atom, const seal_order& order) -> caf::result<std::vector<envelope>> {
      if (!order.sender)
        return make_error(errc::not_logged_in, "no unlocked keys to sign with");
      envelope_header h;
      h.id = order.id;
      h.from = order.from;
      h.room = order.room;
      h.timestamp_ms = order.timestamp_ms;
      std::vector<envelope> out;
      out.reserve(order.recipients.size());
      try {
        for (auto& recipient : order.recipients) {
          h.to = recipient.user;
          out.push_back(crypto::seal(*order.sender, recipient, h, order.text));
        }
      } catch (const crypto::crypto_error& ex) {
        return make_error(errc::untrusted_key, ex.what());
      }
      return out;
    },
    [=](open_atom, const identity_ref& me, const public_identity& sender,
        const envelope& env) -> caf::result<std::string> {
      if (!me)
        return make_error(errc::not_logged_in, "no unlocked keys to open with");
      try {
        return crypto::open(*me, sender, env).text;
      } catch (const crypto::crypto_error& ex) {
        return make_error(errc::untrusted_key, ex.what());
      }
    },
  };
}

}  // namespace

crypto_actor spawn_crypto_pool(caf::actor_system& sys, size_t workers) {
  if (workers == 0)
    workers = std::max(2u, std::thread::hardware_concurrency());
  size_t index = 0;
  auto pool = caf::actor_pool::make(
    sys.dummy_execution_unit(), workers,
    [&sys, &index] { return caf::actor_cast<caf::actor>(sys.spawn(crypto_worker, index++)); },
    caf::actor_pool::round_robin());
  return caf::actor_cast<crypto_actor>(pool);
}

}  // namespace chatter
