#include "account_object.hpp"

#include "bridge.hpp"
#include "core/validation.hpp"
#include "errors.hpp"
#include "paths.hpp"

namespace chatter::dbus {

account_object::account_object(sdbus::IConnection& connection, bridge& owner, std::string user)
  : AdaptorInterfaces(connection, account_path(user)), bridge_(owner), user_(std::move(user)) {
  status_.user = user_;
  registerAdaptor();
  emitInterfacesAddedSignal({Account_adaptor::INTERFACE_NAME});
}

account_object::~account_object() {
  bridge_.batched_clients(-static_cast<int>(batched_clients_.size()));
  unregisterAdaptor();
}

void account_object::update(const account_status& status) {
  std::vector<std::string> changed;
  if (status.authenticated != status_.authenticated)
    changed.push_back("Authenticated");
  if (status.last_reauthentication_ms != status_.last_reauthentication_ms)
    changed.push_back("LastReauthentication");
  if (status.fingerprint != status_.fingerprint)
    changed.push_back("Fingerprint");
  if (status.suite != status_.suite)
    changed.push_back("Suite");
  if (status.display_name != status_.display_name)
    changed.push_back("DisplayName");
  if (status.presence != status_.presence)
    changed.push_back("Presence");
  status_ = status;
  if (!changed.empty())
    emitPropertiesChangedSignal(Account_adaptor::INTERFACE_NAME, changed);
}

namespace {

// A message's extras as D-Bus variants: the numbers as x, the rest as s
// (the XML's doc comments name each key's type).
std::map<std::string, sdbus::Variant> variants(const std::map<std::string, std::string>& extras) {
  std::map<std::string, sdbus::Variant> out;
  for (auto& [key, value] : extras) {
    if (key == "missing_before" || key == "sent_at" || key == "clock_skew_ms")
      out[key] = sdbus::Variant(static_cast<int64_t>(std::stoll(value)));
    else if (key == "request")
      out[key] = sdbus::Variant(value == "true");
    else
      out[key] = sdbus::Variant(value);
  }
  return out;
}

}  // namespace

void account_object::received(const message_record& m) {
  auto extras = variants(m.extras);
  if (is_room_address(m.to))
    extras["room"] = sdbus::Variant(m.to);
  emitMessageReceived(m.id, m.from, m.text, m.timestamp_ms, extras);
}

namespace {

// Sends `entries` as the signal `name` of `object` to each of `clients`
// alone (a unicast signal: a connection that did not ask never sees it).
template <class Entries>
void send_to(sdbus::IObject& object, const std::map<std::string, sdbus::Slot>& clients,
             const char* name, const Entries& entries) {
  for (auto& [client, watch] : clients) {
    auto signal =
      object.createSignal(org::chatter::Chatter1::Account_adaptor::INTERFACE_NAME, name);
    signal << entries;
    signal.setDestination(client);
    object.emitSignal(signal);
  }
}

}  // namespace

void account_object::received_batch(const std::vector<message_record>& batch) {
  if (batched_clients_.empty() || batch.empty())
    return;
  std::vector<sdbus::Struct<std::string, std::string, std::string, int64_t,
                            std::map<std::string, sdbus::Variant>>>
    entries;
  entries.reserve(batch.size());
  for (auto& m : batch) {
    auto extras = variants(m.extras);
    if (is_room_address(m.to))
      extras["room"] = sdbus::Variant(m.to);
    entries.emplace_back(m.id, m.from, m.text, m.timestamp_ms, std::move(extras));
  }
  send_to(getObject(), batched_clients_, "MessagesReceived", entries);
}

void account_object::states_batch(const std::vector<state_change>& batch) {
  if (batched_clients_.empty() || batch.empty())
    return;
  std::vector<
    sdbus::Struct<std::string, std::string, std::string, std::map<std::string, sdbus::Variant>>>
    entries;
  entries.reserve(batch.size());
  for (auto& c : batch)
    entries.emplace_back(c.id, c.peer, c.state, variants(c.extras));
  send_to(getObject(), batched_clients_, "MessageStatesChanged", entries);
}

void account_object::presence_changed(const presence_info& info) {
  emitPresenceChanged(info.user, info.status, info.message);
}

void account_object::arrived(const std::string& contact, const std::string& display_name) {
  emitInterlocutorArrived(contact, display_name);
}

void account_object::contact_requested(const std::string& from, const std::string& message) {
  emitContactRequested(from, message);
}

void account_object::consent_changed(const std::string& contact, const std::string& state) {
  emitContactStateChanged(contact, state);
}

void account_object::stats(uint64_t dropped) {
  dropped_ = dropped;
  emitPropertiesChangedSignal(Account_adaptor::INTERFACE_NAME, {"Stats"});
}

void account_object::health_changed(const std::string& health) {
  if (health == health_)
    return;
  health_ = health;
  emitPropertiesChangedSignal(Account_adaptor::INTERFACE_NAME, {"State"});
  emitStateChanged(health);
}

void account_object::state_changed(const std::string& id, const std::string& peer,
                                   const std::string& state,
                                   const std::map<std::string, std::string>& extras) {
  emitMessageStateChanged(id, peer, state, variants(extras));
}

void account_object::messages_missing(const std::string& peer, uint64_t count) {
  emitMessagesMissing(peer, count);
}

void account_object::key_changed(const std::string& contact, const std::string& fingerprint) {
  emitKeyChanged(contact, fingerprint);
}

namespace {

// The actors' replies as the methods' results.
account_object::message_list to_dbus(const std::vector<message_record>& records) {
  account_object::message_list out;
  out.reserve(records.size());
  for (auto& m : records)
    out.emplace_back(m.id, m.from, m.to, m.text, m.timestamp_ms, m.state);
  return out;
}

account_object::user_list to_dbus_users(const std::vector<presence_info>& found) {
  account_object::user_list out;
  for (auto& p : found)
    out.emplace_back(p.user, p.display_name, p.status, p.message);
  return out;
}

account_object::contact_list to_dbus_contacts(const std::vector<contact_info>& contacts) {
  account_object::contact_list out;
  for (auto& c : contacts)
    out.emplace_back(c.user, c.display_name, c.presence, c.trust, c.fingerprint, c.state);
  return out;
}

account_object::room_list to_dbus_rooms(const std::vector<room_info>& rooms) {
  account_object::room_list out;
  for (auto& r : rooms)
    out.emplace_back(r.name, r.owner, r.members);
  return out;
}

constexpr auto ok = no_results<caf::ok_atom>;

}  // namespace

void account_object::SendMessage(sdbus::Result<std::string>&& result, std::string to,
                                 std::string text) {
  if (refused(result, check_peer(to)) || refused(result, check_text(text)))
    return;
  bridge_.forward_account(user_, std::move(result), as_is<std::string>, send_atom_v, to, text);
}

namespace {

// Why SendMessages refuses the whole call: "" when every entry is one the
// account would take (the account's own check_message).
std::string check_batch(const std::string& user,
                        const std::vector<sdbus::Struct<std::string, std::string>>& messages) {
  if (auto why = check_batch_size(messages.size()); !why.empty())
    return why;
  for (size_t i = 0; i < messages.size(); ++i)
    if (auto why = check_message(user, messages[i].get<0>(), messages[i].get<1>()); !why.empty())
      return "entry " + std::to_string(i) + ": " + why + "; nothing was sent";
  return {};
}

// A SendMessages call while its entries' answers come back, in any order.
struct batch_send {
  std::shared_ptr<sdbus::Result<std::vector<std::string>>> res;
  std::vector<std::string> ids;
  size_t left = 0, failed = 0, first_failed = 0;
  caf::error first_error;

