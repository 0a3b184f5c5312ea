#include "registry.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "consent_book.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/scram.hpp"
#include "core/validation.hpp"
#include "hub/login_session_table.hpp"
#include "presence_table.hpp"
#include "store/directory_store.hpp"
#include "store/guarded.hpp"

namespace chatter {

namespace {

// A salt handed out by `offer` and not yet used by `signup`. Keeping it lets
// the hub insist on its own salt instead of trusting the client's.
struct pending_offer {
  bytes salt;
  std::string address;
  std::chrono::steady_clock::time_point expires;
};

constexpr auto offer_lifetime = std::chrono::minutes(5);
constexpr size_t max_pending_offers = 10000;
constexpr size_t max_offers_per_address = 16;

// Sign-ups per address in the last hour: the times of each.
class signup_window {
public:
  bool full(const std::string& address, unsigned cap, std::chrono::steady_clock::time_point now) {
    if (address == "local")
      return false;
    auto& times = by_address_[address];
    while (!times.empty() && times.front() + std::chrono::hours(1) < now)
      times.pop_front();
    if (times.empty())
      by_address_.erase(address);
    return by_address_.count(address) > 0 && times.size() >= cap;
  }
  void add(const std::string& address, std::chrono::steady_clock::time_point now) {
    if (address != "local")
      by_address_[address].push_back(now);
  }

private:
  std::unordered_map<std::string, std::deque<std::chrono::steady_clock::time_point>> by_address_;
};

size_t offers_from(const std::unordered_map<std::string, pending_offer>& offers,
                   const std::string& address) {
  size_t n = 0;
  for (auto& [user, o] : offers)
    n += o.address == address ? 1 : 0;
  return n;
}

void drop_expired(std::unordered_map<std::string, pending_offer>& offers) {
  auto now = std::chrono::steady_clock::now();
  for (auto i = offers.begin(); i != offers.end();)
    i = i->second.expires < now ? offers.erase(i) : std::next(i);
}

struct registry_state {
  std::shared_ptr<store::directory_store> store;
  std::unordered_map<std::string, pending_offer> offers;
  std::shared_ptr<session_table> sessions = std::make_shared<session_table>();
  signup_window signups;
  std::shared_ptr<presence_table> presence = std::make_shared<presence_table>();
  std::unique_ptr<consent_book> consents;
  uint64_t refused = 0;
  static inline const char* name = "registry";
};

registry_actor::behavior_type registry(registry_actor::stateful_pointer<registry_state> self,
                                       registry_config config) {
  auto& st = self->state;
  st.store = std::make_shared<store::directory_store>(config.database_path);
  st.consents =
    std::make_unique<consent_book>(st.store, st.sessions, st.presence, config.clustered);
  // The state's parts by name: every handler runs while the actor, and so
  // its state, lives.
  auto* store = st.store.get();
  auto* offers = &st.offers;
  auto* sessions = st.sessions.get();
  auto* signups = &st.signups;
  auto* presence = st.presence.get();
  auto* consents = st.consents.get();
  auto* refused = &st.refused;
  spdlog::info("registry: hub database {} (schema {})", config.database_path, store->version());

  auto refuse = [=](const std::string& what) {
    ++*refused;
    spdlog::warn("registry: refused {} without a session ({} so far)", what, *refused);
    return make_error(errc::not_logged_in, what + " needs a session");
  };

  auto info_of = [=](const user_record& u) {
    auto p = presence->of(u.user);
    return presence_info{u.user, u.display_name, p.state, p.message};
  };
  // What a search shows `asker`: presence only where the pair is accepted.
  auto seen_by = [=](const user_record& u, const std::string& asker) {
    if (u.user == asker || consents->may_watch(u.user, asker))
      return info_of(u);
    auto shown = consents->hides_from(u.user, asker) ? "offline" : "unknown";
    return presence_info{u.user, u.display_name, shown, ""};
  };

  // Tells every session watching `user` of its presence now.
  auto fan_out = [=](const std::string& user) {
    auto rec = store->find_user(user);
    if (!rec)
      return;
    auto info = info_of(*rec);
    for (auto& session : presence->watchers_of(user))
      if (auto peer = sessions->peer_of(session))
        self->send(*peer, presence_atom_v, info);
  };

  auto room_of_member = [=](const std::string& room,
                            const std::string& user) -> caf::expected<room_info> {
    if (auto why = check_room_name(room); !why.empty())
      return make_error(errc::invalid_argument, why);
    auto info = store->find_room(room);
    if (!info || std::find(info->members.begin(), info->members.end(), user) == info->members.end())
      return make_error(errc::not_found, "you are in no room named '#" + room + "'");
    return *info;
  };

  return {
    [=](online_atom, const std::string& session, const std::string& user,
        const session_peer_actor& peer) {
      if (!from_own_node(self))
        return;
      guarded("registry", [&] {
        sessions->add(session, user, peer);
        if (presence->session_started(session, user))
          fan_out(user);
      });
    },
    [=](offline_atom, const std::string& session) {
      if (!from_own_node(self))
        return;
      guarded("registry", [&] {
        sessions->remove(session);
        if (auto user = presence->session_ended(session))
          fan_out(*user);
      });
    },
    [=](offer_atom, const std::string& user,
        const std::string& address) -> caf::result<signup_offer> {
      return guarded("registry", [&]() -> caf::result<signup_offer> {
        if (!from_own_node(self))
          return make_error(errc::not_logged_in, "the registry answers the hub's gateways only");
        if (auto why = check_username(user); !why.empty())
          return make_error(errc::invalid_argument, why);
        if (store->find_user(user))
          return make_error(errc::already_exists, "the user name '" + user + "' is taken");
        drop_expired(*offers);
        auto now = std::chrono::steady_clock::now();
        if (offers->size() >= max_pending_offers
            || (address != "local" && offers_from(*offers, address) >= max_offers_per_address))
          return make_error(errc::rate_limited,
                            "too many sign-ups under way; try again in a minute");
        if (signups->full(address, config.signups_per_hour_per_address, now))
          return make_error(errc::rate_limited,
                            "too many sign-ups from this address in the last hour; try later");
        auto salt = scram::random_bytes(16);
        (*offers)[user] = {salt, address, now + offer_lifetime};
        return signup_offer{salt, config.kdf};
      });
    },
    [=](signup_atom, const signup_request& req,
        const std::string& address) -> caf::result<caf::ok_atom> {
      if (!from_own_node(self))
        return make_error(errc::not_logged_in, "the registry answers the hub's gateways only");
      if (auto why = check_username(req.user); !why.empty())
        return make_error(errc::invalid_argument, why);
      if (auto why = check_display_name(req.display_name); !why.empty())
        return make_error(errc::invalid_argument, why);
      if (req.stored_key.size() != 32 || req.server_key.size() != 32)
        return make_error(errc::invalid_argument, "the sign-up verifiers must be 32 bytes each");
      auto offer = offers->find(req.user);
      if (offer == offers->end() || offer->second.expires < std::chrono::steady_clock::now()
          || offer->second.address != address
          || !scram::equal_constant_time(offer->second.salt, req.salt))
        return make_error(errc::invalid_argument,
                          "no current sign-up offer for '" + req.user + "'; ask for one first");
      if (req.kdf.memory_kib != config.kdf.memory_kib || req.kdf.iterations != config.kdf.iterations
          || req.kdf.parallelism != config.kdf.parallelism)
        return make_error(errc::invalid_argument,
                          "the sign-up does not use the hub's KDF parameters");
      offers->erase(offer);
      if (signups->full(address, config.signups_per_hour_per_address,
                        std::chrono::steady_clock::now()))
        return make_error(errc::rate_limited,
                          "too many sign-ups from this address in the last hour; try later");
      try {
        store->add_user(req, now_ms());
        signups->add(address, std::chrono::steady_clock::now());
      } catch (const store::conflict&) {
        return make_error(errc::already_exists, "the user name '" + req.user + "' is taken");
      } catch (const store::damaged& ex) {
        return storage_failure("registry", ex);
      } catch (const store::moved& ex) {
        return storage_failure("registry", ex);
      } catch (const std::exception& ex) {
        spdlog::error("registry: sign-up of {} failed: {}", req.user, ex.what());
        return make_error(errc::internal, "the hub could not store the account");
      }
      spdlog::info("registry: signed up {}", req.user);
      return caf::ok_atom_v;
    },
    [=](lookup_atom, const std::string& session,
        const std::string& user) -> caf::result<user_record> {
      return guarded("registry", [&]() -> caf::result<user_record> {
        if (!sessions->user_of(session, self->current_sender(), self->node()))
          return refuse("a directory lookup");
        if (auto why = check_username(user); !why.empty())
          return make_error(errc::invalid_argument, why);
        if (auto rec = store->find_user(user))
          return *rec;
        return make_error(errc::not_found, "no user named '" + user + "'");
      });
    },
    [=](search_atom, const std::string& session, const std::string& query,
        uint32_t limit) -> caf::result<std::vector<presence_info>> {
      return guarded("registry", [&]() -> caf::result<std::vector<presence_info>> {
        auto asker = sessions->user_of(session, self->current_sender(), self->node());
        if (!asker)
          return refuse("a directory search");
        if (auto why = check_search(query, limit); !why.empty())
          return make_error(errc::invalid_argument, why);
        std::vector<presence_info> out;
        for (auto& rec : store->search_users(query, limit))
          out.push_back(seen_by(rec, *asker));
        return out;
      });
    },
    [=](presence_atom, const std::string& session, const std::string& status,
        const std::string& message) -> caf::result<caf::ok_atom> {
      return guarded("registry", [&]() -> caf::result<caf::ok_atom> {
        auto user = sessions->user_of(session, self->current_sender(), self->node());
        if (!user)
          return refuse("setting a presence");
        if (auto why = check_presence(status, message); !why.empty())
          return make_error(errc::invalid_argument, why);
        if (presence->set(*user, status, message))
          fan_out(*user);
        return caf::ok_atom_v;
      });
    },
    [=](watch_atom, const std::string& session,
        const std::vector<std::string>& users) -> caf::result<std::vector<presence_info>> {
      return guarded("registry", [&]() -> caf::result<std::vector<presence_info>> {
        auto watcher = sessions->user_of(session, self->current_sender(), self->node());
        if (!watcher)
          return refuse("watching presence");
        std::vector<presence_info> out;
        for (auto& user : users) {
          if (!check_username(user).empty())
            continue;
          auto rec = store->find_user(user);
          if (!rec)
            continue;
          // Presence is for accepted contacts only.
          if (!consents->may_watch(user, *watcher)) {
            ++*refused;
            if (consents->hides_from(user, *watcher))
              out.push_back({user, rec->display_name, "offline", ""});
            continue;
          }
          if (!presence->watch(session, user))
            return make_error(errc::rate_limited, "a session may watch at most 5000 users");
          out.push_back(info_of(*rec));
        }
        return out;
      });
    },
    [=](unwatch_atom, const std::string& session,
        const std::string& user) -> caf::result<caf::ok_atom> {
      if (!sessions->user_of(session, self->current_sender(), self->node()))
        return refuse("unwatching presence");
      presence->unwatch(session, user);
      return caf::ok_atom_v;
    },
    [=](roomnew_atom, const std::string& session, const std::string& room,
        const std::vector<std::string>& members) -> caf::result<room_info> {
      return guarded("registry", [&]() -> caf::result<room_info> {
        auto user = sessions->user_of(session, self->current_sender(), self->node());
        if (!user)
          return refuse("creating a room");
        if (auto why = check_room_name(room); !why.empty())
          return make_error(errc::invalid_argument, why);
        if (auto why = check_room_members(members); !why.empty())
          return make_error(errc::invalid_argument, why);
        for (auto& m : members) {
          if (!store->find_user(m))
            return make_error(errc::not_found, "no user named '" + m + "'");
        }
        try {
          store->create_room(room, *user, members, now_ms());
        } catch (const store::conflict&) {
          return make_error(errc::already_exists, "the room name '#" + room + "' is taken");
        }
        return *store->find_room(room);
      });
    },
    [=](roominv_atom, const std::string& session, const std::string& room,
        const std::string& invitee) -> caf::result<room_info> {
      return guarded("registry", [&]() -> caf::result<room_info> {
        auto user = sessions->user_of(session, self->current_sender(), self->node());
        if (!user)
          return refuse("inviting to a room");
        auto info = room_of_member(room, *user);
        if (!info)
          return info.error();
        if (auto why = check_username(invitee); !why.empty())
          return make_error(errc::invalid_argument, why);
        if (!store->find_user(invitee))
          return make_error(errc::not_found, "no user named '" + invitee + "'");
        if (auto why = check_room_can_grow(info->members.size()); !why.empty())
          return make_error(errc::invalid_argument, why);
        store->add_member(room, invitee);
        return *store->find_room(room);
      });
    },
    [=](roomleave_atom, const std::string& session,
        const std::string& room) -> caf::result<caf::ok_atom> {
      return guarded("registry", [&]() -> caf::result<caf::ok_atom> {
        auto user = sessions->user_of(session, self->current_sender(), self->node());
        if (!user)
          return refuse("leaving a room");
        auto info = room_of_member(room, *user);
        if (!info)
          return info.error();
        store->remove_member(room, *user);
        return caf::ok_atom_v;
      });
    },
    [=](roomget_atom, const std::string& session,
        const std::string& room) -> caf::result<room_info> {
      return guarded("registry", [&]() -> caf::result<room_info> {
        auto user = sessions->user_of(session, self->current_sender(), self->node());
        if (!user)
          return refuse("reading a room");
        auto info = room_of_member(room, *user);
        if (!info)
          return info.error();
        return *info;
      });
    },
    [=](consent_atom, const std::string& session, const std::string& peer,
        const std::string& action) -> caf::result<consent_entry> {
      return guarded("registry", [&]() -> caf::result<consent_entry> {
        auto user = sessions->user_of(session, self->current_sender(), self->node());
        if (!user)
          return refuse("a contact request");
        return consents->act(self, *user, peer, action);
      });
    },
    [=](consents_atom, const std::string& session) -> caf::result<std::vector<consent_entry>> {
      return guarded("registry", [&]() -> caf::result<std::vector<consent_entry>> {
        auto user = sessions->user_of(session, self->current_sender(), self->node());
        if (!user)
          return refuse("listing contacts");
        return consents->rows_of(*user);
      });
    },
    [=](consentcp_atom, const std::string& session, const std::string& peer,
        const std::string& action) -> caf::result<caf::ok_atom> {
      return guarded("registry", [&]() -> caf::result<caf::ok_atom> {
        auto user = sessions->user_of(session, self->current_sender(), self->node());
        if (!user)
          return refuse("a contact request's copy");
        return consents->copy(self, peer, *user, action);
      });
    },
    [=](rooms_atom, const std::string& session) -> caf::result<std::vector<room_info>> {
      return guarded("registry", [&]() -> caf::result<std::vector<room_info>> {
        auto user = sessions->user_of(session, self->current_sender(), self->node());
        if (!user)
          return refuse("listing rooms");
        return store->rooms_of(*user);
      });
    },
  };
}

}  // namespace

registry_actor spawn_registry(caf::actor_system& sys, registry_config config) {
  return sys.spawn<caf::detached>(registry, std::move(config));
}

}  // namespace chatter
