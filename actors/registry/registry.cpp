#include "registry/registry.hpp"

#include <chrono>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "auth/scram.hpp"
#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/validation.hpp"
#include "store/hub_store.hpp"

namespace chatter {

namespace {

// A salt handed out by `offer` and not yet used by `signup`. Keeping it lets
// the hub insist on its own salt instead of trusting the client's.
struct pending_offer {
  bytes salt;
  std::chrono::steady_clock::time_point expires;
};

constexpr auto offer_lifetime = std::chrono::minutes(5);
constexpr size_t max_pending_offers = 10000;

void drop_expired(std::unordered_map<std::string, pending_offer>& offers) {
  auto now = std::chrono::steady_clock::now();
  for (auto i = offers.begin(); i != offers.end();)
    i = i->second.expires < now ? offers.erase(i) : std::next(i);
}

} // namespace

registry_actor::behavior_type registry(registry_actor::pointer,
                                       registry_config config) {
  auto store = std::make_shared<store::hub_store>(config.database_path);
  auto offers = std::make_shared<std::unordered_map<std::string, pending_offer>>();
  spdlog::info("registry: hub database {} (schema {})", config.database_path,
               store->version());
  return {
    [=](offer_atom, const std::string& user) -> caf::result<signup_offer> {
      if (auto why = check_username(user); !why.empty())
        return make_error(errc::invalid_argument, why);
      if (store->find_user(user))
        return make_error(errc::already_exists,
                          "the user name '" + user + "' is taken");
      drop_expired(*offers);
      if (offers->size() >= max_pending_offers)
        return make_error(errc::rate_limited,
                          "too many sign-ups under way; try again in a minute");
      auto salt = scram::random_bytes(16);
      (*offers)[user] = {salt, std::chrono::steady_clock::now() + offer_lifetime};
      return signup_offer{salt, config.kdf};
    },
    [=](signup_atom, const signup_request& req) -> caf::result<caf::ok_atom> {
      if (auto why = check_username(req.user); !why.empty())
        return make_error(errc::invalid_argument, why);
      if (auto why = check_display_name(req.display_name); !why.empty())
        return make_error(errc::invalid_argument, why);
      if (req.stored_key.size() != 32 || req.server_key.size() != 32)
        return make_error(errc::invalid_argument,
                          "the sign-up verifiers must be 32 bytes each");
      auto offer = offers->find(req.user);
      if (offer == offers->end()
          || offer->second.expires < std::chrono::steady_clock::now()
          || !scram::equal_constant_time(offer->second.salt, req.salt))
        return make_error(errc::invalid_argument,
                          "no current sign-up offer for '" + req.user
                            + "'; ask for one first");
      if (req.kdf.memory_kib != config.kdf.memory_kib
          || req.kdf.iterations != config.kdf.iterations
          || req.kdf.parallelism != config.kdf.parallelism)
        return make_error(errc::invalid_argument,
                          "the sign-up does not use the hub's KDF parameters");
      offers->erase(offer);
      try {
        store->add_user(req, now_ms());
      } catch (const store::conflict&) {
        return make_error(errc::already_exists,
                          "the user name '" + req.user + "' is taken");
      } catch (const std::exception& ex) {
        spdlog::error("registry: sign-up of {} failed: {}", req.user, ex.what());
        return make_error(errc::internal, "the hub could not store the account");
      }
      spdlog::info("registry: signed up {}", req.user);
      return caf::ok_atom_v;
    },
    [=](lookup_atom, const std::string& user) -> caf::result<user_record> {
      if (auto why = check_username(user); !why.empty())
        return make_error(errc::invalid_argument, why);
      if (auto rec = store->find_user(user))
        return *rec;
      return make_error(errc::not_found, "no user named '" + user + "'");
    },
  };
}

} // namespace chatter