  void stored(size_t i, const std::string& id) {
    ids[i] = id;
    if (--left == 0)
      finish();
  }
  void refused(size_t i, const caf::error& err) {
    if (failed++ == 0 || i < first_failed) {
      first_failed = i;
      first_error = err;
    }
    if (--left == 0)
      finish();
  }
  void finish() {
    if (failed == 0)
      return res->returnResults(ids);
    auto d = describe(first_error);
    auto sent = ids.size() - failed;
    auto others = sent == 0 ? std::string("none of the entries was sent")
                            : std::to_string(sent) + " of the other "
        + std::to_string(ids.size() - 1) + " entries were sent";
    res->returnError(
      sdbus::Error(std::string(error_prefix) + d.name,
                   "entry " + std::to_string(first_failed) + ": " + d.sentence + "; " + others));
  }
};

// One request per entry, all in this turn: the account's group commit
// stores them together and answers each after that commit.
void send_batch(bridge& owner, const std::string& user,
                sdbus::Result<std::vector<std::string>>&& result,
                const std::vector<sdbus::Struct<std::string, std::string>>& messages) {
  if (messages.empty())
    return result.returnResults({});
  auto batch = std::make_shared<batch_send>();
  batch->res = share(std::move(result));
  batch->ids.resize(messages.size());
  batch->left = messages.size();
  for (size_t i = 0; i < messages.size(); ++i)
    owner.ask_account(
      user, [batch, i](const std::string& id) { batch->stored(i, id); },
      [batch, i](const caf::error& err) { batch->refused(i, err); }, send_atom_v,
      messages[i].get<0>(), messages[i].get<1>());
}

}  // namespace

void account_object::SendMessages(sdbus::Result<std::vector<std::string>>&& result,
                                  std::vector<sdbus::Struct<std::string, std::string>> messages) {
  if (refused(result, check_batch(user_, messages)))
    return;
  send_batch(bridge_, user_, std::move(result), messages);
}

void account_object::EnableBatchedSignals(sdbus::Result<>&& result) {
  auto client = getObject().getCurrentlyProcessedMessage()->getSender();
  if (!refused(result, remember_client(client)))
    result.returnResults();
}

std::string account_object::remember_client(const std::string& client) {
  if (client.empty())
    return "batched signals go to a connection of the bus; this one has no name";
  if (!batched_clients_.count(client)) {
    batched_clients_.emplace(client, bridge_.watch_departure(client, user_));
    bridge_.batched_clients(+1);
  }
  return {};
}

void account_object::DisableBatchedSignals(sdbus::Result<>&& result) {
  forget_client(getObject().getCurrentlyProcessedMessage()->getSender());
  result.returnResults();
}

bool account_object::forget_client(const std::string& client) {
  if (!batched_clients_.erase(client))
    return false;
  bridge_.batched_clients(-1);
  return true;
}

void account_object::GetHistory(sdbus::Result<message_list>&& result, std::string peer,
                                int64_t before, uint32_t limit) {
  if (refused(result, check_peer(peer)) || refused(result, check_limit(limit, 1000)))
    return;
  bridge_.forward_account(user_, std::move(result), to_dbus, history_atom_v, peer, before, limit);
}

void account_object::ListPendingMessages(sdbus::Result<message_list>&& result) {
  bridge_.forward_account(user_, std::move(result), to_dbus, pendmsgs_atom_v);
}

void account_object::AcknowledgeMessages(sdbus::Result<>&& result, std::vector<std::string> ids) {
  if (refused(result, check_message_ids(ids)))
    return;
  bridge_.forward_account(user_, std::move(result), ok, ackmsgs_atom_v, ids);
}

void account_object::GetFingerprint(sdbus::Result<std::string>&& result, std::string user) {
  if (refused(result, check_username(user)))
    return;
  bridge_.forward_account(user_, std::move(result), as_is<std::string>, fprint_atom_v, user);
}

void account_object::VerifyContact(sdbus::Result<>&& result, std::string user,
                                   std::string fingerprint) {
  if (refused(result, check_username(user)) || refused(result, check_fingerprint(fingerprint)))
    return;
  bridge_.forward_account(user_, std::move(result), ok, verify_atom_v, user, fingerprint);
}

void account_object::ResetSession(sdbus::Result<>&& result, std::string peer) {
  if (refused(result, check_username(peer)))
    return;
  bridge_.forward_account(user_, std::move(result), ok, resetsess_atom_v, peer);
}

void account_object::MarkRead(sdbus::Result<>&& result, std::string peer) {
  if (refused(result, check_peer(peer)))
    return;
  bridge_.forward_account(user_, std::move(result), ok, markread_atom_v, peer);
}

void account_object::SetPresence(sdbus::Result<>&& result, std::string status,
                                 std::string message) {
  // The account's status event, sent before its reply, updates Presence.
  if (refused(result, check_presence(status, message)))
    return;
  bridge_.forward_account(user_, std::move(result), ok, presence_atom_v, status, message);
}

void account_object::SearchDirectory(sdbus::Result<user_list>&& result, std::string query,
                                     uint32_t limit) {
  if (refused(result, check_search(query, limit)))
    return;
  bridge_.forward_account(user_, std::move(result), to_dbus_users, search_atom_v, query, limit);
}

void account_object::AddContact(sdbus::Result<>&& result, std::string user) {
  if (refused(result, check_username(user)))
    return;
  bridge_.forward_account(user_, std::move(result), ok, addcont_atom_v, user);
}

// The consent methods differ only in the action they name (core/consent).
void account_object::change_consent(sdbus::Result<>&& result, const std::string& user,
                                    const char* action, const std::string& message) {
  if (refused(result, check_username(user)) || refused(result, check_request_message(message)))
    return;
  bridge_.forward_account(user_, std::move(result), ok, consent_atom_v, user, std::string(action),
                          message);
}

void account_object::RequestContact(sdbus::Result<>&& result, std::string user,
                                    std::string message) {
  change_consent(std::move(result), user, "request", message);
}

void account_object::AcceptContact(sdbus::Result<>&& result, std::string user) {
  change_consent(std::move(result), user, "accept");
}

void account_object::DeclineContact(sdbus::Result<>&& result, std::string user) {
  change_consent(std::move(result), user, "decline");
}

void account_object::BlockUser(sdbus::Result<>&& result, std::string user) {
  change_consent(std::move(result), user, "block");
}

void account_object::UnblockUser(sdbus::Result<>&& result, std::string user) {
  change_consent(std::move(result), user, "unblock");
}

void account_object::ListBlocked(sdbus::Result<std::vector<std::string>>&& result) {
  bridge_.forward_account(user_, std::move(result), as_is<std::vector<std::string>>,
                          blocked_atom_v);
}

void account_object::RemoveContact(sdbus::Result<>&& result, std::string user) {
  if (refused(result, check_username(user)))
    return;
  bridge_.forward_account(user_, std::move(result), ok, rmcont_atom_v, user);
}

void account_object::ListContacts(sdbus::Result<contact_list>&& result) {
  bridge_.forward_account(user_, std::move(result), to_dbus_contacts, contacts_atom_v);
}

void account_object::CreateRoom(sdbus::Result<>&& result, std::string name,
                                std::vector<std::string> members) {
  auto room = room_name(name);
  if (refused(result, check_room_name(room)) || refused(result, check_room_members(members)))
    return;
  bridge_.forward_account(user_, std::move(result), no_results<room_info>, roomnew_atom_v, room,
                          members);
}

void account_object::InviteToRoom(sdbus::Result<>&& result, std::string room, std::string user) {
  auto name = room_name(room);
  if (refused(result, check_room_name(name)) || refused(result, check_username(user)))
    return;
  bridge_.forward_account(user_, std::move(result), no_results<room_info>, roominv_atom_v, name,
                          user);
}

void account_object::LeaveRoom(sdbus::Result<>&& result, std::string room) {
  auto name = room_name(room);
  if (refused(result, check_room_name(name)))
    return;
  bridge_.forward_account(user_, std::move(result), ok, roomleave_atom_v, name);
}

void account_object::ListRooms(sdbus::Result<room_list>&& result) {
  bridge_.forward_account(user_, std::move(result), to_dbus_rooms, rooms_atom_v);
}

std::string account_object::Fingerprint() {
  return status_.fingerprint;
}

std::string account_object::Suite() {
  return status_.suite;
}

void account_object::reauthenticated(int64_t timestamp_ms) {
  status_.last_reauthentication_ms = timestamp_ms;
  emitReauthenticated(timestamp_ms);
  emitPropertiesChangedSignal(Account_adaptor::INTERFACE_NAME, {"LastReauthentication"});
}

void account_object::revoked(const std::string& reason) {
  emitSessionRevoked(reason);
}

void account_object::Logout(sdbus::Result<>&& result) {
  // The account's status event, sent before its reply, updates
  // Authenticated: a caller reading it after Logout sees the new value.
  bridge_.forward(bridge_.manager(), std::move(result), ok, logout_atom_v, user_);
}

std::string account_object::Username() {
  return user_;
}

std::string account_object::DisplayName() {
  return status_.display_name;
}

std::string account_object::Presence() {
  return status_.presence;
}

std::string account_object::State() {
  return health_;
}

std::map<std::string, uint64_t> account_object::Stats() {
  return {{"dropped_envelopes", dropped_}};
}

bool account_object::Authenticated() {
  return status_.authenticated;
}

int64_t account_object::LastReauthentication() {
  return status_.last_reauthentication_ms;
}

}  // namespace chatter::dbus
